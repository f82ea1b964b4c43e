// Trace context, bind and the eval trace.
#include "engine/core/trace.h"

namespace jxr {

namespace {
thread_local Trace* t_current = nullptr;
thread_local SourceInfo t_source;
}  // namespace

const SourceInfo& current_source_info() { return t_source; }

SourceScope::SourceScope(SourceInfo info) : saved_(std::move(t_source)) { t_source = std::move(info); }
SourceScope::~SourceScope() { t_source = std::move(saved_); }

Trace::Trace(Trace* parent) : parent_(parent), tag_(std::make_shared<TraceTag>()) { tag_->trace = this; }
Trace::~Trace() { tag_->trace = nullptr; }

EvalTrace* eval_trace() {
  // One per thread, so that threads (pmap's host devices) never share state.
  thread_local EvalTrace t;
  return &t;
}

Trace* current_trace() { return t_current ? t_current : eval_trace(); }

TraceScope::TraceScope(Trace* t) : saved_(t_current) { t_current = t; }
TraceScope::~TraceScope() { t_current = saved_; }

std::vector<Value> bind(const Primitive& prim, std::span<const Value> args, const Params& params) {
  return current_trace()->process_primitive(prim, args, params);
}

Value bind1(const Primitive& prim, std::span<const Value> args, const Params& params) {
  std::vector<Value> out = jxr::bind(prim, args, params);
  if (out.size() != 1)
    throw Error(ErrorKind::Runtime, prim.name() + " returned " + std::to_string(out.size()) +
                                        " results where one was expected");
  return std::move(out[0]);
}

void throw_unexpected_tracer(const Tracer& t, std::string_view where) {
  std::string msg = "Encountered an unexpected tracer. A function transformed by JAX had a side effect, "
                    "allowing for a reference to an intermediate value with type " +
                    t.aval().str_short() + " to escape the scope of the transformation";
  if (!where.empty()) msg += " (seen in " + std::string(where) + ")";
  msg += ". JAX transformations require that functions explicitly return their outputs, and disallow "
         "saving intermediate values to global state.";
  throw Error(ErrorKind::UnexpectedTracer, msg);
}

std::vector<Array> apply_primitive(const Primitive& prim, std::span<const Array> args, const Params& params) {
  std::vector<ShapedArray> in;
  in.reserve(args.size());
  for (size_t i = 0; i < args.size(); ++i) {
    // An undefined array (a symbolic zero or an unknown linear input that a
    // transformation let through) has no data: a kernel would read nothing.
    if (!args[i].defined())
      throw Error(ErrorKind::Runtime, "primitive " + prim.name() + " was given no value for operand " +
                                          std::to_string(i) + " (a transformation passed an undefined array)");
    in.push_back(args[i].aval());
  }
  std::vector<ShapedArray> out = prim.eval_shapes(in, params);
  if (!prim.impl)
    throw Error(ErrorKind::NotImplemented, "primitive " + prim.name() + " has no eager implementation");
  return prim.impl(args, params, out);
}

std::vector<Value> EvalTrace::process_primitive(const Primitive& prim, std::span<const Value> args,
                                                const Params& params) {
  std::vector<Array> arrays;
  arrays.reserve(args.size());
  for (const Value& v : args) {
    if (v.is_tracer()) throw_unexpected_tracer(*v.tracer(), prim.name());
    arrays.push_back(v.array());
  }
  std::vector<Array> out = apply_primitive(prim, arrays, params);
  return std::vector<Value>(std::make_move_iterator(out.begin()), std::make_move_iterator(out.end()));
}

const Array& Value::array() const {
  if (tracer_)
    throw Error(ErrorKind::Type,
                "Abstract tracer value encountered where concrete value is expected: " + tracer_->aval().str() +
                    ". The problem arose with a value that depends on a traced input; use a static argument "
                    "or a lax control-flow primitive instead (ConcretizationTypeError).");
  return array_;
}

}  // namespace jxr
