// Helpers shared by the engine test suites.
#pragma once

#include <QtTest>

#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "engine/core/array.h"
#include "engine/core/value.h"
#include "engine/jaxpr/parse.h"
#include "engine/jaxpr/print.h"
#include "engine/lax.h"

namespace jxr::test {

// An array of `dtype` from doubles (converted as numpy's astype).
inline Array arr(const std::vector<double>& v, Shape shape, DType dtype = DType::F32) {
  return Array::from_vector<double>(v, std::move(shape)).astype(dtype);
}
inline Array arr(const std::vector<double>& v, DType dtype = DType::F32) {
  return arr(v, Shape{static_cast<int64_t>(v.size())}, dtype);
}
inline Array scalar(double v, DType dtype = DType::F32) { return Array::scalar(v, dtype); }

// Compares shape, dtype and every element (NaN equals NaN; infinities
// exactly; others within atol + rtol*|want|). Returns "" when equal, else a
// message naming the first differing element.
inline std::string compare_arrays(const Array& got, const Array& want, double rtol = 0, double atol = 0) {
  if (got.shape() != want.shape())
    return "shape " + shape_str(got.shape()) + " != " + shape_str(want.shape());
  if (got.dtype() != want.dtype())
    return "dtype " + std::string(dtype_name(got.dtype())) + " != " + std::string(dtype_name(want.dtype()));
  for (int64_t i = 0; i < got.size(); ++i) {
    double g = got.item(i), w = want.item(i);
    if (std::isnan(w) && std::isnan(g)) continue;
    if (std::isinf(w) || std::isinf(g)) {
      if (g == w) continue;
    } else if (std::fabs(g - w) <= atol + rtol * std::fabs(w)) {
      continue;
    }
    return "element " + std::to_string(i) + ": got " + std::to_string(g) + ", want " + std::to_string(w);
  }
  return "";
}

// A text file's contents ("" when it cannot be read).
inline std::string read_file(const QString& path) {
  QFile f(path);
  if (!f.open(QIODevice::ReadOnly)) return {};
  return f.readAll().toStdString();
}

// The message of the jxr::Error that f throws, or "" when it throws none.
// `got` prints exactly the golden text at `path` (what JAX printed), and
// that text parses back to a jaxpr that prints it again.
inline void expect_golden_text(const ClosedJaxpr& got, const QString& path) {
  const std::string want = read_file(path);
  QVERIFY2(!want.empty(), qPrintable("missing golden file " + path));
  QCOMPARE(QString::fromStdString(print_closed_jaxpr(got) + "\n"), QString::fromStdString(want));
  QCOMPARE(QString::fromStdString(print_closed_jaxpr(parse_jaxpr(want)) + "\n"), QString::fromStdString(want));
}

inline std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

// References for vmap: example i of a batched value (the slice at i along
// `axis`, that axis dropped), and per-example results stacked along `axis`.
inline Value take(const Value& x, int axis, int64_t i) {
  std::vector<int64_t> start(x.ndim(), 0), limit(x.shape().begin(), x.shape().end());
  start[axis] = i;
  limit[axis] = i + 1;
  return lax::squeeze(lax::slice(x, start, limit), {axis});
}

inline Array stack_along(const std::vector<Array>& xs, int axis) {
  std::vector<Value> ex;
  for (const Array& x : xs) ex.push_back(lax::expand_dims(x, {axis}));
  return lax::concatenate(ex, axis).array();
}

}  // namespace jxr::test

#define JXR_COMPARE_ARRAYS(got, want, rtol, atol)                                       \
  do {                                                                                  \
    std::string jxr_msg_ = ::jxr::test::compare_arrays((got), (want), (rtol), (atol));  \
    if (!jxr_msg_.empty()) QFAIL(jxr_msg_.c_str());                                     \
  } while (0)
