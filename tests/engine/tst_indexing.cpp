// Indexing primitives (slice, dynamic_slice, dynamic_update_slice, gather,
// scatter-add, scatter): eager values against JAX, clamping and out-of-bounds
// modes, shape errors and traced params. Expected values come from
// scripts/gen_indexing_cases.py (jax.lax 0.10.2); scatter's from a numpy loop
// over the updates in index order (last wins), which JAX 0.10.2 on CPU agrees
// with.
#include <QtTest>

#include <cmath>
#include <numeric>

#include "engine/api.h"
#include "engine/jaxpr/print.h"
#include "engine/lax.h"
#include "testutil.h"

using namespace jxr;
using jxr::test::arr;
using lax::GatherScatterMode;

namespace {

const double kNaN = std::nan("");

Array iota_array(Shape shape, DType dtype = DType::F32) {
  std::vector<double> v(shape_size(shape));
  std::iota(v.begin(), v.end(), 0.0);
  return arr(v, std::move(shape), dtype);
}

Array idx(const std::vector<double>& v, Shape shape) { return arr(v, std::move(shape), DType::I32); }
Value i32(int64_t v) { return Value(Array::scalar(double(v), DType::I32)); }

// testutil's error_of, as a QString for QCOMPARE against message literals.
QString error_of(const std::function<void()>& f) { return QString::fromStdString(jxr::test::error_of(f)); }

// The dimension numbers jnp indexing produces for x[int_array] on a matrix.
const lax::GatherDimensionNumbers kRows{{1}, {0}, {0}, {}, {}};
const lax::ScatterDimensionNumbers kRowUpdates{{1}, {0}, {0}, {}, {}};

const Eqn& only_eqn(const ClosedJaxpr& cj) {
  if (cj.jaxpr->eqns.size() != 1) qFatal("expected one equation");
  return cj.jaxpr->eqns[0];
}

}  // namespace

class TestIndexing : public QObject {
  Q_OBJECT
 private slots:
  void slice();
  void slice_errors();
  void dynamic_slice();
  void dynamic_update_slice();
  void gather_numpy_forms();
  void gather_modes_data();
  void gather_modes();
  void gather_fill_values();
  void gather_batched_and_empty();
  void gather_errors();
  void gather_params();
  void scatter_add_values();
  void scatter_add_params();
  void scatter_add_errors();
  void scatter_values();
  void scatter_params();
  void scatter_errors();
  void dnums_params();
};

void TestIndexing::slice() {
  Array x = iota_array({3, 4});
  JXR_COMPARE_ARRAYS(lax::slice(Value(x), {0, 1}, {3, 4}, {2, 2}).array(), arr({1, 3, 9, 11}, {2, 2}), 0, 0);
  JXR_COMPARE_ARRAYS(lax::slice(Value(x), {1, 0}, {3, 2}).array(), arr({4, 5, 8, 9}, {2, 2}), 0, 0);
  // A stride larger than the extent keeps the first element only.
  JXR_COMPARE_ARRAYS(lax::slice(Value(x), {0, 1}, {1, 4}, {1, 5}).array(), arr({1}, {1, 1}), 0, 0);
  QCOMPARE(lax::slice(Value(x), {2, 0}, {2, 4}).array().shape(), (Shape{0, 4}));
  Array w = lax::slice(Value(Array::full({4}, 2, DType::I32, true)), {1}, {3}).array();
  QVERIFY(w.weak_type());
  QCOMPARE(w.shape(), (Shape{2}));

  // JAX: slice[limit_indices=(1,) start_indices=(0,) strides=None] for x[0:1],
  // while lax.slice keeps explicit unit strides.
  ClosedJaxpr cj = make_jaxpr([](const Value& v) { return lax::slice(v, {0}, {1}); }, Value(arr({1, 2})));
  QCOMPARE(QString::fromStdString(only_eqn(cj).params.str()),
           QString("limit_indices=(1,) start_indices=(0,) strides=None"));
  ClosedJaxpr c1 = make_jaxpr([](const Value& v) { return lax::slice(v, {0}, {1}, {1}); }, Value(arr({1, 2})));
  QCOMPARE(QString::fromStdString(only_eqn(c1).params.str()),
           QString("limit_indices=(1,) start_indices=(0,) strides=(1,)"));
  ClosedJaxpr cs = make_jaxpr([](const Value& v) { return lax::slice(v, {0}, {2}, {2}); }, Value(arr({1, 2})));
  QCOMPARE(QString::fromStdString(only_eqn(cs).params.str()),
           QString("limit_indices=(2,) start_indices=(0,) strides=(2,)"));
}

