// Value: what user code handles, either a concrete Array or a Tracer owned by
// a transformation in progress.
#pragma once

#include <memory>

#include "engine/core/array.h"

namespace jxr {

class Trace;

// Identity of a trace that outlives it: a tracer that escapes its
// transformation finds `trace == nullptr` instead of a dangling pointer.
struct TraceTag {
  Trace* trace = nullptr;
};

class Tracer {
 public:
  Tracer(std::shared_ptr<TraceTag> tag, ShapedArray aval) : tag_(std::move(tag)), aval_(std::move(aval)) {}
  virtual ~Tracer() = default;
  Tracer(const Tracer&) = delete;
  Tracer& operator=(const Tracer&) = delete;

  // The owning trace, or nullptr once that transformation has finished.
  Trace* trace() const { return tag_->trace; }
  const ShapedArray& aval() const { return aval_; }

 private:
  std::shared_ptr<TraceTag> tag_;
  ShapedArray aval_;
};

using TracerPtr = std::shared_ptr<Tracer>;

class Value {
 public:
  Value() = default;
  Value(Array a) : array_(std::move(a)) {}  // NOLINT: implicit by design
  Value(TracerPtr t) : tracer_(std::move(t)) {}  // NOLINT

  bool defined() const { return tracer_ || array_.defined(); }
  bool is_tracer() const { return tracer_ != nullptr; }
  const ShapedArray& aval() const { return tracer_ ? tracer_->aval() : array_.aval(); }
  const Shape& shape() const { return aval().shape; }
  DType dtype() const { return aval().dtype; }
  int ndim() const { return aval().ndim(); }
  int64_t size() const { return aval().size(); }
  bool weak_type() const { return aval().weak_type; }

  // The concrete array; a tracer raises JAX's ConcretizationTypeError.
  const Array& array() const;
  Tracer* tracer() const { return tracer_.get(); }
  const TracerPtr& tracer_ptr() const { return tracer_; }

 private:
  Array array_;
  TracerPtr tracer_;
};

}  // namespace jxr
