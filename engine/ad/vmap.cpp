// Batching: the vmap trace.
#include "engine/ad/ad.h"
#include "engine/ad/rules.h"
#include "engine/core/error.h"

namespace jxr {

namespace {

ShapedArray unbatched_aval(const ShapedArray& a, int bdim) {
  ShapedArray r = a;
  r.shape.erase(r.shape.begin() + bdim);
  return r;
}

class BatchTracer final : public Tracer {
 public:
  BatchTracer(std::shared_ptr<TraceTag> tag, Value val, int bdim)
      : Tracer(std::move(tag), unbatched_aval(val.aval(), bdim)), val_(std::move(val)), bdim_(bdim) {}
  const Value& val() const { return val_; }
  int bdim() const { return bdim_; }

 private:
  Value val_;
  int bdim_;
};

class BatchTrace final : public Trace {
 public:
  BatchTrace(Trace* parent, int64_t axis_size) : Trace(parent), axis_size_(axis_size) {}
  std::string_view kind() const override { return "vmap"; }

  std::pair<Value, int> split(const Value& v) const {
    if (owns(v)) {
      auto* t = static_cast<const BatchTracer*>(v.tracer());
      return {t->val(), t->bdim()};
    }
    return {v, kNotMapped};
  }

  Value wrap(Value v, int bdim) {
    if (bdim == kNotMapped) return v;
    if (bdim < 0 || bdim >= v.ndim() || v.shape()[bdim] != axis_size_)
      throw Error(ErrorKind::Runtime, "vmap: a batching rule returned batch dim " + std::to_string(bdim) +
                                          " for a value of type " + v.aval().str_short() + " (batch size " +
                                          std::to_string(axis_size_) + ")");
    return Value(std::make_shared<BatchTracer>(tag(), std::move(v), bdim));
  }

  std::vector<Value> process_primitive(const Primitive& prim, std::span<const Value> args,
                                       const Params& params) override {
    std::vector<Value> vals;
    std::vector<int> dims;
    bool any_mapped = false;
    for (const Value& a : args) {
      auto [v, d] = split(a);
      any_mapped = any_mapped || d != kNotMapped;
      vals.push_back(std::move(v));
      dims.push_back(d);
    }
    TraceScope scope(parent());
    if (!any_mapped) return jxr::bind(prim, vals, params);
    if (!prim.batch) ad::throw_missing_rule(prim, "vmap");
    BatchResult r = prim.batch(vals, dims, params, axis_size_);
    std::vector<Value> outs;
    for (size_t i = 0; i < r.outs.size(); ++i) outs.push_back(wrap(std::move(r.outs[i]), r.dims[i]));
    return outs;
  }

 private:
  int64_t axis_size_;
};

}  // namespace

BatchResult batch_flat(const FlatFn& f, std::span<const Value> args, std::span<const int> in_dims,
                       int64_t axis_size) {
  BatchTrace trace(current_trace(), axis_size);
  std::vector<Value> wrapped;
  for (size_t i = 0; i < args.size(); ++i) wrapped.push_back(trace.wrap(args[i], in_dims[i]));
  std::vector<Value> outs;
  {
    TraceScope scope(&trace);
    outs = f(wrapped);
  }
  BatchResult r;
  for (const Value& o : outs) {
    auto [v, d] = trace.split(o);
    r.outs.push_back(std::move(v));
    r.dims.push_back(d);
  }
  return r;
}

std::vector<Value> vmap_flat(const FlatFn& f, std::span<const Value> args, std::span<const int> in_dims,
                             std::span<const int> out_dims, int64_t axis_size) {
  BatchResult r = batch_flat(f, args, in_dims, axis_size);
  std::vector<Value> outs;
  for (size_t i = 0; i < r.outs.size(); ++i) {
    int dst = out_dims[i];
    if (dst != kNotMapped && dst < 0) dst += r.outs[i].ndim() + (r.dims[i] == kNotMapped ? 1 : 0);
    if (dst == kNotMapped && r.dims[i] != kNotMapped)
      throw_value_error("vmap has mapped output but out_axes is None");
    outs.push_back(ad::matchaxis(r.outs[i], r.dims[i], dst, axis_size));
  }
  return outs;
}

}  // namespace jxr
