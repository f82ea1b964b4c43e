// jxr::random against the bits and values of JAX 0.10.2 (embedded; computed
// with jax.random on the same seeds, threefry partitionable mode).
#include <QtTest>

#include "engine/numpy/random.h"
#include "tests/testutil.h"

using namespace jxr;

namespace {
std::vector<double> values(const Value& v) { return v.array().to_doubles(); }
}  // namespace

class TestRandom : public QObject {
  Q_OBJECT
 private slots:
  void prng_key_data();
  void prng_key();
  void split_and_fold_in();
  void bits();
  void uniform();
  void normal();
  void bernoulli_randint();
  void permutation();
  void errors();
};

void TestRandom::prng_key_data() {
  QTest::addColumn<qint64>("seed");
  QTest::addColumn<double>("hi");
  QTest::addColumn<double>("lo");
  QTest::newRow("0") << qint64(0) << 0.0 << 0.0;
  QTest::newRow("42") << qint64(42) << 0.0 << 42.0;
  QTest::newRow("-1") << qint64(-1) << 0.0 << 4294967295.0;
  QTest::newRow("123456789") << qint64(123456789) << 0.0 << 123456789.0;
}

void TestRandom::prng_key() {
  QFETCH(qint64, seed);
  QFETCH(double, hi);
  QFETCH(double, lo);
  Value k = random::PRNGKey(seed);
  QCOMPARE(int(k.dtype()), int(DType::U32));
  QCOMPARE(values(k), (std::vector<double>{hi, lo}));
}

void TestRandom::split_and_fold_in() {
  Value k0 = random::PRNGKey(0), k42 = random::PRNGKey(42);
  Value s = random::split(k0);
  QCOMPARE(s.shape(), (Shape{2, 2}));
  QCOMPARE(values(s), (std::vector<double>{1797259609, 2579123966, 928981903, 3453687069}));
  QCOMPARE(values(random::split(k42, 3)),
           (std::vector<double>{1832780943, 270669613, 64467757, 2916123636, 2465931498, 255383827}));
  QCOMPARE(values(random::fold_in(k0, 7)), (std::vector<double>{2716826189, 292468403}));
  QCOMPARE(values(random::fold_in(k42, 123)), (std::vector<double>{2238821533, 719561804}));
}

void TestRandom::bits() {
  Value b = random::bits(random::PRNGKey(0), {5});
  QCOMPARE(int(b.dtype()), int(DType::U32));
  QCOMPARE(values(b), (std::vector<double>{4070199207, 4202968722, 1427181096, 2012915765, 2447653815}));
}

void TestRandom::uniform() {
  Value u = random::uniform(random::PRNGKey(0), {5});
  JXR_COMPARE_ARRAYS(u.array(),
                     test::arr({0.9476670026779175, 0.9785798788070679, 0.33229148387908936, 0.46866846084594727,
                                0.569888710975647}),
                     0, 0);
  Value v = random::uniform(random::PRNGKey(42), {2, 3}, -2, 3);
  JXR_COMPARE_ARRAYS(v.array(),
                     test::arr({0.4435478448867798, 1.3989858627319336, 1.081357479095459, 0.8050804138183594,
                                0.2532230615615845, 0.9293292760848999},
                               {2, 3}),
                     1e-6, 0);  // XLA fuses the scale and shift into an fma
}

void TestRandom::normal() {
  // erf_inv may differ from XLA's in the last bits.
  JXR_COMPARE_ARRAYS(random::normal(random::PRNGKey(0), {5}).array(),
                     test::arr({1.622642159461975, 2.0252647399902344, -0.4335944354534149, -0.07861734926700592,
                                0.17609089612960815}),
                     1e-5, 1e-6);
  JXR_COMPARE_ARRAYS(random::normal(random::PRNGKey(42), {2, 2}).array(),
                     test::arr({-0.02830461598932743, 0.4671318531036377, 0.2957029640674591, 0.15354591608047485},
                               {2, 2}),
                     1e-5, 1e-6);
}

void TestRandom::bernoulli_randint() {
  Value b = random::bernoulli(random::PRNGKey(0), 0.3, {8});
  QCOMPARE(int(b.dtype()), int(DType::Bool));
  QCOMPARE(values(b), (std::vector<double>{0, 0, 0, 0, 0, 1, 0, 0}));
  Value r = random::randint(random::PRNGKey(0), {6}, 0, 10);
  QCOMPARE(int(r.dtype()), int(DType::I32));
  QCOMPARE(values(r), (std::vector<double>{9, 0, 2, 3, 1, 7}));
  QCOMPARE(values(random::randint(random::PRNGKey(42), {2, 3}, -5, 5)), (std::vector<double>{-1, -1, -4, 4, 4, 4}));
}

void TestRandom::permutation() {
  QCOMPARE(values(random::permutation(random::PRNGKey(0), 10)), (std::vector<double>{0, 1, 8, 5, 6, 4, 3, 2, 7, 9}));
  Value x = test::arr({0, 2, 4, 6, 8, 10});
  QCOMPARE(values(random::permutation(random::PRNGKey(42), x)), (std::vector<double>{8, 4, 10, 6, 0, 2}));
}

void TestRandom::errors() {
  QVERIFY_THROWS_EXCEPTION(Error, random::split(test::arr({1, 2})));
  QVERIFY_THROWS_EXCEPTION(Error, random::uniform(random::PRNGKey(0), {-1}));
  QVERIFY_THROWS_EXCEPTION(Error, random::PRNGKey(int64_t(1) << 40));
}

QTEST_GUILESS_MAIN(TestRandom)
#include "tst_random.moc"
