// Every golden jaxpr of tests/golden/jaxpr (printed by JAX 0.10.2, see
// scripts/gen_golden.py) traced from the same function written with the C++
// jnp API and compared exactly with the file.
#include <QtTest>

#include <cmath>
#include <functional>
#include <limits>
#include <map>

#include "engine/api.h"
#include "engine/jaxpr/print.h"
#include "engine/numpy/numpy.h"
#include "testutil.h"

using namespace jxr;

namespace {

Array f32(Shape s) { return Array::full(std::move(s), 1, DType::F32); }
Array i32(Shape s) { return Array::full(std::move(s), 1, DType::I32); }
Array b8(Shape s) { return Array::full(std::move(s), 1, DType::Bool); }

// np.arange(3.0, dtype=float32): one buffer, captured as one constvar.
const Array& const3() {
  static const Array c = Array::from_vector<float>({0, 1, 2}, {3});
  return c;
}

struct Case {
  TreeFn fn;
  std::vector<Tree> args;
};

using V = const Value&;
// C++ leaves the evaluation order of operator operands unspecified (GCC goes
// right to left) while Python goes left to right: cases name intermediate
// values so that equations come in Python's order.
Tree tup(std::vector<Tree> xs) { return Tree::tuple(std::move(xs)); }

TreeFn f1(std::function<Tree(V)> f) {
  return [f](const std::vector<Tree>& a) { return f(a[0].leaf()); };
}
TreeFn f2(std::function<Tree(V, V)> f) {
  return [f](const std::vector<Tree>& a) { return f(a[0].leaf(), a[1].leaf()); };
}
TreeFn f3(std::function<Tree(V, V, V)> f) {
  return [f](const std::vector<Tree>& a) { return f(a[0].leaf(), a[1].leaf(), a[2].leaf()); };
}

Value long_chain(V x0) {
  Value x = x0;
  for (int i = 0; i < 30; ++i) x = x + x * 2.0;
  return x;
}

const std::map<std::string, Case>& cases() {
  static const std::map<std::string, Case> table = [] {
    namespace np = jnp;
    const double inf = std::numeric_limits<double>::infinity();
    std::map<std::string, Case> t;
    t["seed"] = {f1([](V x) {
                   Value a = np::index(x, {0});
                   Value b = np::index(x, {0});
                   return a + b * np::index(x, {1});
                 }),
                 {f32({5})}};
    t["literal_f32"] = {f1([](V x) { return x * 0.1 + 1.0 / 3; }), {f32({3})}};
    t["literal_int"] = {f1([](V x) { return x + 1; }), {i32({3})}};
    t["literal_bool"] = {f1([](V x) { return x & true; }), {b8({3})}};
    t["literal_special"] = {f1([inf](V x) { return x + inf + std::nan("") + 1e20 + 1e-5; }), {f32({})}};
    t["unary_chain"] = {f1([](V x) {
                          Value a = np::exp(np::sin(x));
                          return np::tanh(a + np::log1p(x));
                        }),
                        {f32({4})}};
    t["trig"] = {f1([](V x) { return tup({np::cos(x), np::tan(x), np::arcsin(x), np::arctan2(x, x)}); }), {f32({2})}};
    t["sqrt_rsqrt"] = {f1([](V x) {
                         Value a = lax::rsqrt(x);
                         Value b = a + np::sqrt(x);
                         return b + np::cbrt(x);
                       }),
                       {f32({2})}};
    t["integer_pow"] = {f1([](V x) {
                          Value a = np::power(x, 3);
                          Value b = a + np::power(x, -2);
                          return b + np::power(x, np::weak(2.5));
                        }),
                        {f32({3})}};
    t["square_abs_sign"] = {f1([](V x) {
                              Value a = np::square(x);
                              Value b = np::abs(x);
                              return a + b * np::sign(x);
                            }),
                            {f32({3})}};
    t["logistic_erf"] = {f1([](V x) {
                           Value a = np::sigmoid(x);
                           Value b = a + lax::erf(x);
                           return b + lax::erf_inv(x);
                         }),
                         {f32({3})}};
    t["max_min"] = {f2([](V x, V y) {
                      Value a = np::maximum(x, y);
                      return a - np::minimum(x, y);
                    }),
                    {f32({3}), f32({3})}};
    t["compare"] = {f2([](V x, V y) { return tup({x < y, np::equal(x, y), x >= y}); }), {f32({3}), f32({3})}};
    t["logic"] = {f2([](V x, V y) {
                    Value a = x & y;
                    return a | ~(x ^ y);
                  }),
                  {b8({3}), b8({3})}};
    t["broadcast_add"] = {f2([](V x, V y) { return x + y; }), {f32({3, 1}), f32({4})}};
    t["promote_int_float"] = {f2([](V x, V y) { return x + y; }), {i32({3}), f32({3})}};
    t["convert"] = {f1([](V x) {
                      return tup({np::astype(x, DType::I32), np::astype(x, DType::BF16), np::astype(x, DType::F16),
                                  np::astype(x, DType::Bool)});
                    }),
                    {f32({2})}};
    t["where"] = {f1([](V x) { return np::where(x > 0, x, np::weak(0.0)); }), {f32({3})}};
    t["clip"] = {f1([](V x) { return np::clip(x, np::weak(-1.0), np::weak(1.0)); }), {f32({3})}};
    t["reshape"] = {f1([](V x) { return np::reshape(x, {4, 3}) + 1.0; }), {f32({3, 4})}};
    t["transpose"] = {f1([](V x) { return np::T(x); }), {f32({3, 4})}};
    t["expand_dims"] = {f1([](V x) { return np::expand_dims(x, 0); }), {f32({3, 4})}};
    t["concatenate"] = {f2([](V x, V y) { return np::concatenate({x, y}, 1); }), {f32({2, 3}), f32({2, 2})}};
    t["stack"] = {f2([](V x, V y) { return np::stack({x, y}); }), {f32({3}), f32({3})}};
    t["pad"] = {f1([](V x) { return np::pad(x, {{1, 2}}); }), {f32({3})}};
    t["arange"] = {f1([](V x) { return x * np::arange(3.0); }), {f32({3})}};
    t["zeros_like_plus"] = {f1([](V x) {
                              Value a = x + np::zeros_like(x);
                              return a + np::ones({3});
                            }),
                            {f32({3})}};
    t["flip"] = {f1([](V x) { return np::flip(x, 0); }), {f32({3, 2})}};
    t["index_int"] = {f1([](V x) { return np::index(x, {1}); }), {f32({3, 4})}};
    t["index_negative"] = {f1([](V x) { return np::index(x, {-1, 2}); }), {f32({3, 4})}};
    t["index_slice_step"] = {f1([](V x) { return np::index(x, {np::slice({}, {}, 2), np::slice(1, 3)}); }),
                             {f32({5, 4})}};
    t["index_none_ellipsis"] = {f1([](V x) { return np::index(x, {np::newaxis, np::ellipsis, 0}); }),
                                {f32({3, 4})}};
    t["index_array"] = {f1([](V x) { return np::index(x, {np::array({0, 2}, DType::I32)}); }), {f32({3, 4})}};
    t["dynamic_index"] = {f2([](V x, V i) { return np::index(x, {i}); }), {f32({3, 4}), Array::scalar(1, DType::I32)}};
    t["dynamic_slice"] = {f2([](V x, V i) { return np::dynamic_slice(x, {i, 0}, {1, 2}); }),
                          {f32({3, 4}), Array::scalar(1, DType::I32)}};
    t["dynamic_update_slice"] = {f2([](V x, V u) {
                                   return lax::dynamic_update_slice(
                                       x, u, {Array::scalar(1, DType::I32), Array::scalar(1, DType::I32)});
                                 }),
                                 {f32({3, 4}), f32({1, 2})}};
    t["at_add"] = {f2([](V x, V u) { return np::at_add(x, {np::array({0, 2}, DType::I32)}, u); }),
                   {f32({3, 4}), f32({2, 4})}};
    t["sum_axis"] = {f1([](V x) { return np::sum(x, 0); }), {f32({3, 4})}};
    t["sum_all"] = {f1([](V x) { return np::sum(x); }), {f32({3, 4})}};
    t["mean_keepdims"] = {f1([](V x) { return np::mean(x, 1, true); }), {f32({3, 4})}};
    t["max_min_reduce"] = {f1([](V x) { return tup({np::max(x, 1), np::min(x), np::prod(x, 0)}); }), {f32({3, 4})}};
    t["argmax"] = {f1([](V x) { return np::argmax(x, 1); }), {f32({3, 4})}};
    t["cumsum"] = {f1([](V x) { return np::cumsum(x, 0); }), {f32({3, 4})}};
    t["logsumexp_like"] = {f1([](V x) { return np::log(np::sum(np::exp(x - np::max(x)))); }), {f32({5})}};
    t["dot_vv"] = {f2([](V x, V y) { return np::dot(x, y); }), {f32({3}), f32({3})}};
    t["matmul"] = {f2([](V x, V y) { return np::matmul(x, y); }), {f32({4, 3}), f32({3, 2})}};
    t["matmul_batched"] = {f2([](V x, V y) { return np::matmul(x, y); }), {f32({2, 4, 3}), f32({2, 3, 5})}};
    t["mlp_layer"] = {f3([](V w, V b, V x) { return np::tanh(np::matmul(x, w) + b); }),
                      {f32({3, 2}), f32({2}), f32({4, 3})}};
    t["sort"] = {f1([](V x) { return np::sort(x); }), {f32({5})}};
    t["const_capture"] = {f1([](V x) { return x * Value(const3()); }), {f32({3})}};
    t["const_output"] = {f1([](V x) { return tup({x, np::weak(1.0), Value(const3())}); }), {f32({})}};
    t["jit_simple"] = {f1([](V x) { return jit([](V y) { return y * 2.0 + 1.0; })(x); }), {f32({3})}};
    t["jit_const"] = {f1([](V x) { return jit([](V y) { return y * Value(const3()); })(x); }), {f32({3})}};
    t["jit_nested"] = {f1([](V x) {
                         Jitted inner = jit([](V y) { return np::sin(y) * 2.0; });
                         return jit([inner](V z) { return inner(z) + 1.0; })(x);
                       }),
                       {f32({3})}};
    t["jit_closure_tracer"] = {f1([](V x) { return jit([x](V y) { return y * x; })(x); }), {f32({3})}};
    t["jit_twice"] = {f1([](V x) {
                        // jax.jit(jnp.sin) twice shares one cache entry: one Jitted here.
                        Jitted s = jit([](V y) { return np::sin(y); }, {.name = "sin"});
                        Value a = s(x);
                        return a + s(x);
                      }),
                      {f32({3})}};
    t["jit_large"] = {f1([](V x) {
                        return jit([](V y) { return np::index(long_chain(y), {np::newaxis}) * 3.0; })(x);
                      }),
                      {f32({})}};
    t["unused_result"] = {f1([](V x) {
                            np::sin(x);
                            return x * 2.0;
                          }),
                          {f32({3})}};
    t["stop_gradient"] = {f1([](V x) {
                            Value a = lax::stop_gradient(x);
                            return a * x;
                          }),
                          {f32({3})}};
    t["long_chain"] = {f1([](V x) { return long_chain(x); }), {f32({})}};
    t["many_outputs"] = {f1([](V x) {
                           std::vector<Tree> outs;
                           for (int i = 0; i < 30; ++i) outs.push_back(x + i);
                           return tup(outs);
                         }),
                         {f32({})}};
    t["no_eqns"] = {f1([](V x) { return x; }), {f32({3})}};
    t["multiple_inputs_long"] = {[](const std::vector<Tree>& a) {
                                   Value s = a[0].leaf();
                                   for (size_t i = 1; i < a.size(); ++i) s = s + a[i].leaf();
                                   return Tree(s);
                                 },
                                 std::vector<Tree>(6, Tree(f32({10, 20})))};
    return t;
  }();
  return table;
}

QString golden_dir() { return QStringLiteral(JAXRAY_SOURCE_DIR "/tests/golden/jaxpr"); }

}  // namespace

