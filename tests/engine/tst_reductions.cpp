// Reduction primitives against numpy/JAX values (scripts/gen_reduction_cases.py
// prints them): reduce_*, argmax/argmin, cumulative reductions, identities of
// empty reductions, NaN handling and shape-rule errors.
#include <QtTest>

#include <cmath>
#include <functional>
#include <limits>

#include "engine/lax.h"
#include "tests/testutil.h"

using namespace jxr;
using jxr::test::arr;

using Doubles = std::vector<double>;
using Ints = std::vector<int64_t>;
Q_DECLARE_METATYPE(Doubles)
Q_DECLARE_METATYPE(Ints)

namespace {

const double kNaN = std::numeric_limits<double>::quiet_NaN();
const double kInf = std::numeric_limits<double>::infinity();

// The (2, 3, 4) operand of the reduction rows.
const Doubles kX = {-2.5, 1.0, -1.0, 2.5, 0.5, -1.5, 2.0,  0.0, -2.0, 1.5, -0.5, -2.5,
                    1.0,  -1.0, 2.5, 0.5, -1.5, 2.0, 0.0, -2.0, 1.5, -0.5, -2.5, 1.0};

Value reduce_by_name(const QString& op, const Value& x, const Ints& axes) {
  if (op == "sum") return lax::reduce_sum(x, axes);
  if (op == "prod") return lax::reduce_prod(x, axes);
  if (op == "max") return lax::reduce_max(x, axes);
  if (op == "min") return lax::reduce_min(x, axes);
  if (op == "and") return lax::reduce_and(x, axes);
  return lax::reduce_or(x, axes);
}

Value cumulative_by_name(const QString& op, const Value& x, int64_t axis, bool reverse) {
  if (op == "cumsum") return lax::cumsum(x, axis, reverse);
  if (op == "cumprod") return lax::cumprod(x, axis, reverse);
  if (op == "cummax") return lax::cummax(x, axis, reverse);
  return lax::cummin(x, axis, reverse);
}

// Runs f and returns the message of the jxr::Error it throws ("" if none).
std::string error_of(const std::function<void()>& f, ErrorKind* kind = nullptr) {
  try {
    f();
  } catch (const Error& e) {
    if (kind) *kind = e.kind();
    return e.what();
  }
  return "";
}

}  // namespace

class TestReductions : public QObject {
  Q_OBJECT
 private slots:
  void reduce_data();
  void reduce();
  void empty_reductions();
  void nan_handling();
  void logical();
  void half_and_long_sums();
  void weak_types();
  void argminmax();
  void cumulative_data();
  void cumulative();
  void cumulative_edge_cases();
  void errors_data();
  void errors();
};

