// The `scan` primitive and jxr::lax::scan / jxr::lax::map: eager values
// against closed forms, jaxpr text against JAX 0.10.2's (tests/golden/scan,
// written by gen_scan.py there from the same functions in Python), the
// parser reading JAX's text back, and JAX's error messages.
#include <QtTest>

#include <map>

#include "engine/api.h"
#include "engine/control_flow/scan.h"
#include "engine/jaxpr/parse.h"
#include "engine/jaxpr/print.h"
#include "engine/lax.h"
#include "engine/numpy/numpy.h"
#include "engine/transforms.h"
#include "testutil.h"

using namespace jxr;
using test::arr;
using test::compare_arrays;

namespace np = jnp;

namespace {

using V = const Value&;

// f(carry, x) -> (carry, y) of leaves, as a TreeFn.
TreeFn body(std::function<std::pair<Value, Value>(V, V)> f) {
  return [f](const std::vector<Tree>& a) {
    auto [c, y] = f(a[0].leaf(), a[1].leaf());
    return Tree::tuple({c, y});
  };
}

Tree pair_tree(const std::pair<Tree, Tree>& p) { return Tree::tuple({p.first, p.second}); }

const Array kW = arr({1, 2, 3});

// The functions of gen_scan.py, written with the C++ API.
Tree basic(V c, V xs) {
  return pair_tree(lax::scan(body([](V c, V x) { return std::pair{c + x, c * x}; }), c, xs));
}

Tree consts_reverse(V c, V xs) {
  return pair_tree(lax::scan(body([](V c, V x) {
                               Value cw = c * Value(kW);
                               return std::pair{cw + x, np::sin(c)};
                             }),
                             c, xs, std::nullopt, /*reverse=*/true));
}

Tree pytree_carry(const Tree& c, V xs) {
  TreeFn f = [](const std::vector<Tree>& a) {
    const Tree& c = a[0];
    Value c0 = c[0].leaf() + a[1].leaf();
    Value c1 = c[1].leaf() * 2.0;
    return Tree::tuple({Tree::tuple({c0, c1}), c[0]});
  };
  return pair_tree(lax::scan(f, c, xs, std::nullopt, false, /*unroll=*/2));
}

Tree map_double(V xs) {
  return lax::map([](const std::vector<Tree>& a) { return Tree(a[0].leaf() * 2.0); }, xs);
}

Tree no_xs(V c) {
  TreeFn f = [](const std::vector<Tree>& a) {
    const Value& c = a[0].leaf();
    return Tree::tuple({c + 1.0, c});
  };
  return pair_tree(lax::scan(f, c, Tree::none(), 5));
}

Tree forwarded(V c, V xs) {
  TreeFn f = [](const std::vector<Tree>& a) {
    const Value& c = a[0].leaf();
    const Value& x = a[1].leaf();
    return Tree::tuple({c, Tree::tuple({x, x * c})});
  };
  return pair_tree(lax::scan(f, c, xs));
}

// lax.scan(lambda c, x: (c + sin(x), c * x), 0.0, xs)[1].sum()
Tree cumsum_sin(V xs) {
  auto [c, ys] = lax::scan(body([](V c, V x) {
                             Value s = np::sin(x);
                             return std::pair{c + s, c * x};
                           }),
                           Value(Array::python_float(0.0)), xs);
  return Tree(np::sum(ys.leaf()));
}

// lax.scan(lambda c, x: (tanh(c * sin(w) + x), c), zeros(2), xs): c.sum() + ys.sum()
Tree rnn_loss(V w, V xs) {
  auto [c, ys] = lax::scan(body([w](V c, V x) {
                             Value sw = np::sin(w);
                             Value cs = c * sw;
                             return std::pair{np::tanh(cs + x), c};
                           }),
                           np::zeros({2}), xs);
  Value a = np::sum(c.leaf());
  Value b = np::sum(ys.leaf());
  return Tree(a + b);
}

TreeFn fn2(std::function<Tree(V, V)> f) {
  return [f](const std::vector<Tree>& a) { return f(a[0].leaf(), a[1].leaf()); };
}
TreeFn fn1(std::function<Tree(V)> f) {
  return [f](const std::vector<Tree>& a) { return f(a[0].leaf()); };
}

Array weak0() { return Array::python_float(0.0); }

struct Case {
  TreeFn fn;
  std::vector<Tree> args;
};

std::map<std::string, Case> golden_cases() {
  std::map<std::string, Case> t;
  t["basic"] = {fn2(basic), {weak0(), np::arange(3.0)}};
  t["consts_reverse"] = {fn2(consts_reverse), {Array::zeros({{3}}), Array::full({4, 3}, 1, DType::F32)}};
  t["pytree_carry"] = {[](const std::vector<Tree>& a) { return pytree_carry(a[0], a[1].leaf()); },
                       {Tree::tuple({weak0(), Array::full({2}, 1, DType::F32)}), np::arange(3.0)}};
  t["map_double"] = {fn1(map_double), {np::arange(3.0)}};
  t["no_xs"] = {fn1(no_xs), {weak0()}};
  t["forwarded"] = {fn2(forwarded), {Array::full({2}, 1, DType::F32), Array::full({3, 2}, 1, DType::F32)}};
  TreeFn basic_fn = fn2(basic);
  t["jvp_basic"] = {[basic_fn](const std::vector<Tree>& a) {
                      return pair_tree(jvp(basic_fn, {a[0], a[1]}, {a[2], a[3]}));
                    },
                    {test::scalar(0), np::arange(3.0), test::scalar(1), Array::full({3}, 1, DType::F32)}};
  t["jvp_xs_only"] = {[basic_fn](const std::vector<Tree>& a) {
                        Tree c = a[0];
                        TreeFn of_xs = [basic_fn, c](const std::vector<Tree>& b) { return basic_fn({c, b[0]}); };
                        return pair_tree(jvp(of_xs, {a[1]}, {a[2]}));
                      },
                      {test::scalar(0), np::arange(3.0), Array::full({3}, 1, DType::F32)}};
  t["vmap_xs"] = {vmap(basic_fn, {.in_axes = Tree::tuple({Tree::none(), axis(0)})}),
                  {test::scalar(0), Array::full({2, 3}, 1, DType::F32)}};
  t["vmap_carry"] = {vmap(basic_fn, {.in_axes = Tree::tuple({axis(0), Tree::none()})}),
                     {Array::full({2}, 1, DType::F32), np::arange(3.0)}};
  t["grad_cumsum_sin"] = {grad(fn1(cumsum_sin)), {np::arange(4.0)}};
  t["grad_hoisted"] = {grad(fn2(rnn_loss)), {Array::full({2}, 1, DType::F32), Array::full({3, 2}, 1, DType::F32)}};
  return t;
}

QString golden_dir() { return QStringLiteral(JAXRAY_SOURCE_DIR "/tests/golden/scan"); }

}  // namespace