void TestIndexing::slice_errors() {
  Value x(iota_array({3, 4}));
  QCOMPARE(error_of([&] { lax::slice(x, {0}, {1}); }),
           QString("slice start_indices must have length equal to the number of dimensions of the operand, got "
                   "indices (0,) for operand shape (3, 4)."));
  QCOMPARE(error_of([&] { lax::slice(x, {0, 0}, {4, 4}); }),
           QString("slice limit_indices must be less than or equal to operand shape, got limit_indices (4, 4) for "
                   "operand shape (3, 4)."));
  QCOMPARE(error_of([&] { lax::slice(x, {-1, 0}, {2, 4}); }),
           QString("slice start_indices must be greater than or equal to zero, got start_indices of (-1, 0)."));
  QCOMPARE(error_of([&] { lax::slice(x, {2, 0}, {1, 4}); }),
           QString("slice limit_indices must be greater than or equal to start_indices, got start_indices (2, 0) "
                   "and limit_indices (1, 4)."));
  QCOMPARE(error_of([&] { lax::slice(x, {0, 0}, {3, 4}, {1, 0}); }), QString("slice strides must be positive, got (1, 0)"));
  QVERIFY(error_of([&] { lax::slice(x, {0, 0}, {3, 4}, {1}); }).contains("slice strides must have length"));
}

void TestIndexing::dynamic_slice() {
  Array x = iota_array({3, 4});
  // Starts (2, -1) clamp to (1, 0) so the 2x2 block stays inside.
  JXR_COMPARE_ARRAYS(lax::dynamic_slice(Value(x), {i32(2), i32(-1)}, {2, 2}).array(), arr({4, 5, 8, 9}, {2, 2}), 0, 0);
  JXR_COMPARE_ARRAYS(lax::dynamic_slice(Value(x), {i32(1), i32(2)}, {2, 2}).array(), arr({6, 7, 10, 11}, {2, 2}), 0,
                     0);
  Value big(Array::scalar(1e9, DType::I64).astype(DType::U32));
  JXR_COMPARE_ARRAYS(lax::dynamic_slice(Value(x), {big, big}, {1, 1}).array(), arr({11}, {1, 1}), 0, 0);
  QCOMPARE(lax::dynamic_slice(Value(x), {i32(7), i32(7)}, {0, 4}).array().shape(), (Shape{0, 4}));
  QCOMPARE(lax::dynamic_slice(Value(Array::scalar(3, DType::F32)), {}, {}).array().item(), 3.0);

  ClosedJaxpr cj = make_jaxpr([](const Value& v) { return lax::dynamic_slice(v, {i32(1), i32(2)}, {2, 2}); },
                              Value(x));
  const Eqn& e = only_eqn(cj);
  QCOMPARE(QString::fromStdString(e.params.str()), QString("slice_sizes=(2, 2)"));
  QCOMPARE(e.inputs.size(), size_t(3));

  QCOMPARE(error_of([&] { lax::dynamic_slice(Value(x), {i32(0), i32(0)}, {4, 1}); }),
           QString("dynamic_slice slice_sizes must be less than or equal to operand shape, got slice_sizes (4, 1) for "
                   "operand shape (3, 4)."));
  QVERIFY(error_of([&] { lax::dynamic_slice(Value(x), {i32(0)}, {1, 1}); }).contains("(3, 4)"));
  QVERIFY(error_of([&] { lax::dynamic_slice(Value(x), {i32(0), Value(jxr::test::scalar(0))}, {1, 1}); })
              .contains("index arguments to dynamic_slice must be integers of the same type, got: int32, float32"));
  QVERIFY(error_of([&] { lax::dynamic_slice(Value(x), {i32(0), Value(idx({0, 0}, {2}))}, {1, 1}); })
              .contains("must be scalars"));
  QVERIFY(error_of([&] { lax::dynamic_slice(Value(x), {i32(0), i32(0)}, {-1, 1}); }).contains("greater than or equal"));
}

void TestIndexing::dynamic_update_slice() {
  Array x = iota_array({3, 4});
  Value u(arr({-1, -1, -1, -1}, {2, 2}));
  // Starts (5, 3) clamp to (1, 2).
  JXR_COMPARE_ARRAYS(lax::dynamic_update_slice(Value(x), u, {i32(5), i32(3)}).array(),
                     arr({0, 1, 2, 3, 4, 5, -1, -1, 8, 9, -1, -1}, {3, 4}), 0, 0);
  JXR_COMPARE_ARRAYS(lax::dynamic_update_slice(Value(x), u, {i32(-4), i32(1)}).array(),
                     arr({0, -1, -1, 3, 4, -1, -1, 7, 8, 9, 10, 11}, {3, 4}), 0, 0);
  JXR_COMPARE_ARRAYS(lax::dynamic_update_slice(Value(x), Value(arr({}, {0, 2})), {i32(1), i32(1)}).array(), x, 0, 0);
  // The operand is not modified in place.
  QCOMPARE(x.item(6), 6.0);

  QCOMPARE(error_of([&] { lax::dynamic_update_slice(Value(x), Value(arr({1, 2})), {i32(0), i32(0)}); }),
           QString("dynamic_update_slice update must have the same rank as operand, got update shape (2,) for operand "
                   "shape (3, 4)."));
  QCOMPARE(error_of([&] { lax::dynamic_update_slice(Value(x), Value(iota_array({4, 1})), {i32(0), i32(0)}); }),
           QString("dynamic_update_slice update shape must be smaller than operand shape, got update shape (4, 1) "
                   "for operand shape (3, 4)."));
  QVERIFY(error_of([&] { lax::dynamic_update_slice(Value(x), Value(iota_array({1, 1}, DType::I32)), {i32(0), i32(0)}); })
              .contains("same dtypes"));
  QVERIFY(error_of([&] { lax::dynamic_update_slice(Value(x), u, {i32(0)}); }).contains("rank of operand"));
}

