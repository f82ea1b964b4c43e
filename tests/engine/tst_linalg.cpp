// dot_general in the forms jnp produces, against numpy values (np.matmul /
// np.einsum of the same arange-built operands), plus dtypes, empty
// contractions, a larger sgemm against a naive loop, params and errors.
#include <QtTest>

#include <functional>
#include <random>

#include "engine/api.h"
#include "engine/lax.h"
#include "tests/testutil.h"

using namespace jxr;
using jxr::test::arr;
using Dn = lax::DotDimensionNumbers;

namespace {

// f(i) for i in arange(size), shaped; the operands numpy saw.
Array aranged(Shape shape, const std::function<double(double)>& f, DType dt) {
  std::vector<double> v(static_cast<size_t>(shape_size(shape)));
  for (size_t i = 0; i < v.size(); ++i) v[i] = f(double(i));
  return arr(v, std::move(shape), dt);
}

}  // namespace

using jxr::test::error_of;

class TestLinalg : public QObject {
  Q_OBJECT
 private slots:
  void jnp_forms();
  void batch_and_contracting_positions();
  void dtypes();
  void empty();
  void large_sgemm();
  void params_and_printing();
  void errors();
};

void TestLinalg::jnp_forms() {
  for (DType dt : {DType::F32, DType::F64}) {
    Array v1 = arr({1, 2, 3}, dt), v2 = arr({4, -5, 6}, dt);
    Array m = arr({1, 2, 3, 4, 5, 6}, {2, 3}, dt);
    Array k = arr({1, 2, 3, 4, 5, 6}, {3, 2}, dt);
    // vector . vector -> scalar 12
    JXR_COMPARE_ARRAYS(lax::dot_general(v1, v2, {{0}, {0}, {}, {}}).array(), jxr::test::scalar(12, dt), 0, 0);
    // matrix . vector
    JXR_COMPARE_ARRAYS(lax::dot_general(m, arr({1, 0, -1}, dt), {{1}, {0}, {}, {}}).array(), arr({-2, -2}, dt), 0, 0);
    // vector . matrix
    JXR_COMPARE_ARRAYS(lax::dot_general(arr({1, -1}, dt), m, {{0}, {0}, {}, {}}).array(), arr({-3, -3, -3}, dt), 0, 0);
    // matmul
    JXR_COMPARE_ARRAYS(lax::dot_general(m, k, {{1}, {0}, {}, {}}).array(), arr({22, 28, 49, 64}, {2, 2}, dt), 0, 0);
    // outer product: no contraction
    JXR_COMPARE_ARRAYS(lax::dot_general(arr({1, 2}, dt), arr({3, 4, 5}, dt), {{}, {}, {}, {}}).array(),
                       arr({3, 4, 5, 6, 8, 10}, {2, 3}, dt), 0, 0);
    // batched matmul, as jnp.matmul: x = arange(12).reshape(2,2,3) - 4, y = arange(12).reshape(2,3,2) * 0.5
    Array x = aranged({2, 2, 3}, [](double i) { return i - 4; }, dt);
    Array y = aranged({2, 3, 2}, [](double i) { return i * 0.5; }, dt);
    JXR_COMPARE_ARRAYS(lax::dot_general(x, y, {{2}, {1}, {0}, {0}}).array(),
                       arr({-7.0, -11.5, 2.0, 2.0, 38.0, 42.5, 74.0, 83.0}, {2, 2, 2}, dt), 0, 0);
  }
}

