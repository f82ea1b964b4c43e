// jnp values against numpy (expected values computed with numpy 2 / JAX
// 0.10.2 and embedded), promotion with weak types, and user errors.
#include <QtTest>

#include <cmath>
#include <limits>

#include "engine/numpy/numpy.h"
#include "tests/testutil.h"

using namespace jxr;
using test::arr;

namespace {

std::vector<double> values(const Value& v) { return v.array().to_doubles(); }
Value iota(int64_t n, Shape s, DType d = DType::F32) {
  std::vector<double> v;
  for (int64_t i = 0; i < n; ++i) v.push_back(double(i));
  return arr(v, std::move(s), d);
}
#define CHECK(got, want) JXR_COMPARE_ARRAYS((got).array(), (want), 1e-6, 1e-6)

template <class F>
ErrorKind error_kind(F f, std::string* msg = nullptr) {
  try {
    f();
  } catch (const Error& e) {
    if (msg) *msg = e.what();
    return e.kind();
  }
  return ErrorKind::Runtime;
}

}  // namespace

class TestNumpy : public QObject {
  Q_OBJECT
 private slots:
  void broadcasting();
  void promotion();
  void elementwise();
  void reductions();
  void var_std();
  void indexing_static();
  void indexing_arrays();
  void at_add();
  void creation();
  void shapes();
  void linalg();
  void errors();
};

void TestNumpy::broadcasting() {
  Value x = arr({0, 1, 2}, {3, 1}), y = arr({0, 10, 20, 30});
  Value s = x + y;
  QCOMPARE(s.shape(), (Shape{3, 4}));
  CHECK(s, arr({0, 10, 20, 30, 1, 11, 21, 31, 2, 12, 22, 32}, {3, 4}));
  CHECK(arr({1, 2}, {2, 1}) * arr({1, 2, 3}, {1, 3}), arr({1, 2, 3, 2, 4, 6}, {2, 3}));
  CHECK(jnp::broadcast_to(arr({1, 2}), {2, 2}), arr({1, 2, 1, 2}, {2, 2}));
  QCOMPARE(jnp::broadcast_shapes({{3, 1}, {4}, {}}), (Shape{3, 4}));
}

void TestNumpy::promotion() {
  Value i = arr({1, 2, 3}, DType::I32);
  Value a = i + 1.5;  // numpy: float array; JAX keeps it weak
  QCOMPARE(int(a.dtype()), int(DType::F32));
  QVERIFY(a.weak_type());
  CHECK(a, arr({2.5, 3.5, 4.5}));
  Value b = i + 1;
  QCOMPARE(int(b.dtype()), int(DType::I32));
  QVERIFY(!b.weak_type());
  Value c = i * arr({0.5, 0.5, 0.5});
  QCOMPARE(int(c.dtype()), int(DType::F32));
  QVERIFY(!c.weak_type());
  Value h = arr({1, 2}, DType::F16) * 2.5;  // weak float keeps f16
  QCOMPARE(int(h.dtype()), int(DType::F16));
  Value u = arr({1, 2}, DType::U32) + 1;
  QCOMPARE(int(u.dtype()), int(DType::U32));
  Value bl = arr({1, 0}, DType::Bool) + 1;
  QCOMPARE(int(bl.dtype()), int(DType::I32));
  CHECK(bl, arr({2, 1}, DType::I32));
  // True division of ints is float.
  Value d = i / 2;
  QCOMPARE(int(d.dtype()), int(DType::F32));
  CHECK(d, arr({0.5, 1, 1.5}));
}

