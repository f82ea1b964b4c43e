// sort against lax.sort values from JAX 0.10.2: NaN and signed-zero order,
// stability, multiple operands and num_keys, dimensions, dtypes, errors.
#include <QtTest>

#include <cmath>
#include <functional>
#include <limits>

#include "engine/lax.h"
#include "tests/testutil.h"

using namespace jxr;
using jxr::test::arr;

namespace {

const double kNaN = std::numeric_limits<double>::quiet_NaN();
const double kInf = std::numeric_limits<double>::infinity();

}  // namespace

using jxr::test::error_of;

class TestSort : public QObject {
  Q_OBJECT
 private slots:
  void floats_total_order();
  void key_value_stability();
  void dimensions();
  void multiple_keys();
  void integer_and_half_dtypes();
  void empty_and_trivial();
  void errors();
};

void TestSort::floats_total_order() {
  // jnp.sort([3, nan, -inf, 1, -0., inf, 0., -nan, 1]): NaNs last, -0. and
  // 0. equal (input order kept), values themselves (signs) preserved.
  for (DType dt : {DType::F32, DType::F64}) {
    Array x = arr({3, kNaN, -kInf, 1, -0.0, kInf, 0.0, -kNaN, 1}, dt);
    Array s = lax::sort({Value(x)})[0].array();
    JXR_COMPARE_ARRAYS(s, arr({-kInf, -0.0, 0.0, 1, 1, 3, kInf, kNaN, kNaN}, dt), 0, 0);
    std::vector<double> v = s.to_doubles();
    QVERIFY(std::signbit(v[1]));
    QVERIFY(!std::signbit(v[2]));
    QVERIFY(!std::signbit(v[7]));
    QVERIFY(std::signbit(v[8]));
  }
}

void TestSort::key_value_stability() {
  // lax.sort((x, arange(9)), num_keys=1) permutation from JAX.
  Array x = arr({3, kNaN, -kInf, 1, -0.0, kInf, 0.0, -kNaN, 1}, DType::F32);
  Array idx = arr({0, 1, 2, 3, 4, 5, 6, 7, 8}, DType::I32);
  std::vector<Value> out = lax::sort({Value(x), Value(idx)}, -1, true, 1);
  QCOMPARE(out.size(), size_t(2));
  JXR_COMPARE_ARRAYS(out[1].array(), arr({2, 4, 6, 3, 8, 0, 5, 1, 7}, DType::I32), 0, 0);
}

void TestSort::dimensions() {
  Array m = arr({3, 1, 2, 0, -1, 5}, {2, 3}, DType::F32);
  JXR_COMPARE_ARRAYS(lax::sort({Value(m)}, 0)[0].array(), arr({0, -1, 2, 3, 1, 5}, {2, 3}, DType::F32), 0, 0);
  JXR_COMPARE_ARRAYS(lax::sort({Value(m)}, 1)[0].array(), arr({1, 2, 3, -1, 0, 5}, {2, 3}, DType::F32), 0, 0);
  JXR_COMPARE_ARRAYS(lax::sort({Value(m)}, -1)[0].array(), arr({1, 2, 3, -1, 0, 5}, {2, 3}, DType::F32), 0, 0);
  // A middle dimension of a rank-3 operand: np.sort(t, axis=1).
  Array t = arr({5, 0, 4, 1, 3, 2, 9, 6, 7, 8, 6, 9}, {2, 3, 2}, DType::F64);
  JXR_COMPARE_ARRAYS(lax::sort({Value(t)}, 1)[0].array(), arr({3, 0, 4, 1, 5, 2, 6, 6, 7, 8, 9, 9}, {2, 3, 2}, DType::F64),
                     0, 0);
}

