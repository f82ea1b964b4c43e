// The debugger's stepper: on every golden program and in every mode it
// gives exactly (bitwise) what eval_closed_jaxpr, jxr::jvp and jxr::vjp
// give; stepping back restores the exact state; breakpoints stop where they
// say; bad inputs raise errors that name them.
#include <QtTest>

#include "engine/debug/stepper.h"
#include "engine/jaxpr/parse.h"
#include "engine/jaxpr/print.h"
#include "engine/transforms.h"
#include "testutil.h"

using namespace jxr;

namespace {

const QStringList kGoldenDirs = {QStringLiteral(JAXRAY_SOURCE_DIR "/tests/golden/jaxpr"),
                                 QStringLiteral(JAXRAY_SOURCE_DIR "/tests/golden/transforms")};

// Deterministic inputs of the program's types, in (0.25, 1.5) for floats so
// that logs and roots stay finite.
Array input_for(const ShapedArray& aval, int seed) {
  std::vector<double> v(static_cast<size_t>(aval.size()));
  for (size_t i = 0; i < v.size(); ++i) {
    int k = static_cast<int>(i) * 7 + seed * 3;
    v[i] = is_floating(aval.dtype) ? 0.25 + (k % 11) * 0.125 : aval.dtype == DType::Bool ? k % 2 : k % 3;
  }
  return Array::from_vector<double>(v, aval.shape).astype(aval.dtype, aval.weak_type);
}

std::vector<Array> inputs_for(const std::vector<ShapedArray>& avals, int seed) {
  std::vector<Array> out;
  for (size_t i = 0; i < avals.size(); ++i) out.push_back(input_for(avals[i], seed + static_cast<int>(i)));
  return out;
}

// Seeds for floating values; undefined (zero) for the others.
std::vector<Array> seeds_for(const std::vector<ShapedArray>& avals, int seed) {
  std::vector<Array> out;
  for (size_t i = 0; i < avals.size(); ++i)
    out.push_back(is_floating(avals[i].dtype) ? input_for(avals[i], seed + static_cast<int>(i)) : Array());
  return out;
}

TreeFn program_fn(const ClosedJaxpr& cj) {
  return [cj](const std::vector<Tree>& args) {
    std::vector<Value> xs;
    for (const Tree& t : args) xs.push_back(t.leaf());
    std::vector<Tree> outs;
    for (const Value& v : eval_closed_jaxpr(cj, xs)) outs.emplace_back(v);
    return Tree::tuple(outs);
  };
}

std::vector<Tree> trees(const std::vector<Array>& xs) { return {xs.begin(), xs.end()}; }

void expect_bitwise(const std::vector<Array>& got, const std::vector<Array>& want, const char* what) {
  QCOMPARE(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i)
    QVERIFY2(got[i].bitwise_equal(want[i]),
             qPrintable(QString("%1 %2: got %3, want %4")
                            .arg(what)
                            .arg(i)
                            .arg(QString::fromStdString(got[i].str()), QString::fromStdString(want[i].str()))));
}

std::vector<Array> arrays(const Tree& t) {
  std::vector<Array> out;
  for (const Tree& c : t.children()) out.push_back(c.leaf().array());
  return out;
}

class Recorder final : public StepObserver {
 public:
  void on_step(const StepSnapshot& s) override { steps.push_back(s); }
  void on_finished(const StepSnapshot&) override { ++finished; }
  std::vector<StepSnapshot> steps;
  int finished = 0;
};

bool same_vars(const std::vector<VarSnapshot>& a, const std::vector<VarSnapshot>& b) {
  if (a.size() != b.size()) return false;
  auto same = [](const Array& x, const Array& y) { return x.defined() == y.defined() && (!x.defined() || x.bitwise_equal(y)); };
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i].name != b[i].name || !same(a[i].value, b[i].value) || !same(a[i].tangent, b[i].tangent) ||
        !same(a[i].cotangent, b[i].cotangent) || a[i].contributions != b[i].contributions ||
        a[i].primal_name != b[i].primal_name)
      return false;
  return true;
}

bool same_snapshot(const StepSnapshot& a, const StepSnapshot& b) {
  return a.phase == b.phase && a.event == b.event && a.step == b.step && a.frame_path == b.frame_path &&
         a.eqn_index == b.eqn_index && a.equation == b.equation && same_vars(a.inputs, b.inputs) &&
         same_vars(a.outputs, b.outputs);
}

}  // namespace

class TestStepper : public QObject {
  Q_OBJECT

