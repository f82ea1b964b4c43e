// TraceRecorder: a recorded run, read back, holds exactly what the stepper
// showed (step rows, value rows bitwise, roles by mode) and its results.
#include <QtTest>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/jaxpr/parse.h"
#include "trace_store/recorder.h"
#include "trace_store/trace_reader.h"

using namespace jxr;
using namespace jxr::trace;
namespace fs = std::filesystem;

namespace {

ClosedJaxpr golden(const std::string& name) {
  std::ifstream in(JAXRAY_SOURCE_DIR "/tests/golden/jaxpr/" + name + ".txt");
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_jaxpr(ss.str(), name);
}

// Deterministic floats in (0.25, 1.5), small ints and bools.
std::vector<Array> inputs_for(const std::vector<ShapedArray>& avals, int seed) {
  std::vector<Array> out;
  for (const ShapedArray& aval : avals) {
    std::vector<double> v(static_cast<size_t>(aval.size()));
    for (size_t i = 0; i < v.size(); ++i) {
      int k = static_cast<int>(i) * 7 + seed * 3;
      v[i] = is_floating(aval.dtype) ? 0.25 + (k % 11) * 0.125 : aval.dtype == DType::Bool ? k % 2 : k % 3;
    }
    out.push_back(Array::from_vector<double>(v, aval.shape).astype(aval.dtype, aval.weak_type));
    ++seed;
  }
  return out;
}

std::vector<Array> seeds_for(const ClosedJaxpr& cj, StepMode mode) {
  if (mode == StepMode::Eval) return {};
  std::vector<Array> seeds;
  for (const ShapedArray& a : mode == StepMode::Jvp ? cj.in_avals() : cj.out_avals())
    seeds.push_back(is_floating(a.dtype) ? inputs_for({a}, 5)[0] : Array());
  return seeds;
}

class Collect final : public StepObserver {
 public:
  void on_step(const StepSnapshot& s) override { steps.push_back(s); }
  std::vector<StepSnapshot> steps;
};

struct Expected {
  std::string name;
  Role role;
  Array data;
};

// The values the recorder promises for `vars`, in its order.
void expect_values(const std::vector<VarSnapshot>& vars, std::vector<Expected>& out) {
  for (const VarSnapshot& v : vars) {
    if (v.literal) continue;
    if (v.value.defined()) out.push_back({v.name, Role::Primal, v.value});
    if (v.tangent.defined()) out.push_back({v.name, Role::Tangent, v.tangent});
    if (v.cotangent.defined()) out.push_back({v.name, Role::Cotangent, v.cotangent});
  }
}

void compare_values(const TraceReader& r, const std::vector<ValueInfo>& got, const std::vector<Expected>& want,
                    const QString& where) {
  QCOMPARE(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    QVERIFY2(got[i].name == want[i].name, qPrintable(where));
    QVERIFY2(got[i].role == want[i].role, qPrintable(where + " " + QString::fromStdString(got[i].name)));
    std::optional<Array> data = r.value_data(got[i].id);
    QVERIFY(data);
    QVERIFY2(data->bitwise_equal(want[i].data),
             qPrintable(where + " " + QString::fromStdString(got[i].name + ": " + data->str() + " vs " +
                                                              want[i].data.str())));
  }
}

}  // namespace

class TestRecorder : public QObject {
  Q_OBJECT
 private slots:
  void records_what_the_stepper_shows_data();
  void records_what_the_stepper_shows();
  void frame_paths_name_the_calls();
  void bad_arguments_begin_no_run();
};

void TestRecorder::records_what_the_stepper_shows_data() {
  QTest::addColumn<QString>("name");
  QTest::addColumn<int>("mode");
  for (const char* name : {"seed", "jit_nested", "mlp_layer", "many_outputs", "promote_int_float"})
    for (StepMode m : {StepMode::Eval, StepMode::Jvp, StepMode::Vjp})
      QTest::newRow((std::string(name) + "/" + to_string(m)).c_str()) << QString(name) << static_cast<int>(m);
}

