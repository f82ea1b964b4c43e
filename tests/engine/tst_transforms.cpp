// The transformations' API and semantics: jvp, vjp, grad, value_and_grad,
// jacfwd, jacrev, hessian and vmap over pytrees, their errors, and how they
// compose (grad of grad, perturbation confusion, vmap of grad ...).
#include <QtTest>

#include "check_grads.h"
#include "engine/custom_derivatives.h"
#include "engine/jaxpr/print.h"
#include "engine/numpy/numpy.h"
#include "engine/transforms.h"
#include "testutil.h"

using namespace jxr;
using jxr::test::arr;
using jxr::test::error_of;
using jxr::test::scalar;

class TstTransforms : public QObject {
  Q_OBJECT

 private slots:
  void grad_of_sin_times_x();
  void grad_of_grad();
  void grad_jaxpr_matches_jax();
  void jvp_of_pytree();
  void value_and_grad_argnums_and_aux();
  void grad_errors();
  void weak_inputs_have_weak_gradients();
  void perturbation_confusion();
  void check_grads_basic();
  void custom_jvp_rule_and_jaxprs();
  void custom_vjp_rule_and_jaxprs();
  void custom_rules_with_nondiff_args();
  void stop_gradient_blocks_derivatives();
  void checkpoint_recomputes_in_backward_pass();
  void jit_inside_and_outside_grad_and_vmap();
  void grad_of_jit_forwarding_an_input();
  void vmap_of_grad_equals_loop();
  void vmap_of_vmap_with_different_axes();
  void vmap_errors();
  void missing_rules_name_primitive_and_transformation();
  void hessian_equals_jacobian_compositions();
  void seed_grad_jacfwd_jacrev_agree();
};

namespace {

QString jaxpr_text(const ClosedJaxpr& cj) { return QString::fromStdString(print_closed_jaxpr(cj)); }

// jax.custom_jvp f = sin with the rule (f(x), 2 * xdot), as `fj`.
CustomJvp custom_sin() {
  CustomJvp f([](const std::vector<Tree>& a) { return Tree(lax::sin(a[0].leaf())); }, "f");
  f.defjvp(
      [f](const std::vector<Tree>& p, const std::vector<Tree>& t) mutable {
        return std::make_pair(f(p), Tree(lax::mul(scalar(2.0), t[0].leaf())));
      },
      "fj");
  return f;
}

}  // namespace

void TstTransforms::grad_of_sin_times_x() {
  Fn1 g = [](const Value& x) { return lax::mul(lax::sin(x), x); };
  double x = 0.7;
  double got = grad(g)(scalar(x)).array().item(0);
  QVERIFY(std::fabs(got - (std::cos(x) * x + std::sin(x))) < 1e-6);
}

void TstTransforms::grad_of_grad() {
  Fn1 g = [](const Value& x) { return lax::mul(lax::sin(x), x); };
  double x = 0.7;
  // d2/dx2 (x sin x) = 2 cos x - x sin x
  double got = grad(grad(g))(scalar(x)).array().item(0);
  QVERIFY(std::fabs(got - (2 * std::cos(x) - x * std::sin(x))) < 1e-5);
}

void TstTransforms::grad_jaxpr_matches_jax() {
  // jax.make_jaxpr(jax.grad(lambda x: jnp.sin(x) * x))(1.0) in JAX 0.10.2.
  Fn1 g = [](const Value& x) { return lax::mul(lax::sin(x), x); };
  QCOMPARE(QString::fromStdString(print_closed_jaxpr(make_jaxpr(grad(g), Value(scalar(1.0))))),
           QString("{ lambda ; a:f32[]. let\n"
                   "    b:f32[] = sin a\n"
                   "    c:f32[] = cos a\n"
                   "    _:f32[] = mul b a\n"
                   "    d:f32[] = mul b 1.0:f32[]\n"
                   "    e:f32[] = mul 1.0:f32[] a\n"
                   "    f:f32[] = mul e c\n"
                   "    g:f32[] = add_any d f\n"
                   "  in (g,) }"));
}

