// jaxray-cli end to end: real processes, their output and exit status.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include "tests/app/cli_runner.h"

using namespace cli_test;

namespace {

// A file in `dir` holding `text`; its path.
QString write_file(const QTemporaryDir& dir, const QString& name, const QByteArray& text) {
  QFile f(dir.filePath(name));
  if (!f.open(QIODevice::WriteOnly)) return {};
  f.write(text);
  return f.fileName();
}

QString read_file(const QString& path) {
  QFile f(path);
  if (!f.open(QIODevice::ReadOnly)) return {};
  return QString::fromUtf8(f.readAll());
}

}  // namespace

class TestCli : public QObject {
  Q_OBJECT
 private slots:
  void help();
  void print_roundtrips_golden();
  void print_from_stdin_with_source_info();
  void eval_seed_data();
  void eval_seed();
  void eval_prints_special_values();
  void bad_input_data();
  void bad_input();
  void demos();
  void transform_matches_jax_data();
  void transform_matches_jax();
  void transform_of_core_goldens_matches_jax_data();
  void transform_of_core_goldens_matches_jax();
  void transform_chain_order();
  void transform_from_stdin();
  void transform_fails_data();
  void transform_fails();
  void transform_bad_usage_data();
  void transform_bad_usage();
  void diff_side_by_side();
  void diff_identical_exits_0();
  void diff_bad_usage_data();
  void diff_bad_usage();
  void export_dot_and_json();
  void export_svg();
  void export_bad_usage();
};

void TestCli::help() {
  Run r = run_cli({"--help"});
  QCOMPARE(r.code, 0);
  QVERIFY(r.out.contains("jaxpr print FILE"));
  QVERIFY(r.out.contains("jaxpr eval FILE --args JSON"));
  QCOMPARE(run_cli({}).code, 2);
  QCOMPARE(run_cli({"frobnicate"}).code, 2);
}

void TestCli::print_roundtrips_golden() {
  for (const char* name : {"seed", "jit_nested", "index_array", "matmul_batched"}) {
    Run r = run_cli({"jaxpr", "print", golden(name)});
    QCOMPARE(r.code, 0);
    QCOMPARE(r.out, read_file(golden(name)));
  }
}

void TestCli::print_from_stdin_with_source_info() {
  QByteArray text = "{ lambda ; a:f32[]. let\n    b:f32[] = sin a\n    c:f32[] = cos b\n  in (c,) }\n";
  Run r = run_cli({"jaxpr", "print", "-", "--source-info"}, text);
  QCOMPARE(r.code, 0);
  QVERIFY2(r.out.contains("<stdin>:2"), qPrintable(r.out));
  QVERIFY2(r.out.contains("<stdin>:3"), qPrintable(r.out));
}

void TestCli::eval_seed_data() {
  QTest::addColumn<QString>("args");
  QTest::addColumn<QString>("want");
  QTest::newRow("broadcast number") << "[1]" << "[2.0]\n";
  QTest::newRow("list") << "[[1, 2, 3, 4, 5]]" << "[3.0]\n";
  QTest::newRow("negative") << "[[-2, 0.5, 0, 0, 0]]" << "[-3.0]\n";
}

void TestCli::eval_seed() {
  QFETCH(QString, args);
  QFETCH(QString, want);
  Run r = run_cli({"jaxpr", "eval", golden("seed"), "--args", args});
  QCOMPARE(r.code, 0);
  QCOMPARE(r.out, want);
}

void TestCli::eval_prints_special_values() {
  QByteArray text = "{ lambda ; a:f32[3] b:i32[]. let c:f32[3] = log a in (c, b) }\n";
  Run r = run_cli({"jaxpr", "eval", "-", "--args", "[[0, -1, 0.1], 7]"}, text);
  QCOMPARE(r.code, 0);
  QCOMPARE(r.out, QString("[[-Infinity, NaN, -2.3025851], 7]\n"));
}