void TestIndexing::gather_numpy_forms() {
  Array x = iota_array({3, 4});
  // x[jnp.array([0, 2])]
  JXR_COMPARE_ARRAYS(lax::gather(Value(x), Value(idx({0, 2}, {2, 1})), kRows, {1, 4}).array(),
                     arr({0, 1, 2, 3, 8, 9, 10, 11}, {2, 4}), 0, 0);
  // x[:, jnp.array([3, 1])]
  JXR_COMPARE_ARRAYS(lax::gather(Value(x), Value(idx({3, 1}, {2, 1})), {{0}, {1}, {1}, {}, {}}, {3, 1}).array(),
                     arr({3, 1, 7, 5, 11, 9}, {3, 2}), 0, 0);
  // x[jnp.array([[0, 2], [1, 1]])]
  JXR_COMPARE_ARRAYS(lax::gather(Value(x), Value(idx({0, 2, 1, 1}, {2, 2, 1})), {{2}, {0}, {0}, {}, {}}, {1, 4}).array(),
                     arr({0, 1, 2, 3, 8, 9, 10, 11, 4, 5, 6, 7, 4, 5, 6, 7}, {2, 2, 4}), 0, 0);
  // x[jnp.array([0, 2]), jnp.array([1, 3])]
  JXR_COMPARE_ARRAYS(
      lax::gather(Value(x), Value(idx({0, 1, 2, 3}, {2, 2})), {{}, {0, 1}, {0, 1}, {}, {}}, {1, 1}).array(),
      arr({1, 11}, {2}), 0, 0);
  // int64 and uint32 indices select the same rows.
  JXR_COMPARE_ARRAYS(lax::gather(Value(x), Value(arr({2, 0}, {2, 1}, DType::U32)), kRows, {1, 4}).array(),
                     arr({8, 9, 10, 11, 0, 1, 2, 3}, {2, 4}), 0, 0);
}