void TstTransforms::jvp_of_pytree() {
  TreeFn f = [](const std::vector<Tree>& a) {
    const Value& x = a[0]["x"].leaf();
    const Value& y = a[0]["y"].leaf();
    return Tree::tuple({Tree(lax::mul(x, y)), Tree(lax::sin(x))});
  };
  Tree primal = Tree::dict({{"x", Tree(scalar(2.0))}, {"y", Tree(scalar(3.0))}});
  Tree tangent = Tree::dict({{"x", Tree(scalar(1.0))}, {"y", Tree(scalar(0.0))}});
  auto [out, t] = jvp(f, {primal}, {tangent});
  QCOMPARE(out[0].leaf().array().item(0), 6.0);
  QCOMPARE(t[0].leaf().array().item(0), 3.0);
  QVERIFY(std::fabs(t[1].leaf().array().item(0) - std::cos(2.0)) < 1e-6);
}

void TstTransforms::value_and_grad_argnums_and_aux() {
  TreeFn f = [](const std::vector<Tree>& a) {
    Value x = a[0].leaf(), y = a[1].leaf();
    Value v = lax::mul(lax::mul(x, x), y);
    return Tree::tuple({Tree(v), Tree(lax::neg(v))});
  };
  GradOptions o;
  o.argnums = {0, 1};
  o.argnums_tuple = true;
  o.has_aux = true;
  Tree r = value_and_grad(f, o)({Tree(scalar(2.0)), Tree(scalar(5.0))});
  QCOMPARE(r[0][0].leaf().array().item(0), 20.0);   // value
  QCOMPARE(r[0][1].leaf().array().item(0), -20.0);  // aux
  QCOMPARE(r[1][0].leaf().array().item(0), 20.0);   // d/dx = 2xy
  QCOMPARE(r[1][1].leaf().array().item(0), 4.0);    // d/dy = x^2
}

void TstTransforms::grad_errors() {
  Fn1 vec = [](const Value& x) { return lax::sin(x); };
  QCOMPARE(QString::fromStdString(error_of([&] { grad(vec)(arr({1, 2, 3})); })),
           QString("Gradient only defined for scalar-output functions. Output had shape: (3,)."));
  Fn1 id = [](const Value& x) { return x; };
  QVERIFY(error_of([&] { grad(id)(Array::scalar(1, DType::I32)); })
              .starts_with("grad requires real- or complex-valued inputs (input dtype that is a sub-dtype of "
                           "np.inexact), but got int32."));
}

void TstTransforms::weak_inputs_have_weak_gradients() {
  // As JAX's: the cotangent of a weak (Python scalar) input is weak, whether
  // the output is weak too, the input is promoted on its way to a strong
  // output, or the output does not depend on it.
  Value s = Array::scalar(0.7, DType::F32, /*weak=*/true);
  QVERIFY(grad(Fn1([](const Value& x) { return jnp::multiply(x, x); }))(s).weak_type());
  TreeFn f = [](const std::vector<Tree>& a) { return Tree(jnp::sum(jnp::multiply(a[0].leaf(), a[1].leaf()))); };
  GradOptions o;
  o.argnums = {0, 1, 2};
  o.argnums_tuple = true;
  Tree g = grad(f, o)({Tree(s), Tree(arr({1, 2, 3})), Tree(s)});
  QVERIFY(g[0].leaf().weak_type());
  QVERIFY(!g[1].leaf().weak_type());
  QVERIFY(g[2].leaf().weak_type());
  QCOMPARE(g[0].leaf().array().item(0), 6.0);
  QCOMPARE(g[2].leaf().array().item(0), 0.0);
}

void TstTransforms::perturbation_confusion() {
  // d/dx [x * d/dy (x + y)] at x = 1 is 1 (JAX's perturbation-confusion
  // test): the inner grad must not see the outer tracer's tangent.
  Fn1 outer = [](const Value& x) {
    Fn1 inner = [&](const Value& y) { return lax::add(x, y); };
    return lax::mul(x, grad(inner)(scalar(1.0)));
  };
  QCOMPARE(grad(outer)(scalar(1.0)).array().item(0), 1.0);
}

