// The jaxpr printer on hand-built jaxprs: layouts, naming, literals, params,
// nested and hoisted sub-jaxprs, drop variables and source info. Expected
// texts follow what JAX 0.10.2 prints for jaxprs of the same structure.
#include <QtTest>

#include <limits>

#include "engine/core/primitive.h"
#include "engine/jaxpr/jaxpr.h"
#include "engine/jaxpr/pretty.h"
#include "engine/jaxpr/print.h"

using namespace jxr;

namespace {

ShapedArray f32(Shape s) { return {std::move(s), DType::F32}; }

// A test-only primitive with params and any number of operands and results
// (all of the first operand's type, or f32[] without operands).
const Primitive& params_op() {
  static const Primitive& p = [] () -> const Primitive& {
    Primitive& q = define_primitive("test_params_op");
    q.abstract_eval = [](std::span<const ShapedArray> in, const Params& params) {
      int64_t n = params.has("outs") ? params.get_int("outs") : 1;
      return std::vector<ShapedArray>(static_cast<size_t>(n), in.empty() ? ShapedArray{} : in[0]);
    };
    return q;
  }();
  return p;
}

Eqn eqn(const Primitive& prim, std::vector<Atom> in, std::vector<VarPtr> out, Params params = {}) {
  Eqn e;
  e.prim = &prim;
  e.inputs = std::move(in);
  e.outputs = std::move(out);
  e.params = std::move(params);
  return e;
}

const Primitive& sg() { return get_primitive("stop_gradient"); }

// A jit equation calling `body` on `in`, with fresh outputs.
Eqn jit_eqn(const ClosedJaxprPtr& body, std::vector<Atom> in, const std::string& name) {
  std::vector<VarPtr> outs;
  for (const ShapedArray& a : body->out_avals()) outs.push_back(new_var(a));
  return eqn(get_primitive("jit"), std::move(in), std::move(outs),
             Params{{"name", Param::str(name)}, {"jaxpr", Param::jaxpr(body)}});
}

// { lambda ; a. let b = stop_gradient a in (b,) } for aval `a`.
ClosedJaxprPtr sg_body(ShapedArray a) {
  auto j = std::make_shared<Jaxpr>();
  VarPtr x = new_var(a), y = new_var(a);
  j->invars = {x};
  j->eqns.push_back(eqn(sg(), {x}, {y}));
  j->outvars = {y};
  return std::make_shared<const ClosedJaxpr>(ClosedJaxpr{j, {}});
}

QString print(const Jaxpr& j, PrintOptions o = {}) { return QString::fromStdString(print_jaxpr(j, o)); }

}  // namespace

class TestPrinter : public QObject {
  Q_OBJECT
 private slots:
  void document_layout();
  void one_line();
  void multi_line();
  void no_eqns_and_constvars();
  void names_past_z();
  void literals_data();
  void literals();
  void params_wrap();
  void no_operands_trailing_space();
  void operands_wrap();
  void nested_jit_naming();
  void hoisted_shared();
  void hoisted_large();
  void drop_vars();
  void source_info();
  void excerpt();
};

void TestPrinter::document_layout() {
  using namespace pp;
  Doc d = group(nest(2, concat({text("aaaa"), brk(), text("bbbb"), brk(), text("cccc")})));
  QCOMPARE(QString::fromStdString(format(d, 14)), QString("aaaa bbbb cccc"));
  QCOMPARE(QString::fromStdString(format(d, 13)), QString("aaaa\n  bbbb\n  cccc"));
  // Only the group is measured, not the text after it.
  Doc e = group(text("xx") + brk() + text("yy")) + text("zzzzzzzz");
  QCOMPARE(QString::fromStdString(format(e, 5)), QString("xx yyzzzzzzzz"));
  Doc a = concat({text("ab", std::string("one")), brk(), text("abcd", std::string("two")), text("", std::string("three"))});
  QCOMPARE(QString::fromStdString(format(a, 80)), QString("ab   # one\nabcd # two\n     # three"));
}

void TestPrinter::one_line() {
  Jaxpr j;
  VarPtr a = new_var(f32({3})), b = new_var(f32({3}));
  j.invars = {a};
  j.eqns.push_back(eqn(sg(), {a}, {b}));
  j.outvars = {b};
  QCOMPARE(print(j), QString("{ lambda ; a:f32[3]. let b:f32[3] = stop_gradient a in (b,) }"));
}

