// The trace store: every field round-trips, damaged and foreign files are
// refused with a message naming the problem, a killed writer leaves its
// finished runs intact, and a reader follows a writer through WAL.
#include <QtTest>

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <random>

#include "trace_store/sqlite.h"
#include "trace_store/trace_reader.h"
#include "trace_store/trace_writer.h"

using namespace jxr;
using namespace jxr::trace;
namespace fs = std::filesystem;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

template <class T>
Array make(const std::vector<T>& v, Shape shape, bool weak = false) {
  return Array::from_vector<T>(v, std::move(shape), weak);
}

// The message of the jxr::Error that `fn` throws, or "" if it throws none.
QString error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return QString::fromStdString(e.what());
  }
  return {};
}

// A trace of three finished runs, each with four 128 KB values, so that the
// file spans many 64 KB pages.
void write_sample(const std::string& path) {
  TraceWriter w(path);
  int64_t p = w.add_program("f", "def f(x): return x * 2", Language::Python);
  int64_t j = w.add_jaxpr(p, "f", "{ lambda ; a:f32[]. let b:f32[] = mul a 2.0:f32[] in (b,) }",
                          {{0, "mul", "b:f32[] = mul a 2.0:f32[]", "f.py", 1}});
  for (int run = 0; run < 3; ++run) {
    w.begin_run(j, RunMode::Eval, "{}");
    for (int i = 0; i < 4; ++i) {
      int64_t s = w.add_step(i, Phase::Forward, "f", 0);
      w.add_value(s, "b", Role::Primal, Array::full({32 * 1024}, run + i, DType::F32));
    }
    w.finish_run();
  }
}

void truncate_to(const std::string& path, uintmax_t size) { fs::resize_file(path, size); }

void overwrite(const std::string& path, std::streamoff at, const std::string& bytes) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekp(at);
  f.write(bytes.data(), std::streamsize(bytes.size()));
}

// Edits a trace with plain SQL, as another program might.
void edit(const std::string& path, std::string_view sql) {
  sql::Database db(path, sql::Database::Mode::ReadWrite);
  db.exec("PRAGMA foreign_keys=OFF");
  db.exec(sql);
}

struct Damage {
  const char* name;
  std::function<void(const std::string& path)> make;  // given a path holding a good trace
  const char* message;                              // a part of the reader's error
};

std::string random_bytes(size_t n) {
  std::mt19937 gen(7);
  std::string out(n, '\0');
  for (char& c : out) c = char(gen());
  return out;
}