void TestNumpy::elementwise() {
  Value n = arr({-7, 7, -6}, DType::I32);
  CHECK(jnp::floor_divide(n, jnp::weak(2)), arr({-4, 3, -3}, DType::I32));
  CHECK(jnp::remainder(n, jnp::weak(3)), arr({2, 1, 0}, DType::I32));
  CHECK(jnp::floor_divide(arr({-7.5, 7.5}), jnp::weak(2.0)), arr({-4, 3}));
  CHECK(jnp::remainder(arr({-7.5, 7.5}), jnp::weak(2.0)), arr({0.5, 1.5}));
  CHECK(jnp::round(arr({0.5, 1.5, 2.5, -0.5})), arr({0, 2, 2, -0.0}));
  CHECK(jnp::power(arr({2, 3}), 3), arr({8, 27}));
  CHECK(jnp::power(arr({4, 9}), jnp::weak(0.5)), arr({2, 3}));
  CHECK(jnp::sqrt(arr({4, 9}, DType::I32)), arr({2, 3}));  // ints promote to float
  CHECK(jnp::abs(arr({-1, 2}, DType::I32)), arr({1, 2}, DType::I32));
  CHECK(jnp::reciprocal(arr({2, 4})), arr({0.5, 0.25}));
  CHECK(jnp::logical_and(arr({1, 0, 2}), arr({1, 1, 0})), arr({1, 0, 0}, DType::Bool));
  CHECK(jnp::logical_not(arr({0, 3}, DType::I32)), arr({1, 0}, DType::Bool));
  CHECK(jnp::clip(arr({-2, 0.5, 3}), jnp::weak(-1.0), jnp::weak(1.0)), arr({-1, 0.5, 1}));
  CHECK(jnp::where(arr({1, 0, 1}, DType::Bool), arr({1, 2, 3}), jnp::weak(0.0)), arr({1, 0, 3}));
  CHECK(jnp::arctan2(arr({1}), arr({1})), arr({M_PI / 4}));
  CHECK(-arr({1, -2}), arr({-1, 2}));
  CHECK(arr({1, 2}) < 2, arr({1, 0}, DType::Bool));
}

void TestNumpy::reductions() {
  Value x = iota(6, {2, 3});
  CHECK(jnp::sum(x, -1, true), arr({3, 12}, {2, 1}));
  CHECK(jnp::sum(x), arr({15}, Shape{}));
  CHECK(jnp::sum(x, {0, 1}), arr({15}, Shape{}));
  CHECK(jnp::mean(x, 0), arr({1.5, 2.5, 3.5}));
  CHECK(jnp::mean(iota(6, {2, 3}, DType::I32)), arr({2.5}, Shape{}));
  CHECK(jnp::max(x, 1), arr({2, 5}));
  CHECK(jnp::min(x, -2, true), arr({0, 1, 2}, {1, 3}));
  CHECK(jnp::prod(arr({1, 2, 3, 4})), arr({24}, Shape{}));
  CHECK(jnp::any(arr({0, 0, 1})), arr({1}, Shape{}, DType::Bool));
  CHECK(jnp::all_of(arr({0, 1, 1, 1}, {2, 2}), 1), arr({0, 1}, DType::Bool));
  CHECK(jnp::argmax(arr({1, 5, 2, 7, 0, 3}, {2, 3}), 1), arr({1, 0}, DType::I32));
  CHECK(jnp::argmin(arr({1, 5, 2, 7, 0, 3}, {2, 3})), arr({4}, Shape{}, DType::I32));
  CHECK(jnp::argmax(arr({1, 5, 2, 7, 0, 3}, {2, 3}), 0, true), arr({1, 0, 1}, {1, 3}, DType::I32));
  CHECK(jnp::cumsum(x, 1), arr({0, 1, 3, 3, 7, 12}, {2, 3}));
  CHECK(jnp::cumsum(x), arr({0, 1, 3, 6, 10, 15}));
  CHECK(jnp::cumprod(arr({1, 2, 3, 4})), arr({1, 2, 6, 24}));
  CHECK(jnp::logsumexp(arr({1, 2, 3, 4, 5, 7}, {2, 3}), 1), arr({3.4076058864593506, 7.169846057891846}));
  // Empty arrays: sums are zero, means nan.
  Value e = jnp::zeros({0, 3});
  CHECK(jnp::sum(e, 0), arr({0, 0, 0}));
  QVERIFY(std::isnan(values(jnp::mean(e))[0]));
}