void TstTransforms::check_grads_basic() {
  test::X64Scope x64;
  test::FlatF f = [](std::span<const Value> a) {
    return std::vector<Value>{lax::mul(lax::sin(a[0]), lax::cos(lax::mul(a[0], a[1])))};
  };
  test::check_grads(f, {arr({0.3, -1.2}, DType::F64), arr({0.5, 2.0}, DType::F64)}, 2);
  // A wrong rule is caught: cos with sin's derivative.
  Primitive& cos_p = const_cast<Primitive&>(get_primitive("cos"));
  JvpRule saved = cos_p.jvp;
  ad::def_jvp(cos_p, {[](const Value& t, std::span<const Value> x, const Params&) {
                return lax::mul(t, lax::cos(x[0]));
              }});
  bool caught = false;
  try {
    test::check_grads(f, {arr({0.3, -1.2}, DType::F64), arr({0.5, 2.0}, DType::F64)}, 1);
  } catch (const std::runtime_error&) {
    caught = true;
  }
  cos_p.jvp = saved;
  QVERIFY(caught);
}

void TstTransforms::custom_jvp_rule_and_jaxprs() {
  CustomJvp f = custom_sin();
  Fn1 g = value_fn([f](const std::vector<Tree>& a) { return f(a); });
  QCOMPARE(grad(g)(scalar(0.3)).array().item(0), 2.0);
  QCOMPARE(g(scalar(0.3)).array().item(0), double(float(std::sin(0.3f))));
  // JAX 0.10.2: @jax.custom_jvp def f(x): return jnp.sin(x); @f.defjvp def
  // fj(p, t): return f(p[0]), 2.0 * t[0]; make_jaxpr(f), (grad(f)), (vmap(f)).
  QCOMPARE(jaxpr_text(make_jaxpr(g, Value(scalar(1.0)))),
           QString("{ lambda ; a:f32[]. let\n"
                   "    b:f32[] = custom_jvp_call[\n"
                   "      name=f\n"
                   "      call_jaxpr={ lambda ; c:f32[]. let d:f32[] = sin c in (d,) }\n"
                   "      jvp=fj\n"
                   "      symbolic_zeros=False\n"
                   "    ] a\n"
                   "  in (b,) }"));
  QCOMPARE(jaxpr_text(make_jaxpr(grad(g), Value(scalar(1.0)))),
           QString("{ lambda ; a:f32[]. let\n"
                   "    _:f32[] = custom_jvp_call[\n"
                   "      name=f\n"
                   "      call_jaxpr={ lambda ; b:f32[]. let c:f32[] = sin b in (c,) }\n"
                   "      jvp=fj\n"
                   "      symbolic_zeros=False\n"
                   "    ] a\n"
                   "    d:f32[] = mul 2.0:f32[] 1.0:f32[]\n"
                   "  in (d,) }"));
  QCOMPARE(jaxpr_text(make_jaxpr(vmap(g), Value(arr({1, 1, 1})))),
           QString("{ lambda ; a:f32[3]. let\n"
                   "    b:f32[3] = custom_jvp_call[\n"
                   "      name=f\n"
                   "      call_jaxpr={ lambda ; c:f32[3]. let d:f32[3] = sin c in (d,) }\n"
                   "      jvp=fj\n"
                   "      symbolic_zeros=False\n"
                   "    ] a\n"
                   "  in (b,) }"));
  // vmap of the custom derivative uses the batched rule.
  Value gv = vmap(grad(g))(arr({0.1, 0.2}));
  JXR_COMPARE_ARRAYS(gv.array(), arr({2, 2}), 0, 0);
}

