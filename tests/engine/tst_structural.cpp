// Structural primitives (broadcast_in_dim, reshape, squeeze, transpose, rev,
// concatenate, unstack, pad, iota, copy): eager values against numpy/JAX
// results, shape errors, traced params, broadcast_in_dim's print/parse rules
// and the lax functions' identity shortcuts.
// Expected values were computed with numpy and jax.lax 0.10.2.
#include <QtTest>

#include <numeric>

#include "engine/api.h"
#include "engine/jaxpr/parse.h"
#include "engine/jaxpr/print.h"
#include "engine/lax.h"
#include "testutil.h"

using namespace jxr;
using jxr::test::arr;

namespace {

// 0, 1, 2, ... in `shape`, as np.arange(n).reshape(shape).
Array iota_array(Shape shape, DType dtype = DType::F32) {
  std::vector<double> v(shape_size(shape));
  std::iota(v.begin(), v.end(), 0.0);
  return arr(v, std::move(shape), dtype);
}

// testutil's error_of, as a QString for QCOMPARE against message literals.
QString error_of(const std::function<void()>& f) { return QString::fromStdString(jxr::test::error_of(f)); }

const Eqn& only_eqn(const ClosedJaxpr& cj) {
  if (cj.jaxpr->eqns.size() != 1) qFatal("expected one equation");
  return cj.jaxpr->eqns[0];
}

// Prints an equation's params as the printer would, then parses them back.
Params print_parse(const Eqn& e) {
  Params parsed;
  for (const auto& [name, value] : e.prim->printed_params(e.params)) parsed.set(name, value);
  std::vector<ShapedArray> in, out;
  for (const Atom& a : e.inputs) in.push_back(a.aval());
  for (const VarPtr& v : e.outputs) out.push_back(v->aval);
  if (e.prim->parse_params) e.prim->parse_params(parsed, in, out);
  return parsed;
}

// The jaxpr text of an op with several outputs, traced on x.
QString multi_text(const std::function<std::vector<Value>(const Value&)>& f, const Array& x) {
  TreeFn tf = [f](const std::vector<Tree>& a) {
    std::vector<Tree> outs;
    for (const Value& v : f(a[0].leaf())) outs.emplace_back(v);
    return Tree::tuple(std::move(outs));
  };
  return QString::fromStdString(print_closed_jaxpr(make_jaxpr(tf, {Tree(Value(x))})));
}

}  // namespace

class TestStructural : public QObject {
  Q_OBJECT
 private slots:
  void broadcast_in_dim_values();
  void broadcast_in_dim_errors_data();
  void broadcast_in_dim_errors();
  void broadcast_in_dim_print_parse();
  void reshape();
  void squeeze();
  void transpose();
  void rev();
  void concatenate();
  void unstack();
  void pad_data();
  void pad();
  void pad_errors();
  void iota();
  void copy();
  void traced_params();
  void identity_shortcuts();
};

void TestStructural::broadcast_in_dim_values() {
  // Vector to rows.
  Array row = lax::broadcast_in_dim(Value(arr({1, 2, 3})), {2, 3}, {1}).array();
  JXR_COMPARE_ARRAYS(row, arr({1, 2, 3, 1, 2, 3}, {2, 3}), 0, 0);
  // A size-1 dim stretches; a new leading dim is added.
  Array col = lax::broadcast_in_dim(Value(iota_array({3, 1})), {2, 3, 4}, {1, 2}).array();
  JXR_COMPARE_ARRAYS(col, arr({0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2}, {2, 3, 4}), 0, 0);
  // JAX accepts non-increasing broadcast_dimensions (a transpose).
  Array t = lax::broadcast_in_dim(Value(iota_array({2, 3})), {3, 2}, {1, 0}).array();
  JXR_COMPARE_ARRAYS(t, arr({0, 3, 1, 4, 2, 5}, {3, 2}), 0, 0);
  // Scalars broadcast with empty dims; weak_type is kept.
  Array s = lax::broadcast_in_dim(Value(Array::scalar(7, DType::I32, true)), {2, 2}, {}).array();
  JXR_COMPARE_ARRAYS(s, arr({7, 7, 7, 7}, {2, 2}, DType::I32), 0, 0);
  QVERIFY(s.weak_type());
  // Empty results.
  Array e = lax::broadcast_in_dim(Value(arr({}, {0})), {2, 0}, {1}).array();
  QCOMPARE(e.shape(), (Shape{2, 0}));
  Array e2 = lax::broadcast_in_dim(Value(arr({5}, {1})), {0, 3}, {1}).array();
  QCOMPARE(e2.shape(), (Shape{0, 3}));
}