void TestNumpy::var_std() {
  Value x = arr({1, 2, 3, 4});
  CHECK(jnp::var(x), arr({1.25}, Shape{}));
  CHECK(jnp::var(x, {}, 1), arr({1.6666666666666667}, Shape{}));
  CHECK(jnp::std(x), arr({1.118033988749895}, Shape{}));
  CHECK(jnp::std(arr({1, 2, 3, 5}, {2, 2}), 1, 0, true), arr({0.5, 1}, {2, 1}));
  QVERIFY(std::isnan(values(jnp::var(arr({1}), {}, 1))[0]));  // ddof >= n
}

void TestNumpy::indexing_static() {
  Value v = iota(10, {10});
  CHECK(jnp::index(v, {jnp::slice(8, 2, -2)}), arr({8, 6, 4}));
  CHECK(jnp::index(v, {jnp::slice({}, {}, -3)}), arr({9, 6, 3, 0}));
  CHECK(jnp::index(v, {jnp::slice(-3, std::nullopt)}), arr({7, 8, 9}));
  CHECK(jnp::index(v, {jnp::slice(5, 2)}), arr({}, {0}));
  CHECK(jnp::index(v, {-1}), arr({9}, Shape{}));
  Value x = iota(24, {2, 3, 4});
  CHECK(jnp::index(x, {jnp::ellipsis, 1}), arr({1, 5, 9, 13, 17, 21}, {2, 3}));
  QCOMPARE(jnp::index(x, {jnp::newaxis, 0}).shape(), (Shape{1, 3, 4}));
  QCOMPARE(jnp::index(x, {0, jnp::newaxis, jnp::all, jnp::newaxis}).shape(), (Shape{1, 3, 1, 4}));
  CHECK(jnp::index(x, {1, -1, jnp::slice({}, {}, -1)}), arr({23, 22, 21, 20}));
  // A concrete integer scalar goes through dynamic_slice.
  CHECK(jnp::index(iota(6, {3, 2}), {Value(Array::scalar(-1, DType::I32))}), arr({4, 5}));
}

void TestNumpy::indexing_arrays() {
  Value x = iota(12, {3, 4});
  Value rows = jnp::array({2, -1, 0}, DType::I32);
  CHECK(jnp::index(x, {rows}), arr({8, 9, 10, 11, 8, 9, 10, 11, 0, 1, 2, 3}, {3, 4}));
  CHECK(jnp::index(x, {jnp::all, jnp::array({0, 3}, DType::I32)}), arr({0, 3, 4, 7, 8, 11}, {3, 2}));
  CHECK(jnp::index(x, {jnp::array({0, 2}, DType::I32), jnp::array({1, 3}, DType::I32)}), arr({1, 11}));
  CHECK(jnp::index(x, {jnp::array({0, 2}, DType::I32), jnp::slice(1, 3)}), arr({1, 2, 9, 10}, {2, 2}));
  CHECK(jnp::index(x, {jnp::array({1, 0, 1, 0}, {2, 2}, DType::I32), 0}), arr({4, 0, 4, 0}, {2, 2}));
  Value y = iota(24, {2, 3, 4});
  // Advanced indices separated by a slice put their dims first.
  QCOMPARE(jnp::index(y, {jnp::array({0, 1}, DType::I32), jnp::all, jnp::array({0, 1}, DType::I32)}).shape(),
           (Shape{2, 3}));
}

void TestNumpy::at_add() {
  Value x = jnp::zeros({3, 2});
  CHECK(jnp::at_add(x, {jnp::array({0, 0, 2}, DType::I32)}, jnp::weak(1.0)), arr({2, 2, 0, 0, 1, 1}, {3, 2}));
  CHECK(jnp::at_add(x, {1}, arr({5, 6})), arr({0, 0, 5, 6, 0, 0}, {3, 2}));
  CHECK(jnp::at_add(x, {jnp::all, -1}, arr({1, 2, 3})), arr({0, 1, 0, 2, 0, 3}, {3, 2}));
  CHECK(jnp::at_get(iota(3, {3}), {jnp::array({2, 0}, DType::I32)}), arr({2, 0}));
}