class TestScan : public QObject {
  Q_OBJECT

 private slots:
  void golden_data() {
    QTest::addColumn<QString>("name");
    for (const auto& [name, c] : golden_cases()) QTest::newRow(name.c_str()) << QString::fromStdString(name);
  }
  // make_jaxpr prints exactly JAX's text, and the parser reads JAX's text
  // back to a jaxpr that prints the same.
  void golden() {
    QFETCH(QString, name);
    const Case c = golden_cases().at(name.toStdString());
    test::expect_golden_text(make_jaxpr(c.fn, c.args), golden_dir() + "/" + name + ".txt");
  }

  // Every golden file, including those only the Python tests trace, reads
  // back to a jaxpr that prints JAX's text.
  void parse_every_golden() {
    QStringList files = QDir(golden_dir()).entryList({"*.txt"}, QDir::Files, QDir::Name);
    QVERIFY(files.size() >= 13);
    for (const QString& f : files) {
      std::string want = test::read_file(golden_dir() + "/" + f);
      std::string got = print_closed_jaxpr(parse_jaxpr(want)) + "\n";
      QVERIFY2(got == want, qPrintable(f));
    }
  }

  void eager_basic() {
    // carry: 0, 0, 1, 3; ys = c * x = 0*0, 0*1, 1*2.
    auto [c, ys] = lax::scan(body([](V c, V x) { return std::pair{c + x, c * x}; }), Value(test::scalar(0)),
                             Value(arr({0, 1, 2})));
    QCOMPARE(compare_arrays(c.leaf().array(), test::scalar(3)), std::string());
    QCOMPARE(compare_arrays(ys.leaf().array(), arr({0, 0, 2})), std::string());
  }