void TstTransforms::custom_vjp_rule_and_jaxprs() {
  CustomVjp f([](const std::vector<Tree>& a) { return Tree(lax::sin(a[0].leaf())); }, "g");
  f.defvjp(
      [](const std::vector<Tree>& a) {
        Value out = lax::sin(a[0].leaf());  // named: staged in Python's order
        Value res = lax::cos(a[0].leaf());
        return std::make_pair(Tree(out), Tree(res));
      },
           [](const Tree& r, const Tree& ct) {
             return std::vector<Tree>{Tree(lax::mul(lax::mul(scalar(3.0), ct.leaf()), r.leaf()))};
           },
           "gf", "gb");
  Fn1 g = value_fn([f](const std::vector<Tree>& a) { return f(a); });
  double x = 0.4;
  QVERIFY(std::fabs(grad(g)(scalar(x)).array().item(0) - 3 * std::cos(x)) < 1e-6);
  // JAX 0.10.2: jax.make_jaxpr(jax.grad(g))(1.0) with fwd (sin x, cos x) and
  // bwd (3.0 * ct * r,).
  QCOMPARE(jaxpr_text(make_jaxpr(grad(g), Value(scalar(1.0)))),
           QString("{ lambda ; a:f32[]. let\n"
                   "    _:f32[] = sin a\n"
                   "    b:f32[] = cos a\n"
                   "    c:f32[] = mul 3.0:f32[] 1.0:f32[]\n"
                   "    d:f32[] = mul c b\n"
                   "  in (d,) }"));
  QCOMPARE(jaxpr_text(make_jaxpr(g, Value(scalar(1.0)))),
           QString("{ lambda ; a:f32[]. let\n"
                   "    b:f32[] = custom_vjp_call[\n"
                   "      name=g\n"
                   "      bwd=gb\n"
                   "      call_jaxpr={ lambda ; c:f32[]. let d:f32[] = sin c in (d,) }\n"
                   "      fwd=gf\n"
                   "      symbolic_zeros=False\n"
                   "    ] a\n"
                   "  in (b,) }"));
  QCOMPARE(QString::fromStdString(error_of([&] { jvp(g, scalar(1.0), scalar(1.0)); })),
           QString("can't apply forward-mode autodiff (jvp) to a custom_vjp function."));
  // grad of a vmapped sum goes through the batched fwd/bwd rules.
  Fn1 total = [&](const Value& xs) { return jnp::sum(vmap(g)(xs)); };
  Value gx = grad(total)(arr({0.1, 0.5}));
  JXR_COMPARE_ARRAYS(gx.array(), arr({3 * std::cos(0.1), 3 * std::cos(0.5)}), 1e-6, 1e-6);
}

void TstTransforms::custom_rules_with_nondiff_args() {
  // f(k, x) = k * sin(x) with k non-differentiable (nondiff_argnums=(0,)):
  // the rules see k as it is and its tangent slot is None.
  TreeFn body = [](const std::vector<Tree>& a) { return Tree(lax::mul(a[0].leaf(), lax::sin(a[1].leaf()))); };
  CustomJvp fj(body, "f", {0});
  fj.defjvp([](const std::vector<Tree>& p, const std::vector<Tree>& t) {
    if (t[0].kind() != Tree::Kind::None) throw std::runtime_error("nondiff arg got a tangent");
    Value k = p[0].leaf(), x = p[1].leaf();
    Value y = lax::mul(k, lax::sin(x));
    return std::make_pair(Tree(y), Tree(lax::mul(lax::mul(k, lax::cos(x)), t[1].leaf())));
  });
  GradOptions wrt_x;
  wrt_x.argnums = {1};
  Tree g = grad([fj](const std::vector<Tree>& a) { return fj(a); }, wrt_x)({Tree(scalar(3.0)), Tree(scalar(0.5))});
  QVERIFY(std::fabs(g.leaf().array().item(0) - 3 * std::cos(0.5)) < 1e-6);

  CustomVjp fv(body, "f", {0});
  fv.defvjp(
      [](const std::vector<Tree>& a) {
        Value y = lax::mul(a[0].leaf(), lax::sin(a[1].leaf()));
        return std::make_pair(Tree(y), Tree::tuple({a[0], Tree(lax::cos(a[1].leaf()))}));
      },
      [](const Tree& res, const Tree& ct) {
        // One cotangent per differentiable argument: x only.
        return std::vector<Tree>{Tree(lax::mul(lax::mul(res[0].leaf(), res[1].leaf()), ct.leaf()))};
      });
  Tree gv = grad([fv](const std::vector<Tree>& a) { return fv(a); }, wrt_x)({Tree(scalar(3.0)), Tree(scalar(0.5))});
  QVERIFY(std::fabs(gv.leaf().array().item(0) - 3 * std::cos(0.5)) < 1e-6);
}

