// threefry2x32 and random_bits against bits produced by JAX 0.10.2
// (threefry2x32_p.bind, jax.random.bits/split/fold_in with the default
// partitionable threefry), plus shape rules and errors.
#include <QtTest>

#include <functional>

#include "engine/lax.h"
#include "tests/testutil.h"

using namespace jxr;

using U32s = std::vector<uint32_t>;
using Ints = std::vector<int64_t>;
Q_DECLARE_METATYPE(U32s)
Q_DECLARE_METATYPE(Ints)

namespace {

Array u32(const U32s& v, Shape shape) { return Array::from_vector<uint32_t>(v, std::move(shape)); }
Array u32(const U32s& v) { return u32(v, {static_cast<int64_t>(v.size())}); }
Array u32s(uint32_t v) { return u32({v}, {}); }

U32s bits_of(const Value& v) {
  const Array& a = v.array();
  return U32s(a.data<uint32_t>(), a.data<uint32_t>() + a.size());
}

}  // namespace

using jxr::test::error_of;

class TestRandomBits : public QObject {
  Q_OBJECT
 private slots:
  void threefry_known_answers();
  void threefry_vector_and_scalar_keys();
  void threefry_size1_broadcasting();
  void random_bits_data();
  void random_bits();
  void split_and_fold_in();
  void batched_keys();
  void errors();
};

void TestRandomBits::threefry_known_answers() {
  // Random123's Threefry-2x32-20 known-answer vectors, as JAX computes them.
  struct Kat {
    uint32_t k0, k1, x0, x1, y0, y1;
  };
  for (const Kat& t : {Kat{0, 0, 0, 0, 0x6b200159, 0x99ba4efe},
                       Kat{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0x1cb996fc, 0xbb002be7},
                       Kat{0x13198a2e, 0x03707344, 0x243f6a88, 0x85a308d3, 0xc4923a9c, 0x483df7a0}}) {
    auto out = lax::threefry2x32(u32s(t.k0), u32s(t.k1), u32s(t.x0), u32s(t.x1));
    QCOMPARE(bits_of(out[0]), U32s{t.y0});
    QCOMPARE(bits_of(out[1]), U32s{t.y1});
    QCOMPARE(out[0].shape(), Shape{});
  }
}

void TestRandomBits::threefry_vector_and_scalar_keys() {
  // threefry2x32_p.bind(7, 9, [0..4], [10, 20, 30, 40, 50]).
  const U32s want0{1639331883u, 2530760037u, 3431340401u, 541239966u, 387094338u};
  const U32s want1{3185291670u, 1327203523u, 1060851067u, 459615608u, 2829486229u};
  Array x0 = u32({0, 1, 2, 3, 4}), x1 = u32({10, 20, 30, 40, 50});
  auto out = lax::threefry2x32(u32s(7), u32s(9), x0, x1);
  QCOMPARE(bits_of(out[0]), want0);
  QCOMPARE(bits_of(out[1]), want1);
  // Keys with the shape of x give the same bits.
  auto full = lax::threefry2x32(u32({7, 7, 7, 7, 7}), u32({9, 9, 9, 9, 9}), x0, x1);
  QCOMPARE(bits_of(full[0]), want0);
  QCOMPARE(bits_of(full[1]), want1);
  // Empty counters.
  auto empty = lax::threefry2x32(u32s(7), u32s(9), u32({}), u32({}));
  QCOMPARE(empty[0].shape(), Shape{0});
}

void TestRandomBits::threefry_size1_broadcasting() {
  // Equal-rank operands broadcast along size-1 dims, as JAX's
  // broadcasting_shape_rule. Keys u32[1,2] against counters u32[4,2]: the
  // bits JAX 0.10.2 gives for
  //   jax.vmap(lambda k0, k1, x0, x1: threefry2x32_p.bind(k0, k1, x0, x1), in_axes=(None, None, 0, 0))(
  //       [1, 2], [3, 4], [[0, 1], [2, 3], [4, 5], [6, 7]], [[7, 6], [5, 4], [3, 2], [1, 0]])
  // (uint32), which binds the primitive to exactly these shapes.
  Array x0 = u32({0, 1, 2, 3, 4, 5, 6, 7}, {4, 2}), x1 = u32({7, 6, 5, 4, 3, 2, 1, 0}, {4, 2});
  auto out = lax::threefry2x32(u32({1, 2}, {1, 2}), u32({3, 4}, {1, 2}), x0, x1);
  QCOMPARE(out[0].shape(), (Shape{4, 2}));
  QCOMPARE(bits_of(out[0]), (U32s{3300399823u, 1040267950u, 851701488u, 2801965464u, 418835370u, 4033992314u,
                                  4117120420u, 2052080258u}));
  QCOMPARE(bits_of(out[1]), (U32s{1909432620u, 2837939483u, 2619186392u, 1336419108u, 1798812539u, 2774765009u,
                                  2763762766u, 2337409963u}));
  // Size-1 dims on both sides ([2,1] keys, [1,3] counters) and a rank-0
  // operand: the bits of the operands broadcast to [2,3] beforehand.
  Array k0 = u32({1, 2}, {2, 1}), k1 = u32({3, 4, 5}, {1, 3}), c1 = u32({0, 1, 2}, {1, 3});
  auto mixed = lax::threefry2x32(k0, k1, u32s(7), c1);
  QCOMPARE(mixed[0].shape(), (Shape{2, 3}));
  auto bcast = [](const Array& a) { return lax::broadcast_in_dim(a, {2, 3}, a.ndim() ? Ints{0, 1} : Ints{}); };
  auto full = lax::threefry2x32(bcast(k0), bcast(k1), bcast(u32s(7)), bcast(c1));
  QCOMPARE(bits_of(mixed[0]), bits_of(full[0]));
  QCOMPARE(bits_of(mixed[1]), bits_of(full[1]));
  // Element (i, j) hashes (k0[i], k1[j], 7, c1[j]).
  auto one = lax::threefry2x32(u32s(2), u32s(4), u32s(7), u32s(1));
  QCOMPARE(bits_of(mixed[0])[4], bits_of(one[0])[0]);
  QCOMPARE(bits_of(mixed[1])[4], bits_of(one[1])[0]);
}