void TestPrinter::multi_line() {
  Jaxpr j;
  VarPtr a = new_var(f32({3})), b = new_var(f32({3})), c = new_var(f32({3}));
  j.invars = {a};
  j.eqns.push_back(eqn(sg(), {a}, {b}));
  j.eqns.push_back(eqn(sg(), {b}, {c}));
  j.outvars = {c, b};
  QCOMPARE(print(j), QString("{ lambda ; a:f32[3]. let\n"
                             "    b:f32[3] = stop_gradient a\n"
                             "    c:f32[3] = stop_gradient b\n"
                             "  in (c, b) }"));
  // The same jaxpr fits on one line at a larger width.
  PrintOptions wide;
  wide.width = 120;
  QCOMPARE(print(j, wide), QString("{ lambda ; a:f32[3]. let b:f32[3] = stop_gradient a; c:f32[3] = stop_gradient b in (c, b) }"));
}

void TestPrinter::no_eqns_and_constvars() {
  Jaxpr j;
  VarPtr k = new_var(f32({3})), a = new_var(f32({}));
  j.constvars = {k};
  j.invars = {a};
  j.outvars = {a, Atom(Array::scalar(1.0, DType::F32)), k};
  QCOMPARE(print(j), QString("{ lambda a:f32[3]; b:f32[]. let  in (b, 1.0:f32[], a) }"));
}

void TestPrinter::names_past_z() {
  Jaxpr j;
  VarPtr x = new_var(f32({}));
  j.invars = {x};
  for (int i = 0; i < 28; ++i) {
    VarPtr y = new_var(f32({}));
    j.eqns.push_back(eqn(sg(), {x}, {y}));
    x = y;
  }
  j.outvars = {x};
  QStringList lines = print(j).split('\n');
  QCOMPARE(lines.size(), 30);
  QCOMPARE(lines[25], QString("    z:f32[] = stop_gradient y"));
  QCOMPARE(lines[26], QString("    ba:f32[] = stop_gradient z"));
  QCOMPARE(lines[28], QString("    bc:f32[] = stop_gradient bb"));
  QCOMPARE(lines[29], QString("  in (bc,) }"));
}

void TestPrinter::literals_data() {
  QTest::addColumn<double>("value");
  QTest::addColumn<int>("dtype");
  QTest::addColumn<QString>("text");
  const double inf = std::numeric_limits<double>::infinity();
  QTest::newRow("f32 2") << 2.0 << int(DType::F32) << "2.0:f32[]";
  QTest::newRow("f32 0.1") << 0.1 << int(DType::F32) << "0.10000000149011612:f32[]";
  QTest::newRow("f64 0.1") << 0.1 << int(DType::F64) << "0.1:f64[]";
  QTest::newRow("f32 inf") << inf << int(DType::F32) << "inf:f32[]";
  QTest::newRow("f32 -inf") << -inf << int(DType::F32) << "-inf:f32[]";
  QTest::newRow("f32 nan") << std::numeric_limits<double>::quiet_NaN() << int(DType::F32) << "nan:f32[]";
  QTest::newRow("f32 1e20") << 1e20 << int(DType::F32) << "1.0000000200408773e+20:f32[]";
  QTest::newRow("bf16 1.5") << 1.5 << int(DType::BF16) << "1.5:bf16[]";
  QTest::newRow("f16 -0.5") << -0.5 << int(DType::F16) << "-0.5:f16[]";
  QTest::newRow("i32 1") << 1.0 << int(DType::I32) << "1:i32[]";
  QTest::newRow("i32 -7") << -7.0 << int(DType::I32) << "-7:i32[]";
  QTest::newRow("u32 7") << 7.0 << int(DType::U32) << "7:u32[]";
  QTest::newRow("i64 big") << 4294967296.0 << int(DType::I64) << "4294967296:i64[]";
  QTest::newRow("bool true") << 1.0 << int(DType::Bool) << "True:bool[]";
  QTest::newRow("bool false") << 0.0 << int(DType::Bool) << "False:bool[]";
}

void TestPrinter::literals() {
  QFETCH(double, value);
  QFETCH(int, dtype);
  QFETCH(QString, text);
  QCOMPARE(QString::fromStdString(print_literal(Array::scalar(value, DType(dtype)))), text);
}

void TestPrinter::params_wrap() {
  Jaxpr j;
  VarPtr a = new_var(f32({3})), b = new_var(f32({3})), c = new_var(f32({3}));
  j.invars = {a};
  j.eqns.push_back(eqn(params_op(), {a}, {b}, Params{{"zeta", Param::ints({0})}, {"alpha", Param::dtype(DType::F32)}}));
  Params long_params{{"dimension_numbers", Param::record("Dims", {{"offset_dims", Param::ints({1})},
                                                                  {"collapsed", Param::ints({0, 1, 2, 3})}})},
                     {"mode", Param::str("GatherScatterMode.CLIP")},
                     {"fill_value", Param::none()},
                     {"flag", Param::boolean(false)}};
  j.eqns.push_back(eqn(params_op(), {b}, {c}, long_params));
  j.outvars = {c};
  QCOMPARE(print(j), QString("{ lambda ; a:f32[3]. let\n"
                             "    b:f32[3] = test_params_op[alpha=float32 zeta=(0,)] a\n"
                             "    c:f32[3] = test_params_op[\n"
                             "      dimension_numbers=Dims(offset_dims=(1,), collapsed=(0, 1, 2, 3))\n"
                             "      fill_value=None\n"
                             "      flag=False\n"
                             "      mode=GatherScatterMode.CLIP\n"
                             "    ] b\n"
                             "  in (c,) }"));
}