void TestLinalg::batch_and_contracting_positions() {
  for (DType dt : {DType::F32, DType::F64, DType::I32}) {
    // a.T @ b: contracting the leading dim of both.
    Array a = arr({1, 2, 3, 4, 5, 6}, {3, 2}, dt);
    Array b = aranged({3, 4}, [](double i) { return i; }, dt);
    JXR_COMPARE_ARRAYS(lax::dot_general(a, b, {{0}, {0}, {}, {}}).array(),
                       arr({52, 61, 70, 79, 64, 76, 88, 100}, {2, 4}, dt), 0, 0);
    // einsum('ibk,kbj->bij'): batch dims in the middle, output batch first.
    Array l = aranged({3, 2, 4}, [](double i) { return i - 10; }, dt);
    Array r = aranged({4, 2, 5}, [](double i) { return std::fmod(i, 7) - 3; }, dt);
    Array got = lax::dot_general(l, r, {{2}, {0}, {1}, {1}}).array();
    JXR_COMPARE_ARRAYS(got,
                       arr({13.0, 35.0, 1.0, -33.0, -4.0, 5.0, 3.0, 1.0, -1.0, 4.0, -3.0, -29.0, 1.0, 31.0, 12.0,
                            3.0, -15.0, 9.0, 19.0, 1.0, -13.0, 1.0, 1.0, -13.0, 1.0, -29.0, 17.0, -7.0, -45.0, 1.0},
                           {2, 3, 5}, dt),
                       0, 0);
    // einsum('ijk,kjl->il'): two contracting dims, paired in dnums order.
    Array l2 = aranged({2, 3, 4}, [](double i) { return std::fmod(i, 5); }, dt);
    Array r2 = aranged({4, 3, 2}, [](double i) { return std::fmod(i, 3) - 1; }, dt);
    JXR_COMPARE_ARRAYS(lax::dot_general(l2, r2, {{2, 1}, {0, 1}, {}, {}}).array(), arr({1, 1, 1, -4}, {2, 2}, dt), 0,
                       0);
  }
}

void TestLinalg::dtypes() {
  // Integers wrap as XLA: 65536 * 65536 == 0 in int32.
  JXR_COMPARE_ARRAYS(lax::dot_general(arr({65536, 3}, DType::I32), arr({65536, 2}, DType::I32), {{0}, {0}, {}, {}})
                         .array(),
                     jxr::test::scalar(6, DType::I32), 0, 0);
  // bf16 inputs with preferred f32 give f32 (accumulated in f32): 1 + 2^-9 *
  // 4 is not representable as bf16 but is as f32.
  Array hb = arr({1, 1.0 / 512, 1.0 / 512, 1.0 / 512, 1.0 / 512}, DType::BF16);
  Array ones = arr({1, 1, 1, 1, 1}, DType::BF16);
  Array f = lax::dot_general(hb, ones, {{0}, {0}, {}, {}}, DType::F32).array();
  QCOMPARE(f.dtype(), DType::F32);
  QCOMPARE(f.item(), 1.0 + 4.0 / 512);
  Array h = lax::dot_general(hb, ones, {{0}, {0}, {}, {}}).array();
  QCOMPARE(h.dtype(), DType::BF16);
  QCOMPARE(h.item(), 1.0078125);  // bf16(1.0078125) from the f32 sum
  Array f16 = lax::dot_general(arr({0.5, 2}, DType::F16), arr({4, 0.25}, DType::F16), {{0}, {0}, {}, {}}).array();
  QCOMPARE(f16.item(), 2.5);
  // int inputs with a float preferred type, and mixed i32 x f32 -> f32.
  Array i2f = lax::dot_general(arr({1, 2}, DType::I32), arr({3, 4}, DType::I32), {{0}, {0}, {}, {}}, DType::F32).array();
  JXR_COMPARE_ARRAYS(i2f, jxr::test::scalar(11, DType::F32), 0, 0);
  Array mixed = lax::dot_general(arr({1, 2}, DType::I32), arr({0.5, 0.25}, DType::F32), {{0}, {0}, {}, {}}).array();
  JXR_COMPARE_ARRAYS(mixed, jxr::test::scalar(1, DType::F32), 0, 0);
  // bool: or of ands.
  Array bm = arr({1, 0, 0, 0}, {2, 2}, DType::Bool);
  JXR_COMPARE_ARRAYS(lax::dot_general(bm, arr({0, 1}, DType::Bool), {{1}, {0}, {}, {}}).array(),
                     arr({0, 0}, DType::Bool), 0, 0);
  JXR_COMPARE_ARRAYS(lax::dot_general(bm, arr({1, 1}, DType::Bool), {{1}, {0}, {}, {}}).array(),
                     arr({1, 0}, DType::Bool), 0, 0);
  // NaN and inf propagate through BLAS.
  Array n = lax::dot_general(arr({1, std::nan("")}, DType::F32), arr({1, 0}, DType::F32), {{0}, {0}, {}, {}}).array();
  QVERIFY(std::isnan(n.item()));
  // Weak only when both operands are weak.
  Array w = Array::full({2}, 1.0, DType::F32, true);
  QVERIFY(lax::dot_general(w, w, {{0}, {0}, {}, {}}).weak_type());
  QVERIFY(!lax::dot_general(w, arr({1, 1}, DType::F32), {{0}, {0}, {}, {}}).weak_type());
}

