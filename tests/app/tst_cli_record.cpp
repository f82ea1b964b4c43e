// `jaxray-cli record` end to end: real processes write traces, which are
// read back and compared with the stepper run in this process.
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

#include "tests/app/cli_runner.h"
#include "engine/debug/stepper.h"
#include "engine/jaxpr/parse.h"
#include "engine/jaxpr/print.h"
#include "trace_store/trace_reader.h"

using namespace jxr;
using namespace jxr::trace;

using namespace cli_test;

namespace {

QString script(const QString& name) { return QStringLiteral(JAXRAY_SOURCE_DIR "/tests/data/record/") + name; }

std::string read_file(const QString& path) {
  QFile f(path);
  if (!f.open(QIODevice::ReadOnly)) return {};
  return f.readAll().toStdString();
}

// The value `name` of the run as a whole in `role`.
std::optional<Array> run_value(const TraceReader& r, int64_t run, const std::string& name, Role role) {
  for (const ValueInfo& v : r.run_values(run))
    if (!v.step_id && v.name == name && v.role == role) return r.value_data(v.id);
  return std::nullopt;
}

std::vector<float> floats(const Array& a) {
  Array f = a.astype(DType::F32);
  return std::vector<float>(f.data<float>(), f.data<float>() + f.size());
}

// Skips a Python test in a CLI built without the embedding library.
#define REQUIRE_PYTHON(r)                                                   \
  if ((r).code == 1 && (r).err.contains("built without Python")) QSKIP("jaxray-cli built without Python")

}  // namespace

class TestCliRecord : public QObject {
  Q_OBJECT
 private slots:
  void help();
  void jaxpr_in_each_mode_data();
  void jaxpr_in_each_mode();
  void transform_chain();
  void large_values_keep_statistics();
  void python_function();
  void python_function_vjp();
  void python_exception_exits_1();
  void bad_input_exits_1_data();
  void bad_input_exits_1();
  void bad_usage_exits_2_data();
  void bad_usage_exits_2();
};

void TestCliRecord::help() {
  Run r = run_cli({"record", "--help"});
  QCOMPARE(r.code, 0);
  QVERIFY(r.out.contains("--transform CHAIN"));
  QVERIFY(run_cli({"--help"}).out.contains("record SOURCE"));
}

void TestCliRecord::jaxpr_in_each_mode_data() {
  QTest::addColumn<QString>("mode");
  QTest::newRow("eval") << "eval";
  QTest::newRow("jvp") << "jvp";
  QTest::newRow("vjp") << "vjp";
}