const std::vector<Damage>& damages() {
  static const std::vector<Damage> list = {
      {"nonexistent path", [](const std::string& p) { fs::remove(p); }, "no such file"},
      {"directory", [](const std::string& p) { fs::remove(p), fs::create_directory(p); }, "is a directory"},
      {"empty file", [](const std::string& p) { truncate_to(p, 0); }, "the file is empty"},
      {"random bytes",
       [](const std::string& p) { std::ofstream(p, std::ios::binary | std::ios::trunc) << random_bytes(70000); },
       "not an SQLite database (no SQLite header)"},
      {"zeroed header", [](const std::string& p) { overwrite(p, 0, std::string(100, '\0')); },
       "not an SQLite database (no SQLite header)"},
      {"truncated to 50 bytes", [](const std::string& p) { truncate_to(p, 50); },
       "not an SQLite database (no SQLite header)"},
      {"truncated to one page", [](const std::string& p) { truncate_to(p, 65536); }, "truncated: its header promises"},
      {"truncated to half", [](const std::string& p) { truncate_to(p, fs::file_size(p) / 2); },
       "truncated: its header promises"},
      {"truncated by one byte", [](const std::string& p) { truncate_to(p, fs::file_size(p) - 1); },
       "truncated: its header promises"},
      {"bad page size", [](const std::string& p) { overwrite(p, 16, std::string("\x03\x00", 2)); },
       "damaged SQLite header (page size 768)"},
      {"damaged page", [](const std::string& p) { overwrite(p, 65536, std::string(65536, '\xff')); },
       "database disk image is malformed (the file is damaged)"},
      {"wrong application id", [](const std::string& p) { edit(p, "PRAGMA application_id=42"); },
       "an SQLite database of another application (application_id 0x0000002a"},
      {"foreign SQLite database",
       [](const std::string& p) {
         fs::remove(p);
         sql::Database(p, sql::Database::Mode::ReadWrite).exec("CREATE TABLE notes(id INTEGER, body TEXT)");
       },
       "an SQLite database of another application (application_id 0x00000000"},
      {"newer version", [](const std::string& p) {
         edit(p, "UPDATE meta SET value = '3' WHERE key = 'schema_version';"
                 "UPDATE meta SET value = '2' WHERE key = 'min_supported_version'");
       },
       "written by a newer jaxray (schema version 3, readable from version 2); this jaxray reads up to version 1"},
      {"older than supported", [](const std::string& p) { edit(p, "UPDATE meta SET value = '0' WHERE key = 'schema_version'"); },
       "schema version 0 is older than the oldest this jaxray supports (1)"},
      {"version not a number", [](const std::string& p) { edit(p, "UPDATE meta SET value = 'one' WHERE key = 'schema_version'"); },
       "meta 'schema_version' is 'one', not a number"},
      {"no magic row", [](const std::string& p) { edit(p, "DELETE FROM meta WHERE key = 'format'"); },
       "meta 'format' is '', expected 'jaxray-trace'"},
      {"missing meta table", [](const std::string& p) { edit(p, "DROP TABLE meta"); }, "table 'meta' is missing"},
      {"missing table", [](const std::string& p) { edit(p, "DROP TABLE steps"); }, "table 'steps' is missing"},
      {"missing column", [](const std::string& p) { edit(p, "ALTER TABLE runs DROP COLUMN inputs"); },
       "table 'runs' has no column 'inputs'"},
      {"wrong column type", [](const std::string& p) {
         edit(p, "DROP TABLE kernel_profiles; CREATE TABLE kernel_profiles(id INTEGER PRIMARY KEY, "
                 "run_id INTEGER NOT NULL, eqn_index INTEGER NOT NULL, kernel TEXT NOT NULL, duration_ns TEXT NOT NULL)");
       },
       "column 'kernel_profiles.duration_ns' is declared 'TEXT NOT NULL', expected 'INTEGER NOT NULL'"},
      {"view instead of table", [](const std::string& p) {
         edit(p, "DROP TABLE programs; CREATE VIEW programs AS SELECT 1 AS id, 'x' AS name, '' AS source, 'python' AS language");
       },
       "'programs' is a view, not a table"},
  };
  return list;
}

}  // namespace

class TestTraceStore : public QObject {
  Q_OBJECT
 private slots:
  void round_trip();
  void statistics();
  void reopen_appends();
  void unfinished_run_is_rolled_back();
  void chunked_run_stays_incomplete();
  void misuse_is_refused();
  void damaged_file_refused_data();
  void damaged_file_refused();
  void check_reports_problems();
  void writer_refusals();
  void newer_compatible_version_is_read();
  void killed_writer_data();
  void killed_writer();
  void concurrent_reader();

 private:
  QTemporaryDir dir_;
  std::string path(const char* name) const { return dir_.filePath(name).toStdString(); }
};