void TestLinalg::empty() {
  for (DType dt : {DType::F32, DType::F64, DType::I32, DType::BF16}) {
    // Empty contraction: zeros.
    Array z = lax::dot_general(arr({}, {2, 0}, dt), arr({}, {0, 3}, dt), {{1}, {0}, {}, {}}).array();
    JXR_COMPARE_ARRAYS(z, arr({0, 0, 0, 0, 0, 0}, {2, 3}, dt), 0, 0);
    // Empty free dim: an empty result.
    Array e = lax::dot_general(arr({}, {0, 4}, dt), aranged({4, 3}, [](double i) { return i; }, dt),
                               {{1}, {0}, {}, {}})
                  .array();
    QCOMPARE(e.shape(), (Shape{0, 3}));
    Array eb = lax::dot_general(arr({}, {0, 2, 4}, dt), arr({}, {0, 4, 1}, dt), {{2}, {1}, {0}, {0}}).array();
    QCOMPARE(eb.shape(), (Shape{0, 2, 1}));
  }
}

void TestLinalg::large_sgemm() {
  // (37 x 70) . (50 x 70)^T contracting the last dims of both (a gather into
  // gemm layout) against a naive double loop.
  std::mt19937 gen(7);
  std::uniform_real_distribution<double> u(-1, 1);
  const int64_t M = 37, K = 70, N = 50;
  std::vector<double> a(M * K), b(N * K);
  for (double& v : a) v = u(gen);
  for (double& v : b) v = u(gen);
  Array A = arr(a, {M, K}, DType::F32), B = arr(b, {N, K}, DType::F32);
  std::vector<double> fa = A.to_doubles(), fb = B.to_doubles(), want(M * N, 0.0);
  for (int64_t i = 0; i < M; ++i)
    for (int64_t j = 0; j < N; ++j)
      for (int64_t k = 0; k < K; ++k) want[i * N + j] += fa[i * K + k] * fb[j * K + k];
  Array got = lax::dot_general(A, B, {{1}, {1}, {}, {}}).array();
  JXR_COMPARE_ARRAYS(got, arr(want, {M, N}, DType::F32), 1e-5, 1e-5);
  // The same in f64, batched over a leading dim of 3 copies.
  std::vector<double> a3, b3;
  for (int r = 0; r < 3; ++r) {
    a3.insert(a3.end(), fa.begin(), fa.end());
    b3.insert(b3.end(), fb.begin(), fb.end());
  }
  Array got3 = lax::dot_general(arr(a3, {3, M, K}, DType::F64), arr(b3, {3, N, K}, DType::F64),
                                {{2}, {2}, {0}, {0}})
                   .array();
  std::vector<double> want3;
  for (int r = 0; r < 3; ++r) want3.insert(want3.end(), want.begin(), want.end());
  JXR_COMPARE_ARRAYS(got3, arr(want3, {3, M, N}, DType::F64), 1e-12, 1e-12);
}

void TestLinalg::params_and_printing() {
  QCOMPARE(QString::fromStdString(lax::dot_dnums_param({{1}, {0}, {}, {}}).str()), "(([1], [0]), ([], []))");
  Dn d{{2, 1}, {0, 1}, {0}, {3}};
  Dn back = lax::dot_dnums_from_param(lax::dot_dnums_param(d));
  QCOMPARE(back.lhs_contracting, d.lhs_contracting);
  QCOMPARE(back.rhs_contracting, d.rhs_contracting);
  QCOMPARE(back.lhs_batch, d.lhs_batch);
  QCOMPARE(back.rhs_batch, d.rhs_batch);

  auto f = [](const Value& x, const Value& y) { return lax::dot_general(x, y, {{1}, {0}, {}, {}}, DType::F32); };
  ClosedJaxpr cj = make_jaxpr(f, Value(Array::zeros({{4, 3}, DType::F32})), Value(Array::zeros({{3}, DType::F32})));
  QCOMPARE(cj.jaxpr->eqns.size(), size_t(1));
  const Eqn& e = cj.jaxpr->eqns[0];
  QCOMPARE(e.prim->name(), std::string("dot_general"));
  QVERIFY(e.params.get("precision").is_none());
  QCOMPARE(e.params.get("preferred_element_type").as_dtype(), DType::F32);
  QCOMPARE(cj.out_avals()[0].shape, (Shape{4}));
  // JAX's printer hides None params: dimension_numbers, preferred_element_type.
  auto printed = e.prim->printed_params(e.params);
  QCOMPARE(printed.size(), size_t(2));
  QCOMPARE(printed[0].first, std::string("dimension_numbers"));
  QCOMPARE(printed[1].first, std::string("preferred_element_type"));
  Params parsed{{"dimension_numbers", lax::dot_dnums_param({{1}, {0}, {}, {}})}};
  e.prim->parse_params(parsed, {}, {});
  QVERIFY(parsed.get("precision").is_none());
  QVERIFY(parsed.get("preferred_element_type").is_none());
}