  void eager_reverse_consts() {
    // From the last row up: c = c * w + x with w = (1, 2, 3), ys = sin(c
    // before the step), stored at the row's own index.
    Array xs = arr({1, 1, 1, 2, 2, 2, 3, 3, 3}, {3, 3});
    auto [c, ys] = lax::scan(body([](V c, V x) {
                               Value cw = c * Value(kW);
                               return std::pair{cw + x, np::sin(c)};
                             }),
                             Value(Array::zeros({{3}})), Value(xs), std::nullopt, true);
    // c2 = x2 = 3; c1 = 3w + 2; c0 = (3w + 2) w + 1.
    std::vector<double> c1, c0;
    for (double w : {1.0, 2.0, 3.0}) {
      c1.push_back(3 * w + 2);
      c0.push_back((3 * w + 2) * w + 1);
    }
    QCOMPARE(compare_arrays(c.leaf().array(), arr(c0), 1e-6), std::string());
    std::vector<double> want_ys;
    for (double v : {0.0, 0.0, 0.0}) want_ys.push_back(std::sin(v));  // row 2: sin(init)
    std::vector<double> rows;
    for (double v : c1) rows.push_back(std::sin(v));  // row 0: sin(c1)
    for (int i = 0; i < 3; ++i) rows.push_back(std::sin(3.0));  // row 1: sin(c2)
    rows.insert(rows.end(), want_ys.begin(), want_ys.end());
    QCOMPARE(compare_arrays(ys.leaf().array(), arr(rows, {3, 3}), 1e-6), std::string());
  }

  void eager_pytree_and_map() {
    Tree init = Tree::tuple({Value(test::scalar(0)), Value(Array::full({2}, 1, DType::F32))});
    Tree out = pytree_carry(init, Value(arr({0, 1, 2})));
    QCOMPARE(compare_arrays(out[0][0].leaf().array(), test::scalar(3)), std::string());
    QCOMPARE(compare_arrays(out[0][1].leaf().array(), arr({8, 8})), std::string());
    QCOMPARE(compare_arrays(out[1].leaf().array(), arr({0, 0, 1})), std::string());
    Tree m = map_double(Value(arr({1, 2, 3})));
    QCOMPARE(compare_arrays(m.leaf().array(), arr({2, 4, 6})), std::string());
    Tree n = no_xs(Value(test::scalar(0)));
    QCOMPARE(compare_arrays(n[0].leaf().array(), test::scalar(5)), std::string());
    QCOMPARE(compare_arrays(n[1].leaf().array(), arr({0, 1, 2, 3, 4})), std::string());
    // The forwarded carry and x come back as the inputs themselves.
    Tree f = forwarded(Value(arr({1, 2})), Value(arr({1, 2, 3, 4, 5, 6}, {3, 2})));
    QCOMPARE(compare_arrays(f[0].leaf().array(), arr({1, 2})), std::string());
    QCOMPARE(compare_arrays(f[1][0].leaf().array(), arr({1, 2, 3, 4, 5, 6}, {3, 2})), std::string());
    QCOMPARE(compare_arrays(f[1][1].leaf().array(), arr({1, 4, 3, 8, 5, 12}, {3, 2})), std::string());
  }

  void eager_parsed_jaxpr() {
    // JAX's printed scan, parsed and evaluated.
    ClosedJaxpr cj = parse_jaxpr(test::read_file(golden_dir() + "/basic.txt"));
    std::vector<Value> args{Value(test::scalar(0)), Value(arr({0, 1, 2}))};
    std::vector<Value> out = eval_closed_jaxpr(cj, args);
    QCOMPARE(compare_arrays(out[0].array(), test::scalar(3)), std::string());
    QCOMPARE(compare_arrays(out[1].array(), arr({0, 0, 2})), std::string());
  }

  void grad_values() {
    // JAX 0.10.2: jax.grad(cumsum_sin)(jnp.arange(4.0)).
    Tree g = grad(fn1(cumsum_sin))({np::arange(4.0)});
    QCOMPARE(compare_arrays(g.leaf().array(), arr({6.0, 2.7015114, -0.40696955, 1.7507684}), 1e-6), std::string());
  }