void TestNumpy::creation() {
  CHECK(jnp::linspace(0, 1, 5), arr({0, 0.25, 0.5, 0.75, 1}));
  CHECK(jnp::linspace(0, 1, 5, false), arr({0, 0.2, 0.4, 0.6, 0.8}));
  CHECK(jnp::linspace(2, 3, 1), arr({2}));
  CHECK(jnp::eye(3, 4, 1), arr({0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1}, {3, 4}));
  CHECK(jnp::eye(2, {}, 0, DType::I32), arr({1, 0, 0, 1}, {2, 2}, DType::I32));
  CHECK(jnp::arange(int64_t{4}), arr({0, 1, 2, 3}, DType::I32));
  CHECK(jnp::arange(1, 2, 0.25), arr({1, 1.25, 1.5, 1.75}));
  CHECK(jnp::full({2}, 7, DType::I32), arr({7, 7}, DType::I32));
  CHECK(jnp::ones_like(arr({1, 2}, DType::I32)), arr({1, 1}, DType::I32));
  Value m = iota(9, {3, 3});
  CHECK(jnp::tril(m, -1), arr({0, 0, 0, 3, 0, 0, 6, 7, 0}, {3, 3}));
  CHECK(jnp::triu(m, 1), arr({0, 1, 2, 0, 0, 5, 0, 0, 0}, {3, 3}));
  CHECK(jnp::tril(m), arr({0, 0, 0, 3, 4, 0, 6, 7, 8}, {3, 3}));
  CHECK(jnp::astype(arr({1.7, -1.7}), DType::I32), arr({1, -1}, DType::I32));
}

void TestNumpy::shapes() {
  Value x = iota(6, {2, 3});
  QCOMPARE(jnp::reshape(x, {-1, 2}).shape(), (Shape{3, 2}));
  CHECK(jnp::T(x), arr({0, 3, 1, 4, 2, 5}, {3, 2}));
  QCOMPARE(jnp::moveaxis(iota(24, {2, 3, 4}), 0, -1).shape(), (Shape{3, 4, 2}));
  QCOMPARE(jnp::swapaxes(iota(24, {2, 3, 4}), 0, 2).shape(), (Shape{4, 3, 2}));
  QCOMPARE(jnp::squeeze(jnp::zeros({1, 3, 1})).shape(), (Shape{3}));
  QCOMPARE(jnp::expand_dims(x, {0, -1}).shape(), (Shape{1, 2, 3, 1}));
  CHECK(jnp::ravel(x), arr({0, 1, 2, 3, 4, 5}));
  CHECK(jnp::concatenate({x, x}, -1), arr({0, 1, 2, 0, 1, 2, 3, 4, 5, 3, 4, 5}, {2, 6}));
  CHECK(jnp::stack({arr({1, 2}), arr({3, 4})}, 1), arr({1, 3, 2, 4}, {2, 2}));
  std::vector<Value> parts = jnp::split(iota(6, {6}), 3);
  QCOMPARE(parts.size(), size_t(3));
  CHECK(parts[2], arr({4, 5}));
  std::vector<Value> uneven = jnp::split(iota(5, {5}), std::vector<int64_t>{1, 3});
  CHECK(uneven[1], arr({1, 2}));
  CHECK(jnp::flip(x), arr({5, 4, 3, 2, 1, 0}, {2, 3}));
  CHECK(jnp::pad(arr({1, 2}), {{1, 2}}, jnp::weak(9)), arr({9, 1, 2, 9, 9}));
  CHECK(jnp::pad(arr({1}, {1, 1}), {{1, 0}}), arr({0, 0, 0, 1}, {2, 2}));
  CHECK(jnp::sort(arr({3, 1, 2})), arr({1, 2, 3}));
}