void TestTraceStore::round_trip() {
  const std::string p = path("round_trip.jaxray");
  Array f32 = make<float>({1.5f, -2, float(kNaN), float(kInf), 0, 3}, {2, 3});
  Array i32 = make<int32_t>({-7}, {}, true);
  Array bf16 = make<float>({0.5f, 1.25f}, {2}).astype(DType::BF16);
  Array boolean = make<bool>({true, false, true}, {3});
  Array empty = make<double>({}, {0, 4});
  Array big = Array::full({64}, 2.0, DType::F32);  // 256 bytes, over the 128-byte limit
  std::vector<EqnInfo> eqns = {{0, "sin", "b:f32[2,3] = sin a", "model.py", 12},
                               {1, "mul", "c:f32[2,3] = mul b a", "", std::nullopt}};
  int64_t prog_py, prog_jx, jaxpr, run, s0, s1;
  std::vector<int64_t> value_ids;
  {
    TraceWriter w(p, {.max_value_bytes = 128});
    QCOMPARE(w.file_info().schema_version, kSchemaVersion);
    QCOMPARE(w.file_info().max_value_bytes, int64_t(128));
    prog_py = w.add_program("model", "def f(x):\n  return jnp.sin(x) * x\n", Language::Python);
    prog_jx = w.add_program("g.jaxpr", "{ lambda ; a:f32[]. let  in (a,) }", Language::Jaxpr);
    jaxpr = w.add_jaxpr(prog_py, "grad(vmap(f))", "{ lambda ; a:f32[2,3]. let ... }", eqns);
    run = w.begin_run(jaxpr, RunMode::Vjp, R"({"x": "f32[2,3]"})");
    QVERIFY(w.in_run());
    s0 = w.add_step(0, Phase::Forward, "pjit[0]", 0);
    s1 = w.add_step(1, Phase::Backward, "pjit[0]/transpose", 1);
    value_ids.push_back(w.add_value(s0, "a", Role::Primal, f32));
    value_ids.push_back(w.add_value(s0, "t", Role::Tangent, i32));
    value_ids.push_back(w.add_value(s1, "ct_b", Role::Cotangent, bf16));
    value_ids.push_back(w.add_value(s1, "mask", Role::Primal, boolean));
    value_ids.push_back(w.add_value(std::nullopt, "out", Role::Primal, empty));
    value_ids.push_back(w.add_value(s1, "big", Role::Primal, big));
    w.finish_run();
    QVERIFY(!w.in_run());
  }
  TraceReader r(p);
  QCOMPARE(r.file_info().schema_version, 1);
  QCOMPARE(r.file_info().min_supported_version, 1);
  QCOMPARE(r.file_info().max_value_bytes, int64_t(128));

  std::vector<ProgramInfo> programs = r.programs();
  QCOMPARE(programs.size(), size_t(2));
  QCOMPARE(programs[0].id, prog_py);
  QCOMPARE(programs[0].name, std::string("model"));
  QCOMPARE(programs[0].source, std::string("def f(x):\n  return jnp.sin(x) * x\n"));
  QVERIFY(programs[0].language == Language::Python);
  QCOMPARE(programs[1].id, prog_jx);
  QVERIFY(programs[1].language == Language::Jaxpr);

  std::vector<JaxprInfo> jaxprs = r.jaxprs();
  QCOMPARE(jaxprs.size(), size_t(1));
  QCOMPARE(jaxprs[0].id, jaxpr);
  QCOMPARE(jaxprs[0].program_id, prog_py);
  QCOMPARE(jaxprs[0].transform_chain, std::string("grad(vmap(f))"));
  QCOMPARE(jaxprs[0].text, std::string("{ lambda ; a:f32[2,3]. let ... }"));
  std::vector<EqnInfo> got_eqns = r.equations(jaxpr);
  QCOMPARE(got_eqns.size(), size_t(2));
  for (size_t i = 0; i < 2; ++i) {
    QCOMPARE(got_eqns[i].index, eqns[i].index);
    QCOMPARE(got_eqns[i].primitive, eqns[i].primitive);
    QCOMPARE(got_eqns[i].text, eqns[i].text);
    QCOMPARE(got_eqns[i].source_file, eqns[i].source_file);
    QCOMPARE(got_eqns[i].source_line, eqns[i].source_line);
  }

  std::vector<RunInfo> runs = r.runs();
  QCOMPARE(runs.size(), size_t(1));
  QCOMPARE(runs[0].id, run);
  QCOMPARE(runs[0].jaxpr_id, jaxpr);
  QVERIFY(runs[0].mode == RunMode::Vjp);
  QCOMPARE(runs[0].inputs, std::string(R"({"x": "f32[2,3]"})"));
  QVERIFY(runs[0].status == RunStatus::Complete);
  QVERIFY(runs[0].finished_ms.has_value());
  QVERIFY(*runs[0].finished_ms >= runs[0].started_ms);
  QVERIFY(runs[0].started_ms > 1'600'000'000'000);  // Unix milliseconds, after 2020

  std::vector<StepInfo> steps = r.steps(run);
  QCOMPARE(steps.size(), size_t(2));
  QCOMPARE(steps[0].id, s0);
  QCOMPARE(steps[0].run_id, run);
  QCOMPARE(steps[0].index, int64_t(0));
  QVERIFY(steps[0].phase == Phase::Forward);
  QCOMPARE(steps[0].frame_path, std::string("pjit[0]"));
  QCOMPARE(steps[0].eqn_index, int64_t(0));
  QCOMPARE(steps[1].id, s1);
  QVERIFY(steps[1].phase == Phase::Backward);
  QCOMPARE(steps[1].frame_path, std::string("pjit[0]/transpose"));
  QCOMPARE(steps[1].eqn_index, int64_t(1));

  std::vector<ValueInfo> values = r.run_values(run);
  QCOMPARE(values.size(), size_t(6));
  std::vector<Array> arrays = {f32, i32, bf16, boolean, empty, big};
  std::vector<std::optional<int64_t>> step_of = {s0, s0, s1, s1, std::nullopt, s1};
  std::vector<std::string> names = {"a", "t", "ct_b", "mask", "out", "big"};
  std::vector<Role> roles = {Role::Primal, Role::Tangent, Role::Cotangent, Role::Primal, Role::Primal, Role::Primal};
  for (size_t i = 0; i < values.size(); ++i) {
    const ValueInfo& v = values[i];
    QCOMPARE(v.id, value_ids[i]);
    QCOMPARE(v.run_id, run);
    QCOMPARE(v.step_id, step_of[i]);
    QCOMPARE(v.name, names[i]);
    QVERIFY(v.role == roles[i]);
    QVERIFY(v.aval == arrays[i].aval());
    QCOMPARE(v.nbytes, int64_t(arrays[i].nbytes()));
    QCOMPARE(v.truncated, names[i] == "big");
    QVERIFY(v.stats == value_stats(arrays[i]));
    std::optional<Array> data = r.value_data(v.id);
    QCOMPARE(data.has_value(), !v.truncated);
    if (data) QVERIFY(data->bitwise_equal(arrays[i]));
  }
  QCOMPARE(r.step_values(s0).size(), size_t(2));
  QCOMPARE(r.step_values(s1).size(), size_t(3));
  QCOMPARE(r.step_values(s1)[0].name, std::string("ct_b"));
  QVERIFY(error_of([&] { r.value_data(9999); }).endsWith("no value with id 9999"));
}