void TestReductions::reduce_data() {
  QTest::addColumn<QString>("op");
  QTest::addColumn<int>("dtype");
  QTest::addColumn<Doubles>("input");
  QTest::addColumn<Ints>("shape");
  QTest::addColumn<Ints>("axes");
  QTest::addColumn<Ints>("out_shape");
  QTest::addColumn<Doubles>("want");
  const Ints s234{2, 3, 4};
  for (DType dt : {DType::F32, DType::F64}) {
    std::string d(dtype_short_name(dt));
    auto row = [&](const char* op, Ints axes, Ints out_shape, Doubles want) {
      std::string name = std::string(op) + " " + d + " " + Param::ints(axes).str();
      QTest::newRow(name.c_str()) << QString(op) << int(dt) << kX << s234 << axes << out_shape << want;
    };
    row("sum", {0}, {3, 4}, {-1.5, 0.0, 1.5, 3.0, -1.0, 0.5, 2.0, -2.0, -0.5, 1.0, -3.0, -1.5});
    row("sum", {1}, {2, 4}, {-4.0, 1.0, 0.5, 0.0, 1.0, 0.5, 0.0, -0.5});
    row("sum", {2}, {2, 3}, {0.0, 1.0, -3.5, 3.0, -1.5, -0.5});
    row("sum", {0, 2}, {3}, {3.0, -0.5, -4.0});
    row("sum", {2, 0}, {3}, {3.0, -0.5, -4.0});
    row("sum", {}, s234, kX);
    row("sum", {0, 1, 2}, {}, {-1.5});
    row("prod", {0}, {3, 4}, {-2.5, -1.0, -2.5, 1.25, -0.75, -3.0, 0.0, -0.0, -3.0, -0.75, 1.25, -2.5});
    row("prod", {1}, {2, 4}, {2.5, -2.25, 1.0, -0.0, -2.25, 1.0, -0.0, -1.0});
    row("prod", {2}, {2, 3}, {6.25, -0.0, -3.75, -1.25, 0.0, 1.875});
    row("prod", {0, 2}, {3}, {-7.8125, -0.0, -7.03125});
    row("max", {0}, {3, 4}, {1.0, 1.0, 2.5, 2.5, 0.5, 2.0, 2.0, 0.0, 1.5, 1.5, -0.5, 1.0});
    row("max", {1}, {2, 4}, {0.5, 1.5, 2.0, 2.5, 1.5, 2.0, 2.5, 1.0});
    row("max", {0, 2}, {3}, {2.5, 2.0, 1.5});
    row("max", {0, 1, 2}, {}, {2.5});
    row("min", {0}, {3, 4}, {-2.5, -1.0, -1.0, 0.5, -1.5, -1.5, 0.0, -2.0, -2.0, -0.5, -2.5, -2.5});
    row("min", {2}, {2, 3}, {-2.5, -1.5, -2.5, -1.0, -2.0, -2.5});
    row("min", {0, 2}, {3}, {-2.5, -2.0, -2.5});
  }
  // Integers: the operand times two, as int32.
  Doubles xi;
  for (double v : kX) xi.push_back(2 * v);
  auto irow = [&](const char* name, const char* op, Doubles want) {
    QTest::newRow(name) << QString(op) << int(DType::I32) << xi << s234 << Ints{1} << Ints{2, 4} << want;
  };
  irow("sum i32", "sum", {-8, 2, 1, 0, 2, 1, 0, -1});
  irow("prod i32", "prod", {20, -18, 8, 0, -18, 8, 0, -8});
  irow("max i32", "max", {1, 3, 4, 5, 3, 4, 5, 2});
  irow("min i32", "min", {-5, -3, -2, -5, -3, -2, -5, -4});
  QTest::newRow("and i32 bitwise") << QString("and") << int(DType::I32) << xi << s234 << Ints{2} << Ints{2, 3}
                                   << Doubles{0, 0, 0, 0, 0, 2};
  QTest::newRow("or i32 bitwise") << QString("or") << int(DType::I32) << xi << s234 << Ints{2} << Ints{2, 3}
                                  << Doubles{-1, -3, -1, -1, -3, -1};
  // Two's complement wraparound, as XLA (jnp.sum of int32 [2**31-1, 1]).
  QTest::newRow("sum i32 wraps") << QString("sum") << int(DType::I32) << Doubles{2147483647, 1} << Ints{2}
                                 << Ints{0} << Ints{} << Doubles{-2147483648.0};
  QTest::newRow("max u32") << QString("max") << int(DType::U32) << Doubles{7, 4294967295.0, 0} << Ints{3}
                           << Ints{0} << Ints{} << Doubles{4294967295.0};
}

void TestReductions::reduce() {
  QFETCH(QString, op);
  QFETCH(int, dtype);
  QFETCH(Doubles, input);
  QFETCH(Ints, shape);
  QFETCH(Ints, axes);
  QFETCH(Ints, out_shape);
  QFETCH(Doubles, want);
  DType dt = DType(dtype);
  Array got = reduce_by_name(op, Value(arr(input, shape, dt)), axes).array();
  JXR_COMPARE_ARRAYS(got, arr(want, out_shape, dt), 1e-6, 0);
}