void TestStructural::broadcast_in_dim_errors_data() {
  QTest::addColumn<QList<qint64>>("operand");
  QTest::addColumn<QList<qint64>>("shape");
  QTest::addColumn<QList<qint64>>("dims");
  QTest::addColumn<QString>("message");
  QTest::newRow("dims length") << QList<qint64>{3} << QList<qint64>{2, 3} << QList<qint64>{}
                               << "broadcast_in_dim broadcast_dimensions must have length equal to operand ndim; got "
                                  "broadcast_dimensions () for operand ndim 1.";
  QTest::newRow("rank") << QList<qint64>{3, 1} << QList<qint64>{3} << QList<qint64>{0, 1}
                        << "broadcast_in_dim target broadcast shape must have equal or higher rank to the operand "
                           "shape; got operand ndim 2 and target broadcast ndim 1.";
  QTest::newRow("subset") << QList<qint64>{3} << QList<qint64>{2, 3} << QList<qint64>{2}
                          << "broadcast_in_dim broadcast_dimensions must be a subset of output dimensions, got (2,) "
                             "for operand ndim 1 and shape (2, 3).";
  QTest::newRow("size") << QList<qint64>{3} << QList<qint64>{2, 4} << QList<qint64>{1}
                        << "broadcast_in_dim operand dimension sizes must either be 1, or be equal to their "
                           "corresponding dimensions in the target broadcast shape; got operand of shape (3,), "
                           "target broadcast shape (2, 4), broadcast_dimensions (1,) ";
  QTest::newRow("duplicates") << QList<qint64>{1, 1} << QList<qint64>{2, 3} << QList<qint64>{1, 1}
                              << "broadcast_in_dim broadcast_dimensions must not contain duplicates, got "
                                 "broadcast_dimensions (1, 1)";
  QTest::newRow("negative shape") << QList<qint64>{} << QList<qint64>{-1} << QList<qint64>{}
                                  << "broadcast_in_dim shape must have every element be nonnegative, got (-1,).";
  QTest::newRow("negative dim") << QList<qint64>{1} << QList<qint64>{2} << QList<qint64>{-1}
                                << "broadcast_in_dim broadcast_dimensions must have every element be nonnegative, "
                                   "got (-1,).";
}

void TestStructural::broadcast_in_dim_errors() {
  QFETCH(QList<qint64>, operand);
  QFETCH(QList<qint64>, shape);
  QFETCH(QList<qint64>, dims);
  QFETCH(QString, message);
  Array x = Array::zeros({Shape(operand.begin(), operand.end()), DType::F32});
  QString got = error_of([&] {
    lax::broadcast_in_dim(Value(x), Shape(shape.begin(), shape.end()), std::vector<int64_t>(dims.begin(), dims.end()));
  });
  QCOMPARE(got, message);
}

void TestStructural::broadcast_in_dim_print_parse() {
  // Real JAX: `broadcast_in_dim[broadcast_dimensions=(1, 2)] a` and, for a
  // scalar, `broadcast_in_dim k` with no params at all.
  Array x = iota_array({3, 4});
  ClosedJaxpr cj = make_jaxpr([](const Value& v) { return lax::broadcast_in_dim(v, {1, 3, 4}, {1, 2}); }, Value(x));
  const Eqn& e = only_eqn(cj);
  auto printed = e.prim->printed_params(e.params);
  QCOMPARE(printed.size(), size_t(1));
  QCOMPARE(QString::fromStdString(printed[0].first), QString("broadcast_dimensions"));
  QCOMPARE(QString::fromStdString(printed[0].second.str()), QString("(1, 2)"));
  QVERIFY(print_parse(e) == e.params);

  ClosedJaxpr cs = make_jaxpr([](const Value& v) { return lax::broadcast_in_dim(v, {3}, {}); },
                              Value(Array::scalar(1, DType::F32)));
  const Eqn& es = only_eqn(cs);
  QVERIFY(es.prim->printed_params(es.params).empty());
  Params back = print_parse(es);
  QVERIFY(back == es.params);
  QCOMPARE(back.get_ints("shape"), (std::vector<int64_t>{3}));
  QVERIFY(back.get("sharding").is_none());
}