void TestTraceStore::statistics() {
  ValueStats s = value_stats(make<float>({1.5f, -2, float(kNaN), float(kInf), float(-kInf), 0, 3}, {7}));
  QCOMPARE(s.min, std::optional<double>(-2));
  QCOMPARE(s.max, std::optional<double>(3));
  QCOMPARE(s.mean, std::optional<double>(2.5 / 4));
  QCOMPARE(s.l2_norm, std::optional<double>(std::sqrt(2.25 + 4 + 9)));
  QCOMPARE(s.nan_count, int64_t(1));
  QCOMPARE(s.inf_count, int64_t(2));
  ValueStats ints = value_stats(make<int32_t>({-7, 5}, {2}));
  QCOMPARE(ints.min, std::optional<double>(-7));
  QCOMPARE(ints.l2_norm, std::optional<double>(std::sqrt(74.0)));
  ValueStats nans = value_stats(make<double>({kNaN, kNaN}, {2}));
  QVERIFY(!nans.min && !nans.max && !nans.mean && !nans.l2_norm);
  QCOMPARE(nans.nan_count, int64_t(2));
  QVERIFY(!value_stats(make<double>({}, {0})).mean);
}

void TestTraceStore::reopen_appends() {
  const std::string p = path("reopen.jaxray");
  write_sample(p);
  {
    TraceWriter w(p);
    QCOMPARE(w.file_info().max_value_bytes, kDefaultMaxValueBytes);
    w.begin_run(1, RunMode::Jvp, "{}");
    w.add_value(std::nullopt, "x", Role::Tangent, make<float>({4}, {1}));
    w.finish_run();
  }
  {
    TraceWriter w(p, {.max_value_bytes = 1000});
    QCOMPARE(w.file_info().max_value_bytes, int64_t(1000));
  }
  TraceReader r(p);
  QCOMPARE(r.file_info().max_value_bytes, int64_t(1000));
  std::vector<RunInfo> runs = r.runs();
  QCOMPARE(runs.size(), size_t(4));
  QVERIFY(runs[3].mode == RunMode::Jvp);
  QCOMPARE(r.value_data(r.run_values(runs[3].id)[0].id)->item(), 4.0);
  QVERIFY(check(p).ok);
}