class TestJnpGolden : public QObject {
  Q_OBJECT
 private slots:
  void every_golden_has_a_case();
  void golden_data();
  void golden();
};

void TestJnpGolden::every_golden_has_a_case() {
  QStringList files = QDir(golden_dir()).entryList({"*.txt"}, QDir::Files, QDir::Name);
  QVERIFY(files.size() >= 60);
  for (const QString& f : files) {
    std::string name = f.chopped(4).toStdString();
    if (!cases().count(name)) QFAIL(("golden without a C++ case: " + name).c_str());
  }
}

void TestJnpGolden::golden_data() {
  QTest::addColumn<QString>("name");
  for (const auto& [name, c] : cases()) QTest::newRow(name.c_str()) << QString::fromStdString(name);
}

void TestJnpGolden::golden() {
  QFETCH(QString, name);
  const Case& c = cases().at(name.toStdString());
  std::string want = test::read_file(golden_dir() + "/" + name + ".txt");
  QVERIFY2(!want.empty(), qPrintable("missing golden " + name));
  std::string got;
  try {
    got = print_closed_jaxpr(make_jaxpr(c.fn, c.args)) + "\n";
  } catch (const std::exception& e) {
    QFAIL(e.what());
  }
  QCOMPARE(QString::fromStdString(got), QString::fromStdString(want));
}

QTEST_GUILESS_MAIN(TestJnpGolden)
#include "tst_jnp_golden.moc"