void TestStructural::reshape() {
  Array x = iota_array({3, 4});
  Array r = lax::reshape(Value(x), {2, 6}).array();
  JXR_COMPARE_ARRAYS(r, iota_array({2, 6}), 0, 0);
  // dimensions=(1, 0) transposes first: np.reshape(x.T, (2, 6)).
  Array rd = lax::reshape(Value(x), {2, 6}, std::vector<int64_t>{1, 0}).array();
  JXR_COMPARE_ARRAYS(rd, arr({0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11}, {2, 6}), 0, 0);
  Array e = lax::reshape(Value(arr({}, {0, 3})), {3, 0, 2}).array();
  QCOMPARE(e.shape(), (Shape{3, 0, 2}));
  Array s = lax::reshape(Value(arr({5}, {1, 1})), {}).array();
  QCOMPARE(s.shape(), Shape{});
  QCOMPARE(s.item(), 5.0);

  QCOMPARE(error_of([&] { lax::reshape(Value(x), {5}); }),
           QString("reshape total size must be unchanged, got new_sizes (5,) (of total size 5) for shape (3, 4) "
                   "(of total size 12)."));
  QCOMPARE(error_of([&] { lax::reshape(Value(x), {12}, std::vector<int64_t>{0, 0}); }),
           QString("reshape dimensions must be a permutation of operand dimensions, got dimensions (0, 0) for shape "
                   "(3, 4)."));
  QCOMPARE(error_of([&] { lax::reshape(Value(x), {-3, -4}); }),
           QString("reshape new_sizes must all be positive, got (-3, -4)."));
}

void TestStructural::squeeze() {
  Array x = iota_array({1, 3, 1});
  Array a = lax::squeeze(Value(x), {0, -1}).array();
  JXR_COMPARE_ARRAYS(a, arr({0, 1, 2}), 0, 0);
  Array b = lax::squeeze(Value(x), {2}).array();
  QCOMPARE(b.shape(), (Shape{1, 3}));
  Array c = lax::squeeze(Value(arr({}, {0, 1})), {1}).array();
  QCOMPARE(c.shape(), (Shape{0}));
  QString msg = error_of([&] { lax::squeeze(Value(x), {1}); });
  QVERIFY2(msg.contains("squeeze") && msg.contains("shape=(1, 3, 1)") && msg.contains("dimensions=(1,)"),
           qPrintable(msg));
  QVERIFY(error_of([&] { lax::squeeze(Value(x), {3}); }).contains("squeeze dimensions outside range"));
  QVERIFY(error_of([&] { lax::squeeze(Value(x), {0, -3}); }).contains("not unique"));
}

void TestStructural::transpose() {
  Array y = iota_array({2, 3, 4});
  Array t = lax::transpose(Value(y), {2, 0, 1}).array();
  JXR_COMPARE_ARRAYS(t, arr({0, 4, 8, 12, 16, 20, 1, 5, 9, 13, 17, 21, 2, 6, 10, 14, 18, 22, 3, 7, 11, 15, 19, 23},
                            {4, 2, 3}), 0, 0);
  Array i = lax::transpose(Value(iota_array({2, 3}, DType::I32)), {1, 0}).array();
  JXR_COMPARE_ARRAYS(i, arr({0, 3, 1, 4, 2, 5}, {3, 2}, DType::I32), 0, 0);
  Array e = lax::transpose(Value(arr({}, {0, 2})), {1, 0}).array();
  QCOMPARE(e.shape(), (Shape{2, 0}));
  QCOMPARE(error_of([&] { lax::transpose(Value(y), {0, 1}); }),
           QString("transpose permutation isn't a permutation of operand dimensions, got permutation (0, 1) for "
                   "operand shape (2, 3, 4)."));
}