void TestTraceStore::unfinished_run_is_rolled_back() {
  const std::string p = path("unfinished.jaxray");
  write_sample(p);
  {
    TraceWriter w(p, {.commit_every_bytes = 0});
    w.begin_run(1, RunMode::Eval, "{}");
    w.add_value(w.add_step(0, Phase::Forward, "f", 0), "x", Role::Primal, Array::full({1 << 20}, 1, DType::F32));
  }
  TraceReader r(p);
  QCOMPARE(r.runs().size(), size_t(3));
  for (const RunInfo& run : r.runs()) QVERIFY(run.status == RunStatus::Complete);
}

void TestTraceStore::chunked_run_stays_incomplete() {
  const std::string p = path("chunked.jaxray");
  write_sample(p);
  {
    TraceWriter w(p, {.commit_every_bytes = 1000});
    w.begin_run(1, RunMode::Eval, "{}");
    for (int i = 0; i < 3; ++i) w.add_value(std::nullopt, "x", Role::Primal, Array::full({500}, i, DType::F32));
  }
  TraceReader r(p);
  std::vector<RunInfo> runs = r.runs();
  QCOMPARE(runs.size(), size_t(4));
  QVERIFY(runs[3].status == RunStatus::Incomplete);
  QVERIFY(!runs[3].finished_ms);
  QCOMPARE(r.run_values(runs[3].id).size(), size_t(3));  // 2000 bytes each: every value committed
}

void TestTraceStore::misuse_is_refused() {
  const std::string p = path("misuse.jaxray");
  TraceWriter w(p);
  QVERIFY(error_of([&] { w.add_step(0, Phase::Forward, "f", 0); }).endsWith("add_step outside a run (call begin_run)"));
  QVERIFY(error_of([&] { w.begin_run(42, RunMode::Eval, "{}"); }).contains("FOREIGN KEY constraint failed"));
  QVERIFY(!w.in_run());  // the failed begin rolled back
  int64_t prog = w.add_program("f", "", Language::Python);
  int64_t jaxpr = w.add_jaxpr(prog, "f", "", {});
  w.begin_run(jaxpr, RunMode::Eval, "{}");
  QVERIFY(error_of([&] { w.begin_run(jaxpr, RunMode::Eval, "{}"); }).contains("begin_run while run 1 is open"));
  QVERIFY(error_of([&] { w.add_value(77, "x", Role::Primal, make<float>({1}, {1})); })
              .contains("FOREIGN KEY constraint failed"));
}

void TestTraceStore::damaged_file_refused_data() {
  QTest::addColumn<int>("index");
  for (size_t i = 0; i < damages().size(); ++i) QTest::newRow(damages()[i].name) << int(i);
}