void TestCliRecord::jaxpr_in_each_mode() {
  QFETCH(QString, mode);
  QTemporaryDir dir;
  QString out = dir.filePath("seed.jaxray");
  Run r = run_cli({"record", golden("seed"), "--args", "[[1, 2, 3, 4, 5]]", "--mode", mode, "-o", out});
  QCOMPARE(r.code, 0);
  QVERIFY2(r.out.startsWith(out + ": run 1 of seed (" + mode + "): "), qPrintable(r.out + r.err));

  // The same run, stepped here with the seeds record documents.
  std::string text = read_file(golden("seed"));
  ClosedJaxpr cj = parse_jaxpr(text, golden("seed").toStdString());
  StepMode m = mode == "eval" ? StepMode::Eval : mode == "jvp" ? StepMode::Jvp : StepMode::Vjp;
  Array x = Array::from_vector<float>({1, 2, 3, 4, 5}, {5});
  std::vector<Array> seeds;
  if (m == StepMode::Jvp) seeds = {Array::full({5}, 1.0, DType::F32)};
  if (m == StepMode::Vjp) seeds = {Array::full({}, 1.0, DType::F32)};
  Stepper ref(cj, m, {x}, seeds);
  size_t equations = 0;
  while (!ref.finished()) equations += ref.step().event == StepEvent::Equation;
  QVERIFY(r.out.endsWith(QString(": %1 steps\n").arg(equations)));

  TraceReader tr(out.toStdString());
  std::vector<ProgramInfo> programs = tr.programs();
  QCOMPARE(programs.size(), size_t(1));
  QCOMPARE(programs[0].name, std::string("seed"));
  QCOMPARE(programs[0].source, text);
  QCOMPARE(programs[0].language, Language::Jaxpr);
  std::vector<JaxprInfo> jaxprs = tr.jaxprs();
  QCOMPARE(jaxprs.size(), size_t(1));
  QCOMPARE(jaxprs[0].transform_chain, std::string("seed"));
  QCOMPARE(jaxprs[0].text + "\n", text);  // goldens print back to themselves
  std::vector<EqnInfo> eqns = tr.equations(jaxprs[0].id);
  QCOMPARE(eqns.size(), cj.jaxpr->eqns.size());
  for (size_t i = 0; i < eqns.size(); ++i) {
    QCOMPARE(eqns[i].primitive, cj.jaxpr->eqns[i].prim->name());
    QCOMPARE(eqns[i].source_line, std::optional<int64_t>(static_cast<int64_t>(i) + 2));  // line 1 is the header
    QVERIFY(text.find(eqns[i].text) != std::string::npos);
  }

  std::vector<RunInfo> runs = tr.runs();
  QCOMPARE(runs.size(), size_t(1));
  QCOMPARE(runs[0].status, RunStatus::Complete);
  QCOMPARE(to_string(runs[0].mode), std::string_view(mode.toStdString()));
  QCOMPARE(runs[0].inputs, m == StepMode::Eval ? std::string(R"({"args":[[1,2,3,4,5]]})")
                                               : std::string(R"({"args":[[1,2,3,4,5]],"seeds":"ones"})"));
  QCOMPARE(tr.steps(runs[0].id).size(), equations);
  const Jaxpr& j = *cj.jaxpr;
  JaxprNames names(j);
  std::string in_name = names.atom(j.invars[0]), out_name = names.atom(j.outvars[0]);
  std::optional<Array> y = run_value(tr, runs[0].id, out_name, Role::Primal);
  QVERIFY(y && y->bitwise_equal(ref.outputs()[0]));
  QCOMPARE(floats(*y), std::vector<float>{3.0f});  // as `jaxpr eval` prints it
  if (m == StepMode::Jvp) {
    std::optional<Array> t = run_value(tr, runs[0].id, out_name, Role::Tangent);
    QVERIFY(t && t->bitwise_equal(ref.tangents()[0]));
  }
  if (m == StepMode::Vjp) {
    std::optional<Array> ct = run_value(tr, runs[0].id, in_name, Role::Cotangent);
    QVERIFY(ct && ct->bitwise_equal(ref.cotangents()[0]));
    bool backward = false;
    for (const StepInfo& s : tr.steps(runs[0].id)) backward |= s.phase == Phase::Backward;
    QVERIFY(backward);
  }
}

void TestCliRecord::transform_chain() {
  QTemporaryDir dir;
  QString out = dir.filePath("t.jaxray");
  Run r = run_cli({"record", golden("seed"), "--args", "[[1, 2, 3, 4, 5]]", "--transform", "grad(f)", "-o", out});
  QCOMPARE(r.code, 0);
  Run printed = run_cli({"jaxpr", "transform", golden("seed"), "--grad"});
  QCOMPARE(printed.code, 0);
  TraceReader tr(out.toStdString());
  QCOMPARE(tr.jaxprs()[0].transform_chain, std::string("grad(seed)"));
  QCOMPARE(QString::fromStdString(tr.jaxprs()[0].text + "\n"), printed.out);

  // A second record appends to the trace; vmap needs a batch of --axis-size.
  Run v = run_cli({"record", golden("seed"), "--args", "[[[1, 2, 3, 4, 5], [0, 0, 0, 0, 1]]]", "--transform",
                   "vmap", "--axis-size", "2", "-o", out});
  QCOMPARE(v.code, 0);
  QVERIFY2(v.out.contains(": run 2 of vmap(seed) (eval)"), qPrintable(v.out + v.err));
  QCOMPARE(tr.runs().size(), size_t(2));
}