void TestStructural::rev() {
  Array x = iota_array({3, 4});
  JXR_COMPARE_ARRAYS(lax::rev(Value(x), {0, 1}).array(), arr({11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0}, {3, 4}), 0, 0);
  Array y = iota_array({2, 3, 4});
  JXR_COMPARE_ARRAYS(lax::rev(Value(y), {1}).array(),
                     arr({8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3, 20, 21, 22, 23, 16, 17, 18, 19, 12, 13, 14, 15},
                         {2, 3, 4}), 0, 0);
  JXR_COMPARE_ARRAYS(lax::rev(Value(x), {}).array(), x, 0, 0);
  QCOMPARE(lax::rev(Value(arr({}, {2, 0})), {0, 1}).array().shape(), (Shape{2, 0}));
  QCOMPARE(error_of([&] { lax::rev(Value(x), {1, 1}); }), QString("rev dimensions must be unique, got (1, 1)."));
  QVERIFY(error_of([&] { lax::rev(Value(x), {2}); }).contains("operand ndim 2"));
  QVERIFY(error_of([&] { lax::rev(Value(x), {-1}); }).startsWith("rev dimensions"));
}

void TestStructural::concatenate() {
  Array x = iota_array({3, 4});
  Array first = arr({0, 4, 8}, {3, 1});
  Array c = lax::concatenate({Value(first), Value(arr({}, {3, 0})), Value(x)}, 1).array();
  JXR_COMPARE_ARRAYS(c, arr({0, 0, 1, 2, 3, 4, 4, 5, 6, 7, 8, 8, 9, 10, 11}, {3, 5}), 0, 0);
  Array r = lax::concatenate({Value(arr({1, 2}, DType::I32)), Value(arr({3}, DType::I32))}, 0).array();
  JXR_COMPARE_ARRAYS(r, arr({1, 2, 3}, DType::I32), 0, 0);
  Array one = lax::concatenate({Value(x)}, 0).array();
  JXR_COMPARE_ARRAYS(one, x, 0, 0);

  QCOMPARE(error_of([&] { lax::concatenate({Value(x), Value(arr({1, 2, 3}))}, 0); }),
           QString("Cannot concatenate arrays with different numbers of dimensions: got (3, 4), (3,)."));
  QCOMPARE(error_of([&] { lax::concatenate({Value(x), Value(iota_array({2, 3}))}, 0); }),
           QString("Cannot concatenate arrays with shapes that differ in dimensions other than the one being "
                   "concatenated: concatenating along dimension 0 for shapes (3, 4), (2, 3)."));
  QCOMPARE(error_of([&] { lax::concatenate({Value(x), Value(x)}, 2); }),
           QString("concatenate dimension out of bounds: dimension 2 for shapes (3, 4), (3, 4)."));
  QVERIFY(error_of([&] { lax::concatenate({Value(x), Value(iota_array({3, 4}, DType::I32))}, 0); })
              .contains("same dtypes"));
  QCOMPARE(error_of([&] { lax::concatenate({}, 0); }), QString("concatenate expects at least one operand, got 0."));
}

