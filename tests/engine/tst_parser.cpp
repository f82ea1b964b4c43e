// The jaxpr parser: every golden JAX text parses and prints back to itself,
// malformed texts give ParseErrors at the right line:column, and random
// truncations and mutations of the goldens never crash or hang it.
#include <QtTest>

#include <random>

#include "engine/core/error.h"
#include "engine/jaxpr/parse.h"
#include "engine/jaxpr/print.h"
#include "testutil.h"

using namespace jxr;

namespace {

const QString kGoldenDir = QStringLiteral(JAXRAY_SOURCE_DIR "/tests/golden");

// The core goldens and the transformed ones (grad, vmap, jit ... of them),
// as paths relative to tests/golden.
QStringList golden_files() {
  QStringList out;
  for (const QString sub : {"jaxpr", "transforms"})
    for (const QString& f : QDir(kGoldenDir + "/" + sub).entryList({"*.txt"}, QDir::Files, QDir::Name))
      out << sub + "/" + f;
  return out;
}

// The golden without the newline the generator appends to str(jaxpr).
std::string golden_text(const QString& name) {
  std::string s = test::read_file(kGoldenDir + "/" + name);
  if (!s.empty() && s.back() == '\n') s.pop_back();
  return s;
}

// The primitives a jaxpr text uses (the word after ` = `) that are not
// registered, so that a failing round trip names what is missing.
QStringList missing_primitives(const std::string& text) {
  QStringList out;
  for (const QString& line : QString::fromStdString(text).split('\n')) {
    int eq = line.indexOf(" = ");
    if (eq < 0 || line.trimmed().startsWith("let ")) continue;
    QString prim = line.mid(eq + 3).section(QRegularExpression("[\\[ ]"), 0, 0);
    if (!prim.isEmpty() && !find_primitive(prim.toStdString()) && !out.contains(prim)) out << prim;
  }
  return out;
}

}  // namespace

class TestParser : public QObject {
  Q_OBJECT
 private slots:
  void roundtrip_golden_data();
  void roundtrip_golden();
  void parsed_structure();
  void source_lines();
  void constvars_are_zeros();
  void hoisted_definitions();
  void param_values();
  void errors_data();
  void errors();
  void fuzz();
};

void TestParser::roundtrip_golden_data() {
  QTest::addColumn<QString>("file");
  const QStringList files = golden_files();
  QVERIFY2(files.size() >= 61 + 56, qPrintable(QString("only %1 goldens in %2").arg(files.size()).arg(kGoldenDir)));
  for (const QString& f : files) QTest::newRow(qPrintable(f)) << f;
}

void TestParser::roundtrip_golden() {
  QFETCH(QString, file);
  std::string text = golden_text(file);
  QStringList missing = missing_primitives(text);
  QVERIFY2(missing.isEmpty(), qPrintable("primitives not registered: " + missing.join(", ")));
  std::string printed, error;
  try {
    printed = print_closed_jaxpr(parse_jaxpr(text, file.toStdString()));
  } catch (const Error& e) {
    error = e.what();
  }
  QVERIFY2(error.empty(), qPrintable(QString("%1: %2").arg(file, QString::fromStdString(error))));
  QCOMPARE(QString::fromStdString(printed), QString::fromStdString(text));
}

void TestParser::parsed_structure() {
  ClosedJaxpr cj = parse_jaxpr(
      "{ lambda ; a:f32[3] b:i32[]. let\n"
      "    c:f32[3] = stop_gradient a\n"
      "    d:f32[3] = jit[\n"
      "      name=<lambda>\n"
      "      jaxpr={ lambda ; c:f32[3]. let d:f32[3] = stop_gradient c in (d,) }\n"
      "    ] c\n"
      "  in (d, b, 2.5:f32[], True:bool[], -3:i32[]) }");
  const Jaxpr& j = *cj.jaxpr;
  QCOMPARE(int(j.invars.size()), 2);
  QCOMPARE(j.invars[1]->aval.str_short(), std::string("i32[]"));
  QCOMPARE(int(j.eqns.size()), 2);
  QCOMPARE(j.eqns[0].prim->name(), std::string("stop_gradient"));
  QVERIFY(j.eqns[0].inputs[0].var() == j.invars[0]);
  QCOMPARE(j.eqns[1].params.get("name").as_str(), std::string("<lambda>"));
  const ClosedJaxpr& body = *j.eqns[1].params.get("jaxpr").as_jaxpr();
  QCOMPARE(int(body.jaxpr->eqns.size()), 1);
  QCOMPARE(int(j.outvars.size()), 5);
  QVERIFY(j.outvars[1].var() == j.invars[1]);
  QCOMPARE(j.outvars[2].literal().item(), 2.5);
  QCOMPARE(j.outvars[3].literal().dtype(), DType::Bool);
  QCOMPARE(j.outvars[3].literal().item(), 1.0);
  QCOMPARE(j.outvars[4].literal().item(), -3.0);
}