 private slots:
  void golden_modes_data();
  void golden_modes();
  void step_back_restores_exact_state();
  void run_reports_every_step_to_an_observer_that_wants_them();
  void jit_step_into_and_out();
  void step_over_runs_a_call_whole();
  void equation_text_matches_full_print();
  void breakpoints_on_primitive_line_and_equation();
  void non_finite_forward();
  void non_finite_backward();
  void cotangents_map_to_program_variables();
  void bad_inputs_raise_errors();
};

void TestStepper::golden_modes_data() {
  QTest::addColumn<QString>("path");
  QTest::addColumn<int>("mode");
  for (const QString& dir : kGoldenDirs)
    for (const QString& f : QDir(dir).entryList({"*.txt"}, QDir::Files, QDir::Name))
      for (StepMode m : {StepMode::Eval, StepMode::Jvp, StepMode::Vjp})
        QTest::newRow(qPrintable(QDir(dir).dirName() + "/" + f + ":" + to_string(m)))
            << dir + "/" + f << static_cast<int>(m);
}

void TestStepper::golden_modes() {
  QFETCH(QString, path);
  QFETCH(int, mode);
  ClosedJaxpr cj = parse_jaxpr(test::read_file(path), path.toStdString());
  std::vector<Array> args = inputs_for(cj.in_avals(), 1);
  auto m = static_cast<StepMode>(mode);
  std::vector<Array> seeds = m == StepMode::Jvp   ? seeds_for(cj.in_avals(), 5)
                             : m == StepMode::Vjp ? seeds_for(cj.out_avals(), 9)
                                                  : std::vector<Array>{};
  // The engine's own answer; a program it cannot differentiate must fail
  // in the stepper too.
  std::vector<Array> want_out, want_d;
  std::string engine_error = test::error_of([&] {
    if (m == StepMode::Eval) {
      for (const Value& v : eval_closed_jaxpr(cj, std::vector<Value>(args.begin(), args.end())))
        want_out.push_back(v.array());
    } else if (m == StepMode::Jvp) {
      std::vector<Array> tans;
      for (size_t i = 0; i < args.size(); ++i)
        tans.push_back(seeds[i].defined() ? seeds[i] : Array::zeros(args[i].aval()));
      auto [out, tan] = jxr::jvp(program_fn(cj), trees(args), trees(tans));
      want_out = arrays(out);
      want_d = arrays(tan);
    } else {
      VjpResult r = jxr::vjp(program_fn(cj), trees(args));
      want_out = arrays(r.out);
      std::vector<Tree> cts;
      for (size_t i = 0; i < seeds.size(); ++i)
        cts.emplace_back(seeds[i].defined() ? seeds[i] : Array::zeros(want_out[i].aval()));
      for (const Tree& t : r.pullback(Tree::tuple(cts))) want_d.push_back(t.leaf().array());
    }
  });
  Stepper st(cj, m, args, seeds);
  Recorder rec;
  st.set_observer(&rec);
  std::string stepper_error = test::error_of([&] {
    while (!st.finished()) st.step();
  });
  if (!engine_error.empty()) {
    QVERIFY2(!stepper_error.empty(), engine_error.c_str());
    return;
  }
  QVERIFY2(stepper_error.empty(), stepper_error.c_str());
  QCOMPARE(rec.finished, 1);
  QCOMPARE(rec.steps.back().event, StepEvent::Finished);
  expect_bitwise(st.outputs(), want_out, "output");
  if (m == StepMode::Jvp) expect_bitwise(st.tangents(), want_d, "tangent");
  if (m == StepMode::Vjp) expect_bitwise(st.cotangents(), want_d, "cotangent");
  // Every equation of the top level was reported once, in order.
  std::vector<size_t> top;
  for (const StepSnapshot& s : rec.steps)
    if (s.event == StepEvent::Equation && s.phase == StepPhase::Forward && s.frame_path.empty()) top.push_back(s.eqn_index);
  QCOMPARE(top.size(), cj.jaxpr->eqns.size());
  for (size_t i = 0; i < top.size(); ++i) QCOMPARE(top[i], i);
}

namespace {

const char* kProgram = R"({ lambda ; a:f32[3] b:f32[3]. let
    c:f32[3] = sin a
    d:f32[3] = jit[
      name=inner
      jaxpr={ lambda ; e:f32[3] f:f32[3]. let
          g:f32[3] = mul e f
          h:f32[3] = add g 1.0:f32[]
        in (h,) }
    ] c b
    i:f32[3] = mul d c
    j:f32[] = reduce_sum[axes=(0,) out_sharding=None] i
  in (j,) })";