void TestTraceStore::damaged_file_refused() {
  QFETCH(int, index);
  const Damage& d = damages()[size_t(index)];
  const std::string p = path(d.name);
  write_sample(p);
  d.make(p);
  QString msg = error_of([&] { TraceReader r(p); r.runs(); });
  QVERIFY2(msg.startsWith(QString::fromStdString(p) + ":"), qPrintable(msg));
  QVERIFY2(msg.contains(d.message), qPrintable(msg));
  CheckReport report = check(p);
  QVERIFY(!report.ok);
  QCOMPARE(report.problems.size(), size_t(1));
  QCOMPARE(QString::fromStdString(report.problems[0]), msg);
}

void TestTraceStore::check_reports_problems() {
  const std::string p = path("check.jaxray");
  write_sample(p);
  CheckReport good = check(p);
  QVERIFY(good.ok);
  QCOMPARE(good.schema_version, 1);
  QVERIFY(good.problems.empty());
  // A dangling reference, which only the foreign-key check sees.
  edit(p, "UPDATE steps SET run_id = 99 WHERE id = 1");
  CheckReport dangling = check(p);
  QVERIFY(!dangling.ok);
  QCOMPARE(dangling.problems, std::vector<std::string>{"row 1 of table 'steps' refers to a missing row of 'runs'"});
  // A damaged page of value data, which opening does not read but quick_check does.
  write_sample(p);
  overwrite(p, 65536 * 8 + 100, std::string(2000, '\x5a'));
  CheckReport damaged = check(p);
  QVERIFY(!damaged.ok);
  QCOMPARE(damaged.schema_version, 1);
  QVERIFY(!damaged.problems.empty());
}

void TestTraceStore::writer_refusals() {
  // Root may write anywhere permissions allow nothing, so the read-only
  // location is /proc for root and a read-only folder otherwise.
  std::string ro = geteuid() == 0 ? "/proc/trace.jaxray" : path("ro/trace.jaxray");
  if (geteuid() != 0) {
    fs::create_directory(path("ro"));
    fs::permissions(path("ro"), fs::perms::owner_read | fs::perms::owner_exec);
  }
  QString msg = error_of([&] { TraceWriter w(ro); });
  QVERIFY2(msg.startsWith(QString::fromStdString(ro) + ": cannot open"), qPrintable(msg));
  QVERIFY(error_of([&] { TraceWriter w(path("no/such/dir/t.jaxray")); }).contains("cannot open"));

  const std::string random = path("random.jaxray");
  std::ofstream(random, std::ios::binary) << random_bytes(5000);
  QVERIFY(error_of([&] { TraceWriter w(random); }).contains("no SQLite header"));
  QCOMPARE(fs::file_size(random), uintmax_t(5000));

  const std::string foreign = path("foreign.jaxray");
  sql::Database(foreign, sql::Database::Mode::ReadWrite).exec("CREATE TABLE notes(body TEXT)");
  QVERIFY(error_of([&] { TraceWriter w(foreign); }).contains("another application"));
  // Left in its own rollback-journal mode: header bytes 18 and 19 are 1, not WAL's 2.
  std::ifstream in(foreign, std::ios::binary);
  in.seekg(18);
  QCOMPARE(in.get(), 1);
  QCOMPARE(in.get(), 1);

  const std::string newer = path("newer_writer.jaxray");
  write_sample(newer);
  edit(newer, "UPDATE meta SET value = '2' WHERE key = 'schema_version'");
  QVERIFY(error_of([&] { TraceWriter w(newer); })
              .endsWith("written by a newer jaxray (schema version 2); this jaxray can read it but writes only version 1"));
  QVERIFY(error_of([&] { TraceWriter w(path("neg.jaxray"), {.max_value_bytes = -1}); }).contains("must not be negative"));
}

