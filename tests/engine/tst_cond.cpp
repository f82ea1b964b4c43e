// The `cond` primitive and jxr::lax::cond / jxr::lax::switch_: eager values
// against closed forms, jaxpr text against JAX 0.10.2's (tests/golden/cond,
// written by gen_cond.py there from the same functions in Python), the
// parser reading JAX's text back, JVP against finite differences, vmap
// against a loop, and JAX's error messages.
#include <QtTest>

#include <cmath>
#include <map>

#include "engine/api.h"
#include "engine/control_flow/cond.h"
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

TreeFn fn1(std::function<Tree(V)> f) {
  return [f](const std::vector<Tree>& a) { return f(a[0].leaf()); };
}
TreeFn fn2(std::function<Tree(V, V)> f) {
  return [f](const std::vector<Tree>& a) { return f(a[0].leaf(), a[1].leaf()); };
}
TreeFn fn3(std::function<Tree(V, V, V)> f) {
  return [f](const std::vector<Tree>& a) { return f(a[0].leaf(), a[1].leaf(), a[2].leaf()); };
}
TreeFn fn4(std::function<Tree(V, V, V, V)> f) {
  return [f](const std::vector<Tree>& a) { return f(a[0].leaf(), a[1].leaf(), a[2].leaf(), a[3].leaf()); };
}

const Array kW = arr({1, 2, 3});

// The functions of gen_cond.py, written with the C++ API.
Tree sin_cos(V p, V x) {
  return lax::cond(p, fn1([](V x) { return np::sin(x); }), fn1([](V x) { return np::cos(x); }), {x});
}

Tree switch3(V i, V x) {
  return lax::switch_(i,
                      {fn1([](V x) { return np::sin(x); }), fn1([](V x) { return np::cos(x); }),
                       fn1([](V x) { return x * 2.0; })},
                      {x});
}

Tree consts(V p, V x) {
  return lax::cond(p, fn1([](V x) { return x * Value(kW); }), fn1([](V x) { return x + 1.0; }), {x});
}

Tree two_operands(V p, V x) {
  return lax::cond(p, fn2([](V a, V b) { return Tree::tuple({a, b * 2.0}); }),
                   fn2([](V a, V b) { return Tree::tuple({b, a}); }), {x, Array::python_float(2.0)});
}

Tree forwarded(V p, V x, V y) {
  return lax::cond(p, fn2([](V x, V y) { return Tree::tuple({x * y, y}); }),
                   fn2([](V x, V y) { return Tree::tuple({x + y, y}); }), {x, y});
}

Tree float_pred(V p, V x) {
  return lax::cond(p, fn1([](V x) { return x * x; }), fn1([](V x) { return x + 1.0; }), {x});
}

Tree pytree(V p, V x) {
  TreeFn t = [](const std::vector<Tree>& a) {
    const Tree& d = a[0];
    return Tree::dict({{"a", d["a"].leaf() * 2.0}, {"b", d["b"]}});
  };
  TreeFn f = [](const std::vector<Tree>& a) {
    const Tree& d = a[0];
    return Tree::dict({{"a", d["b"]}, {"b", d["a"]}});
  };
  Value x1 = x + 1.0;
  return lax::cond(p, t, f, {Tree::dict({{"a", x}, {"b", x1}})});
}

Tree pair_tree(const std::pair<Tree, Tree>& p) { return Tree::tuple({p.first, p.second}); }

Tree jvp_sin_cos(V p, V x, V t) {
  return pair_tree(jvp(fn1([p](V x) { return sin_cos(p, x); }), {x}, {t}));
}

Tree jvp_two(V p, V x, V y, V tx) {
  TreeFn f = fn1([p, y](V x) {
    return lax::cond(p, fn2([](V x, V y) { return Tree::tuple({x * y, y}); }),
                     fn2([](V x, V y) { return Tree::tuple({y, x}); }), {x, y});
  });
  return pair_tree(jvp(f, {x}, {tx}));
}

Tree closure(V p, V x, V y) {
  return lax::cond(p, fn1([y](V x) { return x * y; }), fn1([y](V x) { return x - y; }), {x});
}

Tree shared(V p, V x) {
  Value w = arr({1, 2});
  return lax::cond(p, fn1([w](V x) { return x * w; }), fn1([w](V x) { return x + w; }), {x});
}

Tree nested(V p, V q, V x) {
  return lax::cond(p, fn1([q](V x) { return sin_cos(q, x); }), fn1([](V x) { return x * 2.0; }), {x});
}

Tree jvp_closure(V p, V x, V y) {
  return pair_tree(jvp(fn1([p, x](V y) { return closure(p, x, y); }), {y}, {Array::python_float(1.0)}));
}