void TestPrinter::no_operands_trailing_space() {
  Jaxpr j;
  VarPtr a = new_var(f32({})), b = new_var(f32({})), c = new_var(f32({}));
  j.invars = {a};
  j.eqns.push_back(eqn(params_op(), {}, {b}, Params{{"dimension", Param::integer(0)}}));
  j.eqns.push_back(eqn(sg(), {b}, {c}));
  j.outvars = {c};
  QCOMPARE(print(j), QString("{ lambda ; a:f32[]. let\n"
                             "    b:f32[] = test_params_op[dimension=0] \n"
                             "    c:f32[] = stop_gradient b\n"
                             "  in (c,) }"));
}

void TestPrinter::operands_wrap() {
  // Binders and operands fill lines and wrap with a hanging indent.
  Jaxpr j;
  std::vector<Atom> ins;
  for (int i = 0; i < 8; ++i) {
    j.invars.push_back(new_var(f32({10, 20})));
    ins.push_back(j.invars.back());
  }
  std::vector<VarPtr> outs;
  for (int i = 0; i < 8; ++i) outs.push_back(new_var(f32({10, 20})));
  j.eqns.push_back(eqn(params_op(), ins, outs, Params{{"outs", Param::integer(8)}}));
  j.outvars = std::vector<Atom>(outs.begin(), outs.end());
  QCOMPARE(print(j),
           QString("{ lambda ; a:f32[10,20] b:f32[10,20] c:f32[10,20] d:f32[10,20] e:f32[10,20] f:f32[10,20]\n"
                   "    g:f32[10,20] h:f32[10,20]. let\n"
                   "    i:f32[10,20] j:f32[10,20] k:f32[10,20] l:f32[10,20] m:f32[10,20] n:f32[10,20]\n"
                   "      o:f32[10,20] p:f32[10,20] = test_params_op[outs=8] a b c d e f g h\n"
                   "  in (i, j, k, l, m, n, o, p) }"));
}

void TestPrinter::nested_jit_naming() {
  // A jit body reuses the caller's names for its inputs and outputs.
  ShapedArray t = f32({3});
  ClosedJaxprPtr inner = sg_body(t);
  auto mid = std::make_shared<Jaxpr>();
  VarPtr z = new_var(t);
  mid->invars = {z};
  mid->eqns.push_back(jit_eqn(inner, {z}, "<lambda>"));
  VarPtr w = new_var(t);
  mid->eqns.push_back(eqn(sg(), {mid->eqns[0].outputs[0]}, {w}));
  mid->outvars = {w};
  auto midc = std::make_shared<const ClosedJaxpr>(ClosedJaxpr{mid, {}});
  Jaxpr top;
  VarPtr a = new_var(t);
  top.invars = {a};
  top.eqns.push_back(jit_eqn(midc, {a}, "<lambda>"));
  top.outvars = {top.eqns[0].outputs[0]};
  QCOMPARE(print(top), QString("{ lambda ; a:f32[3]. let\n"
                               "    b:f32[3] = jit[\n"
                               "      name=<lambda>\n"
                               "      jaxpr={ lambda ; a:f32[3]. let\n"
                               "          c:f32[3] = jit[\n"
                               "            name=<lambda>\n"
                               "            jaxpr={ lambda ; a:f32[3]. let c:f32[3] = stop_gradient a in (c,) }\n"
                               "          ] a\n"
                               "          b:f32[3] = stop_gradient c\n"
                               "        in (b,) }\n"
                               "    ] a\n"
                               "  in (b,) }"));
}

void TestPrinter::hoisted_shared() {
  ShapedArray t = f32({3});
  ClosedJaxprPtr body = sg_body(t);
  Jaxpr top;
  VarPtr c = new_var(t);
  top.invars = {c};
  top.eqns.push_back(jit_eqn(body, {c}, "sg"));
  top.eqns.push_back(jit_eqn(body, {top.eqns[0].outputs[0]}, "sg"));
  top.eqns.push_back(jit_eqn(sg_body(t), {c}, "<sg>"));
  top.eqns.push_back(jit_eqn(top.eqns[2].params.get("jaxpr").as_jaxpr(), {c}, "other"));
  top.outvars = {top.eqns[1].outputs[0], top.eqns[3].outputs[0]};
  QCOMPARE(print(top), QString("let sg = { lambda ; a:f32[3]. let b:f32[3] = stop_gradient a in (b,) } in\n"
                               "let sg1 = { lambda ; c:f32[3]. let d:f32[3] = stop_gradient c in (d,) } in\n"
                               "{ lambda ; e:f32[3]. let\n"
                               "    f:f32[3] = jit[name=sg jaxpr=sg] e\n"
                               "    g:f32[3] = jit[name=sg jaxpr=sg] f\n"
                               "    _:f32[3] = jit[name=<sg> jaxpr=sg1] e\n"
                               "    h:f32[3] = jit[name=other jaxpr=sg1] e\n"
                               "  in (g, h) }"));
}