ClosedJaxpr program() { return parse_jaxpr(kProgram, "prog.txt"); }
std::vector<Array> program_args() { return {test::arr({0.5, 1.0, 1.5}), test::arr({2.0, -1.0, 0.25})}; }

}  // namespace

void TestStepper::step_back_restores_exact_state() {
  for (StepMode m : {StepMode::Eval, StepMode::Jvp, StepMode::Vjp}) {
    std::vector<Array> seeds = m == StepMode::Jvp   ? program_args()
                               : m == StepMode::Vjp ? std::vector<Array>{test::scalar(1.0)}
                                                    : std::vector<Array>{};
    Stepper st(program(), m, program_args(), seeds);
    Recorder rec;
    st.set_observer(&rec);
    rec.steps.push_back(st.restart());
    while (!st.finished()) st.step();
    std::vector<StepSnapshot> forward = rec.steps;
    std::vector<Array> out = st.outputs();
    QVERIFY(forward.size() > 8);
    for (size_t k = forward.size() - 1; k-- > 0;) {
      StepSnapshot back = st.step_back();
      QVERIFY2(same_snapshot(back, forward[k]), qPrintable(QString("mode %1, step %2").arg(to_string(m)).arg(k)));
    }
    QCOMPARE(st.step_back().event, StepEvent::Start);  // at the start it stays there
    while (!st.finished()) st.step();
    expect_bitwise(st.outputs(), out, "output after stepping back");
    // Back from the end, then forward again: the same last step.
    st.step_back();
    QVERIFY(!st.finished());
    QVERIFY(same_snapshot(st.step(), forward.back()));
  }
}

void TestStepper::run_reports_every_step_to_an_observer_that_wants_them() {
  class EveryStep final : public StepObserver {
   public:
    void on_step(const StepSnapshot& s) override { steps.push_back(s); }
    bool wants_every_step() const override { return true; }
    std::vector<StepSnapshot> steps;
  };
  for (StepMode m : {StepMode::Eval, StepMode::Vjp}) {
    std::vector<Array> seeds = m == StepMode::Vjp ? std::vector<Array>{test::scalar(1.0)} : std::vector<Array>{};
    // One step at a time: what run must report, in order.
    Stepper one(program(), m, program_args(), seeds);
    Recorder stepped;
    one.set_observer(&stepped);
    while (!one.finished()) one.step();

    Stepper all(program(), m, program_args(), seeds);
    EveryStep every;
    all.set_observer(&every);
    QVERIFY(all.linear_program() == nullptr);
    QVERIFY(same_snapshot(all.run(), stepped.steps.back()));
    // The backward snapshots name the linear jaxpr's variables as its full print does.
    if (m == StepMode::Vjp) {
      QVERIFY(all.linear_program() != nullptr);
      const std::string linear = print_closed_jaxpr(*all.linear_program());
      for (const StepSnapshot& s : every.steps)
        if (s.phase == StepPhase::Backward && s.event == StepEvent::Equation)
          QVERIFY2(linear.find(s.equation.substr(0, s.equation.find('\n'))) != std::string::npos, s.equation.c_str());
    } else {
      QVERIFY(all.linear_program() == nullptr);
    }
    QCOMPARE(every.steps.size(), stepped.steps.size());
    for (size_t k = 0; k < every.steps.size(); ++k)
      QVERIFY2(same_snapshot(every.steps[k], stepped.steps[k]), qPrintable(QString("mode %1, step %2").arg(to_string(m)).arg(k)));

    // An observer that does not ask sees only where run stops.
    Stepper quiet(program(), m, program_args(), seeds);
    Recorder stops;
    quiet.set_observer(&stops);
    quiet.run();
    QCOMPARE(stops.steps.size(), size_t{1});
  }
}