void TestReductions::empty_reductions() {
  // Identities, as np.sum/np.prod and JAX's reduce_max/min of size-0 axes.
  Array e = arr({}, {0, 3}, DType::F32);
  JXR_COMPARE_ARRAYS(lax::reduce_sum(e, {0}).array(), arr({0, 0, 0}, DType::F32), 0, 0);
  JXR_COMPARE_ARRAYS(lax::reduce_prod(e, {0}).array(), arr({1, 1, 1}, DType::F32), 0, 0);
  JXR_COMPARE_ARRAYS(lax::reduce_max(e, {0}).array(), arr({-kInf, -kInf, -kInf}, DType::F32), 0, 0);
  JXR_COMPARE_ARRAYS(lax::reduce_min(e, {0}).array(), arr({kInf, kInf, kInf}, DType::F32), 0, 0);
  // Reducing the non-empty axis of an empty array gives an empty result.
  JXR_COMPARE_ARRAYS(lax::reduce_sum(e, {1}).array(), arr({}, {0}, DType::F32), 0, 0);
  Array ei = arr({}, {2, 0}, DType::I32);
  JXR_COMPARE_ARRAYS(lax::reduce_max(ei, {1}).array(), arr({-2147483648.0, -2147483648.0}, DType::I32), 0, 0);
  JXR_COMPARE_ARRAYS(lax::reduce_min(ei, {1}).array(), arr({2147483647.0, 2147483647.0}, DType::I32), 0, 0);
  JXR_COMPARE_ARRAYS(lax::reduce_and(ei, {1}).array(), arr({-1, -1}, DType::I32), 0, 0);
  JXR_COMPARE_ARRAYS(lax::reduce_or(ei, {1}).array(), arr({0, 0}, DType::I32), 0, 0);
  Array eb = arr({}, {0}, DType::Bool);
  QCOMPARE(lax::reduce_and(eb, {0}).array().item(), 1.0);
  QCOMPARE(lax::reduce_or(eb, {0}).array().item(), 0.0);
  QCOMPARE(lax::reduce_max(eb, {0}).array().item(), 0.0);
  Array eu = arr({}, {0}, DType::U32);
  QCOMPARE(lax::reduce_min(eu, {0}).array().item(), 4294967295.0);
  QCOMPARE(lax::reduce_max(eu, {0}).array().item(), 0.0);
}

void TestReductions::nan_handling() {
  for (DType dt : {DType::F32, DType::F64}) {
    Array x = arr({1, kNaN, 3, -kInf, 2, kInf}, {2, 3}, dt);
    JXR_COMPARE_ARRAYS(lax::reduce_max(x, {1}).array(), arr({kNaN, kInf}, dt), 0, 0);
    JXR_COMPARE_ARRAYS(lax::reduce_min(x, {1}).array(), arr({kNaN, -kInf}, dt), 0, 0);
    JXR_COMPARE_ARRAYS(lax::reduce_max(x, {0}).array(), arr({1, kNaN, kInf}, dt), 0, 0);
    JXR_COMPARE_ARRAYS(lax::reduce_sum(x, {1}).array(), arr({kNaN, kNaN}, dt), 0, 0);  // -inf + inf
    JXR_COMPARE_ARRAYS(lax::reduce_sum(x, {0}).array(), arr({-kInf, kNaN, kInf}, dt), 0, 0);
    // NaN last in the run still wins.
    Array y = arr({1, 2, kNaN}, dt);
    QVERIFY(std::isnan(lax::reduce_max(y, {0}).array().item()));
    QVERIFY(std::isnan(lax::reduce_min(y, {0}).array().item()));
  }
}

void TestReductions::logical() {
  Array b = arr({1, 0, 1, 1, 1, 1}, {2, 3}, DType::Bool);
  Array a = lax::reduce_and(b, {1}).array();
  QCOMPARE(a.dtype(), DType::Bool);
  JXR_COMPARE_ARRAYS(a, arr({0, 1}, DType::Bool), 0, 0);
  JXR_COMPARE_ARRAYS(lax::reduce_or(b, {0}).array(), arr({1, 1, 1}, DType::Bool), 0, 0);
  JXR_COMPARE_ARRAYS(lax::reduce_or(arr({0, 0}, DType::Bool), {0}).array(), jxr::test::scalar(0, DType::Bool), 0, 0);
  // reduce_max/min of bool are any/all.
  JXR_COMPARE_ARRAYS(lax::reduce_max(b, {1}).array(), arr({1, 1}, DType::Bool), 0, 0);
  JXR_COMPARE_ARRAYS(lax::reduce_min(b, {1}).array(), arr({0, 1}, DType::Bool), 0, 0);
  JXR_COMPARE_ARRAYS(lax::reduce_or(arr({1, 2, 8}, DType::U32), {0}).array(), jxr::test::scalar(11, DType::U32), 0, 0);
}