void TestCli::bad_input_data() {
  QTest::addColumn<QStringList>("args");
  QTest::addColumn<QByteArray>("stdin_data");
  QTest::addColumn<QString>("message");
  QStringList print{"jaxpr", "print", "-"};
  QTest::newRow("truncated") << print << QByteArray("{ lambda ; a:f32[]. let b:f32[] = sin") << "<stdin>:1:";
  QTest::newRow("unknown primitive") << print << QByteArray("{ lambda ; a:f32[]. let\n    b:f32[] = frob a\n  in (b,) }")
                                     << "<stdin>:2:";
  QTest::newRow("type mismatch") << print << QByteArray("{ lambda ; a:f32[2]. let\n    b:f32[3] = sin a\n  in (b,) }")
                                 << "<stdin>:2";
  QTest::newRow("missing file") << QStringList{"jaxpr", "print", "/nonexistent/x.jaxpr"} << QByteArray()
                                << "cannot open";
  QByteArray ok = "{ lambda ; a:f32[2]. let b:f32[2] = sin a in (b,) }";
  QTest::newRow("bad json") << QStringList{"jaxpr", "eval", "-", "--args", "[[1,"} << ok << "not valid JSON";
  QTest::newRow("arg count") << QStringList{"jaxpr", "eval", "-", "--args", "[1, 2]"} << ok << "takes 1 inputs";
  QTest::newRow("arg shape") << QStringList{"jaxpr", "eval", "-", "--args", "[[1, 2, 3]]"} << ok << "f32[2]";
}

void TestCli::bad_input() {
  QFETCH(QStringList, args);
  QFETCH(QByteArray, stdin_data);
  QFETCH(QString, message);
  Run r = run_cli(args, stdin_data);
  QCOMPARE(r.code, 1);
  QVERIFY2(r.err.contains(message), qPrintable(r.err));
}

void TestCli::demos() {
  Run list = run_cli({"demo", "--list"});
  QCOMPARE(list.code, 0);
  QVERIFY(list.out.contains("seed"));
  Run seed = run_cli({"demo", "seed"});
  QCOMPARE(seed.code, 0);
  QVERIFY2(seed.out.contains(read_file(golden("seed")).trimmed()), qPrintable(seed.out));
  QVERIFY2(seed.out.contains("2.0"), qPrintable(seed.out));
  QCOMPARE(run_cli({"demo", "nope"}).code, 2);
}

// Expected texts: what JAX 0.10.2 prints for the same transformation of the
// same function (tests/data/cli/gen_expected.py).
void TestCli::transform_matches_jax_data() {
  QTest::addColumn<QString>("input");
  QTest::addColumn<QStringList>("flags");
  QTest::addColumn<QString>("expected");
  QTest::newRow("grad") << "sin_mul" << QStringList{"--grad"} << "sin_mul.grad";
  QTest::newRow("jvp") << "sin_mul" << QStringList{"--jvp"} << "sin_mul.jvp";
  QTest::newRow("vjp") << "sin_mul" << QStringList{"--vjp"} << "sin_mul.vjp";
  QTest::newRow("vmap") << "sin_mul" << QStringList{"--vmap=0"} << "sin_mul.vmap";
  QTest::newRow("grad argnums tuple") << "two_args" << QStringList{"--grad=0,1"} << "two_args.grad01";
  QTest::newRow("grad argnum 1") << "two_args" << QStringList{"--grad=1"} << "two_args.grad1";
  QTest::newRow("jvp two inputs") << "two_args" << QStringList{"--jvp"} << "two_args.jvp";
  QTest::newRow("vmap none,0 axis-size 3")
      << "two_args" << QStringList{"--vmap=none,0", "--axis-size", "3"} << "two_args.vmap3";
  QTest::newRow("vjp two outputs") << "two_outputs" << QStringList{"--vjp"} << "two_outputs.vjp";
  QTest::newRow("jit") << "sin_mul" << QStringList{"--jit"} << "sin_mul.jit";
  QTest::newRow("grad of jit") << "sin_mul" << QStringList{"--jit", "--grad"} << "sin_mul.jit.grad";
  QTest::newRow("jit of grad") << "sin_mul" << QStringList{"--grad", "--jit"} << "sin_mul.grad.jit";
}

void TestCli::transform_matches_jax() {
  QFETCH(QString, input);
  QFETCH(QStringList, flags);
  QFETCH(QString, expected);
  Run r = run_cli(QStringList{"jaxpr", "transform", cli_data(input + ".jaxpr")} + flags);
  QVERIFY2(r.code == 0, qPrintable(r.err));
  QCOMPARE(r.out, read_file(cli_data(expected + ".expected")));
}

// Every core golden jaxpr under --vmap=0, --grad, --jacfwd and --jacrev,
// against JAX 0.10.2's transformation of the Python function it came from
// (tests/golden/cli_transforms.json, written by scripts/gen_golden.py).
void TestCli::transform_of_core_goldens_matches_jax_data() {
  QTest::addColumn<QString>("name");
  QTest::addColumn<QString>("flag");
  QTest::addColumn<QString>("want");
  QFile f(QStringLiteral(JAXRAY_SOURCE_DIR "/tests/golden/cli_transforms.json"));
  QVERIFY(f.open(QIODevice::ReadOnly));
  QJsonObject all = QJsonDocument::fromJson(f.readAll()).object();
  QVERIFY(all.size() >= 150);
  for (auto it = all.begin(); it != all.end(); ++it) {
    QStringList key = it.key().split(' ');
    QTest::newRow(qPrintable(it.key())) << key[0] << key[1] << it.value().toString();
  }
}