void TestNumpy::linalg() {
  Value a = iota(6, {2, 3}), b = iota(12, {3, 4}), v = iota(3, {3});
  CHECK(jnp::matmul(a, b), arr({20, 23, 26, 29, 56, 68, 80, 92}, {2, 4}));
  CHECK(jnp::dot(v, v), arr({5}, Shape{}));
  CHECK(jnp::dot(a, v), arr({5, 14}));
  CHECK(jnp::matmul(v, b), arr({20, 23, 26, 29}));
  CHECK(jnp::vdot(a, a), arr({55}, Shape{}));
  CHECK(jnp::outer(arr({1, 2}), arr({1, 2, 3})), arr({1, 2, 3, 2, 4, 6}, {2, 3}));
  CHECK(jnp::einsum("ij,jk->ik", {a, b}), arr({20, 23, 26, 29, 56, 68, 80, 92}, {2, 4}));
  CHECK(jnp::einsum("i,i->", {v, v}), arr({5}, Shape{}));
  CHECK(jnp::einsum("ij->ji", {a}), arr({0, 3, 1, 4, 2, 5}, {3, 2}));
  CHECK(jnp::einsum("ij->i", {a}), arr({3, 12}));
  CHECK(jnp::einsum("ij,j->i", {a, v}), arr({5, 14}));
  Value A = iota(12, {2, 2, 3}), B = iota(12, {2, 3, 2});
  CHECK(jnp::einsum("bij,bjk->bik", {A, B}), arr({10, 13, 28, 40, 172, 193, 244, 274}, {2, 2, 2}));
  CHECK(jnp::matmul(A, B), arr({10, 13, 28, 40, 172, 193, 244, 274}, {2, 2, 2}));
  const double inf = std::numeric_limits<double>::infinity();
  Value w = arr({3, -4});
  CHECK(jnp::linalg::norm(w), arr({5}, Shape{}));
  CHECK(jnp::linalg::norm(w, 1), arr({7}, Shape{}));
  CHECK(jnp::linalg::norm(w, inf), arr({4}, Shape{}));
  Value m = arr({1, -2, 3, 4}, {2, 2});
  CHECK(jnp::linalg::norm(m), arr({std::sqrt(30.0)}, Shape{}));
  CHECK(jnp::linalg::norm_fro(m), arr({std::sqrt(30.0)}, Shape{}));
  CHECK(jnp::linalg::norm(m, 1), arr({6}, Shape{}));
  CHECK(jnp::linalg::norm(m, inf), arr({7}, Shape{}));
  CHECK(jnp::linalg::norm(m, {}, 1), arr({std::sqrt(5.0), 5}));
}

void TestNumpy::errors() {
  std::string msg;
  Value x = iota(3, {3});
  QCOMPARE(int(error_kind([&] { jnp::index(x, {5}); }, &msg)), int(ErrorKind::Index));
  QCOMPARE(QString::fromStdString(msg), QString("index 5 is out of bounds for axis 0 with size 3"));
  QCOMPARE(int(error_kind([&] { jnp::index(x, {-4}); })), int(ErrorKind::Index));
  QCOMPARE(int(error_kind([&] { jnp::index(x, {0, 0}); })), int(ErrorKind::Index));
  QCOMPARE(int(error_kind([&] { jnp::index(x, {jnp::ellipsis, jnp::ellipsis}); })), int(ErrorKind::Index));
  QCOMPARE(int(error_kind([&] { jnp::index(x, {Value(arr({0.5}))}); })), int(ErrorKind::Type));
  QCOMPARE(int(error_kind([&] { (void)(x + iota(4, {4})); }, &msg)), int(ErrorKind::Value));
  QCOMPARE(QString::fromStdString(msg), QString("Incompatible shapes for broadcasting: shapes=[(3,), (4,)]"));
  QCOMPARE(int(error_kind([&] { jnp::sum(x, 1); }, &msg)), int(ErrorKind::Value));
  QCOMPARE(QString::fromStdString(msg), QString("axis 1 is out of bounds for array of dimension 1"));
  QCOMPARE(int(error_kind([&] { jnp::max(jnp::zeros({0})); })), int(ErrorKind::Value));
  QCOMPARE(int(error_kind([&] { jnp::reshape(x, {2, -1}); })), int(ErrorKind::Type));
  QCOMPARE(int(error_kind([&] { jnp::squeeze(x, 0); })), int(ErrorKind::Value));
  QCOMPARE(int(error_kind([&] { jnp::einsum("ij,jk->ik", {x, x}); })), int(ErrorKind::Value));
  QCOMPARE(int(error_kind([&] { jnp::index(x, {jnp::slice(0, 3, 0)}); })), int(ErrorKind::Value));
}

QTEST_GUILESS_MAIN(TestNumpy)
#include "tst_numpy.moc"