void TestStructural::unstack() {
  // lax.unstack(np.arange(24.).reshape(2, 3, 4), 1): three (2, 4) pieces.
  Array x = iota_array({2, 3, 4});
  std::vector<Value> a = lax::unstack(Value(x), 1);
  QCOMPARE(a.size(), size_t{3});
  JXR_COMPARE_ARRAYS(a[0].array(), arr({0, 1, 2, 3, 12, 13, 14, 15}, {2, 4}), 0, 0);
  JXR_COMPARE_ARRAYS(a[1].array(), arr({4, 5, 6, 7, 16, 17, 18, 19}, {2, 4}), 0, 0);
  JXR_COMPARE_ARRAYS(a[2].array(), arr({8, 9, 10, 11, 20, 21, 22, 23}, {2, 4}), 0, 0);
  // Axis -1 counts from the end: lax.unstack(x, -1)[1].
  std::vector<Value> b = lax::unstack(Value(x), -1);
  QCOMPARE(b.size(), size_t{4});
  JXR_COMPARE_ARRAYS(b[1].array(), arr({1, 5, 9, 13, 17, 21}, {2, 3}), 0, 0);
  // Axis 0 of a vector: scalars; dtype and weak_type are kept.
  std::vector<Value> c = lax::unstack(Value(arr({7, 8, 9}, {3}, DType::I32)));
  QCOMPARE(c.size(), size_t{3});
  QCOMPARE(c[2].array().shape(), Shape{});
  QCOMPARE(c[2].dtype(), DType::I32);
  QCOMPARE(c[2].array().item(), 9.0);
  std::vector<Value> w = lax::unstack(Value(Array::full({2}, 1.5, DType::F32, true)));
  QVERIFY(w[0].weak_type() && w[1].weak_type());
  // Stacking the pieces gives the operand back.
  std::vector<Value> pieces = lax::unstack(Value(x), 2);
  Value restacked = bind1(get_primitive("stack"), pieces, {{"axis", Param::integer(2)}});
  JXR_COMPARE_ARRAYS(restacked.array(), x, 0, 0);
  // Empty arrays: no pieces along an empty axis, empty pieces otherwise.
  QCOMPARE(lax::unstack(Value(arr({}, {0, 3})), 0).size(), size_t{0});
  std::vector<Value> e = lax::unstack(Value(arr({}, {2, 0})), 0);
  QCOMPARE(e.size(), size_t{2});
  QCOMPARE(e[1].array().shape(), Shape{0});

  QCOMPARE(error_of([&] { lax::unstack(Value(jxr::test::scalar(1.0))); }),
           QString("unstack requires arrays with rank > 0, however a scalar array of shape () was passed."));
  QVERIFY(error_of([&] { lax::unstack(Value(x), 3); }).contains("out of bounds"));

  // jax.make_jaxpr(lambda x: lax.unstack(x, -1))(jnp.ones((2, 3, 4)))
  const QString text = R"({ lambda ; a:f32[2,3,4]. let
    b:f32[2,3] c:f32[2,3] d:f32[2,3] e:f32[2,3] = unstack[axis=2] a
  in (b, c, d, e) })";
  QCOMPARE(multi_text([](const Value& v) { return lax::unstack(v, -1); }, x), text);
  // The parser checks the four binders against the shape rule and prints back.
  QCOMPARE(QString::fromStdString(print_closed_jaxpr(parse_jaxpr(text.toStdString()))), text);
  QVERIFY(error_of([&] {
            parse_jaxpr("{ lambda ; a:f32[2,3]. let b:f32[3] c:f32[3] d:f32[3] = unstack[axis=0] a in (b, c, d) }");
          }).contains("unstack"));
}

void TestStructural::pad_data() {
  QTest::addColumn<QList<qint64>>("shape");
  QTest::addColumn<QList<qint64>>("config");  // lo, hi, interior per dim
  QTest::addColumn<QList<qint64>>("out_shape");
  QTest::addColumn<QList<double>>("want");
  // jax.lax.pad(np.arange(n).reshape(shape), -1., config)
  QTest::newRow("lo hi interior") << QList<qint64>{3, 4} << QList<qint64>{1, 2, 0, 0, 0, 1} << QList<qint64>{6, 7}
                                  << QList<double>{-1, -1, -1, -1, -1, -1, -1, 0,  -1, 1,  -1, 2,  -1, 3,
                                                   4,  -1, 5,  -1, 6,  -1, 7,  8,  -1, 9,  -1, 10, -1, 11,
                                                   -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1};
  QTest::newRow("negative crops") << QList<qint64>{3, 4} << QList<qint64>{-1, 1, 1, -2, -1, 0}
                                  << QList<qint64>{5, 1} << QList<double>{-1, 6, -1, 10, -1};
  QTest::newRow("crop into interior") << QList<qint64>{3} << QList<qint64>{-2, -2, 2} << QList<qint64>{3}
                                      << QList<double>{-1, 1, -1};
  QTest::newRow("empty operand") << QList<qint64>{0} << QList<qint64>{1, 2, 3} << QList<qint64>{3}
                                 << QList<double>{-1, -1, -1};
  QTest::newRow("to empty") << QList<qint64>{2} << QList<qint64>{-1, -1, 0} << QList<qint64>{0} << QList<double>{};
}

