// Host buffers and Array helpers.
#include "engine/core/array.h"

#include <charconv>
#include <cstdlib>
#include <cstring>

#include "engine/core/format.h"

namespace jxr {

Buffer::Buffer(size_t nbytes) : nbytes_(nbytes) {
  // 64-byte alignment suits vector loads in kernels and the JIT.
  size_t rounded = (nbytes + 63) & ~size_t(63);
  data_ = std::aligned_alloc(64, rounded ? rounded : 64);
  if (!data_) throw std::bad_alloc();
}

Buffer::~Buffer() { std::free(data_); }

Array Array::allocate(ShapedArray aval) {
  for (int64_t d : aval.shape)
    if (d < 0) throw_value_error("negative dimension in shape " + shape_str(aval.shape));
  Array a;
  a.buf_ = std::make_shared<Buffer>(static_cast<size_t>(aval.size()) * dtype_size(aval.dtype));
  a.aval_ = std::move(aval);
  return a;
}

Array Array::zeros(ShapedArray aval) {
  Array a = allocate(std::move(aval));
  std::memset(a.mutable_raw(), 0, a.nbytes());
  return a;
}

Array Array::full(Shape shape, double v, DType dtype, bool weak) {
  Array a = allocate({std::move(shape), dtype, weak});
  dispatch_dtype(dtype, [&](auto t) {
    using T = decltype(t);
    T x = convert_scalar<T>(v);
    T* p = a.mutable_data<T>();
    for (int64_t i = 0, n = a.size(); i < n; ++i) p[i] = x;
  });
  return a;
}

Array Array::scalar(double v, DType dtype, bool weak) { return full({}, v, dtype, weak); }

Array Array::python_float(double v) {
  Array a = scalar(v, default_float_dtype(), true);
  a.buf_->python_float_ = v;
  a.buf_->has_python_float_ = true;
  return a;
}

std::optional<double> Array::python_float_value() const {
  if (!buf_ || !buf_->has_python_float_) return std::nullopt;
  return buf_->python_float_;
}

double Array::item(int64_t i) const {
  return dispatch_dtype(dtype(), [&](auto t) -> double {
    using T = decltype(t);
    return convert_scalar<double>(data<T>()[i]);
  });
}

std::vector<double> Array::to_doubles() const {
  std::vector<double> out(static_cast<size_t>(size()));
  for (int64_t i = 0; i < size(); ++i) out[i] = item(i);
  return out;
}

Array Array::view(ShapedArray aval) const {
  if (aval.size() != size() || aval.dtype != dtype())
    throw_value_error("Array::view: " + aval.str() + " does not match " + aval_.str());
  Array a = *this;
  a.aval_ = std::move(aval);
  return a;
}

Array Array::astype(DType to, bool weak) const {
  Array out = allocate({shape(), to, weak});
  dispatch_dtype(dtype(), [&](auto s) {
    using S = decltype(s);
    dispatch_dtype(to, [&](auto d) {
      using D = decltype(d);
      const S* src = data<S>();
      D* dst = out.mutable_data<D>();
      for (int64_t i = 0, n = size(); i < n; ++i) dst[i] = convert_scalar<D>(src[i]);
    });
  });
  return out;
}

bool Array::bitwise_equal(const Array& o) const {
  return aval_.same_type(o.aval_) && std::memcmp(raw(), o.raw(), nbytes()) == 0;
}

static std::string elem_str(const Array& a, int64_t i) {
  if (a.dtype() == DType::Bool) return a.item(i) != 0 ? "True" : "False";
  if (is_integer(a.dtype())) {
    if (a.dtype() == DType::U32) return std::to_string(static_cast<uint64_t>(a.item(i)));
    return std::to_string(static_cast<int64_t>(a.item(i)));
  }
  double v = a.item(i);
  if (a.dtype() != DType::F64) {
    // Shortest digits of the narrow type, as numpy prints float32.
    float f = static_cast<float>(v);
    char buf[48];
    auto r = std::to_chars(buf, buf + sizeof buf, f);
    std::string s(buf, r.ptr);
    double back = std::strtod(s.c_str(), nullptr);
    return py_float_repr(back);
  }
  return py_float_repr(v);
}

std::string Array::str() const {
  if (ndim() == 0) return elem_str(*this, 0);
  std::string out;
  std::vector<int64_t> strides = row_major_strides(shape());
  // Recursive nesting by dimension, numpy-like brackets with spaces.
  auto rec = [&](auto&& self, int dim, int64_t offset) -> void {
    out += '[';
    for (int64_t i = 0; i < shape()[dim]; ++i) {
      if (i) out += ' ';
      if (dim + 1 == ndim())
        out += elem_str(*this, offset + i);
      else
        self(self, dim + 1, offset + i * strides[dim]);
    }
    out += ']';
  };
  rec(rec, 0, 0);
  return out;
}

}  // namespace jxr