void TestReductions::half_and_long_sums() {
  // jnp.sum(jnp.full(1000, 0.1, f16)) == 100.0: accumulated in f32. A naive
  // f16 accumulator stalls far below that.
  Array h = Array::full({1000}, 0.1, DType::F16);
  Array hs = lax::reduce_sum(h, {0}).array();
  QCOMPARE(hs.dtype(), DType::F16);
  QCOMPARE(hs.item(), 100.0);
  QCOMPARE(lax::reduce_sum(Array::full({1000}, 0.1, DType::BF16), {0}).array().item(), 100.0);
  QCOMPARE(lax::reduce_max(arr({0.5, -3, 2.25}, DType::BF16), {0}).array().item(), 2.25);
  // np.sum(np.full(2**20, 0.1, np.float32)) == 104857.6171875 (pairwise);
  // sequential f32 accumulation is off by about 0.1%.
  Array f = Array::full({1 << 20}, 0.1, DType::F32);
  double s = lax::reduce_sum(f, {0}).array().item();
  QVERIFY2(std::fabs(s - 104857.6171875) < 0.05, std::to_string(s).c_str());
}

void TestReductions::weak_types() {
  Array w = Array::full({3}, 1.0, DType::F32, true);
  QVERIFY(lax::reduce_sum(w, {0}).weak_type());
  QVERIFY(lax::reduce_max(w, {0}).weak_type());
  QVERIFY(!lax::argmax(w, 0).weak_type());
  Array wi = Array::full({3}, 1.0, DType::I32, true);
  QVERIFY(!lax::reduce_or(wi, {0}).weak_type());
}

void TestReductions::argminmax() {
  // From jnp.argmax/argmin: ties take the first index; the first NaN wins
  // both ways.
  Array a = arr({3, 1, 3, 2, 0, 5, 5, -1, kNaN, 2, kNaN, 9}, {3, 4}, DType::F32);
  JXR_COMPARE_ARRAYS(lax::argmax(a, 1).array(), arr({0, 1, 0}, DType::I32), 0, 0);
  JXR_COMPARE_ARRAYS(lax::argmin(a, 1).array(), arr({1, 3, 0}, DType::I32), 0, 0);
  JXR_COMPARE_ARRAYS(lax::argmax(a, 0).array(), arr({2, 1, 2, 2}, DType::I32), 0, 0);
  JXR_COMPARE_ARRAYS(lax::argmin(a, 0).array(), arr({2, 0, 2, 1}, DType::I32), 0, 0);
  Array d = arr({-kInf, -kInf, 4, 4}, DType::F64);
  JXR_COMPARE_ARRAYS(lax::argmax(d, 0, DType::U32).array(), jxr::test::scalar(2, DType::U32), 0, 0);
  JXR_COMPARE_ARRAYS(lax::argmin(d, 0).array(), jxr::test::scalar(0, DType::I32), 0, 0);
  Array i = arr({7, -2, 7, -2}, DType::I32);
  QCOMPARE(lax::argmax(i, 0).array().item(), 0.0);
  QCOMPARE(lax::argmin(i, 0).array().item(), 1.0);
  Array b = arr({0, 0, 1, 1}, DType::Bool);
  QCOMPARE(lax::argmax(b, 0).array().item(), 2.0);
  QCOMPARE(lax::argmin(b, 0).array().item(), 0.0);
  QCOMPARE(lax::argmax(arr({0.5, 1.5, 1.5}, DType::F16), 0).array().item(), 1.0);
  // Empty kept dimension: an empty result, not an error.
  Array e = lax::argmax(arr({}, {0, 2}, DType::F32), 1).array();
  QCOMPARE(e.shape(), (Shape{0}));
}