void TestCli::transform_of_core_goldens_matches_jax() {
  QFETCH(QString, name);
  QFETCH(QString, flag);
  QFETCH(QString, want);
  Run r = run_cli({"jaxpr", "transform", golden(name), flag});
  QCOMPARE(r.code, 0);
  if (name == "pad" && flag == "--jacrev")
    QEXPECT_FAIL("", "JAX's tangent trace keeps the scalar zero that pad's JVP instantiates for its padding value "
                 "as a residual of the jitted call (returned by the primal call); jaxray stages it as a literal, "
                 "so the primal call has one output fewer. Values agree.", Continue);
  QCOMPARE(r.out.trimmed(), want);
}

void TestCli::transform_chain_order() {
  QString f = cli_data("sin_mul.jaxpr");
  // --grad --vmap=0 is vmap(grad(f)); --vmap=0 --grad is grad(vmap(f)), whose
  // output is not a scalar.
  Run gv = run_cli({"jaxpr", "transform", f, "--grad", "--vmap=0"});
  QVERIFY2(gv.code == 0, qPrintable(gv.err));
  QCOMPARE(gv.out, read_file(cli_data("sin_mul.grad.vmap.expected")));
  Run vg = run_cli({"jaxpr", "transform", f, "--vmap=0", "--grad"});
  QCOMPARE(vg.code, 1);
  QCOMPARE(vg.err, QString("jaxray-cli: --grad: Gradient only defined for scalar-output functions. "
                           "Output had shape: (2,).\n"));
  QVERIFY(vg.out.isEmpty());
  // vmap(vjp-of-f, in_axes=(0, None)) against vjp(vmap(f)): different inputs.
  Run jv = run_cli({"jaxpr", "transform", f, "--vjp", "--vmap=0,none"});
  QVERIFY2(jv.code == 0, qPrintable(jv.err));
  QCOMPARE(jv.out, read_file(cli_data("sin_mul.vjp.vmap.expected")));
  QVERIFY(jv.out.startsWith("{ lambda ; a:f32[2] b:f32[]. let"));
  Run vj = run_cli({"jaxpr", "transform", f, "--vmap=0", "--vjp"});
  QVERIFY2(vj.code == 0, qPrintable(vj.err));
  QCOMPARE(vj.out, read_file(cli_data("sin_mul.vmap.vjp.expected")));
  QVERIFY(vj.out.startsWith("{ lambda ; a:f32[2] b:f32[2]. let"));
}

void TestCli::transform_from_stdin() {
  QByteArray text = read_file(cli_data("sin_mul.jaxpr")).toUtf8();
  Run r = run_cli({"jaxpr", "transform", "-", "--grad"}, text);
  QVERIFY2(r.code == 0, qPrintable(r.err));
  QCOMPARE(r.out, read_file(cli_data("sin_mul.grad.expected")));
  QVERIFY(run_cli({"--help"}).out.contains("jaxpr transform FILE"));
}

void TestCli::transform_fails_data() {
  QTest::addColumn<QStringList>("args");
  QTest::addColumn<QString>("message");
  QString scalar = cli_data("sin_mul.jaxpr"), vec = cli_data("sin_mul3.jaxpr"), two = cli_data("two_args.jaxpr");
  QTest::newRow("non-scalar grad")
      << QStringList{"jaxpr", "transform", vec, "--grad"}
      << "jaxray-cli: --grad: Gradient only defined for scalar-output functions. Output had shape: (3,).\n";
  QTest::newRow("integer grad")
      << QStringList{"jaxpr", "transform", cli_data("int_square.jaxpr"), "--grad"}
      << "jaxray-cli: --grad: grad requires real- or complex-valued inputs (input dtype that is a sub-dtype of "
         "np.inexact), but got int32. If you want to use Boolean- or integer-valued inputs, use vjp or set "
         "allow_int to True.\n";
  QTest::newRow("in_axes count") << QStringList{"jaxpr", "transform", two, "--vmap=0,0,0"}
                                 << "jaxray-cli: --vmap=0,0,0: vmap in_axes must be an int, None, or a tuple";
  QTest::newRow("in_axes range") << QStringList{"jaxpr", "transform", scalar, "--vmap=1"}
                                 << "jaxray-cli: --vmap=1: in_axes 1 is out of range for input 0";
  QTest::newRow("argnums range") << QStringList{"jaxpr", "transform", two, "--grad=2"} << "jaxray-cli: --grad=2: ";
  QTest::newRow("second step") << QStringList{"jaxpr", "transform", scalar, "--grad", "--jvp", "--grad"}
                               << "jaxray-cli: --grad: Gradient only defined for scalar-output functions. Output was";
  QTest::newRow("missing file") << QStringList{"jaxpr", "transform", "/nonexistent/x.jaxpr", "--grad"}
                                << "cannot open";
  QTest::newRow("parse error") << QStringList{"jaxpr", "transform", cli_data("gen_expected.py"), "--grad"}
                               << "gen_expected.py:1:";
}