void TstTransforms::stop_gradient_blocks_derivatives() {
  // d/dx [x * stop_gradient(x)] = stop_gradient(x) = x, not 2x.
  Fn1 f = [](const Value& x) { return lax::mul(x, lax::stop_gradient(x)); };
  QCOMPARE(grad(f)(scalar(3.0)).array().item(0), 3.0);
  QCOMPARE(jvp(f, scalar(3.0), scalar(1.0)).second.array().item(0), 3.0);
  QCOMPARE(grad(grad(f))(scalar(3.0)).array().item(0), 0.0);
  JXR_COMPARE_ARRAYS(vmap(grad(f))(arr({1, 2})).array(), arr({1, 2}), 0, 0);
}

void TstTransforms::checkpoint_recomputes_in_backward_pass() {
  TreeFn body = [](const std::vector<Tree>& a) { return Tree(lax::sin(lax::sin(a[0].leaf()))); };
  Fn1 f = value_fn(checkpoint(body));
  double x = 0.8;
  double want = std::cos(std::sin(x)) * std::cos(x);
  QVERIFY(std::fabs(grad(f)(scalar(x)).array().item(0) - want) < 1e-6);
  // JAX 0.10.2: jax.make_jaxpr(jax.grad(jax.checkpoint(lambda x:
  // jnp.sin(jnp.sin(x)))))(1.0): the primal inline, the backward pass a
  // remat2 that recomputes sin and the cosines.
  QCOMPARE(jaxpr_text(make_jaxpr(grad(f), Value(scalar(1.0)))),
           QString("{ lambda ; a:f32[]. let\n"
                   "    b:f32[] = sin a\n"
                   "    _:f32[] = sin b\n"
                   "    c:f32[] = remat2[\n"
                   "      differentiated=True\n"
                   "      jaxpr={ lambda ; d:f32[] e:f32[]. let\n"
                   "          f:f32[] = sin d\n"
                   "          g:f32[] = cos d\n"
                   "          h:f32[] = cos f\n"
                   "          i:f32[] = mul e h\n"
                   "          j:f32[] = mul i g\n"
                   "        in (j,) }\n"
                   "      policy=None\n"
                   "      prevent_cse=True\n"
                   "    ] a 1.0:f32[]\n"
                   "  in (c,) }"));
  QCOMPARE(jaxpr_text(make_jaxpr(f, Value(scalar(1.0)))),
           QString("{ lambda ; a:f32[]. let\n"
                   "    b:f32[] = remat2[\n"
                   "      differentiated=False\n"
                   "      jaxpr={ lambda ; c:f32[]. let d:f32[] = sin c; e:f32[] = sin d in (e,) }\n"
                   "      policy=None\n"
                   "      prevent_cse=True\n"
                   "    ] a\n"
                   "  in (b,) }"));
  // Forward mode and batching go through the sub-jaxpr too.
  auto [p, t] = jvp(f, scalar(x), scalar(1.0));
  QVERIFY(std::fabs(t.array().item(0) - want) < 1e-6);
  Value v = vmap(grad(f))(arr({x, 0.1}));
  QVERIFY(std::fabs(v.array().item(1) - std::cos(std::sin(0.1)) * std::cos(0.1)) < 1e-6);
}

void TstTransforms::jit_inside_and_outside_grad_and_vmap() {
  Fn1 g = [](const Value& x) { return lax::mul(lax::sin(x), x); };
  Jitted jg = jit(g);
  Fn1 inner = [jg](const Value& x) { return jg(x); };
  Jitted outer = jit(grad(g));
  for (double x : {0.3, -1.1}) {
    double want = std::cos(x) * x + std::sin(x);
    QVERIFY(std::fabs(grad(inner)(scalar(x)).array().item(0) - want) < 1e-5);
    QVERIFY(std::fabs(outer(scalar(x)).array().item(0) - want) < 1e-5);
    QVERIFY(std::fabs(grad(grad(inner))(scalar(x)).array().item(0) - (2 * std::cos(x) - x * std::sin(x))) < 1e-5);
  }
  Value xs = arr({0.3, -1.1, 2.0});
  Value a = vmap(grad(inner))(xs);
  Value b = vmap([outer](const Value& x) { return outer(x); })(xs);
  JXR_COMPARE_ARRAYS(a.array(), b.array(), 1e-6, 1e-6);
  // JAX 0.10.2: jax.make_jaxpr(jax.grad(jax.jit(g)))(1.0).
  QCOMPARE(jaxpr_text(make_jaxpr(grad(inner), Value(scalar(1.0)))),
           QString("{ lambda ; a:f32[]. let\n"
                   "    _:f32[] b:f32[] c:f32[] = jit[\n"
                   "      name=<lambda>\n"
                   "      jaxpr={ lambda ; a:f32[]. let\n"
                   "          c:f32[] = sin a\n"
                   "          b:f32[] = cos a\n"
                   "          _:f32[] = mul c a\n"
                   "        in (_, b, c) }\n"
                   "    ] a\n"
                   "    d:f32[] = jit[\n"
                   "      name=<lambda>\n"
                   "      jaxpr={ lambda ; b:f32[] a:f32[] c:f32[] e:f32[]. let\n"
                   "          f:f32[] = mul c e\n"
                   "          g:f32[] = mul e a\n"
                   "          h:f32[] = mul g b\n"
                   "          d:f32[] = add_any f h\n"
                   "        in (d,) }\n"
                   "    ] b a c 1.0:f32[]\n"
                   "  in (d,) }"));
}