Tree jit_cond(V p, V x) { return jit(fn2(sin_cos))({p, x}); }

Tree int_out(V p, V x) {
  return lax::cond(p, fn1([](V x) { return Tree::tuple({x * 2.0, Array::scalar(1, DType::I32, true)}); }),
                   fn1([](V x) { return Tree::tuple({x, Array::scalar(2, DType::I32, true)}); }), {x});
}

Tree grad_int_out(V p, V x) {
  return grad(fn1([p](V x) { return int_out(p, x)[0]; }))({x});
}

Tree grad_sin_cos(V p, V x) {
  return grad(fn1([p](V x) { return sin_cos(p, x); }))({x});
}

Tree grad_two(V p, V x, V y) {
  TreeFn f = fn2([p](V x, V y) {
    return lax::cond(p, fn2([](V x, V y) { return Tree(x * y); }), fn2([](V x, V) { return Tree(x + 1.0); }),
                     {x, y});
  });
  return grad(f, {.argnums = {0, 1}, .argnums_tuple = true})({x, y});
}

Tree grad_switch(V i, V x) { return grad(fn2(switch3), {.argnums = {1}})({i, x}); }

Tree grad_consts(V p, V x) {
  TreeFn f = fn1([p](V x) {
    return lax::cond(p, fn1([](V x) { return np::sum(x * Value(kW)); }), fn1([](V x) { return np::sum(x * x); }),
                     {x});
  });
  return grad(f)({x});
}

Tree vmap_grad(V p, V x) {
  TreeFn f = fn2([](V p, V x) {
    return lax::cond(p, fn1([](V x) { return np::sin(x) * x; }), fn1([](V x) { return np::cos(x); }), {x});
  });
  return vmap(grad(f, {.argnums = {1}}))({p, x});
}

Tree concrete_switch(V x) {
  return lax::switch_(Array::scalar(1, DType::I32, true),
                      {fn1([](V x) { return np::sin(x); }), fn1([](V x) { return np::cos(x); })}, {x});
}

Tree concrete_pred(V x) { return sin_cos(Array::python_float(2.0), x); }

Tree grad_concrete(V x) {
  return grad(fn1([](V x) { return sin_cos(Array::scalar(1, DType::Bool), x); }))({x});
}

Array f32(Shape s) { return Array::full(std::move(s), 1, DType::F32); }
Array yes() { return Array::scalar(1, DType::Bool); }

struct Case {
  TreeFn fn;
  std::vector<Tree> args;
};

std::map<std::string, Case> golden_cases() {
  std::map<std::string, Case> t;
  Array one = Array::python_float(1.0);
  t["sin_cos"] = {fn2(sin_cos), {yes(), one}};
  t["switch3"] = {fn2(switch3), {Array::scalar(1, DType::I32, true), one}};
  t["consts"] = {fn2(consts), {yes(), f32({3})}};
  t["two_operands"] = {fn2(two_operands), {yes(), one}};
  t["forwarded"] = {fn3(forwarded), {yes(), one, Array::python_float(2.0)}};
  t["float_pred"] = {fn2(float_pred), {Array::python_float(3.0), one}};
  t["pytree"] = {fn2(pytree), {yes(), f32({2})}};
  t["jvp_sin_cos"] = {fn3(jvp_sin_cos), {yes(), test::scalar(1), test::scalar(1)}};
  t["jvp_two"] = {fn4(jvp_two), {yes(), test::scalar(1), test::scalar(2), test::scalar(1)}};
  t["vmap_pred"] = {vmap(fn2(sin_cos)), {arr({1, 0}, DType::Bool), f32({2})}};
  t["vmap_operand"] = {vmap(fn2(sin_cos), {.in_axes = Tree::tuple({Tree::none(), axis(0)})}), {yes(), f32({2})}};
  t["closure"] = {fn3(closure), {yes(), one, Array::python_float(2.0)}};
  t["shared"] = {fn2(shared), {yes(), f32({2})}};
  t["nested"] = {fn3(nested), {yes(), Array::scalar(0, DType::Bool), one}};
  t["jvp_closure"] = {fn3(jvp_closure), {yes(), one, Array::python_float(2.0)}};
  t["jit_cond"] = {fn2(jit_cond), {yes(), one}};
  t["int_out"] = {fn2(int_out), {yes(), one}};
  t["grad_int_out"] = {fn2(grad_int_out), {yes(), one}};
  t["grad_sin_cos"] = {fn2(grad_sin_cos), {yes(), one}};
  t["grad_two"] = {fn3(grad_two), {yes(), one, Array::python_float(2.0)}};
  t["grad_switch"] = {fn2(grad_switch), {Array::scalar(1, DType::I32, true), one}};
  t["grad_consts"] = {fn2(grad_consts), {yes(), f32({3})}};
  t["vmap_grad"] = {fn2(vmap_grad), {arr({1, 0}, DType::Bool), arr({1, 2})}};
  t["concrete_switch"] = {fn1(concrete_switch), {one}};
  t["concrete_pred"] = {fn1(concrete_pred), {one}};
  t["grad_concrete"] = {fn1(grad_concrete), {one}};
  t["vmap_switch"] = {vmap(fn2(switch3)), {arr({0, 2, 1}, DType::I32), f32({3, 2})}};
  return t;
}