void TestStepper::jit_step_into_and_out() {
  ClosedJaxpr cj = program();
  Stepper st(cj, StepMode::Jvp, program_args(), program_args());
  QCOMPARE(st.step().primitive, std::string("sin"));
  StepSnapshot enter = st.step();
  QCOMPARE(enter.event, StepEvent::EnterFrame);
  QCOMPARE(enter.frame_path, std::vector<size_t>{1});
  QCOMPARE(st.depth(), size_t{2});
  QCOMPARE(enter.inputs.size(), size_t{2});
  StepSnapshot mul = st.step();
  QCOMPARE(mul.primitive, std::string("mul"));
  QCOMPARE(mul.frame_path, std::vector<size_t>{1});
  QCOMPARE(mul.eqn_index, size_t{0});
  StepSnapshot out = st.step_out();
  QCOMPARE(st.depth(), size_t{1});
  QCOMPARE(out.primitive, std::string("jit"));
  QCOMPARE(out.eqn_index, size_t{1});
  QVERIFY(out.frame_path.empty());
  // The call's result is what the engine's jit gives for the same operands.
  std::vector<Value> in{Value(out.inputs[0].value), Value(out.inputs[1].value)};
  const Eqn& call = cj.jaxpr->eqns[1];
  Array want = eval_closed_jaxpr(*call.params.get("jaxpr").as_jaxpr(), in)[0].array();
  QVERIFY(out.outputs[0].value.bitwise_equal(want));
  QVERIFY(out.outputs[0].tangent.defined());
  StepSnapshot end = st.step_out();  // at top level: to the end
  QCOMPARE(end.event, StepEvent::Finished);
  QCOMPARE(end.reason, StopReason::Finished);
}

void TestStepper::step_over_runs_a_call_whole() {
  Stepper st(program(), StepMode::Eval, program_args());
  st.step();
  StepSnapshot s = st.step_over();
  QCOMPARE(s.event, StepEvent::Equation);
  QCOMPARE(s.primitive, std::string("jit"));
  QCOMPARE(st.depth(), size_t{1});
  QCOMPARE(st.step().primitive, std::string("mul"));
}

void TestStepper::equation_text_matches_full_print() {
  ClosedJaxpr cj = program();
  std::string full = print_closed_jaxpr(cj);
  Stepper st(cj, StepMode::Eval, program_args());
  while (!st.finished()) {
    StepSnapshot s = st.step();
    if (s.event != StepEvent::Equation) continue;
    // A one-line equation appears verbatim in the full print, with its names.
    if (s.equation.find('\n') == std::string::npos)
      QVERIFY2(full.find(s.equation) != std::string::npos, s.equation.c_str());
    for (const VarSnapshot& v : s.outputs) QVERIFY2(full.find(v.name + ":" + v.type) != std::string::npos, v.name.c_str());
  }
}

void TestStepper::breakpoints_on_primitive_line_and_equation() {
  Stepper st(program(), StepMode::Eval, program_args());
  st.add_breakpoint(Breakpoint::at_primitive("add"));
  StepSnapshot s = st.run();
  QCOMPARE(s.reason, StopReason::PrimitiveBreakpoint);
  QCOMPARE(s.primitive, std::string("add"));
  QCOMPARE(s.frame_path, std::vector<size_t>{1});
  st.clear_breakpoints();
  st.add_breakpoint(Breakpoint::at_line("prog.txt", 10));  // `i = mul d c` in the text
  s = st.run();
  QCOMPARE(s.reason, StopReason::SourceBreakpoint);
  QCOMPARE(s.source_line, 10);
  QCOMPARE(s.eqn_index, size_t{2});
  QCOMPARE(QString::fromStdString(s.equation), QString("f:f32[3] = mul d c"));  // as the full print names them
  QCOMPARE(st.run().reason, StopReason::Finished);

  st.restart();
  st.clear_breakpoints();
  st.add_breakpoint(Breakpoint::at_equation({1}, 0));
  s = st.run();
  QCOMPARE(s.reason, StopReason::EquationBreakpoint);
  QCOMPARE(s.primitive, std::string("mul"));
  QCOMPARE(QString::fromStdString(s.equation), QString("e:f32[3] = mul c b"));  // the body named after its operands
}

void TestStepper::non_finite_forward() {
  ClosedJaxpr cj = parse_jaxpr(R"({ lambda ; a:f32[2]. let
    b:f32[2] = exp a
    c:f32[2] = log a
    d:f32[2] = mul c 0.0:f32[]
  in (d,) })");
  for (StepMode m : {StepMode::Eval, StepMode::Jvp}) {
    std::vector<Array> seeds = m == StepMode::Jvp ? std::vector<Array>{test::arr({1.0, 1.0})} : std::vector<Array>{};
    Stepper st(cj, m, {test::arr({1.0, 0.0})}, seeds);
    st.add_breakpoint(Breakpoint::on_non_finite());
    StepSnapshot s = st.run();
    QCOMPARE(s.reason, StopReason::NonFinite);
    QCOMPARE(s.eqn_index, size_t{1});  // log 0 = -inf
    QCOMPARE(s.outputs[0].value.item(1), -std::numeric_limits<double>::infinity());
    s = st.run();
    QCOMPARE(s.reason, StopReason::NonFinite);
    QCOMPARE(s.eqn_index, size_t{2});  // -inf * 0 = nan
    QVERIFY(std::isnan(s.outputs[0].value.item(1)));
    QCOMPARE(st.run().reason, StopReason::Finished);
  }
}

