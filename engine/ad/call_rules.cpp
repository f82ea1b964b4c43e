// Rules shared by the call primitives (jit, remat2): each transforms the
// sub-jaxpr and binds the same primitive again with the new body.
#include <mutex>

#include "engine/ad/ad.h"
#include "engine/ad/rules.h"

namespace jxr {

namespace {

FlatFn eval_fn(const ClosedJaxpr& cj) {
  return [&cj](std::span<const Value> args) { return eval_closed_jaxpr(cj, args); };
}

const ClosedJaxprPtr& body_ptr(const Params& params) { return params.get("jaxpr").as_jaxpr(); }

std::string mask(const std::vector<bool>& m) {
  std::string s;
  for (bool b : m) s += b ? '1' : '0';
  return s;
}

struct BodyAndFlags {
  ClosedJaxprPtr body;
  std::vector<bool> flags;
};
struct BodyAndDims {
  ClosedJaxprPtr body;
  std::vector<int> dims;
};

// Per (body, what), while the body lives.
std::shared_ptr<const void> memoize_body_transform(const ClosedJaxprPtr& body, const std::string& what,
                                                   const std::function<std::shared_ptr<const void>()>& make) {
  struct Entry {
    std::weak_ptr<const ClosedJaxpr> body;
    const ClosedJaxpr* raw;
    std::string what;
    std::shared_ptr<const void> value;
  };
  static std::mutex mu;
  static std::vector<Entry> entries;
  {
    std::lock_guard<std::mutex> lock(mu);
    std::erase_if(entries, [](const Entry& e) { return e.body.expired(); });
    for (const Entry& e : entries)
      if (e.raw == body.get() && e.what == what) return e.value;
  }
  // Made outside the lock: making it traces, which may transform nested calls.
  std::shared_ptr<const void> value = make();
  std::lock_guard<std::mutex> lock(mu);
  entries.push_back({body, body.get(), what, value});
  return value;
}

}  // namespace


std::shared_ptr<const LinearizedJaxpr> linearize_call_body(const ClosedJaxprPtr& body,
                                                           const std::vector<bool>& nonzeros) {
  return std::static_pointer_cast<const LinearizedJaxpr>(memoize_body_transform(body, "linearize" + mask(nonzeros), [&] {
    return std::shared_ptr<const void>(std::make_shared<const LinearizedJaxpr>(linearize_jaxpr(*body, nonzeros)));
  }));
}

JvpResult call_jvp(std::span<const Value> primals, std::span<const Value> tangents, const Params& params,
                   const CallRebind& rebind) {
  const ClosedJaxprPtr& cjp = body_ptr(params);
  std::vector<bool> nz;
  std::vector<Value> args(primals.begin(), primals.end());
  for (const Value& t : tangents) {
    nz.push_back(!ad::is_zero(t));
    if (nz.back()) args.push_back(t);
  }
  auto made = std::static_pointer_cast<const BodyAndFlags>(memoize_body_transform(cjp, "jvp" + mask(nz), [&] {
    const ClosedJaxpr& cj = *cjp;
    std::vector<ShapedArray> avals = cj.in_avals();
    for (size_t i = 0; i < nz.size(); ++i)
      if (nz[i]) avals.push_back(ad::tangent_aval(avals[i]));
    size_t n = primals.size();
    auto out = std::make_shared<BodyAndFlags>();
    out->body = std::make_shared<const ClosedJaxpr>(trace_to_jaxpr(
        [&](std::span<const Value> xs) {
          std::vector<Value> ts(n);
          size_t k = n;
          for (size_t i = 0; i < n; ++i)
            if (nz[i]) ts[i] = xs[k++];
          JvpResult r = jvp_flat(eval_fn(cj), xs.subspan(0, n), ts);
          std::vector<Value> outs = r.primals;
          for (const Value& t : r.tangents) {
            out->flags.push_back(!ad::is_zero(t));
            if (out->flags.back()) outs.push_back(t);
          }
          return outs;
        },
        avals));
    return std::shared_ptr<const void>(out);
  }));
  std::vector<Value> outs = rebind(made->body, args);
  size_t m = made->flags.size();
  JvpResult r;
  r.primals.assign(outs.begin(), outs.begin() + m);
  size_t k = m;
  for (size_t i = 0; i < m; ++i) r.tangents.push_back(made->flags[i] ? outs[k++] : Value());
  return r;
}

std::vector<Value> call_transpose(std::span<const Value> cts, std::span<const Value> args,
                                  std::span<const ShapedArray> in_avals, const Params& params,
                                  const CallRebind& rebind) {
  const ClosedJaxprPtr& cjp = body_ptr(params);
  std::vector<bool> linear, ct_nz;
  std::vector<Value> call_args;
  for (const Value& a : args) {
    linear.push_back(ad::is_zero(a));
    if (!linear.back()) call_args.push_back(a);
  }
  for (const Value& c : cts) {
    ct_nz.push_back(!ad::is_zero(c));
    if (ct_nz.back()) call_args.push_back(c);
  }
  std::vector<ShapedArray> avals;
  for (const Value& a : call_args) avals.push_back(a.aval());
  auto made = memoize_body_transform(cjp, "transpose" + mask(linear) + "/" + mask(ct_nz), [&] {
    const ClosedJaxpr& cj = *cjp;
    return std::shared_ptr<const void>(std::make_shared<const ClosedJaxpr>(trace_to_jaxpr(
        [&](std::span<const Value> xs) {
          std::vector<Value> full(args.size()), ct(cts.size());
          size_t k = 0;
          for (size_t i = 0; i < args.size(); ++i)
            if (!linear[i]) full[i] = xs[k++];
          for (size_t j = 0; j < cts.size(); ++j)
            if (ct_nz[j]) ct[j] = xs[k++];
          std::vector<Value> res = backward_pass(*cj.jaxpr, cj.consts, full, linear, ct);
          std::vector<Value> outs;
          for (size_t i = 0; i < args.size(); ++i)
            if (linear[i]) outs.push_back(ad::instantiate_zeros(res[i], in_avals[i]));
          return outs;
        },
        avals)));
  });
  std::vector<Value> outs = rebind(std::static_pointer_cast<const ClosedJaxpr>(made), call_args);
  std::vector<Value> result(args.size());
  size_t k = 0;
  for (size_t i = 0; i < args.size(); ++i)
    if (linear[i]) result[i] = outs[k++];
  return result;
}

BatchResult call_batch(std::span<const Value> args, std::span<const int> dims, const Params& params,
                       int64_t axis_size, const CallRebind& rebind) {
  const ClosedJaxprPtr& cjp = body_ptr(params);
  std::string key = "batch" + std::to_string(axis_size);
  for (int d : dims) key += "," + std::to_string(d);
  auto made = std::static_pointer_cast<const BodyAndDims>(memoize_body_transform(cjp, key, [&] {
    std::vector<ShapedArray> avals;
    for (const Value& a : args) avals.push_back(a.aval());
    auto out = std::make_shared<BodyAndDims>();
    out->body = std::make_shared<const ClosedJaxpr>(trace_to_jaxpr(
        [&](std::span<const Value> xs) {
          BatchResult r = batch_flat(eval_fn(*cjp), xs, dims, axis_size);
          out->dims = r.dims;
          return r.outs;
        },
        avals));
    return std::shared_ptr<const void>(out);
  }));
  return BatchResult{rebind(made->body, args), made->dims};
}

}  // namespace jxr
