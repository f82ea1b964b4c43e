// The transformations' API and semantics: jvp, vjp, grad, value_and_grad,
// jacfwd, jacrev, hessian and vmap over pytrees, their errors, and how they
// compose (grad of grad, perturbation confusion, vmap of grad ...).
#include <QtTest>

#include "check_grads.h"
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
  void perturbation_confusion();
  void check_grads_basic();
};

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

QTEST_APPLESS_MAIN(TstTransforms)
#include "tst_transforms.moc"