void TestParser::source_lines() {
  ClosedJaxpr cj = parse_jaxpr(
      "{ lambda ; a:f32[]. let\n"
      "    b:f32[] = stop_gradient a\n"
      "    c:f32[] = stop_gradient b\n"
      "  in (c,) }",
      "model.jaxpr");
  QCOMPARE(cj.jaxpr->eqns[0].source, (SourceInfo{"model.jaxpr", 2, ""}));
  QCOMPARE(cj.jaxpr->eqns[1].source, (SourceInfo{"model.jaxpr", 3, ""}));
  // One-line layout: all equations on line 1, separated by `;`.
  ClosedJaxpr one = parse_jaxpr("{ lambda ; a:f32[]. let b:f32[] = stop_gradient a; c:f32[] = stop_gradient b in (c,) }");
  QCOMPARE(int(one.jaxpr->eqns.size()), 2);
  QCOMPARE(one.jaxpr->eqns[1].source.line, 1);
}

void TestParser::constvars_are_zeros() {
  ClosedJaxpr cj = parse_jaxpr("{ lambda a:f32[2,3]; b:f32[]. let  in (a, b) }");
  QCOMPARE(int(cj.consts.size()), 1);
  QCOMPARE(cj.consts[0].shape(), (Shape{2, 3}));
  for (double v : cj.consts[0].array().to_doubles()) QCOMPARE(v, 0.0);
}

void TestParser::hoisted_definitions() {
  const std::string text =
      "let sg = { lambda ; a:f32[3]. let b:f32[3] = stop_gradient a in (b,) } in\n"
      "{ lambda ; c:f32[3]. let\n"
      "    d:f32[3] = jit[name=sg jaxpr=sg] c\n"
      "    e:f32[3] = jit[name=sg jaxpr=sg] d\n"
      "  in (e,) }";
  ClosedJaxpr cj = parse_jaxpr(text);
  const auto& e = cj.jaxpr->eqns;
  QCOMPARE(e[0].params.get("name").kind(), Param::Kind::Str);
  QVERIFY(e[0].params.get("jaxpr").as_jaxpr() == e[1].params.get("jaxpr").as_jaxpr());
  QCOMPARE(QString::fromStdString(print_closed_jaxpr(cj)), QString::fromStdString(text));
}

void TestParser::param_values() {
  ClosedJaxpr cj = parse_jaxpr(
      "{ lambda ; a:f32[]. let\n"
      "    b:f32[] = jit[\n"
      "      name=<lambda>\n"
      "      jaxpr={ lambda ; a:f32[]. let  in (a,) }\n"
      "      i=-2 f=2.5 t=True n=None e=() one=(0,) l=[1, [2]] d=float32\n"
      "      r=Dims(x=(1,), y=GatherScatterMode.CLIP) c=((np.int64(1), 0),) g=inf s=Mesh(4, x)\n"
      "    ] a\n"
      "  in (b,) }");
  const Params& p = cj.jaxpr->eqns[0].params;
  QCOMPARE(p.get_int("i"), int64_t(-2));
  QCOMPARE(p.get("f").as_float(), 2.5);
  QCOMPARE(p.get_bool("t"), true);
  QVERIFY(p.get("n").is_none());
  QCOMPARE(p.get("e").kind(), Param::Kind::Tuple);
  QCOMPARE(p.get_ints("one"), (std::vector<int64_t>{0}));
  QCOMPARE(p.get("l").kind(), Param::Kind::List);
  QCOMPARE(p.get("l").str(), std::string("[1, [2]]"));
  QCOMPARE(p.get_dtype("d"), DType::F32);
  QCOMPARE(p.get("r").kind(), Param::Kind::Record);
  QCOMPARE(p.get("r").field("y").as_str(), std::string("GatherScatterMode.CLIP"));
  // numpy ints keep their type for printing and read as ints.
  QCOMPARE(p.get("c").str(), std::string("((np.int64(1), 0),)"));
  QCOMPARE(p.get("c").items()[0].as_ints(), (std::vector<int64_t>{1, 0}));
  QCOMPARE(p.get("s").as_str(), std::string("Mesh(4, x)"));
  QVERIFY(std::isinf(p.get("g").as_float()));
}