void TestTraceStore::newer_compatible_version_is_read() {
  // A newer writer that only added a table and a column keeps
  // min_supported_version at 1: this reader reads it.
  const std::string p = path("newer_compatible.jaxray");
  write_sample(p);
  edit(p, "UPDATE meta SET value = '2' WHERE key = 'schema_version';"
          "CREATE TABLE annotations(id INTEGER PRIMARY KEY, body TEXT);"
          "ALTER TABLE runs ADD COLUMN device TEXT");
  TraceReader r(p);
  QCOMPARE(r.file_info().schema_version, 2);
  QCOMPARE(r.runs().size(), size_t(3));
}

void TestTraceStore::killed_writer_data() {
  QTest::addColumn<int>("commit_every_bytes");
  QTest::newRow("one transaction per run") << 0;
  QTest::newRow("chunks of 1 MB") << (1 << 20);
}

void TestTraceStore::killed_writer() {
  QFETCH(int, commit_every_bytes);
  const std::string p = path(commit_every_bytes ? "killed_chunked.jaxray" : "killed.jaxray");
  constexpr int kFinished = 3;
  QProcess child;
  child.start(TRACE_WRITER_CHILD, {QString::fromStdString(p), QString::number(kFinished), QString::number(commit_every_bytes)});
  QVERIFY(child.waitForStarted());
  QByteArray out;
  while (!out.contains("in run") && child.waitForReadyRead(30000)) out += child.readAllStandardOutput();
  QVERIFY2(out.contains("finished 2\nin run"), out.constData());
  // Let it write into the unfinished run a while, then SIGKILL it mid-write.
  QTest::qWait(50);
  child.kill();
  QVERIFY(child.waitForFinished());
  QCOMPARE(child.exitStatus(), QProcess::CrashExit);

  TraceReader r(p);
  std::vector<RunInfo> runs = r.runs();
  int complete = 0;
  for (const RunInfo& run : runs) {
    if (run.status != RunStatus::Complete) continue;
    ++complete;
    std::vector<ValueInfo> values = r.run_values(run.id);
    QCOMPARE(values.size(), size_t(5));
    for (int i = 0; i < 5; ++i) {
      Array a = *r.value_data(values[size_t(i)].id);
      QCOMPARE(a.size(), int64_t(64 * 1024));
      QCOMPARE(a.item(a.size() - 1), double(complete - 1) * 1000 + i);
    }
  }
  QCOMPARE(complete, kFinished);
  // Without chunks the unfinished run left nothing; with them it is there, marked incomplete.
  QCOMPARE(runs.size(), size_t(commit_every_bytes ? kFinished + 1 : kFinished));
  if (commit_every_bytes) QVERIFY(runs.back().status == RunStatus::Incomplete);
  QVERIFY(check(p).ok);
}

void TestTraceStore::concurrent_reader() {
  const std::string p = path("concurrent.jaxray");
  TraceWriter w(p, {.commit_every_bytes = 0});
  int64_t j = w.add_jaxpr(w.add_program("f", "", Language::Python), "f", "", {});
  w.begin_run(j, RunMode::Eval, "{}");
  w.add_value(std::nullopt, "x", Role::Primal, make<float>({1}, {1}));
  w.finish_run();

  TraceReader r(p);
  QCOMPARE(r.runs().size(), size_t(1));
  // While the writer holds an open write transaction the reader keeps
  // reading the last committed state.
  int64_t second = w.begin_run(j, RunMode::Eval, "{}");
  for (int i = 0; i < 10; ++i) w.add_value(std::nullopt, "y", Role::Primal, Array::full({100000}, i, DType::F32));
  QCOMPARE(r.runs().size(), size_t(1));
  QCOMPARE(r.value_data(r.run_values(1)[0].id)->item(), 1.0);
  w.finish_run();
  std::vector<RunInfo> runs = r.runs();
  QCOMPARE(runs.size(), size_t(2));
  QCOMPARE(runs[1].id, second);
  QCOMPARE(r.run_values(second).size(), size_t(10));
  QCOMPARE(r.value_data(r.run_values(second)[9].id)->item(99999), 9.0);
}

QTEST_GUILESS_MAIN(TestTraceStore)
#include "tst_trace_store.moc"
