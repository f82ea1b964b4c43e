// Core value types: dtypes and promotion, params, pytrees, arrays.
#include <QtTest>

#include "engine/core/dtype.h"
#include "engine/core/format.h"
#include "engine/core/params.h"
#include "engine/pytree.h"

using namespace jxr;

class TestCore : public QObject {
  Q_OBJECT
 private slots:
  void promotion_data();
  void promotion();
  void float_repr_data();
  void float_repr();
  void params_text();
  void pytree_roundtrip();
  void array_basics();
  void half_floats();
};

void TestCore::promotion_data() {
  QTest::addColumn<int>("a");
  QTest::addColumn<bool>("aw");
  QTest::addColumn<int>("b");
  QTest::addColumn<bool>("bw");
  QTest::addColumn<int>("out");
  QTest::addColumn<bool>("outw");
  auto row = [](const char* n, DType a, bool aw, DType b, bool bw, DType o, bool ow) {
    QTest::newRow(n) << int(a) << aw << int(b) << bw << int(o) << ow;
  };
  // Expected values from jnp.result_type with x64 disabled (JAX 0.10.2).
  row("i32+f32", DType::I32, false, DType::F32, false, DType::F32, false);
  row("u32+i32", DType::U32, false, DType::I32, false, DType::I32, false);
  row("bf16+f16", DType::BF16, false, DType::F16, false, DType::F32, false);
  row("bool+bool", DType::Bool, false, DType::Bool, false, DType::Bool, false);
  row("bool+weak int", DType::Bool, false, DType::I32, true, DType::I32, true);
  row("f16+weak float", DType::F16, false, DType::F32, true, DType::F16, false);
  row("i32+weak float", DType::I32, false, DType::F32, true, DType::F32, true);
  row("u32+weak int", DType::U32, false, DType::I32, true, DType::U32, false);
  row("bf16+i32", DType::BF16, false, DType::I32, false, DType::BF16, false);
  row("weak int+weak float", DType::I32, true, DType::F32, true, DType::F32, true);
  row("i64+f32", DType::I64, false, DType::F32, false, DType::F32, false);
  row("f64+i32", DType::F64, false, DType::I32, false, DType::F32, false);
}

void TestCore::promotion() {
  QFETCH(int, a);
  QFETCH(bool, aw);
  QFETCH(int, b);
  QFETCH(bool, bw);
  QFETCH(int, out);
  QFETCH(bool, outw);
  TypedKind r = promote_types({DType(a), aw}, {DType(b), bw});
  QCOMPARE(int(r.dtype), out);
  QCOMPARE(r.weak, outw);
  TypedKind r2 = promote_types({DType(b), bw}, {DType(a), aw});
  QCOMPARE(int(r2.dtype), out);
}

void TestCore::float_repr_data() {
  QTest::addColumn<double>("v");
  QTest::addColumn<QString>("text");
  // Python's repr of the same doubles.
  QTest::newRow("one") << 1.0 << "1.0";
  QTest::newRow("f32 0.1") << double(0.1f) << "0.10000000149011612";
  QTest::newRow("1e16") << 1e16 << "1e+16";
  QTest::newRow("1e-5") << double(1e-5f) << "9.999999747378752e-06";
  QTest::newRow("big") << double(1e20f) << "1.0000000200408773e+20";
  QTest::newRow("1e-4") << 1e-4 << "0.0001";
  QTest::newRow("neg") << -2.5 << "-2.5";
  QTest::newRow("negzero") << -0.0 << "-0.0";
  QTest::newRow("123456.0") << 123456.0 << "123456.0";
  QTest::newRow("inf") << std::numeric_limits<double>::infinity() << "inf";
  QTest::newRow("nan") << std::numeric_limits<double>::quiet_NaN() << "nan";
}

void TestCore::float_repr() {
  QFETCH(double, v);
  QFETCH(QString, text);
  QCOMPARE(QString::fromStdString(py_float_repr(v)), text);
}

void TestCore::params_text() {
  QCOMPARE(QString::fromStdString(Param::ints({0}).str()), QString("(0,)"));
  QCOMPARE(QString::fromStdString(Param::ints({1, 0}).str()), QString("(1, 0)"));
  QCOMPARE(QString::fromStdString(Param::ints({}).str()), QString("()"));
  Param dn = Param::tuple({Param::tuple({Param::list({Param::integer(1)}), Param::list({Param::integer(0)})}),
                           Param::tuple({Param::list({}), Param::list({})})});
  QCOMPARE(QString::fromStdString(dn.str()), QString("(([1], [0]), ([], []))"));
  QCOMPARE(QString::fromStdString(Param::dtype(DType::F32).str()), QString("float32"));
  Params p{{"b", Param::boolean(false)}, {"a", Param::none()}};
  QCOMPARE(QString::fromStdString(p.str()), QString("a=None b=False"));
  QVERIFY_THROWS_EXCEPTION(Error, p.get("zz"));
  QVERIFY_THROWS_EXCEPTION(Error, (void)p.get("a").as_int());
}

void TestCore::pytree_roundtrip() {
  Array x = Array::scalar(1.0, DType::F32);
  Tree t = Tree::tuple({Tree(x), Tree::list({Tree(x), Tree::none()}),
                        Tree::dict({{"z", Tree(x)}, {"a", Tree(x)}})});
  auto [leaves, def] = tree_flatten(t);
  QCOMPARE(leaves.size(), size_t(4));
  QCOMPARE(QString::fromStdString(def.str()), QString("PyTreeDef((*, [*, None], {'a': *, 'z': *}))"));
  Tree back = tree_unflatten(def, leaves);
  QCOMPARE(tree_flatten(back).second == def, true);
  QVERIFY_THROWS_EXCEPTION(Error, tree_unflatten(def, std::span<const Value>(leaves.data(), 3)));
}

void TestCore::array_basics() {
  Array a = Array::from_vector<float>({1, 2, 3, 4, 5, 6}, {2, 3});
  QCOMPARE(a.size(), int64_t(6));
  QCOMPARE(a.item(4), 5.0);
  QCOMPARE(QString::fromStdString(a.aval().str_short()), QString("f32[2,3]"));
  QCOMPARE(QString::fromStdString(a.str()), QString("[[1.0 2.0 3.0] [4.0 5.0 6.0]]"));
  Array b = a.astype(DType::I32);
  QCOMPARE(b.dtype(), DType::I32);
  QCOMPARE(b.item(5), 6.0);
  Array nan = Array::scalar(std::nan(""), DType::F32).astype(DType::I32);
  QCOMPARE(nan.item(), 0.0);
  Array big = Array::scalar(1e20, DType::F64).astype(DType::I32);
  QCOMPARE(big.item(), double(std::numeric_limits<int32_t>::max()));
  QVERIFY_THROWS_EXCEPTION(Error, Array::from_vector<float>({1, 2}, {3}));
}

void TestCore::half_floats() {
  QCOMPARE(float(bfloat16(1.0f)), 1.0f);
  QCOMPARE(bfloat16(1.0f).bits, uint16_t(0x3f80));
  // Round to nearest even: 1 + 2^-8 is halfway between bf16 neighbours.
  QCOMPARE(float(bfloat16(1.00390625f)), 1.0f);
  QCOMPARE(float(float16(65504.0f)), 65504.0f);
  QCOMPARE(float16(1.0f).bits, uint16_t(0x3c00));
  QVERIFY(std::isnan(float(bfloat16(std::nanf("")))));
}

QTEST_GUILESS_MAIN(TestCore)
#include "tst_core.moc"