void TstTransforms::grad_of_jit_forwarding_an_input() {
  // A jitted function returning one of its inputs: the primal call does not
  // return it again (JAX's input forwarding). JAX 0.10.2:
  //   f = jax.jit(lambda x, y: (x * y, y))
  //   def g(x, y): a, b = f(x, y); return a + jnp.sin(b)
  //   jax.make_jaxpr(jax.grad(g, argnums=(0, 1)))(2.0, 3.0)
  Jitted f = jit([](const std::vector<Tree>& a) {
    return Tree::tuple({Tree(lax::mul(a[0].leaf(), a[1].leaf())), a[1]});
  });
  TreeFn g = [f](const std::vector<Tree>& a) {
    Tree r = f(a);
    Value s = lax::sin(r[1].leaf());
    return Tree(lax::add(r[0].leaf(), s));
  };
  GradOptions o;
  o.argnums = {0, 1};
  o.argnums_tuple = true;
  QCOMPARE(jaxpr_text(make_jaxpr(grad(g, o), {Tree(scalar(2.0)), Tree(scalar(3.0))})),
           QString("{ lambda ; a:f32[] b:f32[]. let\n"
                   "    c:f32[] = jit[\n"
                   "      name=<lambda>\n"
                   "      jaxpr={ lambda ; a:f32[] b:f32[]. let c:f32[] = mul a b in (c,) }\n"
                   "    ] a b\n"
                   "    d:f32[] = sin b\n"
                   "    e:f32[] = cos b\n"
                   "    _:f32[] = add c d\n"
                   "    f:f32[] = mul 1.0:f32[] e\n"
                   "    g:f32[] h:f32[] = jit[\n"
                   "      name=<lambda>\n"
                   "      jaxpr={ lambda ; b:f32[] a:f32[] i:f32[] f:f32[]. let\n"
                   "          j:f32[] = mul a i\n"
                   "          h:f32[] = add_any f j\n"
                   "          g:f32[] = mul i b\n"
                   "        in (g, h) }\n"
                   "    ] b a 1.0:f32[] f\n"
                   "  in (g, h) }"));
  Tree gr = grad(g, o)({Tree(scalar(2.0)), Tree(scalar(3.0))});
  QCOMPARE(gr[0].leaf().array().item(0), 3.0);
  QVERIFY(std::fabs(gr[1].leaf().array().item(0) - (2.0 + std::cos(3.0))) < 1e-6);
}

void TstTransforms::vmap_of_grad_equals_loop() {
  Fn1 g = [](const Value& x) { return lax::mul(lax::cos(x), lax::mul(x, x)); };
  std::vector<double> xs = {0.1, 0.5, -2.0, 3.0};
  Value batched = vmap(grad(g))(arr(xs));
  for (size_t i = 0; i < xs.size(); ++i)
    QCOMPARE(batched.array().item(i), grad(g)(scalar(xs[i])).array().item(0));
  // grad of a vmapped function: d/dx sum(g(x)) = g'(x) elementwise.
  Fn1 total = [&](const Value& v) { return jnp::sum(vmap(g)(v)); };
  Value via_grad = grad(total)(arr(xs));
  JXR_COMPARE_ARRAYS(via_grad.array(), batched.array(), 1e-6, 1e-6);
}