void TestStepper::non_finite_backward() {
  // Forward values are all finite; the backward pass multiplies a zero
  // cotangent by sqrt's derivative at 0, an infinity: NaN.
  ClosedJaxpr cj = parse_jaxpr(R"({ lambda ; a:f32[]. let
    b:f32[] = sqrt a
    c:f32[] = mul b 0.0:f32[]
  in (c,) })");
  Stepper st(cj, StepMode::Vjp, {test::scalar(0.0)}, {test::scalar(1.0)});
  st.add_breakpoint(Breakpoint::on_non_finite());
  StepSnapshot s = st.run();
  QCOMPARE(s.reason, StopReason::NonFinite);
  QCOMPARE(s.phase, StepPhase::Backward);
  bool nan_ct = false;
  for (const VarSnapshot& v : s.inputs) nan_ct = nan_ct || (v.cotangent.defined() && std::isnan(v.cotangent.item()));
  QVERIFY(nan_ct);
  QCOMPARE(st.run().reason, StopReason::Finished);
  VjpResult r = jxr::vjp(program_fn(cj), {Tree(test::scalar(0.0))});
  expect_bitwise(st.cotangents(), {r.pullback(Tree::tuple({Tree(test::scalar(1.0))}))[0].leaf().array()}, "ct");
}

void TestStepper::cotangents_map_to_program_variables() {
  Stepper st(program(), StepMode::Vjp, program_args(), {test::scalar(1.0)});
  std::map<std::string, Array> ct_of;
  StepSnapshot s;
  while (!st.finished()) {
    s = st.step();
    if (s.phase != StepPhase::Backward || s.event != StepEvent::Equation) continue;
    QVERIFY(!s.equation.empty());
    for (const VarSnapshot& v : s.inputs)
      if (!v.primal_name.empty() && v.cotangent.defined()) {
        QVERIFY(!v.contributions.empty());
        ct_of[v.primal_name] = v.cotangent;
      }
  }
  // d = jit(...)(c, b) and i = mul d c: c's cotangent is seen, and a's
  // final one is the program's gradient.
  QVERIFY(ct_of.count("c"));
  QVERIFY(ct_of.count("a"));
  QVERIFY(ct_of["a"].bitwise_equal(st.cotangents()[0]));
  QCOMPARE(s.event, StepEvent::Finished);
  QVERIFY(s.inputs[0].cotangent.bitwise_equal(st.cotangents()[0]));
}

void TestStepper::bad_inputs_raise_errors() {
  ClosedJaxpr cj = program();
  std::string e = test::error_of([&] { Stepper(cj, StepMode::Eval, {test::arr({1.0, 2.0, 3.0})}); });
  QVERIFY2(e.find("takes 2 arguments, got 1") != std::string::npos, e.c_str());
  e = test::error_of([&] { Stepper(cj, StepMode::Eval, {test::arr({1.0, 2.0, 3.0}), test::arr({1.0, 2.0})}); });
  QVERIFY2(e.find("argument 1 (b) has type f32[2]") != std::string::npos, e.c_str());
  e = test::error_of([&] { Stepper(cj, StepMode::Jvp, program_args(), {test::arr({1.0})}); });
  QVERIFY2(e.find("expected 2 tangents") != std::string::npos, e.c_str());
  e = test::error_of([&] { Stepper(cj, StepMode::Jvp, program_args(), {test::arr({1.0}), Array()}); });
  QVERIFY2(e.find("tangent 0 has shape f32[1]") != std::string::npos, e.c_str());
  e = test::error_of([&] { Stepper(cj, StepMode::Vjp, program_args(), {test::arr({1.0, 2.0})}); });
  QVERIFY2(e.find("cotangent 0 has shape f32[2]") != std::string::npos, e.c_str());
  e = test::error_of([&] { Stepper(cj, StepMode::Eval, program_args(), {test::scalar(1.0)}); });
  QVERIFY2(e.find("eval mode takes no") != std::string::npos, e.c_str());
}

QTEST_GUILESS_MAIN(TestStepper)
#include "tst_stepper.moc"