void TestCliRecord::large_values_keep_statistics() {
  QTemporaryDir dir;
  QString out = dir.filePath("t.jaxray");
  QCOMPARE(run_cli({"record", golden("seed"), "--args", "[[1, 2, 3, 4, 5]]", "--max-value-bytes", "4", "-o", out}).code, 0);
  TraceReader tr(out.toStdString());
  bool big = false, small = false;
  for (const ValueInfo& v : tr.run_values(tr.runs()[0].id)) {
    QCOMPARE(v.truncated, v.nbytes > 4);
    (v.truncated ? big : small) = true;
    if (v.truncated) QCOMPARE(v.stats.max, std::optional<double>(5.0));
  }
  QVERIFY(big && small);
}

void TestCliRecord::python_function() {
  QTemporaryDir dir;
  QString out = dir.filePath("py.jaxray");
  Run r = run_cli({"record", script("scaled_sin.py"), "--fn", "scaled_sin", "--args", "[[0.5, 1.0, 1.5], [1, 2, 3]]",
                   "-o", out});
  REQUIRE_PYTHON(r);
  QVERIFY2(r.code == 0, qPrintable(r.err));
  QVERIFY2(r.out.contains("run 1 of scaled_sin (eval)"), qPrintable(r.out));
  TraceReader tr(out.toStdString());
  ProgramInfo p = tr.programs()[0];
  QCOMPARE(p.language, Language::Python);
  QCOMPARE(p.source, read_file(script("scaled_sin.py")));
  JaxprInfo j = tr.jaxprs()[0];
  QCOMPARE(j.transform_chain, std::string("scaled_sin"));
  std::vector<EqnInfo> eqns = tr.equations(j.id);
  auto sin = std::find_if(eqns.begin(), eqns.end(), [](const EqnInfo& e) { return e.primitive == "sin"; });
  QVERIFY(sin != eqns.end());
  QVERIFY2(QString::fromStdString(sin->source_file).endsWith("scaled_sin.py"), sin->source_file.c_str());
  QCOMPARE(sin->source_line, std::optional<int64_t>(9));

  // The captured SCALE constant takes part: sum(sin(x) * [1, 2, 3] * y).
  std::vector<ValueInfo> whole;
  for (const ValueInfo& v : tr.run_values(tr.runs()[0].id))
    if (!v.step_id) whole.push_back(v);
  QCOMPARE(whole.size(), size_t(3));  // x, y and the output
  std::vector<float> got = floats(*tr.value_data(whole.back().id));
  double want = std::sin(0.5) * 1 * 1 + std::sin(1.0) * 2 * 2 + std::sin(1.5) * 3 * 3;
  QCOMPARE(got.size(), size_t(1));
  QVERIFY2(std::abs(got[0] - want) < 1e-5, qPrintable(QString::number(got[0])));
}

void TestCliRecord::python_function_vjp() {
  QTemporaryDir dir;
  QString out = dir.filePath("py.jaxray");
  Run r = run_cli({"record", script("scaled_sin.py"), "--fn=scaled_sin", "--args", "[[0.5, 1.0, 1.5], [1.0, 2.0, 3.0]]",
                   "--mode", "vjp", "-o", out});
  REQUIRE_PYTHON(r);
  QVERIFY2(r.code == 0, qPrintable(r.err));
  TraceReader tr(out.toStdString());
  std::vector<ValueInfo> cts;
  for (const ValueInfo& v : tr.run_values(tr.runs()[0].id))
    if (!v.step_id && v.role == Role::Cotangent) cts.push_back(v);
  QCOMPARE(cts.size(), size_t(2));  // x and y (floats here: JSON 1.0, not 1)
  // d/dx = cos(x) * scale * y
  std::vector<float> dx = floats(*tr.value_data(cts[0].id));
  const double x[] = {0.5, 1.0, 1.5}, w[] = {1, 4, 9};
  for (int i = 0; i < 3; ++i) QVERIFY(std::abs(dx[size_t(i)] - std::cos(x[i]) * w[i]) < 1e-5);
}