void TstTransforms::vmap_of_vmap_with_different_axes() {
  // f(x, y) = x * y + sin(x); outer vmap maps x over axis 1 and y over 0,
  // inner vmap maps both over axis 0.
  TreeFn f = [](const std::vector<Tree>& a) {
    return Tree(lax::add(lax::mul(a[0].leaf(), a[1].leaf()), lax::sin(a[0].leaf())));
  };
  VmapOptions outer;
  outer.in_axes = Tree::tuple({axis(1), axis(0)});
  Array x = test::arr({1, 2, 3, 4, 5, 6}, {2, 3});  // [inner=2, outer=3]
  Array y = test::arr({7, 8, 9, 10, 11, 12}, {3, 2});  // [outer=3, inner=2]
  Tree r = vmap(vmap(f), outer)({Tree(x), Tree(y)});
  const Array& out = r.leaf().array();
  QCOMPARE(out.shape(), (Shape{3, 2}));
  for (int o = 0; o < 3; ++o)
    for (int i = 0; i < 2; ++i) {
      double xv = x.item(i * 3 + o), yv = y.item(o * 2 + i);
      QVERIFY(std::fabs(out.item(o * 2 + i) - (xv * yv + std::sin(xv))) < 1e-5);
    }
  // out_axes=1 and an unmapped argument.
  VmapOptions o2;
  o2.in_axes = Tree::tuple({axis(0), Tree::none()});
  o2.out_axes = axis(1);
  Tree r2 = vmap(f, o2)({Tree(x), Tree(test::arr({1, 1, 1}))});
  QCOMPARE(r2.leaf().shape(), (Shape{3, 2}));
}

void TstTransforms::vmap_errors() {
  TreeFn f = [](const std::vector<Tree>& a) { return Tree(lax::add(a[0].leaf(), a[1].leaf())); };
  QCOMPARE(QString::fromStdString(error_of([&] { vmap(f)({Tree(arr({1, 2, 3})), Tree(arr({1, 2}))}); })),
           QString("vmap got inconsistent sizes for array axes to be mapped:\n"
                   "  * one axis had size 3: axis 0 of argument 0 of type float32[3];\n"
                   "  * one axis had size 2: axis 0 of argument 1 of type float32[2]"));
  VmapOptions pair_none;
  pair_none.out_axes = Tree::tuple({axis(0), Tree::none()});
  TreeFn pair = [](const std::vector<Tree>& a) { return Tree::tuple({a[0], a[0]}); };
  QCOMPARE(QString::fromStdString(error_of([&] { vmap(pair, pair_none)({Tree(arr({1, 2, 3}))}); })),
           QString("at vmap out_axes[1], got axis spec None but output was batched on axis 0"));
  VmapOptions none;
  none.in_axes = Tree::none();
  QCOMPARE(QString::fromStdString(error_of([&] { vmap(f, none)({Tree(arr({1})), Tree(arr({1}))}); })),
           QString("vmap must have at least one non-None value in in_axes"));
  QVERIFY(error_of([&] { vmap(f, VmapOptions{axis(2), axis(0), {}})({Tree(arr({1})), Tree(arr({1}))}); })
              .starts_with("vmap was requested to map its argument along axis 2, which implies that its rank should "
                           "be at least 3, but is only 1"));
}

void TstTransforms::missing_rules_name_primitive_and_transformation() {
  Fn1 na = [](const Value& x) { return lax::nextafter(x, scalar(1.0)); };
  QCOMPARE(QString::fromStdString(error_of([&] { grad(na)(scalar(0.5)); })),
           QString("Differentiation rule for 'nextafter' not implemented"));
  QCOMPARE(QString::fromStdString(error_of([&] { jvp(na, scalar(0.5), scalar(1.0)); })),
           QString("Differentiation rule for 'nextafter' not implemented"));
  // A plugin-style primitive with a JVP (linear in its input) and nothing
  // else: forward mode works, reverse mode and vmap name what is missing.
  static Primitive& p = [] () -> Primitive& {
    Primitive& q = define_primitive("test_identity_without_rules");
    q.synopsis = "identity used by the missing-rule tests";
    q.abstract_eval = [](std::span<const ShapedArray> in, const Params&) { return std::vector<ShapedArray>{in[0]}; };
    q.impl = [](std::span<const Array> in, const Params&, std::span<const ShapedArray>) {
      return std::vector<Array>{in[0]};
    };
    q.jvp = [&q](std::span<const Value> x, std::span<const Value> t, const Params&) {
      return JvpResult{{bind1(q, {x[0]})}, {bind1(q, {t[0]})}};
    };
    return q;
  }();
  Fn1 f = [](const Value& x) { return bind1(p, {x}); };
  QCOMPARE(jvp(f, scalar(2.0), scalar(3.0)).second.array().item(0), 3.0);
  QCOMPARE(QString::fromStdString(error_of([&] { grad(f)(scalar(2.0)); })),
           QString("Transpose rule (for reverse-mode differentiation) for 'test_identity_without_rules' not "
                   "implemented"));
  QCOMPARE(QString::fromStdString(error_of([&] { vmap(f)(arr({1, 2})); })),
           QString("Batching rule for 'test_identity_without_rules' not implemented"));
}