void TestRecorder::records_what_the_stepper_shows() {
  QFETCH(QString, name);
  QFETCH(int, mode);
  StepMode m = static_cast<StepMode>(mode);
  ClosedJaxpr cj = golden(name.toStdString());
  std::vector<Array> args = inputs_for(cj.in_avals(), 1);
  std::vector<Array> seeds = seeds_for(cj, m);

  // The reference: the same program stepped by hand.
  Stepper ref(cj, m, args, seeds);
  Collect seen;
  ref.set_observer(&seen);
  while (!ref.finished()) ref.step();

  QTemporaryDir dir;
  std::string path = dir.filePath("t.jaxray").toStdString();
  {
    TraceWriter w(path);
    int64_t p = w.add_program("f", "", Language::Jaxpr);
    int64_t j = w.add_jaxpr(p, "f", "", {});
    record_run(w, j, cj, m, args, seeds, R"({"args": "test"})");
  }
  TraceReader r(path);
  std::vector<RunInfo> runs = r.runs();
  QCOMPARE(runs.size(), size_t(1));
  QCOMPARE(runs[0].mode, run_mode(m));
  QCOMPARE(runs[0].status, RunStatus::Complete);
  QCOMPARE(runs[0].inputs, std::string(R"({"args": "test"})"));

  std::vector<StepInfo> steps = r.steps(runs[0].id);
  size_t k = 0;
  bool backward = false, tangents = false, cotangents = false;
  for (const StepSnapshot& s : seen.steps) {
    if (s.event != StepEvent::Equation) continue;
    QVERIFY(k < steps.size());
    const StepInfo& st = steps[k++];
    QCOMPARE(st.index, static_cast<int64_t>(s.step));
    QCOMPARE(st.eqn_index, static_cast<int64_t>(s.eqn_index));
    QCOMPARE(st.phase == Phase::Backward, s.phase == StepPhase::Backward);
    backward |= st.phase == Phase::Backward;
    std::vector<Expected> want;
    expect_values(s.inputs, want);
    expect_values(s.outputs, want);
    std::vector<ValueInfo> got = r.step_values(st.id);
    for (const ValueInfo& v : got) {
      tangents |= v.role == Role::Tangent;
      cotangents |= v.role == Role::Cotangent;
    }
    compare_values(r, got, want, QString("step %1").arg(st.index));
  }
  QCOMPARE(k, steps.size());
  // Programs whose linearization has equations (not mere adds of constants)
  // have backward steps.
  QCOMPARE(backward, m == StepMode::Vjp && (name == "seed" || name == "mlp_layer" || name == "jit_nested"));

  // The run's own values: the program's inputs and outputs as it finished,
  // which are the stepper's results.
  std::vector<Expected> want;
  expect_values(seen.steps.back().inputs, want);
  expect_values(seen.steps.back().outputs, want);
  std::vector<ValueInfo> got = r.run_values(runs[0].id);
  std::vector<ValueInfo> whole;
  for (const ValueInfo& v : got)
    if (!v.step_id) whole.push_back(v);
  compare_values(r, whole, want, "run");
  for (const ValueInfo& v : whole) {
    tangents |= v.role == Role::Tangent;
    cotangents |= v.role == Role::Cotangent;
  }
  QCOMPARE(tangents, m == StepMode::Jvp);
  QCOMPARE(cotangents, m == StepMode::Vjp);
  const Jaxpr& top = *cj.jaxpr;
  auto find = [&](const std::string& var, Role role) -> std::optional<Array> {
    for (const ValueInfo& v : whole)
      if (v.name == var && v.role == role) return r.value_data(v.id);
    return std::nullopt;
  };
  std::vector<Array> outs = ref.outputs();
  for (size_t i = 0; i < top.outvars.size(); ++i) {
    const VarSnapshot& o = seen.steps.back().outputs[i];
    if (o.literal) continue;
    std::optional<Array> got_out = find(o.name, Role::Primal);
    QVERIFY(got_out && got_out->bitwise_equal(outs[i]));
  }
  if (m == StepMode::Vjp) {
    std::vector<Array> cts = ref.cotangents();
    for (size_t i = 0; i < top.invars.size(); ++i) {
      std::optional<Array> ct = find(seen.steps.back().inputs[i].name, Role::Cotangent);
      // An integer input's cotangent is a symbolic zero, which has no row.
      if (is_floating(top.invars[i]->aval.dtype)) QVERIFY(ct && ct->bitwise_equal(cts[i]));
      else QVERIFY(!ct);
    }
  }
}

void TestRecorder::frame_paths_name_the_calls() {
  ClosedJaxpr cj = golden("jit_nested");
  QTemporaryDir dir;
  std::string path = dir.filePath("t.jaxray").toStdString();
  {
    TraceWriter w(path);
    int64_t j = w.add_jaxpr(w.add_program("f", "", Language::Jaxpr), "f", "", {});
    record_run(w, j, cj, StepMode::Eval, inputs_for(cj.in_avals(), 1), {}, "{}");
  }
  TraceReader r(path);
  QStringList paths;
  for (const StepInfo& s : r.steps(r.runs()[0].id))
    paths << QString("%1@%2").arg(QString::fromStdString(s.frame_path)).arg(s.eqn_index);
  QCOMPARE(paths.join(' '), QString("jit[0]/jit[0]@0 jit[0]/jit[0]@1 jit[0]@0 jit[0]@1 @0"));
}

void TestRecorder::bad_arguments_begin_no_run() {
  ClosedJaxpr cj = golden("seed");
  QTemporaryDir dir;
  std::string path = dir.filePath("t.jaxray").toStdString();
  TraceWriter w(path);
  int64_t j = w.add_jaxpr(w.add_program("f", "", Language::Jaxpr), "f", "", {});
  QVERIFY_THROWS_EXCEPTION(Error, record_run(w, j, cj, StepMode::Eval, {}, {}, "{}"));
  QVERIFY(!w.in_run());
}

QTEST_GUILESS_MAIN(TestRecorder)
#include "tst_recorder.moc"