void TestIndexing::gather_modes_data() {
  QTest::addColumn<int>("mode");
  QTest::addColumn<QList<qint64>>("slice_sizes");
  QTest::addColumn<QList<double>>("want");
  const auto clip = int(GatherScatterMode::Clip), fill = int(GatherScatterMode::FillOrDrop),
             promise = int(GatherScatterMode::PromiseInBounds);
  // Row indices (-1, 1, 5) with one-row slices.
  QList<double> clamped{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
  QTest::newRow("rows clip") << clip << QList<qint64>{1, 4} << clamped;
  QTest::newRow("rows promise") << promise << QList<qint64>{1, 4} << clamped;
  QTest::newRow("rows fill") << fill << QList<qint64>{1, 4}
                             << QList<double>{kNaN, kNaN, kNaN, kNaN, 4, 5, 6, 7, kNaN, kNaN, kNaN, kNaN};
}

void TestIndexing::gather_modes() {
  QFETCH(int, mode);
  QFETCH(QList<qint64>, slice_sizes);
  QFETCH(QList<double>, want);
  Array x = iota_array({3, 4});
  Array got = lax::gather(Value(x), Value(idx({-1, 1, 5}, {3, 1})), kRows,
                          std::vector<int64_t>(slice_sizes.begin(), slice_sizes.end()), GatherScatterMode(mode))
                  .array();
  JXR_COMPARE_ARRAYS(got, arr(std::vector<double>(want.begin(), want.end()), {3, 4}), 0, 0);
}

void TestIndexing::gather_fill_values() {
  Array x = iota_array({3, 4});
  // Two-row windows at rows 0, 1, 2: the last one does not fit.
  const lax::GatherDimensionNumbers win{{1, 2}, {}, {0}, {}, {}};
  Value starts(idx({0, 1, 2}, {3, 1}));
  JXR_COMPARE_ARRAYS(lax::gather(Value(x), starts, win, {2, 4}, GatherScatterMode::Clip).array(),
                     arr({0, 1, 2, 3, 4, 5, 6, 7, 4, 5, 6, 7, 8, 9, 10, 11, 4, 5, 6, 7, 8, 9, 10, 11}, {3, 2, 4}), 0,
                     0);
  JXR_COMPARE_ARRAYS(lax::gather(Value(x), starts, win, {2, 4}, GatherScatterMode::FillOrDrop).array(),
                     arr({0, 1, 2, 3, 4, 5, 6, 7, 4, 5, 6, 7, 8, 9, 10, 11, kNaN, kNaN, kNaN, kNaN, kNaN, kNaN, kNaN,
                          kNaN},
                         {3, 2, 4}),
                     0, 0);
  Value oob(idx({-1, 1, 5}, {3, 1}));
  const double imin = -2147483648.0;
  JXR_COMPARE_ARRAYS(lax::gather(Value(iota_array({3, 4}, DType::I32)), oob, kRows, {1, 4}, GatherScatterMode::FillOrDrop)
                         .array(),
                     arr({imin, imin, imin, imin, 4, 5, 6, 7, imin, imin, imin, imin}, {3, 4}, DType::I32), 0, 0);
  JXR_COMPARE_ARRAYS(lax::gather(Value(arr({1, 2, 3}, {3, 1}, DType::U32)), oob, kRows, {1, 1},
                                 GatherScatterMode::FillOrDrop)
                         .array(),
                     arr({4294967295.0, 2, 4294967295.0}, {3, 1}, DType::U32), 0, 0);
  JXR_COMPARE_ARRAYS(lax::gather(Value(arr({0, 0, 0}, {3, 1}, DType::Bool)), oob, kRows, {1, 1},
                                 GatherScatterMode::FillOrDrop)
                         .array(),
                     arr({1, 0, 1}, {3, 1}, DType::Bool), 0, 0);
  // An explicit fill_value param (what jnp's mode='fill' passes) wins.
  Params params{{"dimension_numbers", lax::gather_dnums_param(kRows)},
                {"slice_sizes", Param::ints({1, 4})},
                {"unique_indices", Param::boolean(false)},
                {"indices_are_sorted", Param::boolean(false)},
                {"mode", lax::gather_mode_param(GatherScatterMode::FillOrDrop)},
                {"fill_value", Param::floating(-7)}};
  std::vector<Array> out = apply_primitive(get_primitive("gather"), std::vector<Array>{x, idx({3}, {1, 1})}, params);
  JXR_COMPARE_ARRAYS(out[0], arr({-7, -7, -7, -7}, {1, 4}), 0, 0);
}

void TestIndexing::gather_batched_and_empty() {
  Array x = iota_array({3, 4});
  // x[i, idx[i]] via operand/start-indices batching dims.
  const lax::GatherDimensionNumbers bat{{}, {1}, {1}, {0}, {0}};
  JXR_COMPARE_ARRAYS(lax::gather(Value(x), Value(idx({3, 0, 2}, {3, 1})), bat, {1, 1}).array(), arr({3, 4, 10}), 0, 0);
  Array e = lax::gather(Value(x), Value(idx({}, {0, 1})), kRows, {1, 4}).array();
  QCOMPARE(e.shape(), (Shape{0, 4}));
  Array z = lax::gather(Value(x), Value(idx({1}, {1, 1})), kRows, {1, 0}).array();
  QCOMPARE(z.shape(), (Shape{1, 0}));
  // Gathering from an empty operand with no indices is allowed.
  Array ee = lax::gather(Value(arr({}, {0, 4})), Value(idx({}, {0, 1})), kRows, {1, 4}).array();
  QCOMPARE(ee.shape(), (Shape{0, 4}));
}

void TestIndexing::gather_errors() {
  Value x(iota_array({3, 4}));
  Value rows(idx({0, 2}, {2, 1}));
  QCOMPARE(error_of([&] { lax::gather(x, rows, kRows, {2, 4}); }),
           QString("Gather op can only collapse slice dims with bound 1, but bound is 2 for index 0 at position 0. "
                   "(gather of f32[3,4], i32[2,1])"));
  QCOMPARE(error_of([&] { lax::gather(x, Value(idx({0, 2}, {1, 2})), kRows, {1, 4}); }),
           QString("Gather op has 1 elements in start_index_map and the bound of dimension index_vector_dim=1 of "
                   "indices is 2. These two numbers must be equal. (gather of f32[3,4], i32[1,2])"));
  QVERIFY(error_of([&] { lax::gather(x, rows, kRows, {1, 5}); })
              .startsWith("Slice size at index 1 in gather op is out of range, must be within [0, 4 + 1), got 5."));
  QVERIFY(error_of([&] { lax::gather(x, rows, kRows, {1}); }).contains("one slice size for every input dimension"));
  QVERIFY(error_of([&] { lax::gather(x, Value(arr({0, 2}, {2, 1})), kRows, {1, 4}); })
              .startsWith("indices must have an integer type"));
  QVERIFY(error_of([&] { lax::gather(x, Value(Array::scalar(0, DType::I32)), kRows, {1, 4}); })
              .startsWith("Gather index leaf dimension"));
  QVERIFY(error_of([&] { lax::gather(x, rows, {{1}, {0}, {2}, {}, {}}, {1, 4}); })
              .startsWith("Invalid start_index_map; domain is [0, 2), got: 0->2."));
  QVERIFY(error_of([&] { lax::gather(x, rows, {{1}, {1, 0}, {0}, {}, {}}, {1, 1}); })
              .startsWith("collapsed_slice_dims in gather op must be sorted; got (1, 0)"));
  QVERIFY(error_of([&] { lax::gather(x, rows, {{2}, {0}, {0}, {}, {}}, {1, 4}); })
              .startsWith("Offset dimension 0 in gather op is out of bounds; got 2, but should have been in [0, 2)"));
  QVERIFY(error_of([&] { lax::gather(x, rows, {{}, {1}, {1}, {0}, {}}, {1, 1}); })
              .startsWith("Gather op requires equal numbers of operand_batching_dims"));
}

void TestIndexing::gather_params() {
  Array x = iota_array({3, 4});
  ClosedJaxpr cj = make_jaxpr(
      [](const Value& v, const Value& i) { return lax::gather(v, i, kRows, {1, 4}); }, Value(x),
      Value(idx({0, 2}, {2, 1})));
  const Eqn& e = only_eqn(cj);
  QCOMPARE(QString::fromStdString(e.prim->name()), QString("gather"));
  QCOMPARE(QString::fromStdString(e.params.get("dimension_numbers").str()),
           QString("GatherDimensionNumbers(offset_dims=(1,), collapsed_slice_dims=(0,), start_index_map=(0,), "
                   "operand_batching_dims=(), start_indices_batching_dims=())"));
  QCOMPARE(QString::fromStdString(e.params.get("mode").str()), QString("GatherScatterMode.PROMISE_IN_BOUNDS"));
  QVERIFY(e.params.get("fill_value").is_none());
  QCOMPARE(QString::fromStdString(e.params.get("slice_sizes").str()), QString("(1, 4)"));
  QCOMPARE(e.params.get_bool("indices_are_sorted"), false);
  QCOMPARE(e.params.get_bool("unique_indices"), false);
  QCOMPARE(e.outputs[0]->aval.shape, (Shape{2, 4}));

  // As lax.gather: FILL_OR_DROP records its default fill value.
  ClosedJaxpr cf = make_jaxpr(
      [](const Value& v, const Value& i) { return lax::gather(v, i, kRows, {1, 4}, GatherScatterMode::FillOrDrop); },
      Value(x), Value(idx({0, 2}, {2, 1})));
  QCOMPARE(QString::fromStdString(only_eqn(cf).params.get("fill_value").str()), QString("nan"));
  QCOMPARE(QString::fromStdString(only_eqn(cf).params.get("mode").str()), QString("GatherScatterMode.FILL_OR_DROP"));
  ClosedJaxpr ci = make_jaxpr(
      [](const Value& v, const Value& i) { return lax::gather(v, i, kRows, {1, 4}, GatherScatterMode::FillOrDrop); },
      Value(iota_array({3, 4}, DType::I32)), Value(idx({0, 2}, {2, 1})));
  QCOMPARE(QString::fromStdString(only_eqn(ci).params.get("fill_value").str()), QString("-2147483648"));
}

void TestIndexing::scatter_add_values() {
  Array x = iota_array({3, 4});
  std::vector<double> u(20);
  std::iota(u.begin(), u.end(), 100.0);
  Value updates(arr(u, {5, 4}));
  Value sidx(idx({0, 2, 0, 5, -1}, {5, 1}));
  // Repeated row 0 accumulates; rows 5 and -1 are dropped.
  JXR_COMPARE_ARRAYS(lax::scatter_add(Value(x), sidx, updates, kRowUpdates).array(),
                     arr({208, 211, 214, 217, 4, 5, 6, 7, 112, 114, 116, 118}, {3, 4}), 0, 0);
  // PROMISE_IN_BOUNDS drops as XLA does.
  JXR_COMPARE_ARRAYS(lax::scatter_add(Value(x), sidx, updates, kRowUpdates, GatherScatterMode::PromiseInBounds).array(),
                     arr({208, 211, 214, 217, 4, 5, 6, 7, 112, 114, 116, 118}, {3, 4}), 0, 0);
  // CLIP: 5 -> 2 and -1 -> 0.
  JXR_COMPARE_ARRAYS(lax::scatter_add(Value(x), sidx, updates, kRowUpdates, GatherScatterMode::Clip).array(),
                     arr({324, 328, 332, 336, 4, 5, 6, 7, 224, 227, 230, 233}, {3, 4}), 0, 0);
  // Scalar points in an int vector: 1 repeated, 7 dropped.
  JXR_COMPARE_ARRAYS(lax::scatter_add(Value(iota_array({5}, DType::I32)), Value(idx({1, 1, 3, 7}, {4, 1})),
                                      Value(arr({10, 20, 30, 40}, DType::I32)), {{}, {0}, {0}, {}, {}})
                         .array(),
                     arr({0, 31, 2, 33, 4}, DType::I32), 0, 0);
  // Batched: row i gets updates[i] at column idx[i].
  JXR_COMPARE_ARRAYS(lax::scatter_add(Value(x), Value(idx({3, 0, 3}, {3, 1})), Value(arr({1, 2, 3})),
                                      {{}, {1}, {1}, {0}, {0}})
                         .array(),
                     arr({0, 1, 2, 4, 6, 5, 6, 7, 8, 9, 10, 14}, {3, 4}), 0, 0);
  // A window wider than one row: a 2x4 block starting at row 2 does not fit.
  JXR_COMPARE_ARRAYS(lax::scatter_add(Value(x), Value(idx({1, 2}, {2, 1})), Value(Array::full({2, 2, 4}, 1, DType::F32)),
                                      {{1, 2}, {}, {0}, {}, {}})
                         .array(),
                     arr({0, 1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12}, {3, 4}), 0, 0);
  // No updates: the operand comes back unchanged.
  JXR_COMPARE_ARRAYS(lax::scatter_add(Value(x), Value(idx({}, {0, 1})), Value(arr({}, {0, 4})), kRowUpdates).array(), x,
                     0, 0);
  QCOMPARE(x.item(0), 0.0);
}

void TestIndexing::scatter_add_params() {
  Array x = iota_array({3, 4});
  ClosedJaxpr cj = make_jaxpr(
      [](const Value& v, const Value& u) { return lax::scatter_add(v, Value(idx({0, 2}, {2, 1})), u, kRowUpdates); },
      Value(x), Value(iota_array({2, 4})));
  const Eqn& e = only_eqn(cj);
  QCOMPARE(QString::fromStdString(e.prim->name()), QString("scatter-add"));
  QCOMPARE(QString::fromStdString(e.params.get("dimension_numbers").str()),
           QString("ScatterDimensionNumbers(update_window_dims=(1,), inserted_window_dims=(0,), "
                   "scatter_dims_to_operand_dims=(0,), operand_batching_dims=(), scatter_indices_batching_dims=())"));
  QCOMPARE(QString::fromStdString(e.params.get("mode").str()), QString("GatherScatterMode.FILL_OR_DROP"));
  QCOMPARE(QString::fromStdString(e.params.get("update_consts").str()), QString("()"));
  QCOMPARE(e.params.get_bool("indices_are_sorted"), false);
  QCOMPARE(e.params.get_bool("unique_indices"), false);
  // update_jaxpr: { lambda ; i:f32[] j:f32[]. let k:f32[] = add i j in (k,) }
  const ClosedJaxprPtr& uj = e.params.get("update_jaxpr").as_jaxpr();
  QCOMPARE(uj->jaxpr->invars.size(), size_t(2));
  QCOMPARE(uj->jaxpr->eqns.size(), size_t(1));
  QCOMPARE(QString::fromStdString(uj->jaxpr->eqns[0].prim->name()), QString("add"));
  QCOMPARE(uj->in_avals()[0], (ShapedArray{{}, DType::F32, false}));
  QCOMPARE(uj->out_avals().size(), size_t(1));
  // Cached per dtype.
  ClosedJaxpr again = make_jaxpr(
      [](const Value& v, const Value& u) { return lax::scatter_add(v, Value(idx({1}, {1, 1})), u, kRowUpdates); },
      Value(x), Value(iota_array({1, 4})));
  QVERIFY(only_eqn(again).params.get("update_jaxpr").as_jaxpr() == uj);
  ClosedJaxpr ints = make_jaxpr(
      [](const Value& v, const Value& u) { return lax::scatter_add(v, Value(idx({1}, {1, 1})), u, kRowUpdates); },
      Value(iota_array({3, 4}, DType::I32)), Value(iota_array({1, 4}, DType::I32)));
  QCOMPARE(only_eqn(ints).params.get("update_jaxpr").as_jaxpr()->in_avals()[0].dtype, DType::I32);
}

void TestIndexing::scatter_add_errors() {
  Value x(iota_array({3, 4}));
  Value sidx(idx({0, 2}, {2, 1}));
  QCOMPARE(error_of([&] { lax::scatter_add(x, sidx, Value(iota_array({2, 5})), kRowUpdates); }),
           QString("Bounds of the window dimensions of updates must not exceed the bounds of the corresponding "
                   "dimensions of operand. For dimension 1, updates bound is 5, operand bound is 4. "
                   "(scatter-add of f32[3,4], i32[2,1], f32[2,5])"));
  QCOMPARE(error_of([&] { lax::scatter_add(x, sidx, Value(iota_array({3, 4})), kRowUpdates); }),
           QString("Bounds of the scatter dimensions of updates must be the same as the bounds of the corresponding "
                   "dimensions of scatter indices. For scatter dimension 0, updates bound is 3, indices bound is 2. "
                   "(scatter-add of f32[3,4], i32[2,1], f32[3,4])"));
  QVERIFY(error_of([&] { lax::scatter_add(x, sidx, Value(iota_array({2})), kRowUpdates); })
              .startsWith("Updates tensor must be of rank 2; got 1."));
  QVERIFY(error_of([&] { lax::scatter_add(x, sidx, Value(iota_array({2, 4}, DType::I32)), kRowUpdates); })
              .startsWith("scatter requires arguments to have the same dtypes, got float32, int32."));
  QVERIFY(error_of([&] { lax::scatter_add(x, sidx, Value(iota_array({2, 4})), {{1}, {}, {0}, {}, {}}); })
              .startsWith("Scatter op has window of size 1; doesn't match operand of rank 2."));
  QVERIFY(error_of([&] { lax::scatter_add(x, Value(arr({0, 2}, {2, 1})), Value(iota_array({2, 4})), kRowUpdates); })
              .startsWith("indices must have an integer type"));
}

void TestIndexing::scatter_values() {
  Array x = iota_array({3, 4});
  std::vector<double> u(20);
  std::iota(u.begin(), u.end(), 100.0);
  Value updates(arr(u, {5, 4}));
  Value sidx(idx({0, 2, 0, 5, -1}, {5, 1}));
  // Repeated row 0: the later update wins; rows 5 and -1 are dropped.
  const Array dropped = arr({108, 109, 110, 111, 4, 5, 6, 7, 104, 105, 106, 107}, {3, 4});
  JXR_COMPARE_ARRAYS(lax::scatter(Value(x), sidx, updates, kRowUpdates).array(), dropped, 0, 0);
  JXR_COMPARE_ARRAYS(lax::scatter(Value(x), sidx, updates, kRowUpdates, GatherScatterMode::FillOrDrop).array(), dropped,
                     0, 0);
  // PROMISE_IN_BOUNDS drops as XLA does.
  JXR_COMPARE_ARRAYS(lax::scatter(Value(x), sidx, updates, kRowUpdates, GatherScatterMode::PromiseInBounds).array(),
                     dropped, 0, 0);
  // CLIP: 5 -> 2 and -1 -> 0, which then win over the earlier rows.
  JXR_COMPARE_ARRAYS(lax::scatter(Value(x), sidx, updates, kRowUpdates, GatherScatterMode::Clip).array(),
                     arr({116, 117, 118, 119, 4, 5, 6, 7, 112, 113, 114, 115}, {3, 4}), 0, 0);
  // Scalar points in an int vector: 1 repeated (20 wins), 7 dropped.
  JXR_COMPARE_ARRAYS(lax::scatter(Value(iota_array({5}, DType::I32)), Value(idx({1, 1, 3, 7}, {4, 1})),
                                  Value(arr({10, 20, 30, 40}, DType::I32)), {{}, {0}, {0}, {}, {}})
                         .array(),
                     arr({0, 20, 2, 30, 4}, DType::I32), 0, 0);
  // Batching dims: row i gets updates[i] at column idx[i].
  JXR_COMPARE_ARRAYS(lax::scatter(Value(x), Value(idx({3, 0, 3}, {3, 1})), Value(arr({1, 2, 3})),
                                  {{}, {1}, {1}, {0}, {0}})
                         .array(),
                     arr({0, 1, 2, 1, 2, 5, 6, 7, 8, 9, 10, 3}, {3, 4}), 0, 0);
  // 2x2 windows at (0,1), (1,2), (2,3): the last two overlap; under CLIP
  // (2,3) -> (1,2) and overwrites the second, FILL_OR_DROP drops it.
  std::vector<double> w;
  for (double scale : {1.0, 10.0, 100.0})
    for (double v : {1.0, 2.0, 3.0, 4.0}) w.push_back(-v * scale);
  Value widx(idx({0, 1, 1, 2, 2, 3}, {3, 2}));
  const lax::ScatterDimensionNumbers kBlocks{{1, 2}, {}, {0, 1}, {}, {}};
  JXR_COMPARE_ARRAYS(lax::scatter(Value(x), widx, Value(arr(w, {3, 2, 2})), kBlocks, GatherScatterMode::Clip).array(),
                     arr({0, -1, -2, 3, 4, -3, -100, -200, 8, 9, -300, -400}, {3, 4}), 0, 0);
  JXR_COMPARE_ARRAYS(lax::scatter(Value(x), widx, Value(arr(w, {3, 2, 2})), kBlocks).array(),
                     arr({0, -1, -2, 3, 4, -3, -10, -20, 8, 9, -30, -40}, {3, 4}), 0, 0);
  // Bool operands (replacement needs no arithmetic).
  JXR_COMPARE_ARRAYS(lax::scatter(Value(Array::full({4}, 0, DType::Bool)), Value(idx({2, 0}, {2, 1})),
                                  Value(Array::full({2}, 1, DType::Bool)), {{}, {0}, {0}, {}, {}})
                         .array(),
                     arr({1, 0, 1, 0}, DType::Bool), 0, 0);
  // No updates: the operand comes back unchanged.
  JXR_COMPARE_ARRAYS(lax::scatter(Value(x), Value(idx({}, {0, 1})), Value(arr({}, {0, 4})), kRowUpdates).array(), x, 0,
                     0);
  QCOMPARE(x.item(0), 0.0);
}

// lax.scatter's equation: update_jaxpr=None, update_consts=(), the operand's
// aval out. Text from
// jax.make_jaxpr(lambda x, i, u: lax.scatter(x, i, u, lax.ScatterDimensionNumbers((1,), (0,), (0,)),
//     mode='clip', unique_indices=True))(jnp.ones((3, 4)), jnp.array([[0], [2]], dtype=jnp.int32), jnp.ones((2, 4)))
void TestIndexing::scatter_params() {
  ClosedJaxpr cj = make_jaxpr(
      [](const std::vector<Tree>& a) {
        return Tree(lax::scatter(a[0].leaf(), a[1].leaf(), a[2].leaf(), kRowUpdates, GatherScatterMode::Clip, false,
                                 true));
      },
      {Tree(iota_array({3, 4})), Tree(idx({0, 2}, {2, 1})), Tree(iota_array({2, 4}))});
  QCOMPARE(QString::fromStdString(print_closed_jaxpr(cj)),
           QString("{ lambda ; a:f32[3,4] b:i32[2,1] c:f32[2,4]. let\n"
                   "    d:f32[3,4] = scatter[\n"
                   "      dimension_numbers=ScatterDimensionNumbers(update_window_dims=(1,), "
                   "inserted_window_dims=(0,), scatter_dims_to_operand_dims=(0,), operand_batching_dims=(), "
                   "scatter_indices_batching_dims=())\n"
                   "      indices_are_sorted=False\n"
                   "      mode=GatherScatterMode.CLIP\n"
                   "      unique_indices=True\n"
                   "      update_consts=()\n"
                   "      update_jaxpr=None\n"
                   "    ] a b c\n"
                   "  in (d,) }"));
  QCOMPARE(QString::fromStdString(only_eqn(cj).prim->name()), QString("scatter"));
  // Weak type follows the operand.
  Value weak = lax::scatter(Value(Array::full({3}, 1.0, DType::F32, true)), Value(idx({1}, {1, 1})),
                            Value(Array::full({1}, 2.0, DType::F32)), {{}, {0}, {0}, {}, {}});
  QVERIFY(weak.aval().weak_type);
  JXR_COMPARE_ARRAYS(weak.array(), arr({1, 2, 1}), 0, 0);
}

void TestIndexing::scatter_errors() {
  Value x(iota_array({3, 4}));
  Value sidx(idx({0, 2}, {2, 1}));
  QCOMPARE(error_of([&] { lax::scatter(x, sidx, Value(iota_array({2, 5})), kRowUpdates); }),
           QString("Bounds of the window dimensions of updates must not exceed the bounds of the corresponding "
                   "dimensions of operand. For dimension 1, updates bound is 5, operand bound is 4. "
                   "(scatter of f32[3,4], i32[2,1], f32[2,5])"));
  QVERIFY(error_of([&] { lax::scatter(x, sidx, Value(iota_array({2, 4}, DType::I32)), kRowUpdates); })
              .startsWith("scatter requires arguments to have the same dtypes, got float32, int32."));
  QVERIFY(error_of([&] { lax::scatter(x, Value(arr({0, 2}, {2, 1})), Value(iota_array({2, 4})), kRowUpdates); })
              .startsWith("indices must have an integer type"));
}

void TestIndexing::dnums_params() {
  lax::GatherDimensionNumbers g{{0, 2}, {1}, {1, 3}, {3}, {0}};
  lax::GatherDimensionNumbers gb = lax::gather_dnums_from_param(lax::gather_dnums_param(g));
  QCOMPARE(gb.offset_dims, g.offset_dims);
  QCOMPARE(gb.collapsed_slice_dims, g.collapsed_slice_dims);
  QCOMPARE(gb.start_index_map, g.start_index_map);
  QCOMPARE(gb.operand_batching_dims, g.operand_batching_dims);
  QCOMPARE(gb.start_indices_batching_dims, g.start_indices_batching_dims);
  lax::ScatterDimensionNumbers s{{1}, {0, 2}, {2, 0}, {3}, {1}};
  lax::ScatterDimensionNumbers sb = lax::scatter_dnums_from_param(lax::scatter_dnums_param(s));
  QCOMPARE(sb.update_window_dims, s.update_window_dims);
  QCOMPARE(sb.inserted_window_dims, s.inserted_window_dims);
  QCOMPARE(sb.scatter_dims_to_operand_dims, s.scatter_dims_to_operand_dims);
  QCOMPARE(sb.operand_batching_dims, s.operand_batching_dims);
  QCOMPARE(sb.scatter_indices_batching_dims, s.scatter_indices_batching_dims);
  for (GatherScatterMode m : {GatherScatterMode::Clip, GatherScatterMode::FillOrDrop, GatherScatterMode::PromiseInBounds})
    QCOMPARE(lax::gather_mode_from_param(lax::gather_mode_param(m)), m);
  QCOMPARE(QString::fromStdString(lax::gather_mode_param(GatherScatterMode::Clip).str()),
           QString("GatherScatterMode.CLIP"));
  QVERIFY_THROWS_EXCEPTION(Error, lax::gather_mode_from_param(Param::str("CLIP")));
  QVERIFY_THROWS_EXCEPTION(Error, lax::gather_dnums_from_param(lax::scatter_dnums_param(s)));
}

QTEST_GUILESS_MAIN(TestIndexing)
#include "tst_indexing.moc"