void TestParser::errors_data() {
  QTest::addColumn<QString>("text");
  QTest::addColumn<int>("line");
  QTest::addColumn<int>("column");
  QTest::addColumn<QString>("message");
  QTest::newRow("empty") << "" << 1 << 1 << "expected '{', got end of text";
  QTest::newRow("truncated") << "{ lambda ; a:f32[3]. let\n    b:f32[3] = stop_gradient a\n" << 3 << 1
                             << "expected an equation or 'in', got end of text";
  QTest::newRow("unknown primitive") << "{ lambda ; a:f32[]. let\n    b:f32[] = foo a\n  in (b,) }" << 2 << 15
                                     << "unknown primitive 'foo'";
  QTest::newRow("undefined variable") << "{ lambda ; a:f32[]. let\n    b:f32[] = stop_gradient z\n  in (b,) }" << 2
                                      << 29 << "undefined variable 'z'";
  QTest::newRow("unknown dtype") << "{ lambda ; a:q32[]. let  in (a,) }" << 1 << 14 << "unknown dtype 'q32'";
  QTest::newRow("bad dimension") << "{ lambda ; a:f32[3,x]. let  in (a,) }" << 1 << 20
                                 << "expected a dimension size, got 'x'";
  QTest::newRow("type mismatch") << "{ lambda ; a:f32[3]. let\n    b:f32[4] = stop_gradient a\n  in (b,) }" << 2
                                 << 5 << "output 0 of stop_gradient is declared f32[4] but the shape rule gives f32[3]";
  QTest::newRow("wrong arity") << "{ lambda ; a:f32[3]. let\n    b:f32[3] = stop_gradient a a\n  in (b,) }" << 2
                               << 16 << "stop_gradient takes one operand";
  QTest::newRow("too many binders") << "{ lambda ; a:f32[3]. let\n    b:f32[3] c:f32[3] = stop_gradient a\n  in (b,) }"
                                    << 2 << 5 << "stop_gradient gives 1 outputs but the equation binds 2";
  QTest::newRow("unbalanced") << "{ lambda ; a:f32[]. let  in (a,) } }" << 1 << 36
                              << "expected end of text after the jaxpr, got '}'";
  QTest::newRow("missing brace") << "{ lambda ; a:f32[]. let  in (a,)" << 1 << 33 << "expected '}', got end of text";
  QTest::newRow("bound twice") << "{ lambda ; a:f32[] a:f32[]. let  in (a,) }" << 1 << 20
                               << "variable 'a' is bound twice";
  QTest::newRow("bad literal") << "{ lambda ; a:f32[]. let  in (1.5:i32[],) }" << 1 << 30
                               << "expected an integer literal, got '1.5'";
  QTest::newRow("bool literal") << "{ lambda ; a:f32[]. let  in (2:bool[],) }" << 1 << 30
                                << "expected True or False for a bool literal, got '2'";
  QTest::newRow("tuple comma") << "{ lambda ; a:f32[]. let\n    b:f32[] = jit[name=f jaxpr=(1 2)] a\n  in (b,) }" << 2
                               << 35 << "expected ',' or ')', got '2'";
  QTest::newRow("jit not a jaxpr") << "{ lambda ; a:f32[]. let\n    b:f32[] = jit[name=f jaxpr=g] a\n  in (b,) }" << 2
                                   << 15 << "";
  QTest::newRow("duplicate let") << "let f = { lambda ; a:f32[]. let  in (a,) } in\nlet f = { lambda ; a:f32[]. let  in (a,) } in\n{ lambda ; a:f32[]. let  in (a,) }"
                                 << 2 << 5 << "jaxpr 'f' is defined twice";
  QTest::newRow("stray token") << "{ lambda ; a:f32[]. let\n    b:f32[] = stop_gradient a ]\n  in (b,) }" << 2 << 31
                               << "expected an equation or 'in', got ']'";
}

void TestParser::errors() {
  QFETCH(QString, text);
  QFETCH(int, line);
  QFETCH(int, column);
  QFETCH(QString, message);
  try {
    parse_jaxpr(text.toStdString());
    QFAIL("no ParseError");
  } catch (const ParseError& e) {
    QString what = QString::fromUtf8(e.what());
    QVERIFY2(e.line() == line && e.column() == column, qPrintable(what));
    if (!message.isEmpty()) QVERIFY2(what.contains(message), qPrintable(what));
  }
}

void TestParser::fuzz() {
  // Truncations and single-token mutations of every golden: each must parse
  // or throw ParseError, never crash, hang or throw anything else.
  std::mt19937 rng(20240607);
  const char* junk[] = {"{", "}", "(", ")", "[", "]", ",", ";", "=", ":", " ", "\n", "let", "in", "lambda",
                        "f32", "a", "_", "1", "-", ".", "jit", "jaxpr=", "x:f32[]", "1e999", "99999999999999999999"};
  int parsed = 0, errors = 0;
  for (const QString& f : golden_files()) {
    std::string text = golden_text(f);
    if (text.empty()) continue;
    for (int trial = 0; trial < 60; ++trial) {
      std::string t = text;
      std::uniform_int_distribution<size_t> pos(0, t.size() - 1);
      switch (trial % 4) {
        case 0: t = t.substr(0, pos(rng)); break;
        case 1: t.erase(pos(rng), 1 + rng() % 4); break;
        case 2: t.insert(pos(rng), junk[rng() % std::size(junk)]); break;
        case 3: t[pos(rng)] = static_cast<char>(32 + rng() % 95); break;
      }
      try {
        parse_jaxpr(t);
        ++parsed;
      } catch (const ParseError&) {
        ++errors;
      } catch (const std::exception& e) {
        QFAIL(qPrintable(QString("%1 mutated raised a non-ParseError: %2\n%3").arg(f, e.what(), QString::fromStdString(t))));
      }
    }
  }
  QVERIFY(errors > 0);
  qInfo("fuzz: %d parsed, %d ParseErrors", parsed, errors);
}

QTEST_GUILESS_MAIN(TestParser)
#include "tst_parser.moc"