QString golden_dir() { return QStringLiteral(JAXRAY_SOURCE_DIR "/tests/golden/cond"); }

double item(const Tree& t) { return t.leaf().array().item(); }

}  // namespace

class TestCond : public QObject {
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

  // JAX's text of two conds sharing their branch jaxprs (gen_cond.py's
  // `twice`: Python functions, whose identity C++ functions lack) reads back
  // to one jaxpr per branch, printed hoisted again.
  void parses_shared_branches() {
    std::string want = test::read_file(golden_dir() + "/twice.txt");
    ClosedJaxpr cj = parse_jaxpr(want);
    QCOMPARE(QString::fromStdString(print_closed_jaxpr(cj) + "\n"), QString::fromStdString(want));
    std::vector<Value> out = eval_closed_jaxpr(cj, std::vector<Value>{yes(), test::scalar(1)});
    QCOMPARE(out[0].array().item(), double(std::sin(std::sin(1.0f) * 2.0f) * 2.0f));
  }

  void eager_cond() {
    QCOMPARE(item(sin_cos(yes(), test::scalar(1))), double(std::sin(1.0f)));
    QCOMPARE(item(sin_cos(Array::scalar(0, DType::Bool), test::scalar(1))), double(std::cos(1.0f)));
    // A number is true when nonzero.
    QCOMPARE(item(float_pred(test::scalar(-2), test::scalar(3))), 9.0);
    QCOMPARE(item(float_pred(test::scalar(0), test::scalar(3))), 4.0);
    Tree d = pytree(yes(), arr({1, 2}));
    QCOMPARE(compare_arrays(d["a"].leaf().array(), arr({2, 4})), std::string());
    QCOMPARE(compare_arrays(d["b"].leaf().array(), arr({2, 3})), std::string());
    QCOMPARE(compare_arrays(consts(yes(), arr({2, 2, 2})).leaf().array(), arr({2, 4, 6})), std::string());
  }

  void eager_switch_clamps() {
    auto at = [](int i) { return item(switch3(Array::scalar(i, DType::I32), test::scalar(1))); };
    QCOMPARE(at(0), double(std::sin(1.0f)));
    QCOMPARE(at(1), double(std::cos(1.0f)));
    QCOMPARE(at(2), 2.0);
    QCOMPARE(at(7), 2.0);
    QCOMPARE(at(-3), double(std::sin(1.0f)));
    // One branch is called directly, with no cond.
    TreeFn only = fn1([](V x) { return x * 3.0; });
    std::string text = print_closed_jaxpr(make_jaxpr(fn2([&](V i, V x) { return lax::switch_(i, {only}, {x}); }),
                                                     {test::scalar(0, DType::I32), test::scalar(1)}));
    QVERIFY(text.find("cond") == std::string::npos);
  }

  void forwarded_output_is_the_operand() {
    Tree r = forwarded(yes(), test::scalar(3), test::scalar(4));
    QCOMPARE(item(r[0]), 12.0);
    QCOMPARE(item(r[1]), 4.0);
  }

  void errors() {
    std::string e = test::error_of([] {
      lax::cond(yes(), fn1([](V x) { return x * Value(kW); }), fn1([](V x) { return x + 1.0; }), {test::scalar(1)},
                {{"<lambda> at f.py:1", "<lambda> at f.py:2"}});
    });
    QCOMPARE(QString::fromStdString(e),
             QString("cond branches must have equal output types but they differ.\n\n"
                     "true_fun is <lambda> at f.py:1\nfalse_fun is <lambda> at f.py:2\n\n"
                     "The output of true_fun has type float32[3] but the corresponding output of false_fun has "
                     "type float32[], so the shapes do not match.\n\n"
                     "Revise true_fun and/or false_fun so that all output types match."));
    e = test::error_of([] {
      lax::cond(yes(), fn1([](V x) { return Tree::tuple({x, x}); }), fn1([](V x) { return x; }), {test::scalar(1)},
                {{"<lambda> at f.py:1", "<lambda> at f.py:2"}});
    });
    QCOMPARE(QString::fromStdString(e),
             QString("cond branch outputs must have the same pytree structure, but they differ:\n\n"
                     "true_fun is <lambda> at f.py:1\nfalse_fun is <lambda> at f.py:2\n\n"
                     "true_fun output is a <class 'tuple'> but false_fun output is a pytree leaf, so their "
                     "Python types differ.\n\n"
                     "Revise true_fun and/or false_fun so that they have the same pytree structure."));
    e = test::error_of([] { switch3(yes(), test::scalar(1)); });
    QVERIFY2(e.find("Index type must be an integer, got") != std::string::npos, e.c_str());
    e = test::error_of([] { lax::switch_(test::scalar(0, DType::I32), {}, {}); });
    QCOMPARE(QString::fromStdString(e), QString("Empty branch sequence"));
    e = test::error_of([] { sin_cos(arr({1, 0}, DType::Bool), test::scalar(1)); });
    QVERIFY2(e.find("Pred must be a scalar, got") != std::string::npos, e.c_str());
  }