void TstTransforms::hessian_equals_jacobian_compositions() {
  // f(x) = sum(sin(x) * x[::-1]...) kept to elementwise ops and a sum.
  Fn1 f = [](const Value& x) { return jnp::sum(lax::mul(lax::sin(x), lax::mul(x, x))); };
  Value x = arr({0.3, -0.7, 1.1});
  Array h = hessian(f)(x).array();
  Array fr = jacfwd(jacrev(f))(x).array();
  Array rf = jacrev(jacfwd(f))(x).array();
  Array rr = jacrev(jacrev(f))(x).array();
  QCOMPARE(h.shape(), (Shape{3, 3}));
  JXR_COMPARE_ARRAYS(fr, h, 1e-5, 1e-5);
  JXR_COMPARE_ARRAYS(rf, h, 1e-5, 1e-5);
  JXR_COMPARE_ARRAYS(rr, h, 1e-5, 1e-5);
  // Closed form: diagonal (x^2 sin x)'' = 2 sin x + 4 x cos x - x^2 sin x.
  for (int i = 0; i < 3; ++i) {
    double v = x.array().item(i);
    QVERIFY(std::fabs(h.item(i * 3 + i) - (2 * std::sin(v) + 4 * v * std::cos(v) - v * v * std::sin(v))) < 1e-4);
    for (int j = 0; j < 3; ++j)
      if (j != i) QCOMPARE(h.item(i * 3 + j), 0.0);
  }
}

void TstTransforms::seed_grad_jacfwd_jacrev_agree() {
  // The seed: grad(lambda x: x[0] + x[0] * x[1])(jnp.ones(5)) == [2, 1, 0, 0, 0].
  Fn1 f = [](const Value& x) {
    Value a = jnp::index(x, {0}), b = jnp::index(x, {0}), c = jnp::index(x, {1});
    return a + b * c;
  };
  Value x = jnp::ones({5});
  Array want = arr({2, 1, 0, 0, 0});
  JXR_COMPARE_ARRAYS(grad(f)(x).array(), want, 0, 0);
  JXR_COMPARE_ARRAYS(jacfwd(f)(x).array(), want, 0, 0);
  JXR_COMPARE_ARRAYS(jacrev(f)(x).array(), want, 0, 0);
  // ... and under jit, inside and outside.
  Jitted jf = jit(f);
  Fn1 inner = [jf](const Value& v) { return jf(v); };
  Jitted outer = jit(jacrev(f));
  JXR_COMPARE_ARRAYS(jacfwd(inner)(x).array(), want, 0, 0);
  JXR_COMPARE_ARRAYS(outer(x).array(), want, 0, 0);
  // Its Hessian: d2/dx0dx1 = 1, all else 0; the same through jit.
  Array h = hessian(inner)(x).array();
  Array hj = jit(hessian(f))(x).array();
  for (int i = 0; i < 5; ++i)
    for (int j = 0; j < 5; ++j) {
      double w = (i == 0 && j == 1) || (i == 1 && j == 0) ? 1.0 : 0.0;
      QCOMPARE(h.item(i * 5 + j), w);
      QCOMPARE(hj.item(i * 5 + j), w);
    }
}

QTEST_APPLESS_MAIN(TstTransforms)
#include "tst_transforms.moc"