void TestReductions::cumulative_data() {
  QTest::addColumn<QString>("op");
  QTest::addColumn<int>("axis");
  QTest::addColumn<bool>("reverse");
  QTest::addColumn<Doubles>("want");
  auto row = [](const char* op, int axis, bool rev, Doubles want) {
    std::string name = std::string(op) + " axis " + std::to_string(axis) + (rev ? " reverse" : "");
    QTest::newRow(name.c_str()) << QString(op) << axis << rev << want;
  };
  // lax.cum* of [[1, -2, 3], [4, 0.5, -6]].
  row("cumsum", 0, false, {1.0, -2.0, 3.0, 5.0, -1.5, -3.0});
  row("cumsum", 0, true, {5.0, -1.5, -3.0, 4.0, 0.5, -6.0});
  row("cumsum", 1, false, {1.0, -1.0, 2.0, 4.0, 4.5, -1.5});
  row("cumsum", 1, true, {2.0, 1.0, 3.0, -1.5, -5.5, -6.0});
  row("cumprod", 0, false, {1.0, -2.0, 3.0, 4.0, -1.0, -18.0});
  row("cumprod", 0, true, {4.0, -1.0, -18.0, 4.0, 0.5, -6.0});
  row("cumprod", 1, false, {1.0, -2.0, -6.0, 4.0, 2.0, -12.0});
  row("cumprod", 1, true, {-6.0, -6.0, 3.0, -12.0, -3.0, -6.0});
  row("cummax", 0, false, {1.0, -2.0, 3.0, 4.0, 0.5, 3.0});
  row("cummax", 0, true, {4.0, 0.5, 3.0, 4.0, 0.5, -6.0});
  row("cummax", 1, false, {1.0, 1.0, 3.0, 4.0, 4.0, 4.0});
  row("cummax", 1, true, {3.0, 3.0, 3.0, 4.0, 0.5, -6.0});
  row("cummin", 0, false, {1.0, -2.0, 3.0, 1.0, -2.0, -6.0});
  row("cummin", 0, true, {1.0, -2.0, -6.0, 4.0, 0.5, -6.0});
  row("cummin", 1, false, {1.0, -2.0, -2.0, 4.0, 0.5, -6.0});
  row("cummin", 1, true, {-2.0, -2.0, 3.0, -6.0, -6.0, -6.0});
}

void TestReductions::cumulative() {
  QFETCH(QString, op);
  QFETCH(int, axis);
  QFETCH(bool, reverse);
  QFETCH(Doubles, want);
  for (DType dt : {DType::F32, DType::F64}) {
    Array c = arr({1, -2, 3, 4, 0.5, -6}, {2, 3}, dt);
    JXR_COMPARE_ARRAYS(cumulative_by_name(op, c, axis, reverse).array(), arr(want, {2, 3}, dt), 0, 0);
  }
  Array ci = arr({1, -2, 3, 4, 1, -6}, {2, 3}, DType::I32);
  Array got = cumulative_by_name(op, ci, axis, reverse).array();
  QCOMPARE(got.dtype(), DType::I32);
  // Integer rows reuse the float expectations where 0.5 became 1.
  Array want_f = cumulative_by_name(op, arr({1, -2, 3, 4, 1, -6}, {2, 3}, DType::F64), axis, reverse).array();
  JXR_COMPARE_ARRAYS(got, want_f.astype(DType::I32), 0, 0);
}

void TestReductions::cumulative_edge_cases() {
  // lax.cummax([1, nan, 3]) == [1, nan, nan].
  JXR_COMPARE_ARRAYS(lax::cummax(arr({1, kNaN, 3}, DType::F32), 0).array(), arr({1, kNaN, kNaN}, DType::F32), 0, 0);
  JXR_COMPARE_ARRAYS(lax::cummin(arr({1, kNaN, 3}, DType::F32), 0, true).array(), arr({kNaN, kNaN, 3}, DType::F32),
                     0, 0);
  Array e = lax::cumsum(arr({}, {0, 3}, DType::F32), 0).array();
  QCOMPARE(e.shape(), (Shape{0, 3}));
  JXR_COMPARE_ARRAYS(lax::cumsum(arr({}, {2, 0}, DType::F32), 1, true).array(), arr({}, {2, 0}, DType::F32), 0, 0);
  JXR_COMPARE_ARRAYS(lax::cumsum(arr({0.25, 0.5, 1}, DType::F16), 0).array(), arr({0.25, 0.75, 1.75}, DType::F16), 0,
                     0);
}