void TestPrinter::hoisted_large() {
  // A sub-jaxpr with more than 10 equations is hoisted even if used once.
  ShapedArray t = f32({});
  auto body = std::make_shared<Jaxpr>();
  VarPtr x = new_var(t);
  body->invars = {x};
  for (int i = 0; i < 11; ++i) {
    VarPtr y = new_var(t);
    body->eqns.push_back(eqn(sg(), {x}, {y}));
    x = y;
  }
  body->outvars = {x};
  Jaxpr top;
  VarPtr a = new_var(t);
  top.invars = {a};
  top.eqns.push_back(jit_eqn(std::make_shared<const ClosedJaxpr>(ClosedJaxpr{body, {}}), {a}, "f"));
  top.outvars = {top.eqns[0].outputs[0]};
  QString s = print(top);
  QVERIFY2(s.startsWith("let f = { lambda ; a:f32[]. let\n    b:f32[] = stop_gradient a\n"), qPrintable(s));
  // Variable names skip the hoisted jaxpr's name `f`.
  QVERIFY2(s.contains("    e:f32[] = stop_gradient d\n    g:f32[] = stop_gradient e\n"), qPrintable(s));
  QVERIFY2(s.endsWith("  in (m,) } in\n{ lambda ; n:f32[]. let o:f32[] = jit[name=f jaxpr=f] n in (o,) }"), qPrintable(s));
}

void TestPrinter::drop_vars() {
  Jaxpr j;
  VarPtr a = new_var(f32({})), b = new_var(f32({})), c = new_var(f32({}));
  j.invars = {a};
  j.eqns.push_back(eqn(params_op(), {a}, {new_dropvar(f32({})), b}, Params{{"outs", Param::integer(2)}}));
  // Unused results of top-level equations print as `_` too, as in JAX.
  j.eqns.push_back(eqn(sg(), {b}, {c}));
  j.outvars = {b};
  QCOMPARE(print(j), QString("{ lambda ; a:f32[]. let\n"
                             "    _:f32[] b:f32[] = test_params_op[outs=2] a\n"
                             "    _:f32[] = stop_gradient b\n"
                             "  in (b,) }"));
}

void TestPrinter::source_info() {
  Jaxpr j;
  VarPtr a = new_var(f32({3})), b = new_var(f32({3})), c = new_var(f32({3}));
  j.invars = {a};
  j.eqns.push_back(eqn(sg(), {a}, {b}));
  j.eqns[0].source = SourceInfo{"model.py", 12, "f"};
  j.eqns.push_back(eqn(sg(), {b}, {c}));
  j.eqns[1].source = SourceInfo{"model.py", 134, ""};
  j.outvars = {c};
  PrintOptions o;
  o.source_info = true;
  QCOMPARE(print(j, o), QString("{ lambda ; a:f32[3]. let\n"
                                "    b:f32[3] = stop_gradient a # model.py:12 (f)\n"
                                "    c:f32[3] = stop_gradient b # model.py:134\n"
                                "  in (c,) }"));
}

void TestPrinter::excerpt() {
  Jaxpr j;
  VarPtr x = new_var(f32({}));
  j.invars = {x};
  for (int i = 0; i < 10; ++i) {
    VarPtr y = new_var(f32({}));
    j.eqns.push_back(eqn(sg(), {x}, {y}));
    x = y;
  }
  j.outvars = {x};
  QCOMPARE(QString::fromStdString(print_jaxpr_excerpt(j, 5)),
           QString("{ lambda ; a:f32[]. let\n"
                   "    ...\n"
                   "    d:f32[] = stop_gradient c\n"
                   "    e:f32[] = stop_gradient d\n"
                   "    f:f32[] = stop_gradient e\n"
                   "    g:f32[] = stop_gradient f # <-- here\n"
                   "    h:f32[] = stop_gradient g\n"
                   "    i:f32[] = stop_gradient h\n"
                   "    j:f32[] = stop_gradient i\n"
                   "    ...\n"
                   "  in (k,) }"));
}

QTEST_GUILESS_MAIN(TestPrinter)
#include "tst_printer.moc"