  // grad through a scan with a closed-over weight (a const), a pytree carry
  // and reverse, in float64 against central differences.
  void grad_matches_finite_differences() {
    set_x64_enabled(true);
    struct Off {
      ~Off() { set_x64_enabled(false); }
    } off;
    Array w = arr({0.5, -1.5}, DType::F64);
    auto loss = [w](V xs, V h0) {
      TreeFn f = [w](const std::vector<Tree>& a) {
        Value h = a[0][0].leaf(), s = a[0][1].leaf();
        Value x = a[1].leaf();
        Value hw = h * Value(w);
        Value nh = np::tanh(hw + x);
        Value ns = s + np::sum(nh * nh);
        return Tree::tuple({Tree::tuple({nh, ns}), np::sin(h)});
      };
      auto [c, ys] = lax::scan(f, Tree::tuple({h0, Value(Array::scalar(0, DType::F64))}), xs, std::nullopt, true);
      return c[1].leaf() + np::sum(ys.leaf() * ys.leaf());
    };
    TreeFn fn = [loss](const std::vector<Tree>& a) { return Tree(loss(a[0].leaf(), a[1].leaf())); };
    Array xs = arr({0.1, -0.2, 0.3, 0.4, -0.5, 0.6}, {3, 2}, DType::F64);
    Array h0 = arr({0.7, -0.3}, DType::F64);
    Tree g = grad(fn, {.argnums = {0, 1}, .argnums_tuple = true})({xs, h0});
    auto fd = [&](const Array& base, int which) {
      std::vector<double> out;
      for (int64_t i = 0; i < base.size(); ++i) {
        std::vector<double> up, down;
        for (int64_t j = 0; j < base.size(); ++j) {
          up.push_back(base.item(j) + (i == j ? 1e-6 : 0));
          down.push_back(base.item(j) - (i == j ? 1e-6 : 0));
        }
        Array u = arr(up, base.shape(), DType::F64), d = arr(down, base.shape(), DType::F64);
        double fu = which == 0 ? loss(u, h0).array().item(0) : loss(xs, u).array().item(0);
        double fdn = which == 0 ? loss(d, h0).array().item(0) : loss(xs, d).array().item(0);
        out.push_back((fu - fdn) / 2e-6);
      }
      return arr(out, base.shape(), DType::F64);
    };
    QCOMPARE(compare_arrays(g[0].leaf().array(), fd(xs, 0), 1e-6, 1e-8), std::string());
    QCOMPARE(compare_arrays(g[1].leaf().array(), fd(h0, 1), 1e-6, 1e-8), std::string());
  }

  void jvp_and_vmap_values() {
    // jvp of the final carry c3 = x0 + x1 + x2 and ys = c * x.
    TreeFn f = fn2(basic);
    auto [out, tan] = jvp(f, {Value(test::scalar(1)), Value(arr({1, 2, 3}))},
                          {Value(test::scalar(1)), Value(arr({0, 1, 0}))});
    QCOMPARE(compare_arrays(tan[0].leaf().array(), test::scalar(2)), std::string());
    // ys_i = c_i x_i: c = 1, 2, 4; tangents dc = 1, 1, 2; dy = dc x + c dx.
    QCOMPARE(compare_arrays(tan[1].leaf().array(), arr({1, 4, 6})), std::string());
    Array xs = arr({1, 2, 3, 4, 5, 6}, {2, 3});
    Tree b = vmap(f, {.in_axes = Tree::tuple({Tree::none(), axis(0)})})({Value(test::scalar(1)), xs});
    for (int i = 0; i < 2; ++i) {
      Tree one = f({Value(test::scalar(1)), test::take(xs, 0, i)});
      QCOMPARE(compare_arrays(test::take(b[0].leaf(), 0, i).array(), one[0].leaf().array()), std::string());
      QCOMPARE(compare_arrays(test::take(b[1].leaf(), 0, i).array(), one[1].leaf().array()), std::string());
    }
  }

  // JAX 0.10.2's messages.
  void errors() {
    auto run = [](TreeFn f, Tree init, Tree xs, std::optional<int64_t> length = std::nullopt) {
      return test::error_of([&] { lax::scan(f, init, xs, length); });
    };
    TreeFn grow = body([](V c, V x) { return std::pair{lax::broadcast_in_dim(c, {2}, {}), x}; });
    QCOMPARE(run(grow, Value(test::scalar(0)), Value(arr({1, 2, 3}))),
             std::string("scan body function carry input and carry output must have equal types, but they differ:\n\n"
                         "The input carry has type float32[] but the corresponding output carry component has type "
                         "float32[2], so the shapes do not match.\n\n"
                         "Revise the function so that all output types match the corresponding input types."));
    TreeFn id = body([](V c, V x) { return std::pair{c, x}; });
    QCOMPARE(run(id, Value(test::scalar(0)), Tree::tuple({Value(arr({1, 2})), Value(arr({1, 2, 3}))})),
             std::string("scan got values with different leading axis sizes: 2, 3."));
    QCOMPARE(run(id, Value(test::scalar(0)), Value(arr({1, 2})), 3),
             std::string("scan got `length` argument of 3 which disagrees with leading axis sizes [2]."));
    QCOMPARE(run(id, Value(test::scalar(0)), Tree::none()),
             std::string("scan got no values to scan over and `length` not provided."));
    TreeFn single = [](const std::vector<Tree>& a) { return a[0]; };
    QCOMPARE(run(single, Value(test::scalar(0)), Value(arr({1, 2}))),
             std::string("scan body output must be a pair, got ShapedArray(float32[])."));
  }
};

QTEST_APPLESS_MAIN(TestScan)
#include "tst_scan.moc"
