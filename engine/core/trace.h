// The stackless trace design of current JAX: a thread-local current trace,
// `bind` hands every primitive application to it. A transforming trace owns
// the tracers that carry its tag; every other value is a constant to it. It
// runs its rules with the current trace set to its parent, so nested
// transformations compose without levels and without perturbation confusion.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "engine/core/primitive.h"
#include "engine/core/value.h"

namespace jxr {

// Where an equation came from: set by frontends (the Python frame, a line of
// jaxpr text) through SourceScope, recorded on every staged equation.
struct SourceInfo {
  std::string file;
  int line = 0;
  std::string function;
  bool empty() const { return file.empty() && line == 0; }
  bool operator==(const SourceInfo&) const = default;
};

const SourceInfo& current_source_info();

class SourceScope {
 public:
  explicit SourceScope(SourceInfo info);
  ~SourceScope();
  SourceScope(const SourceScope&) = delete;
  SourceScope& operator=(const SourceScope&) = delete;

 private:
  SourceInfo saved_;
};

class Trace {
 public:
  // `parent` is the trace that was current when this one started.
  explicit Trace(Trace* parent);
  virtual ~Trace();
  Trace(const Trace&) = delete;
  Trace& operator=(const Trace&) = delete;

  virtual std::vector<Value> process_primitive(const Primitive& prim, std::span<const Value> args,
                                               const Params& params) = 0;
  // Short name for messages ("eval", "jvp", "vmap", "make_jaxpr").
  virtual std::string_view kind() const = 0;

  Trace* parent() const { return parent_; }
  const std::shared_ptr<TraceTag>& tag() const { return tag_; }
  bool owns(const Value& v) const { return v.is_tracer() && v.tracer()->trace() == this; }

 private:
  Trace* parent_;
  std::shared_ptr<TraceTag> tag_;
};

// The top-level trace: runs eager kernels.
class EvalTrace final : public Trace {
 public:
  EvalTrace() : Trace(nullptr) {}
  std::vector<Value> process_primitive(const Primitive& prim, std::span<const Value> args,
                                       const Params& params) override;
  std::string_view kind() const override { return "eval"; }
};

// The current trace of this thread (the eval trace at top level).
Trace* current_trace();
EvalTrace* eval_trace();

// Makes `t` current for its lifetime; restores the previous trace after.
class TraceScope {
 public:
  explicit TraceScope(Trace* t);
  ~TraceScope();
  TraceScope(const TraceScope&) = delete;
  TraceScope& operator=(const TraceScope&) = delete;

 private:
  Trace* saved_;
};

// Applies a primitive on the current trace.
std::vector<Value> bind(const Primitive& prim, std::span<const Value> args, const Params& params = {});
Value bind1(const Primitive& prim, std::span<const Value> args, const Params& params = {});
inline Value bind1(const Primitive& prim, std::initializer_list<Value> args, const Params& params = {}) {
  return bind1(prim, std::span<const Value>(args.begin(), args.size()), params);
}

// Runs a primitive's eager kernel on arrays (shape rule, then impl).
std::vector<Array> apply_primitive(const Primitive& prim, std::span<const Array> args, const Params& params);

// JAX's UnexpectedTracerError, for a tracer seen outside its transformation.
[[noreturn]] void throw_unexpected_tracer(const Tracer& t, std::string_view where);

}  // namespace jxr
