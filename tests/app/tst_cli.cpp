// jaxray-cli end to end: real processes, their output and exit status.
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

namespace {

struct Run {
  int code;
  QString out, err;
};

Run run_cli(const QStringList& args, const QByteArray& stdin_data = {}) {
  QProcess p;
  p.start(QStringLiteral(JAXRAY_CLI), args);
  if (!stdin_data.isEmpty()) p.write(stdin_data);
  p.closeWriteChannel();
  if (!p.waitForFinished(30000)) {
    p.kill();
    return {-1, {}, "timed out"};
  }
  return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2, QString::fromUtf8(p.readAllStandardOutput()),
          QString::fromUtf8(p.readAllStandardError())};
}

QString golden(const QString& name) { return QStringLiteral(JAXRAY_SOURCE_DIR "/tests/golden/jaxpr/") + name + ".txt"; }

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

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
