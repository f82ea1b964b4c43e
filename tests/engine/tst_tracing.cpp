// Tracing machinery: the staging trace, make_jaxpr over pytrees, jit as a
// higher-order primitive (caching, closures over tracers, static args),
// eval_jaxpr, the checker, source info and escaped tracers.
#include <QtTest>

#include "engine/api.h"
#include "engine/jaxpr/staging.h"
#include "engine/lax.h"
#include "testutil.h"

using namespace jxr;
using jxr::test::arr;

class TestTracing : public QObject {
  Q_OBJECT
 private slots:
  void literals_and_constvars();
  void pytree_inputs_and_outputs();
  void static_argnums();
  void jit_caches_by_aval();
  void jit_closure_over_tracer_becomes_argument();
  void jit_inside_make_jaxpr_is_one_equation();
  void eval_jaxpr_matches_eager();
  void checker_rejects_bad_jaxpr();
  void source_info_recorded();
  void escaped_tracer_is_an_error();
  void tracer_concretization_is_an_error();
  void undefined_operand_is_an_error();
};

void TestTracing::literals_and_constvars() {
  Array c = arr({1, 2, 3});
  ClosedJaxpr cj = make_jaxpr(
      [&](const Value& x) { return lax::add(lax::mul(x, Array::scalar(2.0, DType::F32)), c); }, Value(arr({0, 0, 0})));
  const Jaxpr& j = *cj.jaxpr;
  QCOMPARE(j.constvars.size(), size_t(1));
  QCOMPARE(cj.consts.size(), size_t(1));
  QVERIFY(cj.consts[0].array().bitwise_equal(c));
  QCOMPARE(j.eqns.size(), size_t(2));
  QVERIFY(j.eqns[0].inputs[1].is_literal());  // scalars become literals
  QCOMPARE(j.eqns[0].inputs[1].literal().item(), 2.0);
  QVERIFY(j.eqns[1].inputs[1].is_var());  // arrays become constvars
  QCOMPARE(j.eqns[1].inputs[1].var(), j.constvars[0]);
}

void TestTracing::pytree_inputs_and_outputs() {
  Tree args = Tree::dict({{"w", Tree(arr({1, 2}))}, {"b", Tree(Array::scalar(1, DType::F32))}});
  ClosedJaxpr cj = make_jaxpr(
      [](const std::vector<Tree>& a) {
        const Tree& p = a[0];
        Value y = lax::add(p["w"].leaf(), p["b"].leaf());
        return Tree::tuple({Tree(y), Tree::none(), Tree::list({Tree(p["b"].leaf())})});
      },
      {args});
  const Jaxpr& j = *cj.jaxpr;
  // Dict leaves flatten in sorted key order: b, then w.
  QCOMPARE(j.invars.size(), size_t(2));
  QCOMPARE(j.invars[0]->aval.shape, Shape{});
  QCOMPARE(j.invars[1]->aval.shape, Shape{2});
  QCOMPARE(j.outvars.size(), size_t(2));
  QCOMPARE(j.outvars[1].var(), j.invars[0]);
}

void TestTracing::static_argnums() {
  auto f = [](const std::vector<Tree>& a) {
    int64_t n = a[1].static_param().as_int();
    Value y = a[0].leaf();
    for (int64_t i = 0; i < n; ++i) y = lax::sin(y);
    return Tree(y);
  };
  ClosedJaxpr cj = make_jaxpr(f, {Tree(arr({1})), Tree::static_value(Param::integer(3))}, {.static_argnums = {1}});
  QCOMPARE(cj.jaxpr->invars.size(), size_t(1));
  QCOMPARE(cj.jaxpr->eqns.size(), size_t(3));
  QVERIFY_THROWS_EXCEPTION(Error, make_jaxpr(f, {Tree(arr({1}))}, {.static_argnums = {4}}));
}

void TestTracing::jit_caches_by_aval() {
  Jitted f = jit([](const Value& x) { return lax::mul(x, x); });
  Value a = f(Value(arr({1, 2, 3})));
  JXR_COMPARE_ARRAYS(a.array(), arr({1, 4, 9}), 0, 0);
  f(Value(arr({4, 5, 6})));
  QCOMPARE(f.trace_count(), 1);
  f(Value(arr({4, 5})));
  QCOMPARE(f.trace_count(), 2);
  f(Value(arr({4, 5}, DType::I32)));
  QCOMPARE(f.trace_count(), 3);
  f(Value(arr({7, 8})));
  QCOMPARE(f.trace_count(), 3);
}

void TestTracing::jit_closure_over_tracer_becomes_argument() {
  ClosedJaxpr cj = make_jaxpr(
      [](const Value& x) {
        Jitted inner = jit([&](const Value& y) { return lax::mul(y, x); });
        return inner(x);
      },
      Value(arr({1, 2, 3})));
  const Jaxpr& j = *cj.jaxpr;
  QCOMPARE(j.eqns.size(), size_t(1));
  QCOMPARE(j.eqns[0].prim->name(), std::string("jit"));
  // The captured x is passed explicitly, before y.
  QCOMPARE(j.eqns[0].inputs.size(), size_t(2));
  const ClosedJaxpr& body = *j.eqns[0].params.get("jaxpr").as_jaxpr();
  QCOMPARE(body.jaxpr->constvars.size(), size_t(0));
  QCOMPARE(body.jaxpr->invars.size(), size_t(2));
  QCOMPARE(body.jaxpr->eqns[0].inputs[0].var(), body.jaxpr->invars[1]);
  QCOMPARE(body.jaxpr->eqns[0].inputs[1].var(), body.jaxpr->invars[0]);
}