void TestLinalg::errors() {
  Array m = arr({1, 2, 3, 4, 5, 6}, {2, 3}, DType::F32);
  Array v = arr({1, 2}, DType::F32);
  QCOMPARE(error_of([&] { lax::dot_general(m, v, {{1}, {0}, {}, {}}); }),
           std::string("dot_general requires contracting dimensions to have the same shape, got (3,) and (2,) "
                       "(lhs f32[2,3], rhs f32[2], dimension_numbers=(([1], [0]), ([], [])))."));
  QCOMPARE(error_of([&] { lax::dot_general(m, v, {{2}, {0}, {}, {}}); }),
           std::string("dot_general requires lhs dimension numbers to be nonnegative and less than the number of "
                       "axes of the lhs value, got lhs_batch of () and lhs_contracting of (2,) for lhs of rank 2"));
  QCOMPARE(error_of([&] { lax::dot_general(m, v, {{}, {-1}, {}, {}}); }),
           std::string("dot_general requires rhs dimension numbers to be nonnegative and less than the number of "
                       "axes of the rhs value, got rhs_batch of () and rhs_contracting of (-1,) for rhs of rank 1"));
  QCOMPARE(error_of([&] { lax::dot_general(m, m, {{1}, {1}, {0}, {}}); }),
           std::string("dot_general requires equal numbers of lhs_batch and rhs_batch dimensions, got lhs_batch "
                       "(0,) and rhs_batch ()."));
  QCOMPARE(error_of([&] { lax::dot_general(m, m, {{1}, {1}, {0, 0}, {0, 0}}); }),
           std::string("dot_general requires lhs batch dimensions to be distinct, got lhs_batch (0, 0)."));
  QCOMPARE(error_of([&] { lax::dot_general(m, m, {{0}, {1}, {0}, {0}}); }),
           std::string("dot_general requires lhs batch dimensions to be disjoint from contracting dimensions, got "
                       "lhs_batch (0,) and lhs_contracting (0,)."));
  Array t = arr({1, 2, 3, 4, 5, 6}, {3, 2}, DType::F32);
  QCOMPARE(error_of([&] { lax::dot_general(m, t, {{1}, {1}, {0}, {0}}); }),
           std::string("dot_general requires lhs batch dimensions and rhs batch dimensions to have the same shape, "
                       "got (2,) and (3,)."));
  QCOMPARE(error_of([&] { lax::dot_general(m, arr({1, 2, 3}, DType::I32), {{1}, {0}, {}, {}}, DType::I32); }),
           std::string("dot_general: Input type is incompatible with `preferred_element_type`. The compatible "
                       "combinations of (input_type, preferred_element_type) are (integral, integral), (integral, "
                       "floating), (floating, floating), (complex, complex. (input type float32, "
                       "preferred_element_type int32)"));
  QCOMPARE(error_of([&] { lax::dot_general(arr({1}, DType::I32), arr({1}, DType::I32), {{0}, {0}, {}, {}}, DType::U32); }),
           std::string("dot_general: `preferred_element_type` must have the same signedness as the original type. "
                       "(input type int32, preferred_element_type uint32)"));
  QCOMPARE(error_of([&] { lax::dot_general(arr({1}, DType::F32), arr({1}, DType::F32), {{0}, {0}, {}, {}}, DType::BF16); }),
           std::string("dot_general: `preferred_element_type` must not be narrower than the original type. (input "
                       "type float32, preferred_element_type bfloat16)"));
  // A malformed dimension_numbers param is an error, not a crash.
  const Primitive& p = get_primitive("dot_general");
  QVERIFY(!error_of([&] {
             apply_primitive(p, std::vector<Array>{m, m},
                             {{"dimension_numbers", Param::ints({1, 0})},
                              {"precision", Param::none()},
                              {"preferred_element_type", Param::none()}});
           }).empty());
}

QTEST_GUILESS_MAIN(TestLinalg)
#include "tst_linalg.moc"