void TestStructural::pad() {
  QFETCH(QList<qint64>, shape);
  QFETCH(QList<qint64>, config);
  QFETCH(QList<qint64>, out_shape);
  QFETCH(QList<double>, want);
  std::vector<lax::PadDim> cfg;
  for (qsizetype i = 0; i < config.size(); i += 3) cfg.push_back({config[i], config[i + 1], config[i + 2]});
  Array x = iota_array(Shape(shape.begin(), shape.end()));
  Array got = lax::pad(Value(x), Value(jxr::test::scalar(-1)), cfg).array();
  JXR_COMPARE_ARRAYS(got, arr(std::vector<double>(want.begin(), want.end()), Shape(out_shape.begin(), out_shape.end())),
                     0, 0);
}

void TestStructural::pad_errors() {
  Array x = iota_array({3, 4});
  Value pv(jxr::test::scalar(0));
  QCOMPARE(error_of([&] { lax::pad(Value(x), pv, {{0, 0, 0}}); }),
           QString("length of padding_config must equal the number of axes of operand, got padding_config "
                   "((0, 0, 0),) for operand shape (3, 4)"));
  QCOMPARE(error_of([&] { lax::pad(Value(x), pv, {{0, 0, -1}, {0, 0, 0}}); }),
           QString("interior padding in padding_config must be nonnegative, got padding_config ((0, 0, -1), "
                   "(0, 0, 0))"));
  QCOMPARE(error_of([&] { lax::pad(Value(x), pv, {{-2, -2, 0}, {0, 0, 0}}); }),
           QString("Dimension size after padding is not at least 0, got result shape (-1, 4), for padding_config "
                   "((-2, -2, 0), (0, 0, 0)) and operand shape (3, 4)"));
  QVERIFY(error_of([&] { lax::pad(Value(x), Value(arr({0, 0})), {{0, 0, 0}, {0, 0, 0}}); })
              .contains("padding_value must be a scalar"));
  QVERIFY(error_of([&] { lax::pad(Value(x), Value(jxr::test::scalar(0, DType::I32)), {{0, 0, 0}, {0, 0, 0}}); })
              .contains("same dtype"));
}

void TestStructural::iota() {
  Array a = lax::iota(DType::I32, {2, 3}, 1).array();
  JXR_COMPARE_ARRAYS(a, arr({0, 1, 2, 0, 1, 2}, {2, 3}, DType::I32), 0, 0);
  Array b = lax::iota(DType::F32, {3, 2}, 0).array();
  JXR_COMPARE_ARRAYS(b, arr({0, 0, 1, 1, 2, 2}, {3, 2}), 0, 0);
  QVERIFY(!b.weak_type());
  QCOMPARE(lax::iota(DType::BF16, {4}, 0).array().item(3), 3.0);
  QCOMPARE(lax::iota(DType::I32, {0, 5}, 1).array().size(), int64_t(0));
  QCOMPARE(error_of([&] { lax::iota(DType::I32, {5}, 1); }),
           QString("iota dimension must be between 0 and len(shape), got dimension=1 for shape=(5,)"));
  QVERIFY(error_of([&] { lax::iota(DType::Bool, {5}, 0); }).contains("iota does not accept dtype bool"));
  QVERIFY(error_of([&] { lax::iota(DType::I32, {-5}, 0); }).contains("nonnegative"));
}

void TestStructural::copy() {
  Array x = iota_array({2, 2}, DType::U32);
  Array c = lax::copy(Value(x)).array();
  QVERIFY(c.bitwise_equal(x));
  QVERIFY(c.raw() != x.raw());
}

