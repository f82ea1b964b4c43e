// Completeness of the primitive registry: every primitive the engine core
// promises is registered with a synopsis, a shape rule and an eager kernel,
// and a jaxpr built from each name survives the registry lookup.
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
    "dot_general", "sort", "stop_gradient", "jit", "random_bits", "threefry2x32"};

}  // namespace

class TestRegistry : public QObject {
  Q_OBJECT
 private slots:
  void every_core_primitive_is_complete_data();
  void every_core_primitive_is_complete();
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
