// Every golden jaxpr of tests/golden/transforms (transformed functions printed
// by JAX 0.10.2, see TRANSFORM_CASES in scripts/gen_golden.py) traced from the
// same function written with the C++ jnp/lax API, transformed the same way,
// and compared exactly with the file.
// Every row compares exactly: no ordering differences with JAX remain.
#include <QtTest>

#include <functional>
#include <map>
#include <sstream>

#include "engine/api.h"
#include "engine/jaxpr/print.h"
#include "engine/lax.h"
#include "engine/numpy/numpy.h"
#include "engine/transforms.h"
#include "testutil.h"

using namespace jxr;

namespace {

Array f32(Shape s) { return Array::full(std::move(s), 1, DType::F32); }

struct Case {
  TreeFn fn;
  std::vector<Tree> args;
};

using V = const Value&;
// C++ leaves the evaluation order of function arguments and operator operands
// unspecified while Python goes left to right: cases name intermediate values
// so that equations come in Python's order (braced lists are ordered in C++).
Tree tup(std::vector<Tree> xs) { return Tree::tuple(std::move(xs)); }
Tree pair_tup(const std::pair<Tree, Tree>& p) { return Tree::tuple({p.first, p.second}); }

TreeFn f1(std::function<Tree(V)> f) {
  return [f](const std::vector<Tree>& a) { return f(a[0].leaf()); };
}
TreeFn f2(std::function<Tree(V, V)> f) {
  return [f](const std::vector<Tree>& a) { return f(a[0].leaf(), a[1].leaf()); };
}
TreeFn f3(std::function<Tree(V, V, V)> f) {
  return [f](const std::vector<Tree>& a) { return f(a[0].leaf(), a[1].leaf(), a[2].leaf()); };
}
TreeFn f4(std::function<Tree(V, V, V, V)> f) {
  return [f](const std::vector<Tree>& a) { return f(a[0].leaf(), a[1].leaf(), a[2].leaf(), a[3].leaf()); };
}
// A Jitted as a TreeFn, to be transformed further.
TreeFn as_fn(Jitted j) {
  return [j](const std::vector<Tree>& a) { return j(a); };
}

namespace np = jnp;

// def sin_x(x): return jnp.sin(x) * x
Value sin_x(V x) { return np::sin(x) * x; }

// def softmax(x): e = jnp.exp(x - jnp.max(x)); return e / jnp.sum(e)
Value softmax(V x) {
  Value m = np::max(x);
  Value e = np::exp(x - m);
  return e / np::sum(e);
}

// def logsumexp(x): m = jnp.max(x); return jnp.log(jnp.sum(jnp.exp(x - m))) + m
Value logsumexp(V x) {
  Value m = np::max(x);
  return np::log(np::sum(np::exp(x - m))) + m;
}

// def mlp_loss(w, b, x): return jnp.sum(jnp.tanh(x @ w + b))
Value mlp_loss(V w, V b, V x) { return np::sum(np::tanh(np::matmul(x, w) + b)); }

GradOptions argnums01() { return {.argnums = {0, 1}, .argnums_tuple = true}; }
VmapOptions in_axes(std::vector<Tree> axes) { return {.in_axes = Tree::tuple(std::move(axes))}; }

const std::map<std::string, Case>& cases() {
  static const std::map<std::string, Case> table = [] {
    std::map<std::string, Case> t;
    const Tree S = f32({});

    // The seed example.
    t["grad_seed"] = {grad(f1([](V x) {
                        Value a = np::index(x, {0});
                        Value b = np::index(x, {0});
                        return a + b * np::index(x, {1});
                      })),
                      {f32({5})}};

    // jvp.
    t["jvp_sin"] = {f2([](V x, V tx) { return pair_tup(jvp(f1([](V y) { return np::sin(y); }), {x}, {tx})); }),
                    {f32({3}), f32({3})}};
    t["jvp_exp_log"] = {f2([](V x, V tx) {
                          return pair_tup(jvp(f1([](V y) {
                                           Value a = np::log(y);
                                           return a * np::exp(y);
                                         }),
                                         {x}, {tx}));
                        }),
                        {f32({3}), f32({3})}};
    t["jvp_two_args"] = {f4([](V x, V y, V tx, V ty) {
                           return pair_tup(jvp(f2([](V a, V b) { return np::cos(a) * b; }), {x, y}, {tx, ty}));
                         }),
                         {f32({3}), f32({3}), f32({3}), f32({3})}};
    t["jvp_matmul"] = {f2([](V x, V tx) {
                         return pair_tup(jvp(f1([](V a) { return np::tanh(np::matmul(a, np::T(a))); }), {x}, {tx}));
                       }),
                       {f32({2, 3}), f32({2, 3})}};

    // grad.
    t["grad_sin_cos"] = {grad(f1([](V x) {
                           Value a = np::sin(x);
                           return a * np::cos(x);
                         })),
                         {S}};
    t["grad_exp_log"] = {grad(f1([](V x) { return np::sum(np::log(np::exp(x) + 1.0)); })), {f32({3})}};
    t["grad_integer_pow"] = {grad(f1([](V x) {
                               Value a = np::power(x, 3);
                               Value b = np::power(x, -2);
                               return np::sum(a + b);
                             })),
                             {f32({3})}};
    t["grad_mlp_loss"] = {grad(f3(mlp_loss), argnums01()), {f32({3, 2}), f32({2}), f32({4, 3})}};
    t["grad_softmax"] = {grad(f1([](V x) { return np::index(softmax(x), {0}); })), {f32({5})}};
    t["grad_logsumexp"] = {grad(f1(logsumexp)), {f32({5})}};
    t["grad_where"] = {grad(f1([](V x) {
                         Value c = x > 0;
                         Value s = x * x;
                         return np::sum(np::where(c, s, np::weak(0.0)));
                       })),
                       {f32({3})}};
    t["grad_max"] = {grad(f1([](V x) { return np::max(x); })), {f32({4})}};
    t["grad_maximum"] = {grad(f2([](V x, V y) { return np::sum(np::maximum(x, y)); }), argnums01()),
                         {f32({3}), f32({3})}};
    t["grad_sum_axis"] = {grad(f1([](V x) { return np::sum(np::power(np::sum(x, 0), 2)); })), {f32({3, 4})}};
    t["grad_mean"] = {grad(f1([](V x) { return np::mean(x * x); })), {f32({3, 4})}};
    t["grad_broadcast"] = {grad(f2([](V x, V y) { return np::sum(x * y); }), argnums01()), {f32({3, 1}), f32({4})}};
    t["grad_reshape_transpose"] = {grad(f1([](V x) { return np::sum(np::sin(np::T(np::reshape(x, {4, 3})))); })),
                                   {f32({3, 4})}};
    t["grad_index"] = {grad(f1([](V x) {
                         Value a = np::index(x, {1, 2});
                         return a * np::index(x, {0, 3});
                       })),
                       {f32({3, 4})}};
    t["grad_index_array"] = {
        grad(f1([](V x) { return np::sum(np::power(np::index(x, {np::array({0, 2}, DType::I32)}), 2)); })),
        {f32({3, 4})}};
    t["grad_slice"] = {grad(f1([](V x) { return np::sum(np::index(x, {np::slice({}, {}, 2), np::slice(1, 3)})); })),
                       {f32({5, 4})}};
    t["grad_cumsum"] = {grad(f1([](V x) { return np::sum(np::cumsum(x) * x); })), {f32({3})}};
    t["grad_concatenate"] = {
        grad(f2([](V x, V y) { return np::sum(np::power(np::concatenate({x, y}), 2)); }), argnums01()),
        {f32({2}), f32({3})}};
    t["value_and_grad"] = {value_and_grad(f1([](V x) { return np::sum(np::power(np::sin(x), 2)); })), {f32({3})}};
    t["value_and_grad_aux"] = {value_and_grad(f1([](V x) { return tup({np::sum(x * x), np::cos(x)}); }),
                                              {.has_aux = true}),
                               {f32({3})}};

    // vjp: the pullback applied to a cotangent.
    t["vjp_sin_mul"] = {f2([](V x, V ct) { return Tree::tuple(vjp(f1(sin_x), {x}).pullback(ct)); }),
                        {f32({3}), f32({3})}};
    t["vjp_matmul"] = {f3([](V x, V y, V ct) {
                         return Tree::tuple(
                             vjp(f2([](V a, V b) { return np::matmul(a, b); }), {x, y}).pullback(ct));
                       }),
                       {f32({4, 3}), f32({3, 2}), f32({4, 2})}};

    // vmap.
    t["vmap_sin"] = {vmap(f1([](V x) { return np::sin(x) + 1.0; })), {f32({4, 3})}};
    t["vmap_in_axes_none"] = {vmap(f2([](V x, V y) { return x * y; }), in_axes({axis(0), Tree::none()})),
                              {f32({4, 3}), f32({3})}};
    t["vmap_in_axes_1"] = {vmap(f2([](V x, V y) { return x + y; }), in_axes({axis(1), axis(0)})),
                           {f32({3, 4}), f32({4, 3})}};
    t["vmap_out_axes"] = {vmap(f1([](V x) { return np::cos(x) * 2.0; }), {.out_axes = axis(1)}), {f32({4, 3})}};
    t["vmap_dot"] = {vmap(f2([](V x, V y) { return np::dot(x, y); })), {f32({4, 3}), f32({4, 3})}};
    t["vmap_matmul_none"] = {vmap(f2([](V x, V w) { return np::matmul(x, w); }), in_axes({axis(0), Tree::none()})),
                             {f32({4, 3}), f32({3, 2})}};
    t["vmap_nested"] = {vmap(vmap(f2([](V x, V y) { return x * y + 1.0; }), in_axes({axis(0), Tree::none()})),
                             in_axes({Tree::none(), axis(0)})),
                        {f32({3}), f32({4})}};
    t["vmap_softmax"] = {vmap(f1(softmax)), {f32({2, 5})}};
    t["vmap_index"] = {vmap(f1([](V x) {
                         Value a = np::index(x, {1});
                         return a + np::index(x, {0});
                       })),
                       {f32({4, 3})}};
    t["vmap_where_sum"] = {vmap(f1([](V x) { return np::sum(np::where(x > 0, x, np::weak(0.0))); })),
                           {f32({4, 3})}};
    t["vmap_reshape_transpose"] = {vmap(f1([](V x) { return np::T(np::reshape(x, {3, 2})); })), {f32({4, 6})}};
    t["vmap_where_unbatched"] = {vmap(f2([](V x, V y) {
                                   Value c = x > y;
                                   return np::where(c, x, y);
                                 }),
                                 in_axes({axis(0), Tree::none()})),
                                 {f32({4, 3}), f32({3})}};
    t["vmap_dynamic_index"] = {vmap(f2([](V x, V i) { return np::index(x, {i}); })),
                               {f32({4, 3}), Array::full({4}, 0, DType::I32)}};
    t["vmap_concatenate"] = {vmap(f2([](V x, V y) { return np::concatenate({x, y}); }), in_axes({axis(0), Tree::none()})),
                             {f32({4, 2}), f32({3})}};
    t["vmap_sum_in_axis1"] = {vmap(f1([](V x) { return np::sum(x, 0); }), {.in_axes = axis(1)}), {f32({3, 4})}};

    // Jacobians.
    t["jacfwd_sin"] = {jacfwd(f1(sin_x)), {f32({3})}};
    t["jacrev_sin"] = {jacrev(f1(sin_x)), {f32({3})}};
    t["jacrev_slice_mul"] = {jacrev(f1([](V x) {
                               Value a = np::index(x, {np::slice({}, 2)});
                               return a * np::index(x, {np::slice(1, {})});
                             })),
                             {f32({3})}};
    t["hessian_cube"] = {hessian(f1([](V x) { return np::sum(np::power(x, 3)); })), {f32({3})}};
    t["hessian_scalar"] = {hessian(f1(sin_x)), {S}};

    // Compositions.
    t["grad_jit"] = {grad(as_fn(jit(f1(sin_x), {.name = "sin_x"}))), {S}};
    t["jit_grad"] = {as_fn(jit(grad(f1(sin_x)), {.name = "sin_x"})), {S}};
    t["jvp_jit"] = {f2([](V x, V tx) { return pair_tup(jvp(as_fn(jit(f1(sin_x), {.name = "sin_x"})), {x}, {tx})); }),
                    {f32({3}), f32({3})}};
    t["vmap_jit"] = {vmap(as_fn(jit(f1(sin_x), {.name = "sin_x"}))), {f32({4})}};
    t["grad_grad"] = {grad(grad(f1(sin_x))), {S}};
    t["vmap_grad"] = {vmap(grad(f1(sin_x))), {f32({4})}};
    t["grad_of_vmap_sum"] = {grad(f1([](V x) {
                               Fn1 s = vmap(Fn1([](V y) { return np::sin(y); }));
                               return np::sum(s(x));
                             })),
                             {f32({3})}};

    // linearize: the linear map applied to a tangent.
    t["linearize_sin_mul"] = {f2([](V x, V tx) { return linearize(f1(sin_x), {x}).f_jvp({tx}); }),
                              {f32({3}), f32({3})}};
    t["linearize_exp_sum"] = {f2([](V x, V tx) {
                                return linearize(f1([](V y) {
                                                   Value e = np::exp(y);
                                                   return np::sum(e * y);
                                                 }),
                                                 {x})
                                    .f_jvp({tx});
                              }),
                              {f32({3}), f32({3})}};
    return t;
  }();
  return table;
}

QString golden_dir() { return QStringLiteral(JAXRAY_SOURCE_DIR "/tests/golden/transforms"); }

std::string first_difference(const std::string& got, const std::string& want) {
  std::istringstream g(got), w(want);
  std::string lg, lw;
  for (int n = 1;; ++n) {
    bool hg = static_cast<bool>(std::getline(g, lg)), hw = static_cast<bool>(std::getline(w, lw));
    if (!hg && !hw) return "texts are equal";
    if (!hg) lg = "<end>";
    if (!hw) lw = "<end>";
    if (lg != lw || !hg || !hw) return "line " + std::to_string(n) + ":\n   got: " + lg + "\n  want: " + lw;
  }
}

}  // namespace

class TestTransformGolden : public QObject {
  Q_OBJECT
 private slots:
  void every_golden_has_a_case();
  void golden_data();
  void golden();
};

void TestTransformGolden::every_golden_has_a_case() {
  QStringList files = QDir(golden_dir()).entryList({"*.txt"}, QDir::Files, QDir::Name);
  QVERIFY(files.size() >= 34);
  for (const QString& f : files) {
    std::string name = f.chopped(4).toStdString();
    if (!cases().count(name)) QFAIL(("golden without a C++ case: " + name).c_str());
  }
  for (const auto& [name, c] : cases())
    if (!files.contains(QString::fromStdString(name) + ".txt")) QFAIL(("case without a golden: " + name).c_str());
}

void TestTransformGolden::golden_data() {
  QTest::addColumn<QString>("name");
  for (const auto& [name, c] : cases()) QTest::newRow(name.c_str()) << QString::fromStdString(name);
}

void TestTransformGolden::golden() {
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
  if (got != want) {
    qInfo().noquote() << QString::fromStdString("ours:\n" + got);
    QFAIL(("differs from JAX's text at " + first_difference(got, want)).c_str());
  }
}

QTEST_GUILESS_MAIN(TestTransformGolden)
#include "tst_transform_golden.moc"
