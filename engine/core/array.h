// Array: an immutable, reference-counted, contiguous row-major host buffer
// with its aval. Copies share the buffer.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "engine/core/error.h"
#include "engine/core/shape.h"

namespace jxr {

class Buffer {
 public:
  explicit Buffer(size_t nbytes);
  ~Buffer();
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;
  void* data() { return data_; }
  const void* data() const { return data_; }
  size_t nbytes() const { return nbytes_; }

 private:
  friend class Array;
  void* data_;
  size_t nbytes_;
  // Set only by Array::python_float (see there).
  double python_float_ = 0;
  bool has_python_float_ = false;
};

class Array {
 public:
  Array() = default;

  // A fresh buffer for `aval`; only its creator writes to it, before sharing.
  static Array allocate(ShapedArray aval);
  static Array zeros(ShapedArray aval);
  template <class T>
  static Array from_vector(const std::vector<T>& v, Shape shape, bool weak = false) {
    if (static_cast<int64_t>(v.size()) != shape_size(shape))
      throw_value_error("Array::from_vector: " + std::to_string(v.size()) +
                        " elements for shape " + shape_str(shape));
    Array a = allocate({std::move(shape), dtype_of<T>(), weak});
    T* p = a.mutable_data<T>();
    for (size_t i = 0; i < v.size(); ++i) p[i] = v[i];
    return a;
  }
  // A scalar of `dtype` holding `v` converted as numpy's astype would.
  static Array scalar(double v, DType dtype, bool weak = false);
  // A weak-typed scalar of the default float dtype made from a Python float
  // handed to a call (jit, custom_jvp) as an argument. It remembers the
  // double, because JAX prints such an operand with the Python value
  // (`1e-05:f32[]`), where a converted constant prints rounded to float32.
  static Array python_float(double v);
  std::optional<double> python_float_value() const;
  static Array full(Shape shape, double v, DType dtype, bool weak = false);

  bool defined() const { return buf_ != nullptr; }
  const ShapedArray& aval() const { return aval_; }
  const Shape& shape() const { return aval_.shape; }
  DType dtype() const { return aval_.dtype; }
  bool weak_type() const { return aval_.weak_type; }
  int ndim() const { return aval_.ndim(); }
  int64_t size() const { return aval_.size(); }
  size_t nbytes() const { return static_cast<size_t>(size()) * dtype_size(dtype()); }

  const void* raw() const { return buf_->data(); }
  template <class T>
  const T* data() const { return static_cast<const T*>(buf_->data()); }
  template <class T>
  T* mutable_data() { return static_cast<T*>(buf_->data()); }
  void* mutable_raw() { return buf_->data(); }

  // Element `i` (row-major) as a double; for printing and tests.
  double item(int64_t i = 0) const;
  // All elements converted to double, row-major.
  std::vector<double> to_doubles() const;
  // Same buffer, another aval of the same size and dtype (reshape, weak flag).
  Array view(ShapedArray aval) const;
  // Element-by-element copy converted to `dtype`.
  Array astype(DType dtype, bool weak = false) const;
  // Buffers equal bit for bit with equal avals (NaNs compare by bits).
  bool bitwise_equal(const Array& o) const;
  // numpy-like text: "[1. 2. 3.]"; scalars as "1.0".
  std::string str() const;

 private:
  std::shared_ptr<Buffer> buf_;
  ShapedArray aval_;
};

}  // namespace jxr