void TestCli::transform_fails() {
  QFETCH(QStringList, args);
  QFETCH(QString, message);
  Run r = run_cli(args);
  QCOMPARE(r.code, 1);
  QVERIFY2(r.err.contains(message), qPrintable(r.err));
  QVERIFY(r.out.isEmpty());
}

void TestCli::transform_bad_usage_data() {
  QTest::addColumn<QStringList>("flags");
  QTest::addColumn<QString>("message");
  QTest::newRow("unknown flag") << QStringList{"--frob"} << "unknown option '--frob'";
  QTest::newRow("no transformation") << QStringList{} << "needs a transformation";
  QTest::newRow("bad argnums") << QStringList{"--grad=x"} << "malformed argnums";
  QTest::newRow("empty argnum") << QStringList{"--grad=0,,1"} << "malformed argnums";
  QTest::newRow("bad in_axes") << QStringList{"--vmap=zero"} << "malformed IN_AXES";
  QTest::newRow("vmap without axes") << QStringList{"--vmap"} << "--vmap needs IN_AXES";
  QTest::newRow("bad axis size") << QStringList{"--vmap=0", "--axis-size", "-1"} << "malformed --axis-size";
  QTest::newRow("axis size missing") << QStringList{"--vmap=0", "--axis-size"} << "--axis-size needs a value";
}

void TestCli::transform_bad_usage() {
  QFETCH(QStringList, flags);
  QFETCH(QString, message);
  // Usage is checked before the file is read.
  Run r = run_cli(QStringList{"jaxpr", "transform", "/nonexistent/x.jaxpr"} + flags);
  QCOMPARE(r.code, 2);
  QVERIFY2(r.err.contains(message), qPrintable(r.err));
}


void TestCli::diff_side_by_side() {
  QTemporaryDir dir;
  QString a = write_file(
      dir, "a.jaxpr",
      "{ lambda ; a:f32[3]. let b:f32[3] = sin a; c:f32[] = reduce_sum[axes=(0,) out_sharding=None] b in (c,) }");
  QByteArray b = "{ lambda ; x:f32[3]. let y:f32[3] = sin x; z:f32[3] = neg y;"
                 " w:f32[] = reduce_max[axes=(0,)] z in (w,) }";
  Run r = run_cli({"diff", a, "-"}, b);
  QCOMPARE(r.code, 1);
  QCOMPARE(r.out, QString("= { lambda ; a:f32[3]. let                                | { lambda ; a:f32[3]. let\n"
                          "=     b:f32[3] = sin a                                    |     b:f32[3] = sin a\n"
                          "<     c:f32[] = reduce_sum[axes=(0,) out_sharding=None] b |\n"
                          ">                                                         |     c:f32[3] = neg b\n"
                          ">                                                         |     d:f32[] = reduce_max[axes=(0,)] c\n"
                          "~   in (c,) }                                             |   in (d,) }\n"));
  Run colored = run_cli({"diff", "--color", a, "-"}, b);
  QVERIFY2(colored.out.contains("\x1b[31m<     c:f32[]"), qPrintable(colored.out));
}

void TestCli::diff_identical_exits_0() {
  Run r = run_cli({"diff", golden("jit_nested"), golden("jit_nested")});
  QCOMPARE(r.code, 0);
  QVERIFY(!r.out.contains("\n~") && !r.out.contains("\n<") && !r.out.contains("\n>") && r.out.startsWith("= "));
  QVERIFY2(!r.out.contains("\x1b"), "no colour when standard output is not a terminal");
}

void TestCli::diff_bad_usage_data() {
  QTest::addColumn<QStringList>("args");
  QTest::addColumn<QString>("message");
  QTest::newRow("one file") << QStringList{"diff", golden("seed")} << "needs two jaxprs";
  QTest::newRow("both stdin") << QStringList{"diff", "-", "-"} << "at most one of them -";
  QTest::newRow("unknown option") << QStringList{"diff", "--frob", golden("seed"), golden("seed")} << "unknown option";
  QTest::newRow("missing file") << QStringList{"diff", "/nonexistent", golden("seed")} << "cannot open '/nonexistent'";
}

