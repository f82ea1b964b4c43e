// Completeness of the primitive registry: every primitive the engine core
// promises is registered with a synopsis, a shape rule and an eager kernel,
// every registered primitive has its transformation rules, and a jaxpr built
// from each name survives the registry lookup.
#include <QtTest>

#include <set>

#include "engine/core/primitive.h"

using namespace jxr;

namespace {

const char* const kCorePrimitives[] = {
    // elementwise unary
    "neg", "sign", "floor", "ceil", "round", "is_finite", "exp", "exp2", "log", "log1p", "expm1", "tanh", "logistic",
    "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "asinh", "acosh", "atanh", "sqrt", "rsqrt", "cbrt",
    "abs", "square", "integer_pow", "erf", "erf_inv", "lgamma", "digamma",
    // elementwise binary, comparison, logic
    "add", "sub", "mul", "div", "rem", "pow", "max", "min", "atan2", "nextafter", "add_any", "eq", "ne", "lt", "le",
    "gt", "ge", "and", "or", "not", "xor", "select_n", "clamp", "convert_element_type",
    // structural
    "broadcast_in_dim", "reshape", "squeeze", "transpose", "rev", "concatenate", "pad", "iota", "copy",
    // indexing
    "slice", "dynamic_slice", "dynamic_update_slice", "gather", "scatter-add",
    // reductions
    "reduce_sum", "reduce_max", "reduce_min", "reduce_prod", "reduce_and", "reduce_or", "argmax", "argmin", "cumsum",
    "cumprod", "cummax", "cummin",
    // linear algebra, sorting, calls, random
    "dot_general", "sort", "stop_gradient", "jit", "random_bits", "threefry2x32",
    // transformations
    "split", "unstack", "scatter", "polygamma", "custom_jvp_call", "custom_vjp_call", "custom_lin", "remat2"};

// Primitives that lack a rule on purpose, and why.
struct Exemption {
  const char* name;
  bool jvp, batch;
  const char* why;
};
const Exemption kExempt[] = {
    {"nextafter", true, false, "JAX defines no derivative for nextafter"},
    {"iota", false, true, "no operands, so never batched"},
    {"empty2", false, true, "no operands, so never batched (cond's linearization fills unused residual slots)"},
    {"custom_lin", true, true, "only ever transposed: the linear half of a custom_vjp under reverse mode"},
};

}  // namespace

class TestRegistry : public QObject {
  Q_OBJECT
 private slots:
  void every_core_primitive_is_complete_data();
  void every_core_primitive_is_complete();
  void every_primitive_has_transformation_rules_data();
  void every_primitive_has_transformation_rules();
  void registry_is_sorted_and_unique();
  void unknown_names_are_errors();
};

void TestRegistry::every_core_primitive_is_complete_data() {
  QTest::addColumn<QString>("name");
  for (const char* n : kCorePrimitives) QTest::newRow(n) << QString(n);
}

void TestRegistry::every_core_primitive_is_complete() {
  QFETCH(QString, name);
  const Primitive* p = find_primitive(name.toStdString());
  QVERIFY2(p != nullptr, qPrintable("not registered: " + name));
  QCOMPARE(QString::fromStdString(p->name()), name);
  QVERIFY2(!p->synopsis.empty(), "no synopsis");
  QVERIFY2(p->synopsis.find('\n') == std::string::npos, "synopsis is more than one line");
  QVERIFY2(bool(p->abstract_eval), "no shape rule");
  QVERIFY2(bool(p->impl), "no eager kernel");
}

void TestRegistry::every_primitive_has_transformation_rules_data() {
  QTest::addColumn<QString>("name");
  for (const Primitive* p : all_primitives()) QTest::newRow(p->name().c_str()) << QString::fromStdString(p->name());
}

// A JVP rule and a batching rule for every primitive (the check_grads and
// vmap tables of the tst_ad_* suites test them); a transpose rule wherever a
// JVP is linear is checked there by reverse mode.
void TestRegistry::every_primitive_has_transformation_rules() {
  QFETCH(QString, name);
  const Primitive& p = get_primitive(name.toStdString());
  const Exemption* ex = nullptr;
  for (const Exemption& e : kExempt)
    if (name == e.name) ex = &e;
  if (!(ex && ex->jvp)) QVERIFY2(bool(p.jvp) || bool(p.linearize), "no JVP rule");
  if (!(ex && ex->batch)) QVERIFY2(bool(p.batch), "no batching rule");
  if (ex) {
    // An exemption that is no longer needed is stale.
    if (ex->jvp) QVERIFY2(!p.jvp, ex->why);
    if (ex->batch) QVERIFY2(!p.batch, ex->why);
  }
}

void TestRegistry::registry_is_sorted_and_unique() {
  std::vector<const Primitive*> all = all_primitives();
  QVERIFY(all.size() >= std::size(kCorePrimitives));
  std::set<std::string> names;
  for (size_t i = 0; i < all.size(); ++i) {
    QVERIFY(names.insert(all[i]->name()).second);
    if (i) QVERIFY(all[i - 1]->name() < all[i]->name());
  }
}

void TestRegistry::unknown_names_are_errors() {
  QVERIFY(find_primitive("frobnicate") == nullptr);
  try {
    get_primitive("frobnicate");
    QFAIL("an unknown primitive was found");
  } catch (const Error& e) {
    QVERIFY(std::string(e.what()).find("frobnicate") != std::string::npos);
  }
  QVERIFY_THROWS_EXCEPTION(Error, define_primitive("add"));
}

QTEST_GUILESS_MAIN(TestRegistry)
#include "tst_registry.moc"