void TestCliRecord::python_exception_exits_1() {
  QTemporaryDir dir;
  Run r = run_cli({"record", script("raises.py"), "--fn", "broken", "--args", "[[1, 2, 3]]", "-o",
                   dir.filePath("t.jaxray")});
  REQUIRE_PYTHON(r);
  QCOMPARE(r.code, 1);
  QVERIFY2(r.err.contains("Python raised while tracing broken"), qPrintable(r.err));
  QVERIFY2(r.err.contains("Traceback"), qPrintable(r.err));
  QVERIFY2(r.err.contains("raises.py\", line 6, in broken"), qPrintable(r.err));
  QVERIFY2(r.err.contains("reshape"), qPrintable(r.err));
  QVERIFY(!QFile::exists(dir.filePath("t.jaxray")));

  Run missing = run_cli({"record", script("raises.py"), "--fn", "nope", "--args", "[1]", "-o", dir.filePath("t.jaxray")});
  QCOMPARE(missing.code, 1);
  QVERIFY2(missing.err.contains("defines no function 'nope'"), qPrintable(missing.err));
}

void TestCliRecord::bad_input_exits_1_data() {
  QTest::addColumn<QStringList>("args");
  QTest::addColumn<QString>("message");
  QTest::newRow("arg count") << QStringList{golden("seed"), "--args", "[1, 2]"} << "--args has 2 entries";
  QTest::newRow("arg shape") << QStringList{golden("seed"), "--args", "[[1, 2]]"} << "expected a list of 5 entries";
  QTest::newRow("bad json") << QStringList{golden("seed"), "--args", "[1"} << "--args is not valid JSON";
  QTest::newRow("no file") << QStringList{"/nonexistent/f.jaxpr", "--args", "[1]"} << "cannot open";
  QTest::newRow("vmap size") << QStringList{golden("seed"), "--args", "[[1, 2, 3, 4, 5]]", "--transform", "vmap"}
                             << "expected a list of 2 entries";
}

void TestCliRecord::bad_input_exits_1() {
  QFETCH(QStringList, args);
  QFETCH(QString, message);
  QTemporaryDir dir;
  Run r = run_cli(QStringList{"record"} + args + QStringList{"-o", dir.filePath("t.jaxray")});
  QCOMPARE(r.code, 1);
  QVERIFY2(r.err.contains(message), qPrintable(r.err));
}

void TestCliRecord::bad_usage_exits_2_data() {
  QTest::addColumn<QStringList>("args");
  QTest::addColumn<QString>("message");
  QString seed = golden("seed");
  QTest::newRow("no source") << QStringList{"--args", "[1]", "-o", "x"} << "needs a SOURCE";
  QTest::newRow("no args") << QStringList{seed, "-o", "x"} << "needs --args";
  QTest::newRow("no output") << QStringList{seed, "--args", "[1]"} << "needs -o FILE";
  QTest::newRow("mode") << QStringList{seed, "--args", "[1]", "--mode", "fwd", "-o", "x"} << "unknown --mode 'fwd'";
  QTest::newRow("python no fn") << QStringList{script("raises.py"), "--args", "[1]", "-o", "x"} << "needs --fn NAME";
  QTest::newRow("fn of jaxpr") << QStringList{seed, "--fn", "f", "--args", "[1]", "-o", "x"} << "Python SOURCE";
  QTest::newRow("chain") << QStringList{seed, "--args", "[1]", "--transform", "frob(f)", "-o", "x"}
                         << "unknown transformation 'frob'";
  QTest::newRow("parens") << QStringList{seed, "--args", "[1]", "--transform", "grad(f", "-o", "x"} << "unbalanced";
  QTest::newRow("bytes") << QStringList{seed, "--args", "[1]", "--max-value-bytes", "-3", "-o", "x"}
                         << "malformed --max-value-bytes";
  QTest::newRow("option") << QStringList{seed, "--frob"} << "unknown option '--frob'";
  QTest::newRow("dangling") << QStringList{seed, "--args"} << "--args needs a value";
}

void TestCliRecord::bad_usage_exits_2() {
  QFETCH(QStringList, args);
  QFETCH(QString, message);
  Run r = run_cli(QStringList{"record"} + args);
  QCOMPARE(r.code, 2);
  QVERIFY2(r.err.contains(message), qPrintable(r.err));
}

QTEST_GUILESS_MAIN(TestCliRecord)
#include "tst_cli_record.moc"