void TestTracing::jit_inside_make_jaxpr_is_one_equation() {
  Jitted inner = jit([](const Value& y) { return lax::sin(y); }, {.name = "inner"});
  ClosedJaxpr cj = make_jaxpr([&](const Value& x) { return lax::add(inner(x), inner(x)); }, Value(arr({1, 2})));
  const Jaxpr& j = *cj.jaxpr;
  QCOMPARE(j.eqns.size(), size_t(3));
  QCOMPARE(j.eqns[0].params.get("name").as_str(), std::string("inner"));
  // Both calls share one traced jaxpr.
  QCOMPARE(j.eqns[0].params.get("jaxpr").as_jaxpr(), j.eqns[1].params.get("jaxpr").as_jaxpr());
  QCOMPARE(inner.trace_count(), 1);
}

void TestTracing::eval_jaxpr_matches_eager() {
  auto f = [](const Value& x) { return lax::add(lax::sin(x), lax::mul(x, x)); };
  Array x = arr({0.5, -1, 2});
  ClosedJaxpr cj = make_jaxpr(f, Value(x));
  std::vector<Value> args{Value(x)};
  std::vector<Value> out = eval_closed_jaxpr(cj, args);
  QVERIFY(out[0].array().bitwise_equal(f(Value(x)).array()));
  std::vector<Value> bad{Value(arr({1, 2}))};
  QVERIFY_THROWS_EXCEPTION(Error, eval_closed_jaxpr(cj, bad));
}

void TestTracing::checker_rejects_bad_jaxpr() {
  ClosedJaxpr cj = make_jaxpr([](const Value& x) { return lax::sin(x); }, Value(arr({1, 2})));
  check_jaxpr(*cj.jaxpr);
  Jaxpr broken = *cj.jaxpr;
  broken.eqns[0].outputs[0] = new_var(ShapedArray{{3}, DType::F32});
  broken.outvars[0] = Atom(broken.eqns[0].outputs[0]);
  try {
    check_jaxpr(broken);
    QFAIL("checker accepted a wrong output type");
  } catch (const Error& e) {
    QVERIFY2(std::string(e.what()).find("sin") != std::string::npos, e.what());
    QVERIFY2(std::string(e.what()).find("f32[3]") != std::string::npos, e.what());
  }
  Jaxpr unbound = *cj.jaxpr;
  unbound.eqns[0].inputs[0] = Atom(new_var(ShapedArray{{2}, DType::F32}));
  QVERIFY_THROWS_EXCEPTION(Error, check_jaxpr(unbound));
}

void TestTracing::source_info_recorded() {
  ClosedJaxpr cj = make_jaxpr(
      [](const Value& x) {
        SourceScope s({"model.py", 12, "f"});
        return lax::sin(x);
      },
      Value(arr({1})));
  QCOMPARE(cj.jaxpr->eqns[0].source.file, std::string("model.py"));
  QCOMPARE(cj.jaxpr->eqns[0].source.line, 12);
  QVERIFY(current_source_info().empty());
}

void TestTracing::escaped_tracer_is_an_error() {
  Value leaked;
  make_jaxpr(
      [&](const Value& x) {
        leaked = x;
        return x;
      },
      Value(arr({1})));
  try {
    lax::sin(leaked);
    QFAIL("an escaped tracer was accepted");
  } catch (const Error& e) {
    QCOMPARE(e.kind(), ErrorKind::UnexpectedTracer);
  }
  // The failure leaves no trace behind: eager evaluation still works.
  QCOMPARE(lax::sin(Value(arr({0}))).array().item(), 0.0);
}

void TestTracing::tracer_concretization_is_an_error() {
  bool threw = false;
  try {
    make_jaxpr(
        [&](const Value& x) {
          (void)x.array();
          return x;
        },
        Value(arr({1})));
  } catch (const Error& e) {
    threw = true;
    QVERIFY(std::string(e.what()).find("ConcretizationTypeError") != std::string::npos);
  }
  QVERIFY(threw);
  QVERIFY(current_trace() == eval_trace());
}

// A kernel handed an undefined array (a symbolic zero a transformation let
// through) raises, naming the primitive and the operand, instead of reading nothing.
void TestTracing::undefined_operand_is_an_error() {
  const Primitive* mul = find_primitive("mul");
  QVERIFY(mul);
  const Array x = arr({1, 2});
  const Array undefined;
  const Array args[] = {x, undefined};
  bool threw = false;
  try {
    apply_primitive(*mul, args, {});
  } catch (const Error& e) {
    threw = true;
    QCOMPARE(std::string(e.what()),
             std::string("primitive mul was given no value for operand 1 (a transformation passed an undefined array)"));
  }
  QVERIFY(threw);
}

QTEST_GUILESS_MAIN(TestTracing)
#include "tst_tracing.moc"