void TestReductions::errors_data() {
  QTest::addColumn<int>("which");
  QTest::addColumn<int>("kind");
  QTest::addColumn<QString>("message");
  // Wording of lax.py's _reduce_op_shape_rule, _argminmax_shape_rule,
  // _reduce_logical_shape_rule and loops.py's _cumred_shape_rule.
  QTest::newRow("duplicate axes") << 0 << int(ErrorKind::Value)
                                  << "reduce_sum: duplicate value in 'axes' of reduction: (1, 1)";
  QTest::newRow("axis out of range") << 1 << int(ErrorKind::Value)
                                     << "reduce_max: reduction axes (0, 2) contains out-of-bounds indices for "
                                        "ShapedArray(float32[2,3]).";
  QTest::newRow("negative axis") << 2 << int(ErrorKind::Value)
                                 << "reduce_min: reduction axes (-1,) contains out-of-bounds indices for "
                                    "ShapedArray(float32[2,3]).";
  QTest::newRow("logical float") << 3 << int(ErrorKind::Type)
                                 << "reduce_and: logical reduction requires operand dtype bool or int, got float32.";
  QTest::newRow("sum bool") << 4 << int(ErrorKind::Type)
                            << "reduce_sum does not accept dtype bool. Accepted dtypes are subtypes of number.";
  QTest::newRow("argmax empty axis") << 5 << int(ErrorKind::Value)
                                     << "argmax: argmin and argmax require non-empty reduced dimension. "
                                        "operand.shape=(0, 2) axis=0";
  QTest::newRow("argmin bad axis") << 6 << int(ErrorKind::Value) << "argmin: Invalid axis 2 for operand shape (2, 3)";
  QTest::newRow("argmax float index") << 7 << int(ErrorKind::Type)
                                      << "argmax: index_dtype must be an integer type, but got float32";
  QTest::newRow("cumsum negative axis") << 8 << int(ErrorKind::Value)
                                        << "cumsum: XLA operations do not allow negative axes (axis=-1)";
  QTest::newRow("cummax axis out of range")
      << 9 << int(ErrorKind::Value) << "cummax: axis 2 is out of bounds for array of shape (2, 3)";
  QTest::newRow("cumprod bool") << 10 << int(ErrorKind::Type)
                                << "cumprod does not accept dtype bool. Accepted dtypes are subtypes of number.";
}

void TestReductions::errors() {
  QFETCH(int, which);
  QFETCH(int, kind);
  QFETCH(QString, message);
  Array x = arr({1, 2, 3, 4, 5, 6}, {2, 3}, DType::F32);
  Array b = arr({1, 0}, DType::Bool);
  std::vector<std::function<void()>> cases = {
      [&] { lax::reduce_sum(x, {1, 1}); },
      [&] { lax::reduce_max(x, {0, 2}); },
      [&] { lax::reduce_min(x, {-1}); },
      [&] { lax::reduce_and(x, {0}); },
      [&] { lax::reduce_sum(b, {0}); },
      [&] { lax::argmax(arr({}, {0, 2}, DType::F32), 0); },
      [&] { lax::argmin(x, 2); },
      [&] { lax::argmax(x, 0, DType::F32); },
      [&] { lax::cumsum(x, -1); },
      [&] { lax::cummax(x, 2); },
      [&] { lax::cumprod(b, 0); },
  };
  ErrorKind got_kind = ErrorKind::Runtime;
  std::string msg = error_of(cases.at(which), &got_kind);
  QCOMPARE(QString::fromStdString(msg), message);
  QCOMPARE(int(got_kind), kind);
}

QTEST_GUILESS_MAIN(TestReductions)
#include "tst_reductions.moc"