void TestCli::diff_bad_usage() {
  QFETCH(QStringList, args);
  QFETCH(QString, message);
  Run r = run_cli(args);
  QCOMPARE(r.code, 2);
  QVERIFY2(r.err.contains(message), qPrintable(r.err));
  Run parse_error = run_cli({"diff", "-", golden("seed")}, "{ lambda ; a:f32[]. let\n b:f32[] = frob a\n in (b,) }");
  QCOMPARE(parse_error.code, 2);
  QVERIFY2(parse_error.err.contains("<stdin>:2:"), qPrintable(parse_error.err));
  Run help = run_cli({"diff", "--help"});
  QCOMPARE(help.code, 0);
  QVERIFY(help.out.contains("exit status: 0 identical, 1 different, 2 bad usage"));
}

void TestCli::export_dot_and_json() {
  QByteArray text = "{ lambda ; a:f32[3]. let b:f32[3] = mul a 2.0:f32[] in (b,) }";
  Run dot = run_cli({"export", "-", "--format", "dot"}, text);
  QCOMPARE(dot.code, 0);
  QCOMPARE(dot.out, QString("digraph jaxpr {\n"
                            "  node [fontname=\"monospace\" fontsize=10];\n"
                            "  edge [fontname=\"monospace\" fontsize=9];\n"
                            "  in0 [label=\"a:f32[3]\" shape=ellipse];\n"
                            "  eqn0 [label=\"mul\\n2.0:f32[]\" shape=box];\n"
                            "  out0 [label=\"out 0:f32[3]\" shape=ellipse peripheries=2];\n"
                            "  in0 -> eqn0 [label=\"f32[3]\"];\n"
                            "  eqn0 -> out0 [label=\"f32[3]\"];\n"
                            "}\n"));
  QTemporaryDir dir;
  Run json = run_cli({"export", "-", "--format=json", "-o", dir.filePath("g.json")}, text);
  QCOMPARE(json.code, 0);
  QCOMPARE(json.out, QString());
  QJsonObject g = QJsonDocument::fromJson(read_file(dir.filePath("g.json")).toUtf8()).object();
  QCOMPARE(QJsonDocument(g).toJson(QJsonDocument::Compact),
           QByteArray(R"({"clusters":[],"edges":[{"aval":"f32[3]","from":"in0","to":"eqn0","var":"a"},)"
                      R"({"aval":"f32[3]","from":"eqn0","to":"out0","var":"b"}],"nodes":[)"
                      R"({"avals":["f32[3]"],"cluster":null,"id":"in0","kind":"input","label":"a","literals":[]},)"
                      R"({"avals":["f32[3]"],"cluster":null,"id":"eqn0","kind":"equation","label":"mul",)"
                      R"("literals":["2.0:f32[]"]},)"
                      R"({"avals":["f32[3]"],"cluster":null,"id":"out0","kind":"output","label":"out 0","literals":[]}]})"));
}

// Graphviz draws one `<g class="node">` per graph node: the inputs, the
// equations (jit bodies inline) and the outputs.
void TestCli::export_svg() {
  Run r = run_cli({"export", golden("jit_nested"), "--format", "svg"});
  QCOMPARE(r.code, 0);
  QVERIFY(r.out.startsWith("<?xml"));
  QVERIFY(r.out.contains("<svg"));
  Run json = run_cli({"export", golden("jit_nested"), "--format", "json"});
  int nodes = static_cast<int>(QJsonDocument::fromJson(json.out.toUtf8()).object()["nodes"].toArray().size());
  QVERIFY(nodes > 0);
  QCOMPARE(static_cast<int>(r.out.count("class=\"node\"")), nodes);
}

void TestCli::export_bad_usage() {
  QCOMPARE(run_cli({"export"}).code, 2);
  QCOMPARE(run_cli({"export", golden("seed"), "--format", "png"}).code, 2);
  QCOMPARE(run_cli({"export", golden("seed"), golden("seed")}).code, 2);
  QCOMPARE(run_cli({"export", "/nonexistent"}).code, 1);
  Run help = run_cli({"export", "--help"});
  QCOMPARE(help.code, 0);
  QVERIFY(help.out.contains("--format svg"));
}

QTEST_GUILESS_MAIN(TestCli)
#include "tests/app/cli_runner.h"
#include "tst_cli.moc"
