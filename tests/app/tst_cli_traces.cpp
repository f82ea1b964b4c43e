// jaxray-cli on `.jaxray` traces: show, values, check, and jaxprs named as
// FILE:ID or FILE:CHAIN in diff, export and jaxpr. Trace files are written
// with TraceWriter directly; the CLI runs as a real process.
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>
#include <filesystem>
#include <limits>

#include "tests/app/cli_runner.h"
#include "trace_store/trace_reader.h"
#include "trace_store/trace_writer.h"

using namespace jxr;
using namespace jxr::trace;

using namespace cli_test;

namespace {

QByteArray read_file(const QString& path) {
  QFile f(path);
  return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();

std::vector<EqnInfo> eqns(std::initializer_list<const char*> primitives) {
  std::vector<EqnInfo> out;
  for (const char* p : primitives) out.push_back({int64_t(out.size()), p, p, "", std::nullopt});
  return out;
}

// Program f (sin_mul.jaxpr), its jaxpr and grad(f) recorded twice; run 1
// evaluates f completely, run 2 is a vjp left incomplete whose first value is
// over the 64-byte limit.
QString write_trace(const QTemporaryDir& dir) {
  std::string path = dir.filePath("t.jaxray").toStdString();
  std::string f = read_file(cli_data("sin_mul.jaxpr")).toStdString();
  std::string grad = read_file(cli_data("sin_mul.grad.expected")).toStdString();
  TraceWriter w(path, {.max_value_bytes = 64, .commit_every_bytes = 1});
  int64_t prog = w.add_program("f", "def f(x):\n  return jnp.sin(x) * x\n", Language::Python);
  int64_t jf = w.add_jaxpr(prog, "f", f, eqns({"sin", "mul"}));
  int64_t jg = w.add_jaxpr(prog, "grad(f)", grad, eqns({"sin", "cos", "mul", "mul", "mul", "mul", "add_any"}));
  w.add_jaxpr(prog, "grad(f)", grad, eqns({"sin", "cos", "mul", "mul", "mul", "mul", "add_any"}));
  w.begin_run(jf, RunMode::Eval, "[2.0]");
  w.add_value(std::nullopt, "a", Role::Primal, Array::scalar(2.0, DType::F32));
  int64_t s0 = w.add_step(0, Phase::Forward, "", 0);
  w.add_value(s0, "b", Role::Primal, Array::from_vector<float>({0, 1, -1, kNaN}, {4}));
  int64_t s1 = w.add_step(1, Phase::Forward, "pjit[0]", 1);
  std::vector<float> range(12);
  for (size_t i = 0; i < range.size(); ++i) range[i] = float(i);
  w.add_value(s1, "c", Role::Primal, Array::from_vector<float>(range, {12}));
  w.add_value(s1, "c", Role::Tangent, Array::from_vector<float>({1, 2, 3, kInf}, {2, 2}));
  w.finish_run();
  w.begin_run(jg, RunMode::Vjp, "[2.0, 1.0]");
  int64_t b0 = w.add_step(0, Phase::Backward, "", 6);
  w.add_value(b0, "g", Role::Cotangent, Array::full({20}, -0.5, DType::F32));  // 80 bytes
  // Kept data, so that commit_every_bytes commits the run before the writer goes.
  w.add_value(b0, "a", Role::Primal, Array::scalar(2.0, DType::F32));
  return QString::fromStdString(path);
}

// A trace with one jaxpr (f), so that FILE alone names it.
QString write_single(const QTemporaryDir& dir) {
  std::string path = dir.filePath("single.db").toStdString();
  TraceWriter w(path);
  int64_t prog = w.add_program("f", "", Language::Jaxpr);
  w.add_jaxpr(prog, "f", read_file(cli_data("sin_mul.jaxpr")).toStdString(), eqns({"sin", "mul"}));
  return QString::fromStdString(path);
}

QString utc(int64_t ms) {
  return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString("yyyy-MM-ddTHH:mm:ssZ");
}

}  // namespace

class TestCliTraces : public QObject {
  Q_OBJECT
 private slots:
  void show_tables();
  void show_json();
  void values_of_run();
  void values_of_step();
  void check_good_and_damaged();
  void trace_jaxprs_in_diff_export_and_print();
  void trace_jaxpr_errors_data();
  void trace_jaxpr_errors();
  void bad_usage_data();
  void bad_usage();
  void help();
};

void TestCliTraces::show_tables() {
  QTemporaryDir dir;
  QString t = write_trace(dir);
  std::vector<RunInfo> runs = TraceReader(t.toStdString()).runs();
  QCOMPARE(runs.size(), size_t(2));
  Run r = run_cli({"show", t});
  QCOMPARE(r.code, 0);
  QCOMPARE(r.out, t + ": jaxray trace, schema version 1\n"
                      "\n"
                      "programs:\n"
                      "id  name  language  source lines\n"
                      "1   f     python    2\n"
                      "\n"
                      "jaxprs:\n"
                      "id  program  transform chain  equations\n"
                      "1   1        f                2\n"
                      "2   1        grad(f)          7\n"
                      "3   1        grad(f)          7\n"
                      "\n"
                      "runs:\n"
                      "id  jaxpr  mode  status      steps  values  started               finished\n"
                      "1   1      eval  complete    2      4       " +
                      utc(runs[0].started_ms) + "  " + utc(*runs[0].finished_ms) +
                      "\n"
                      "2   2      vjp   incomplete  1      2       " +
                      utc(runs[1].started_ms) + "  -\n");
  Run empty = run_cli({"show", write_single(dir)});
  QCOMPARE(empty.code, 0);
  QVERIFY2(empty.out.endsWith("\nruns:\n(none)\n"), qPrintable(empty.out));
}

void TestCliTraces::show_json() {
  QTemporaryDir dir;
  QString t = write_trace(dir);
  Run r = run_cli({"show", "--json", t});
  QCOMPARE(r.code, 0);
  QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
  QCOMPARE(o["schema_version"].toInt(), 1);
  QCOMPARE(QJsonDocument(o["jaxprs"].toArray()).toJson(QJsonDocument::Compact),
           QByteArray(R"j([{"equations":2,"id":1,"program":1,"transform_chain":"f"},)j"
                      R"j({"equations":7,"id":2,"program":1,"transform_chain":"grad(f)"},)j"
                      R"j({"equations":7,"id":3,"program":1,"transform_chain":"grad(f)"}])j"));
  QJsonObject run2 = o["runs"].toArray()[1].toObject();
  QCOMPARE(run2["status"].toString(), QString("incomplete"));
  QVERIFY(run2["finished_ms"].isNull());
  QCOMPARE(run2["inputs"].toString(), QString("[2.0, 1.0]"));
}

void TestCliTraces::values_of_run() {
  QTemporaryDir dir;
  QString t = write_trace(dir);
  Run r = run_cli({"values", t, "--run", "1"});
  QCOMPARE(r.code, 0);
  QCOMPARE(r.out,
           "run 1: jaxpr 1, eval, complete\n"
           "step  phase    frame    eqn  variable  role     type      min  max  mean  l2       nan  inf  data\n"
           "-     -        -        -    a         primal   f32[]     2    2    2     2        0    0    2.0\n"
           "0     forward  -        0    b         primal   f32[4]    -1   1    0     1.41421  1    0    "
           "[0.0 1.0 -1.0 nan]\n"
           "1     forward  pjit[0]  1    c         primal   f32[12]   0    11   5.5   22.4944  0    0    "
           "[0.0 1.0 2.0 ... 9.0 10.0 11.0]\n"
           "1     forward  pjit[0]  1    c         tangent  f32[2,2]  1    3    2     3.74166  0    1    "
           "[[1.0 2.0] [3.0 inf]]\n");
  Run truncated = run_cli({"values", t, "--run=2"});
  QCOMPARE(truncated.code, 0);
  QCOMPARE(truncated.out,
           "run 2: jaxpr 2, vjp, incomplete\n"
           "step  phase     frame  eqn  variable  role       type     min   max   mean  l2       nan  inf  data\n"
           "0     backward  -      6    g         cotangent  f32[20]  -0.5  -0.5  -0.5  2.23607  0    0    "
           "truncated: statistics only\n"
           "0     backward  -      6    a         primal     f32[]    2     2     2     2        0    0    2.0\n");
}

void TestCliTraces::values_of_step() {
  QTemporaryDir dir;
  QString t = write_trace(dir);
  Run r = run_cli({"values", t, "--run", "1", "--step", "1"});
  QCOMPARE(r.code, 0);
  QCOMPARE(r.out,
           "run 1: jaxpr 1, eval, complete, step 1\n"
           "step  phase    frame    eqn  variable  role     type      min  max  mean  l2       nan  inf  data\n"
           "1     forward  pjit[0]  1    c         primal   f32[12]   0    11   5.5   22.4944  0    0    "
           "[0.0 1.0 2.0 ... 9.0 10.0 11.0]\n"
           "1     forward  pjit[0]  1    c         tangent  f32[2,2]  1    3    2     3.74166  0    1    "
           "[[1.0 2.0] [3.0 inf]]\n");
}

void TestCliTraces::check_good_and_damaged() {
  QTemporaryDir dir;
  QString t = write_trace(dir);
  Run ok = run_cli({"check", t});
  QCOMPARE(ok.code, 0);
  QCOMPARE(ok.out, t + ": ok (schema version 1)\n");
  std::filesystem::resize_file(t.toStdString(), std::filesystem::file_size(t.toStdString()) / 2);
  Run damaged = run_cli({"check", t});
  QCOMPARE(damaged.code, 1);
  QVERIFY2(damaged.out.startsWith(t + ": damaged\n  " + t + ": not a usable jaxray trace: truncated: its header promises"),
           qPrintable(damaged.out));
  Run show = run_cli({"show", t});
  QCOMPARE(show.code, 1);
  QVERIFY2(show.err.startsWith("jaxray-cli: error: " + t + ": not a usable jaxray trace"), qPrintable(show.err));
  Run missing = run_cli({"check", dir.filePath("none.jaxray")});
  QCOMPARE(missing.code, 1);
  QVERIFY2(missing.out.startsWith(dir.filePath("none.jaxray") + ": damaged\n"), qPrintable(missing.out));
}

void TestCliTraces::trace_jaxprs_in_diff_export_and_print() {
  QTemporaryDir dir;
  QString t = write_trace(dir);
  QString f = cli_data("sin_mul.jaxpr");
  Run same = run_cli({"diff", t + ":1", f});
  QCOMPARE(same.code, 0);
  Run by_chain = run_cli({"diff", t + ":f", t + ":2"});
  QCOMPARE(by_chain.code, 1);
  QCOMPARE(by_chain.out, QString("= { lambda ; a:f32[]. let | { lambda ; a:f32[]. let\n"
                                 "=     b:f32[] = sin a     |     b:f32[] = sin a\n"
                                 ">                         |     c:f32[] = cos a\n"
                                 "=     c:f32[] = mul b a   |     _:f32[] = mul b a\n"
                                 ">                         |     d:f32[] = mul b 1.0:f32[]\n"
                                 ">                         |     e:f32[] = mul 1.0:f32[] a\n"
                                 ">                         |     f:f32[] = mul e c\n"
                                 ">                         |     g:f32[] = add_any d f\n"
                                 "~   in (c,) }             |   in (g,) }\n"));
  Run dot = run_cli({"export", t + ":1", "--format", "dot"});
  QCOMPARE(dot.code, 0);
  QCOMPARE(dot.out, run_cli({"export", f, "--format", "dot"}).out);
  Run single = run_cli({"jaxpr", "print", write_single(dir)});
  QCOMPARE(single.code, 0);
  QCOMPARE(single.out, run_cli({"jaxpr", "print", f}).out);
  Run grad = run_cli({"jaxpr", "print", t + ":3"});
  QCOMPARE(grad.code, 0);
  QCOMPARE(grad.out.toUtf8(), read_file(cli_data("sin_mul.grad.expected")));
  // The header decides, not the name: a text file called .jaxray is text.
  QFile text(dir.filePath("text.jaxray"));
  QVERIFY(text.open(QIODevice::WriteOnly));
  text.write(read_file(f));
  text.close();
  QCOMPARE(run_cli({"diff", text.fileName(), f}).code, 0);
}

void TestCliTraces::trace_jaxpr_errors_data() {
  QTest::addColumn<QString>("arg");
  QTest::addColumn<QString>("message");
  QTest::newRow("missing id") << ":9" << "t.jaxray: no jaxpr with id 9 (1 f, 2 grad(f), 3 grad(f))";
  QTest::newRow("missing chain") << ":vmap(f)" << "t.jaxray: no jaxpr with transform chain 'vmap(f)' (1 f, 2 grad(f), 3 grad(f))";
  QTest::newRow("ambiguous chain") << ":grad(f)"
                                   << "t.jaxray: transform chain 'grad(f)' is ambiguous: jaxprs 2, 3; name one by id";
  QTest::newRow("no selector") << "" << "t.jaxray: the trace holds 3 jaxprs; name one as ";
  QTest::newRow("damaged") << "#damaged:1" << "t.jaxray: not a usable jaxray trace: truncated";
  QTest::newRow("not a trace") << "#text:1" << "sin_mul.jaxpr' is not a jaxray trace, so ':1' selects nothing in it";
}

// jaxpr print and export exit 1 on an input they cannot load, diff 2.
void TestCliTraces::trace_jaxpr_errors() {
  QFETCH(QString, arg);
  QFETCH(QString, message);
  QTemporaryDir dir;
  QString t = write_trace(dir);
  if (arg.startsWith("#damaged")) {
    std::filesystem::resize_file(t.toStdString(), 70000);
    arg = t + arg.mid(8);
  } else if (arg.startsWith("#text")) {
    arg = cli_data("sin_mul.jaxpr") + arg.mid(5);
  } else {
    arg = t + arg;
  }
  for (const QStringList& args : {QStringList{"jaxpr", "print", arg}, QStringList{"export", arg},
                                  QStringList{"diff", arg, cli_data("sin_mul.jaxpr")}}) {
    Run r = run_cli(args);
    QCOMPARE(r.code, args[0] == "diff" ? 2 : 1);
    QVERIFY2(r.err.contains(message), qPrintable(r.err));
    QVERIFY(r.out.isEmpty());
  }
}

void TestCliTraces::bad_usage_data() {
  QTest::addColumn<QStringList>("args");
  QTest::addColumn<int>("code");
  QTest::addColumn<QString>("message");
  QTest::newRow("show no file") << QStringList{"show"} << 2 << "jaxray-cli: show: needs a trace FILE\n";
  QTest::newRow("show two files") << QStringList{"show", "#t", "x"} << 2 << "unexpected argument 'x'";
  QTest::newRow("show unknown option") << QStringList{"show", "--frob", "#t"} << 2 << "unknown option '--frob'";
  QTest::newRow("values no run") << QStringList{"values", "#t"} << 2 << "needs --run N";
  QTest::newRow("values run without value") << QStringList{"values", "#t", "--run"} << 2 << "--run needs a value";
  QTest::newRow("values bad run") << QStringList{"values", "#t", "--run", "x"} << 2 << "malformed --run 'x'";
  QTest::newRow("values bad step") << QStringList{"values", "#t", "--run", "1", "--step=-1"} << 2
                                   << "malformed --step '-1'";
  QTest::newRow("values missing run") << QStringList{"values", "#t", "--run", "9"} << 1
                                      << "t.jaxray: no run 9 (the trace holds 2)";
  QTest::newRow("values missing step") << QStringList{"values", "#t", "--run", "2", "--step", "1"} << 1
                                       << "t.jaxray: run 2 has no step 1 (it has 1)";
  QTest::newRow("check two files") << QStringList{"check", "#t", "#t"} << 2 << "unexpected argument";
  QTest::newRow("show missing file") << QStringList{"show", "/nonexistent.jaxray"} << 1 << "/nonexistent.jaxray";
}

void TestCliTraces::bad_usage() {
  QFETCH(QStringList, args);
  QFETCH(int, code);
  QFETCH(QString, message);
  QTemporaryDir dir;
  QString t = write_trace(dir);
  args.replaceInStrings("#t", t);
  Run r = run_cli(args);
  QCOMPARE(r.code, code);
  QVERIFY2(r.err.contains(message), qPrintable(r.err));
  QVERIFY(r.out.isEmpty());
}

void TestCliTraces::help() {
  for (const char* command : {"show", "values", "check"}) {
    Run r = run_cli({command, "--help"});
    QCOMPARE(r.code, 0);
    QVERIFY2(r.out.startsWith(QString("usage: jaxray-cli ") + command), qPrintable(r.out));
    QVERIFY(r.out.contains("exit status: 0"));
  }
  Run top = run_cli({"--help"});
  QVERIFY(top.out.contains("show FILE [--json]"));
  QVERIFY(top.out.contains("FILE:ID or FILE:CHAIN"));
}

QTEST_GUILESS_MAIN(TestCliTraces)
#include "tst_cli_traces.moc"