void TestRandomBits::random_bits_data() {
  QTest::addColumn<U32s>("key");
  QTest::addColumn<Ints>("shape");
  QTest::addColumn<U32s>("want");
  // jax.random.bits(jax.random.PRNGKey(seed), shape), uint32.
  QTest::newRow("seed 0 (3,)") << U32s{0, 0} << Ints{3} << U32s{4070199207u, 4202968722u, 1427181096u};
  QTest::newRow("seed 42 (2,3)") << U32s{0, 42} << Ints{2, 3}
                                 << U32s{2098992034u, 2919706841u, 2646866425u, 2409546199u, 1935504149u,
                                         2516274904u};
  QTest::newRow("seed 1234 (5,)") << U32s{0, 1234} << Ints{5}
                                  << U32s{3715183467u, 3461522409u, 1578076316u, 3641478021u, 607760917u};
  QTest::newRow("seed 0 (0,)") << U32s{0, 0} << Ints{0} << U32s{};
  QTest::newRow("seed 7 ()") << U32s{0, 7} << Ints{} << U32s{2895194379u};
  QTest::newRow("seed 5 (1,)") << U32s{0, 5} << Ints{1} << U32s{2003086470u};
}

void TestRandomBits::random_bits() {
  QFETCH(U32s, key);
  QFETCH(Ints, shape);
  QFETCH(U32s, want);
  Value bits = lax::random_bits(u32(key), 32, shape);
  QCOMPARE(bits.shape(), shape);
  QCOMPARE(bits.dtype(), DType::U32);
  QCOMPARE(bits_of(bits), want);
}

void TestRandomBits::split_and_fold_in() {
  // JAX 0.10 (partitionable): split(key, n)[i] = threefry2x32(k0, k1, 0, i)
  // and fold_in(key, d) = threefry2x32(k0, k1, 0, d). Values from
  // jax.random.split(PRNGKey(42), 3) and jax.random.fold_in(PRNGKey(42), 5).
  auto out = lax::threefry2x32(u32s(0), u32s(42), u32({0, 0, 0}), u32({0, 1, 2}));
  QCOMPARE(bits_of(out[0]), (U32s{1832780943u, 64467757u, 2465931498u}));
  QCOMPARE(bits_of(out[1]), (U32s{270669613u, 2916123636u, 255383827u}));
  auto folded = lax::threefry2x32(u32s(0), u32s(42), u32s(0), u32s(5));
  QCOMPARE(bits_of(folded[0]), U32s{2765691542u});
  QCOMPARE(bits_of(folded[1]), U32s{824333390u});
}

void TestRandomBits::batched_keys() {
  // A uint32[2, 2] batch of keys gives one row of bits per key.
  Value bits = lax::random_bits(u32({0, 0, 0, 1234}, {2, 2}), 32, {3});
  QCOMPARE(bits.shape(), (Shape{2, 3}));
  QCOMPARE(bits_of(bits), (U32s{4070199207u, 4202968722u, 1427181096u, 3715183467u, 3461522409u, 1578076316u}));
}

void TestRandomBits::errors() {
  // JAX 0.10.2's broadcasting_shape_rule messages.
  QCOMPARE(error_of([] { lax::threefry2x32(u32s(1), u32s(2), u32({1, 2}), u32({1, 2, 3})); }),
           std::string("threefry2x32 got incompatible shapes for broadcasting: (2,), (3,)."));
  QCOMPARE(error_of([] {
             lax::threefry2x32(u32s(1), u32({1, 2}, {1, 2}), u32({1, 2}), u32({1, 2, 3, 4, 5, 6}, {3, 2}));
           }),
           std::string("threefry2x32: arrays must have the same number of dimensions, got {1, 2}"));
  QCOMPARE(error_of([] {
             lax::threefry2x32(u32s(1), u32s(2), u32s(3), Array::from_vector<int32_t>({1}, {}));
           }),
           std::string("Arguments to threefry2x32 must have uint32 type, got u32[], u32[], u32[], i32[]"));
  QCOMPARE(error_of([] { lax::random_bits(u32({1, 2, 3}), 32, {2}); }),
           std::string("random_bits[bit_width=32 shape=(2,)]: threefry_random_bits got invalid prng key: u32[3] (a "
                       "raw key is uint32[2], or uint32[..., 2] for a batch of keys)"));
  QCOMPARE(error_of([] { lax::random_bits(u32({1, 2}), 12, {2}); }),
           std::string("random_bits[bit_width=12 shape=(2,)]: requires 8-, 16-, 32- or 64-bit field width."));
  QCOMPARE(error_of([] { lax::random_bits(u32({1, 2}), 64, {2}); }),
           std::string("random_bits[bit_width=64 shape=(2,)]: jaxray has no uint64 dtype; only bit_width=32 is "
                       "supported"));
  QCOMPARE(error_of([] { lax::random_bits(u32({1, 2}), 32, {-1}); }),
           std::string("random_bits[bit_width=32 shape=(-1,)]: negative dimension in shape"));
}

QTEST_GUILESS_MAIN(TestRandomBits)
#include "tst_random_bits.moc"