  // Forward mode against central differences, in both branches.
  void jvp_matches_finite_differences() {
    for (int b = 0; b < 3; ++b) {
      Array idx = Array::scalar(b, DType::I32);
      auto f = [&](V x) { return switch3(idx, x).leaf(); };
      auto [y, t] = jvp(fn1([&](V x) { return Tree(f(x)); }), {test::scalar(0.7)}, {test::scalar(1)});
      double h = 1e-3;
      double fd = (f(test::scalar(0.7 + h)).array().item() - f(test::scalar(0.7 - h)).array().item()) / (2 * h);
      QVERIFY2(std::abs(t.leaf().array().item() - fd) < 1e-3, qPrintable(QString::number(b)));
      QCOMPARE(y.leaf().array().item(), f(test::scalar(0.7)).array().item());
    }
  }

  // vmap over the index (select_n of every branch) and over the operand only
  // (a cond of batched branches) against a loop.
  void vmap_matches_loop() {
    Array idx = arr({0, 2, 1, 5}, DType::I32);
    Array xs = arr({0.5, 1, 1.5, 2});
    Tree got = vmap(fn2(switch3))({idx, xs});
    std::vector<double> want;
    for (int i = 0; i < 4; ++i)
      want.push_back(item(switch3(Array::scalar(idx.item(i), DType::I32), test::scalar(xs.item(i)))));
    QCOMPARE(compare_arrays(got.leaf().array(), arr(want), 1e-6), std::string());
    Tree got2 = vmap(fn2(sin_cos), {.in_axes = Tree::tuple({Tree::none(), axis(0)})})({yes(), xs});
    QCOMPARE(compare_arrays(got2.leaf().array(), np::sin(xs).array(), 1e-6), std::string());
  }

  // Reverse mode against JAX 0.10.2's gradients of the same functions.
  void grad_matches_jax() {
    TreeFn g = fn3([](V p, V x, V y) {
      return lax::cond(p, fn2([](V x, V y) { return Tree(x * np::sin(y)); }),
                       fn2([](V x, V y) { return Tree(x * x + y); }), {x, y});
    });
    GradOptions opts{.argnums = {1, 2}, .argnums_tuple = true};
    Tree gt = grad(g, opts)({yes(), test::scalar(1.5), test::scalar(2)});
    Tree gf = grad(g, opts)({Array::scalar(0, DType::Bool), test::scalar(1.5), test::scalar(2)});
    QCOMPARE(compare_arrays(gt[0].leaf().array(), test::scalar(0.9092974), 1e-6), std::string());
    QCOMPARE(compare_arrays(gt[1].leaf().array(), test::scalar(-0.62422025), 1e-6), std::string());
    QCOMPARE(compare_arrays(gf[0].leaf().array(), test::scalar(3), 1e-6), std::string());
    QCOMPARE(compare_arrays(gf[1].leaf().array(), test::scalar(1), 1e-6), std::string());
    TreeFn s = fn2([](V i, V x) {
      return lax::switch_(i,
                          {fn1([](V x) { return np::sin(x); }), fn1([](V x) { return np::cos(x); }),
                           fn1([](V x) { return x * x * x; })},
                          {x});
    });
    const double want[] = {0.7648422122001648, -0.6442176699638367, 1.46999990940094};
    for (int i = 0; i < 3; ++i) {
      Tree d = grad(s, {.argnums = {1}})({Array::scalar(i, DType::I32), test::scalar(0.7)});
      QCOMPARE(compare_arrays(d.leaf().array(), test::scalar(want[i]), 1e-6), std::string());
    }
  }
};

QTEST_APPLESS_MAIN(TestCond)
#include "tst_cond.moc"