void TestSort::multiple_keys() {
  // lax.sort((a, b, c), num_keys=2) and num_keys=1, from JAX.
  Array a = arr({2, 1, 2, 1, 2, 1}, DType::I32);
  Array b = arr({5, 6, 4, 6, kNaN, -1}, DType::F32);
  Array c = arr({0, 1, 2, 3, 4, 5}, DType::I32);
  std::vector<Value> two = lax::sort({Value(a), Value(b), Value(c)}, -1, true, 2);
  QCOMPARE(two.size(), size_t(3));
  JXR_COMPARE_ARRAYS(two[0].array(), arr({1, 1, 1, 2, 2, 2}, DType::I32), 0, 0);
  JXR_COMPARE_ARRAYS(two[1].array(), arr({-1, 6, 6, 4, 5, kNaN}, DType::F32), 0, 0);
  JXR_COMPARE_ARRAYS(two[2].array(), arr({5, 1, 3, 2, 0, 4}, DType::I32), 0, 0);
  std::vector<Value> one = lax::sort({Value(a), Value(b), Value(c)}, -1, true, 1);
  JXR_COMPARE_ARRAYS(one[1].array(), arr({6, 6, -1, 5, 4, kNaN}, DType::F32), 0, 0);
  JXR_COMPARE_ARRAYS(one[2].array(), arr({1, 3, 5, 0, 2, 4}, DType::I32), 0, 0);
}

void TestSort::integer_and_half_dtypes() {
  JXR_COMPARE_ARRAYS(lax::sort({Value(arr({3, -2147483648.0, 2147483647.0, 0}, DType::I32))})[0].array(),
                     arr({-2147483648.0, 0, 3, 2147483647.0}, DType::I32), 0, 0);
  JXR_COMPARE_ARRAYS(lax::sort({Value(arr({4294967295.0, 0, 7}, DType::U32))})[0].array(),
                     arr({0, 7, 4294967295.0}, DType::U32), 0, 0);
  JXR_COMPARE_ARRAYS(lax::sort({Value(arr({1, 0, 1, 0}, DType::Bool))})[0].array(), arr({0, 0, 1, 1}, DType::Bool), 0, 0);
  JXR_COMPARE_ARRAYS(lax::sort({Value(arr({0.5, kNaN, -2, 1}, DType::BF16))})[0].array(),
                     arr({-2, 0.5, 1, kNaN}, DType::BF16), 0, 0);
  JXR_COMPARE_ARRAYS(lax::sort({Value(arr({0.5, kNaN, -2, 1}, DType::F16))})[0].array(),
                     arr({-2, 0.5, 1, kNaN}, DType::F16), 0, 0);
}

void TestSort::empty_and_trivial() {
  Array e = lax::sort({Value(arr({}, {0}, DType::F32))})[0].array();
  QCOMPARE(e.shape(), (Shape{0}));
  Array e2 = lax::sort({Value(arr({}, {3, 0}, DType::F32))}, 0)[0].array();
  QCOMPARE(e2.shape(), (Shape{3, 0}));
  JXR_COMPARE_ARRAYS(lax::sort({Value(arr({7}, DType::F32))})[0].array(), arr({7}, DType::F32), 0, 0);
  // Weak types pass through.
  QVERIFY(lax::sort({Value(Array::full({2}, 1.0, DType::F32, true))})[0].weak_type());
}

void TestSort::errors() {
  Array x = arr({1, 2, 3}, DType::F32);
  Array y = arr({1, 2}, DType::F32);
  QCOMPARE(error_of([&] { lax::sort({Value(x), Value(y)}); }),
           std::string("Arguments to sort must have equal shapes, got: (3,) (2,)"));
  QCOMPARE(error_of([&] { lax::sort({Value(x)}, -1, true, 2); }),
           std::string("sort: num_keys=2 must be between 1 and len(operand)=1"));
  QCOMPARE(error_of([&] { lax::sort({}); }), std::string("Sort requires at least one operand"));
  QCOMPARE(error_of([&] { lax::sort({Value(x)}, 1); }),
           std::string("sort: axis 1 is out of bounds for array of dimension 1"));
  QCOMPARE(error_of([&] { lax::sort({Value(jxr::test::scalar(1))}); }),
           std::string("sort: axis -1 is out of bounds for array of dimension 0"));
  // The primitive's own rule, for params that bypass the wrapper.
  const Primitive& p = get_primitive("sort");
  QCOMPARE(error_of([&] {
             apply_primitive(p, std::vector<Array>{x},
                             {{"dimension", Param::integer(-1)},
                              {"is_stable", Param::boolean(true)},
                              {"num_keys", Param::integer(1)}});
           }),
           std::string("sort: dimension=-1 is out of bounds for operand shape (3,)"));
}

QTEST_GUILESS_MAIN(TestSort)
#include "tst_sort.moc"