void TestStructural::traced_params() {
  Array x = iota_array({3, 4});
  ClosedJaxpr r = make_jaxpr(
      [](const Value& v) { return lax::reshape(v, {4, 3}, std::vector<int64_t>{1, 0}); }, Value(x));
  const Eqn& e = only_eqn(r);
  QCOMPARE(QString::fromStdString(e.prim->name()), QString("reshape"));
  QCOMPARE(QString::fromStdString(e.params.str()), QString("dimensions=(1, 0) new_sizes=(4, 3) sharding=None"));
  QCOMPARE(e.outputs[0]->aval, (ShapedArray{{4, 3}, DType::F32, false}));

  ClosedJaxpr p = make_jaxpr(
      [](const Value& v) { return lax::pad(v, Value(jxr::test::scalar(0)), {{1, 2, 0}, {0, 0, 1}}); }, Value(x));
  const Eqn& ep = only_eqn(p);
  QCOMPARE(QString::fromStdString(ep.params.str()), QString("padding_config=((1, 2, 0), (0, 0, 1))"));
  QCOMPARE(ep.outputs[0]->aval.shape, (Shape{6, 7}));

  ClosedJaxpr i = make_jaxpr([](const Value&) { return lax::iota(DType::I32, {5}, 0); }, Value(x));
  QCOMPARE(QString::fromStdString(only_eqn(i).params.str()),
           QString("dimension=0 dtype=int32 shape=(5,) sharding=None"));
}

void TestStructural::identity_shortcuts() {
  // As jax.lax: an identity reshape, transpose, squeeze or concatenate
  // returns its operand, and no equation is staged.
  Array x = iota_array({2, 3});
  auto text = [&](std::function<Value(const Value&)> f, const Array& a) {
    return QString::fromStdString(print_closed_jaxpr(make_jaxpr(f, Value(a))));
  };
  const QString unchanged = "{ lambda ; a:f32[2,3]. let  in (a,) }";
  QCOMPARE(text([](const Value& v) { return lax::reshape(v, {2, 3}); }, x), unchanged);
  QCOMPARE(text([](const Value& v) { return lax::reshape(v, {2, 3}, std::vector<int64_t>{0, 1}); }, x), unchanged);
  QCOMPARE(text([](const Value& v) { return lax::transpose(v, {0, 1}); }, x), unchanged);
  QCOMPARE(text([](const Value& v) { return lax::squeeze(v, {}); }, x), unchanged);
  QCOMPARE(text([](const Value& v) { return lax::concatenate({v}, 1); }, x), unchanged);
  // Eagerly too: the very same array comes back.
  QCOMPARE(lax::transpose(Value(x), {0, 1}).array().raw(), x.raw());
  // jax.make_jaxpr(lambda x: lax.reshape(x, (6,), (0, 1)))(jnp.ones((2, 3))): an
  // identity `dimensions` is bound as None.
  QCOMPARE(text([](const Value& v) { return lax::reshape(v, {6}, std::vector<int64_t>{0, 1}); }, x),
           QString(R"({ lambda ; a:f32[2,3]. let
    b:f32[6] = reshape[dimensions=None new_sizes=(6,) sharding=None] a
  in (b,) })"));
  // A rank-0 operand is always reshaped: lax.reshape(1., ()).
  QCOMPARE(text([](const Value& v) { return lax::reshape(v, {}); }, jxr::test::scalar(1.0)),
           QString(R"({ lambda ; a:f32[]. let
    b:f32[] = reshape[dimensions=None new_sizes=() sharding=None] a
  in (b,) })"));
  // lax.squeeze canonicalizes and sorts: lax.squeeze(x, (2, -3)) on f32[1,3,1].
  QCOMPARE(text([](const Value& v) { return lax::squeeze(v, {2, -3}); }, iota_array({1, 3, 1})),
           QString("{ lambda ; a:f32[1,3,1]. let b:f32[3] = squeeze[dimensions=(0, 2)] a in (b,) }"));
  // lax.split keeps its sizes' type: Python ints, or numpy ones passed as such;
  // a negative axis is canonicalized. lax.split(x, (1, 2), -1).
  QCOMPARE(multi_text([](const Value& v) { return lax::split(v, std::vector<int64_t>{1, 2}, -1); }, x),
           QString(R"({ lambda ; a:f32[2,3]. let
    b:f32[2,1] c:f32[2,2] = split[axis=1 sizes=(1, 2)] a
  in (b, c) })"));
  QCOMPARE(multi_text(
               [](const Value& v) {
                 return lax::split(v, std::vector<Param>{Param::numpy_integer(2, "np.int64")}, 0);
               },
               x),
           QString(R"({ lambda ; a:f32[2,3]. let
    b:f32[2,3] = split[axis=0 sizes=(np.int64(2),)] a
  in (b,) })"));
}

QTEST_GUILESS_MAIN(TestStructural)
#include "tst_structural.moc"
