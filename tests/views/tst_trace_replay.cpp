// Traces in the debugger: a session saved with save_trace and replayed by
// ReplaySession shows, step by step, what the live StepperSession showed;
// damaged files give an error naming them; the trace browser lists what a
// trace holds and opens a run on double-click.
#include <QAbstractItemModelTester>
#include <QApplication>
#include <QClipboard>
#include <QContextMenuEvent>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>
#include <functional>

#include "app/cli/transform.h"
#include "app/gui/replay_session.h"
#include "app/gui/stepper_session.h"
#include "app/gui/trace_catalog_reader.h"
#include "app/gui/trace_io.h"
#include "engine/core/error.h"
#include "engine/debug/stepper.h"
#include "engine/jaxpr/parse.h"
#include "engine/jaxpr/print.h"
#include "trace_store/recorder.h"
#include "trace_store/trace_writer.h"
#include "views/trace_browser.h"

using jxr::gui::ReplaySession;
using jxr::gui::StepperSession;
using jxr::views::Mode;
using jxr::views::StepState;
using jxr::views::TraceBrowser;
using jxr::views::TraceCatalogModel;

namespace {

const QString kArgs = QStringLiteral("[[2, 3, 4, 5, 6]]");

// A second program: a jit call with literals, so that frames are replayed too.
const QString kAffine = QStringLiteral(
    "{ lambda ; a:f32[3]. let\n"
    "    b:f32[3] = jit[\n"
    "      name=<lambda>\n"
    "      jaxpr={ lambda ; a:f32[3]. let\n"
    "          c:f32[3] = mul a 2.0:f32[]\n"
    "          b:f32[3] = add c 1.0:f32[]\n"
    "        in (b,) }\n"
    "    ] a\n"
    "  in (b,) }\n");

QString seed_text() {
  QFile f(QStringLiteral(JAXRAY_SOURCE_DIR "/resources/demos/seed.jaxpr"));
  if (!f.open(QIODevice::ReadOnly)) return {};
  return QString::fromUtf8(f.readAll());
}

// The last state a session sent, and every error, while it lives.
struct Watch {
  explicit Watch(jxr::views::Session& s) {
    QObject::connect(&s, &jxr::views::Session::stepped, &guard, [this](const StepState& st) {
      state = st;
      ++stepped;
    });
    QObject::connect(&s, &jxr::views::Session::finished, &guard, [this](const StepState&) { ++finished; });
    QObject::connect(&s, &jxr::views::Session::error, &guard, [this](const QString& m) { errors << m; });
  }
  QObject guard;  // its end disconnects the lambdas above
  StepState state;
  int stepped = 0, finished = 0;
  QStringList errors;
};

// Sends a request to the live session and waits for its answer (a state
// or an error), which may come from a worker thread.
template <class Request>
bool answered(Watch& w, Request request) {
  const int before = w.stepped + static_cast<int>(w.errors.size());
  request();
  return QTest::qWaitFor([&] { return w.stepped + static_cast<int>(w.errors.size()) > before; }, 10000);
}

// A live session on `text` in `mode`, once it has answered.
void open_live(StepperSession& live, Mode mode, const QString& text, const QString& name) {
  Watch w(live);
  live.set_mode(mode);  // no answer without a program; the load after it answers both
  QVERIFY(answered(w, [&] { live.load_text(text, name); }));
  QVERIFY(w.errors.isEmpty());
}

// A state as text, so that a mismatch shows where.
QStringList describe(const StepState& s) {
  QStringList out;
  out << QStringLiteral("mode %1 backward %2 equation %3 step %4 finished %5 event %6 reason %7")
             .arg(static_cast<int>(s.mode))
             .arg(s.backward)
             .arg(s.equation)
             .arg(s.step)
             .arg(s.finished)
             .arg(s.event, s.reason);
  if (!s.backward) out << s.equation_text;
  for (const auto& v : s.variables)
    out << QStringLiteral("%1 | %2 | %3 | %4 | %5 | %6").arg(v.name, v.type, v.value, v.derivative, v.role).arg(v.non_finite);
  return out;
}

// What a trace records of a backward step: the live rows with something to
// show but literals (`2.0:f32[]`, written in the linear equation, which a
// trace does not keep), named without the program variable they stand for
// (`c (dc)` is `c`).
QStringList recorded_part(StepState s) {
  QVector<jxr::views::VariableRow> kept;
  for (auto v : s.variables) {
    if ((v.value.isEmpty() && v.derivative.isEmpty()) || v.name.contains(QLatin1Char(':'))) continue;
    v.name = v.name.section(QLatin1Char(' '), 0, 0);
    kept.push_back(v);
  }
  s.variables = kept;
  s.equation_text.clear();
  QStringList d = describe(s);
  // Roles: the trace knows the last variable is the result, not which others were.
  for (qsizetype i = 1; i < d.size(); ++i) d[i] = d[i].section(QStringLiteral(" | "), 0, 3);
  return d;
}

}  // namespace

class TestTraceReplay : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;
  jxr::ClosedJaxpr seed_;

  QString file(const QString& name) const { return dir_.filePath(name); }

  jxr::gui::SavedTrace save_seed(const QString& path, Mode mode) {
    return jxr::gui::save_trace(path, seed_, QStringLiteral("seed.jaxpr"), seed_text(), QStringLiteral("f"), kArgs, mode);
  }

  // Steps the live session and the replay of its saved run side by side to
  // the end and back to the start, comparing every state. Live stops at jit
  // bodies entered, which a trace does not record, are stepped past.
  void compare_runs(StepperSession& live, ReplaySession& replay, int expected_steps) {
    Watch lw(live), rw(replay);
    QVERIFY(answered(lw, [&] { live.restart(); }));
    replay.restart();
    QCOMPARE(describe(rw.state), describe(lw.state));
    QVector<QStringList> forward;
    int steps = 0;
    while (!lw.state.finished && steps < 100) {
      QVERIFY(answered(lw, [&] { live.step(); }));
      if (lw.state.event == QLatin1String("enter")) continue;
      replay.step();
      ++steps;
      QVERIFY(rw.errors.isEmpty());
      if (lw.state.backward && !lw.state.finished) QCOMPARE(recorded_part(rw.state), recorded_part(lw.state));
      else QCOMPARE(describe(rw.state), describe(lw.state));
      forward << describe(rw.state);
    }
    QCOMPARE(steps, expected_steps);
    QCOMPARE(rw.finished, 1);
    QCOMPARE(lw.finished, 1);
    // At the end, step stays there without finishing again.
    replay.step();
    QVERIFY(rw.state.finished);
    QCOMPARE(rw.finished, 1);
    for (qsizetype i = forward.size() - 2; i >= 0; --i) {
      replay.step_back();
      QCOMPARE(describe(rw.state), forward[i]);
    }
    replay.step_back();
    QCOMPARE(rw.state.event, QStringLiteral("start"));
    QCOMPARE(rw.state.step, 0);
  }

 private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    const QString text = seed_text();
    QVERIFY(!text.isEmpty());
    seed_ = jxr::parse_jaxpr(text.toStdString(), "seed.jaxpr");
  }

  void saved_vjp_run_replays_as_live() {
    const QString path = file(QStringLiteral("seed_vjp.jaxray"));
    const jxr::gui::SavedTrace saved = save_seed(path, Mode::Vjp);
    // The mode asked for first, then the others that apply.
    QCOMPARE(saved.runs.size(), size_t(3));
    QCOMPARE(saved.runs[0].mode, Mode::Vjp);
    QCOMPARE(saved.runs[1].mode, Mode::Eval);
    QCOMPARE(saved.runs[2].mode, Mode::Jvp);
    QCOMPARE(saved.run_id, saved.runs[0].run_id);
    QVERIFY(!QFile::exists(path + "-wal"));

    StepperSession live(kArgs);
    open_live(live, Mode::Vjp, seed_text(), QStringLiteral("seed.jaxpr"));
    ReplaySession replay;
    Watch rw(replay);
    QSignalSpy loaded(&replay, &ReplaySession::loaded);
    replay.open(path, saved.run_id);
    QVERIFY2(rw.errors.isEmpty(), qPrintable(rw.errors.join('\n')));
    QCOMPARE(loaded.count(), 1);
    QCOMPARE(replay.mode(), Mode::Vjp);
    QCOMPARE(replay.jaxpr_text(), live.jaxpr_text());
    QCOMPARE(replay.equation_lines(), live.equation_lines());
    QCOMPARE(replay.transform(), QStringLiteral("seed"));
    QCOMPARE(replay.transforms(), QStringList{QStringLiteral("seed")});

    // Eight forward equations, the linear jaxpr's ten transposes, the end.
    compare_runs(live, replay, 19);

    // The first backward step: `k = add c j` transposed, the output cotangent reaching c and j.
    replay.restart();
    for (int i = 0; i < 9; ++i) replay.step();
    QVERIFY(rw.state.backward);
    QCOMPARE(rw.state.step, 9);
    QCOMPARE(rw.state.variables.size(), 3);
    QCOMPARE(rw.state.variables[0].name, QStringLiteral("c"));
    QCOMPARE(rw.state.variables[0].derivative, QStringLiteral("1.0"));
    QCOMPARE(rw.state.variables[2].name, QStringLiteral("k"));
    QCOMPARE(rw.state.variables[2].role, QStringLiteral("out"));
    // At the end: d/dx (x0 + x0 * x1) = [1 + x1, x0, 0, 0, 0].
    replay.continue_run();
    QVERIFY(rw.state.finished);
    QCOMPARE(rw.state.variables[0].value, QStringLiteral("[2.0, 3.0, 4.0, 5.0, 6.0]"));
    QCOMPARE(rw.state.variables[0].derivative, QStringLiteral("[4.0, 2.0, 0.0, 0.0, 0.0]"));
    QCOMPARE(rw.state.variables[1].value, QStringLiteral("8.0"));
  }

  void eval_and_jvp_runs_replay_as_live() {
    const QString path = file(QStringLiteral("seed_modes.jaxray"));
    save_seed(path, Mode::Eval);
    StepperSession live(kArgs);
    open_live(live, Mode::Eval, seed_text(), QStringLiteral("seed.jaxpr"));
    ReplaySession replay;
    Watch rw(replay);
    replay.load_file(path);
    QVERIFY(rw.errors.isEmpty());
    QCOMPARE(replay.mode(), Mode::Eval);
    compare_runs(live, replay, 9);

    // Another mode is another run of the same jaxpr: the breakpoints stay.
    QSignalSpy loaded(&replay, &ReplaySession::loaded);
    replay.toggle_breakpoint(3);
    {
      Watch lw(live);
      QVERIFY(answered(lw, [&] { live.set_mode(Mode::Jvp); }));
    }
    replay.set_mode(Mode::Jvp);
    QVERIFY(rw.errors.isEmpty());
    QCOMPARE(replay.mode(), Mode::Jvp);
    QCOMPARE(loaded.count(), 0);
    QCOMPARE(replay.breakpoints(), QSet<int>{3});
    QCOMPARE(rw.state.variables[0].derivative, QStringLiteral("[1.0, 1.0, 1.0, 1.0, 1.0]"));
    compare_runs(live, replay, 9);
  }

  void jit_frames_replay_as_live() {
    const QString path = file(QStringLiteral("affine.jaxray"));
    const jxr::ClosedJaxpr affine = jxr::parse_jaxpr(kAffine.toStdString(), "affine.jaxpr");
    const QString args = QStringLiteral("[[1, 2, 3]]");
    const auto saved = jxr::gui::save_trace(path, affine, QStringLiteral("affine.jaxpr"), kAffine, QStringLiteral("f"), args, Mode::Jvp);
    StepperSession live(args);
    open_live(live, Mode::Jvp, kAffine, QStringLiteral("affine.jaxpr"));
    ReplaySession replay;
    Watch rw(replay);
    replay.open(path, saved.run_id);
    QVERIFY(rw.errors.isEmpty());
    // mul and add in the body, the call's own row when it returns, the end.
    compare_runs(live, replay, 4);

    replay.restart();
    replay.step();
    QCOMPARE(rw.state.equation, -1);  // inside the body
    QCOMPARE(rw.state.equation_text, QStringLiteral("c:f32[3] = mul a 2.0:f32[]"));
    QCOMPARE(rw.state.variables[1].value, QStringLiteral("2.0"));  // the literal
    QCOMPARE(rw.state.variables[2].value, QStringLiteral("[2.0, 4.0, 6.0]"));
    QCOMPARE(rw.state.variables[2].derivative, QStringLiteral("[2.0, 2.0, 2.0]"));
    // Out of the body: the call equation, then the end.
    replay.step_out();
    QCOMPARE(rw.state.equation, 0);
    QCOMPARE(rw.state.variables.last().value, QStringLiteral("[3.0, 5.0, 7.0]"));
    replay.step_back();
    QCOMPARE(rw.state.equation_text, QStringLiteral("b:f32[3] = add c 1.0:f32[]"));
    // step_over from the start runs the call whole; step_back undoes it whole.
    replay.restart();
    replay.step_over();
    QCOMPARE(rw.state.equation, 0);
    QCOMPARE(rw.state.step, 4);
    replay.step_back();
    QCOMPARE(rw.state.event, QStringLiteral("start"));
  }

  void breakpoints_and_continue() {
    const QString path = file(QStringLiteral("seed_bp.jaxray"));
    const auto saved = save_seed(path, Mode::Vjp);
    StepperSession live(kArgs);
    open_live(live, Mode::Vjp, seed_text(), QStringLiteral("seed.jaxpr"));
    ReplaySession replay;
    Watch lw(live), rw(replay);
    replay.open(path, saved.run_id);
    QSignalSpy changed(&replay, &ReplaySession::breakpoints_changed);
    for (auto* s : {static_cast<jxr::views::Session*>(&live), static_cast<jxr::views::Session*>(&replay)}) {
      s->toggle_breakpoint(2);
      s->toggle_breakpoint(6);
    }
    QCOMPARE(changed.count(), 2);
    QTRY_COMPARE(live.breakpoints(), (QSet<int>{2, 6}));
    QCOMPARE(replay.breakpoints(), (QSet<int>{2, 6}));
    QVERIFY(answered(lw, [&] { live.continue_run(); }));
    replay.continue_run();
    QCOMPARE(rw.state.equation, 2);
    QCOMPARE(rw.state.reason, QStringLiteral("equation breakpoint"));
    QCOMPARE(describe(rw.state), describe(lw.state));
    QVERIFY(answered(lw, [&] { live.continue_run(); }));
    replay.continue_run();
    QCOMPARE(rw.state.equation, 6);
    QCOMPARE(describe(rw.state), describe(lw.state));
    QCOMPARE(rw.state.variables.last().value, QStringLiteral("6.0"));
    // Each equation passed is a step of its own for step_back.
    replay.step_back();
    QVERIFY(answered(lw, [&] { live.step_back(); }));
    QCOMPARE(rw.state.equation, 5);
    QCOMPARE(describe(rw.state), describe(lw.state));
    replay.toggle_breakpoint(6);
    replay.continue_run();
    QVERIFY(rw.state.finished);
    QCOMPARE(rw.finished, 1);
    QCOMPARE(rw.state.reason, QStringLiteral("finished"));
  }

  void modes_and_transforms_the_trace_lacks() {
    // A trace of an int program: eval only, so there is no jvp run to switch to.
    const QString int_path = file(QStringLiteral("int.jaxray"));
    const QString int_text = QStringLiteral("{ lambda ; a:i32[2]. let b:i32[2] = mul a a in (b,) }");
    const auto program = jxr::parse_jaxpr(int_text.toStdString(), "square.jaxpr");
    const auto saved = jxr::gui::save_trace(int_path, program, "square.jaxpr", int_text, "f", "[[3, 4]]", Mode::Eval);
    QCOMPARE(saved.runs.size(), size_t(1));
    ReplaySession replay;
    Watch rw(replay);
    replay.open(int_path, saved.run_id);
    replay.continue_run();
    QCOMPARE(rw.state.variables.last().value, QStringLiteral("[9, 16]"));
    replay.set_mode(Mode::Jvp);
    QCOMPARE(rw.errors.size(), 1);
    QVERIFY(rw.errors[0].contains(int_path));
    QVERIFY(rw.errors[0].contains(QStringLiteral("no jvp run")));
    QCOMPARE(replay.mode(), Mode::Eval);

    // grad(f) is in the trace once it was saved there; the program is reused.
    const QString path = file(QStringLiteral("seed_grad.jaxray"));
    const auto base = save_seed(path, Mode::Vjp);
    replay.open(path, base.run_id);
    replay.load_transform(QStringLiteral("grad(f)"));
    QCOMPARE(rw.errors.size(), 2);
    QVERIFY(rw.errors[1].contains(QStringLiteral("no jaxpr grad(f)")));
    jxr::cli::TransformSpec spec;
    QVERIFY(!jxr::cli::parse_transform_chain("grad(f)", &spec));
    const jxr::ClosedJaxpr grad = jxr::cli::transform_jaxpr(seed_, spec);
    const auto with_grad = jxr::gui::save_trace(path, grad, "seed.jaxpr", seed_text(), "grad(f)", kArgs, Mode::Eval);
    QCOMPARE(with_grad.program_id, base.program_id);
    QVERIFY(with_grad.jaxpr_id != base.jaxpr_id);
    QSignalSpy transforms(&replay, &ReplaySession::transforms_changed);
    replay.load_transform(QStringLiteral("grad(f)"));
    QCOMPARE(rw.errors.size(), 2);
    QCOMPARE(transforms.count(), 1);
    QCOMPARE(replay.transform(), QStringLiteral("grad(seed)"));
    QCOMPARE(replay.transforms(), (QStringList{"seed", "grad(seed)"}));
    QCOMPARE(replay.jaxpr_id(), with_grad.jaxpr_id);
    replay.continue_run();
    QCOMPARE(rw.state.variables.last().value, QStringLiteral("[4.0, 2.0, 0.0, 0.0, 0.0]"));
    replay.load_transform(QStringLiteral("seed"));
    QCOMPARE(replay.jaxpr_id(), base.jaxpr_id);
    replay.load_text(seed_text(), "seed.jaxpr");
    QCOMPARE(rw.errors.size(), 3);
  }

  void damaged_files_give_errors() {
    const QString good = file(QStringLiteral("good.jaxray"));
    const auto saved = save_seed(good, Mode::Vjp);
    QFile in(good);
    QVERIFY(in.open(QIODevice::ReadOnly));
    const QByteArray bytes = in.readAll();

    const QString half = file(QStringLiteral("half.jaxray"));
    QFile h(half);
    QVERIFY(h.open(QIODevice::WriteOnly));
    h.write(bytes.left(bytes.size() / 2));
    h.close();

    const QString noise = file(QStringLiteral("noise.jaxray"));
    QFile n(noise);
    QVERIFY(n.open(QIODevice::WriteOnly));
    QByteArray random(8192, '\0');
    QRandomGenerator gen(7);
    for (char& c : random) c = static_cast<char>(gen.bounded(256));
    n.write(random);
    n.close();

    const QString empty = file(QStringLiteral("no_runs.jaxray"));
    {
      jxr::trace::TraceWriter w(empty.toStdString());
      w.add_program("seed", seed_text().toStdString(), jxr::trace::Language::Jaxpr);
    }

    ReplaySession replay;
    Watch rw(replay);
    replay.open(good, saved.run_id);
    QVERIFY(rw.errors.isEmpty());
    const QString text = replay.jaxpr_text();
    const QStringList bad = {half, noise, empty, file(QStringLiteral("missing.jaxray"))};
    for (const QString& path : bad) {
      replay.open(path, 1);
      replay.load_file(path);
    }
    QCOMPARE(rw.errors.size(), 2 * bad.size());
    for (qsizetype i = 0; i < rw.errors.size(); ++i) QVERIFY2(rw.errors[i].contains(bad[i / 2]), qPrintable(rw.errors[i]));
    QVERIFY(rw.errors[4].contains(QStringLiteral("no runs")));
    replay.open(good, 99);
    QVERIFY(rw.errors.last().contains(QStringLiteral("no run 99")));
    // What was shown stays, and steps.
    QCOMPARE(replay.jaxpr_text(), text);
    replay.step();
    QCOMPARE(rw.state.equation, 0);

    // The catalog reader and the writer refuse them too, naming the file.
    for (const QString& path : {half, noise}) {
      try {
        jxr::gui::read_catalog(path);
        QFAIL("read_catalog accepted a damaged file");
      } catch (const jxr::Error& e) {
        QVERIFY2(QString::fromUtf8(e.what()).contains(path), e.what());
      }
      try {
        save_seed(path, Mode::Eval);
        QFAIL("save_trace appended to a damaged file");
      } catch (const jxr::Error& e) {
        QVERIFY2(QString::fromUtf8(e.what()).contains(path), e.what());
      }
    }
    // A failed save leaves the file as it was and no temporary beside it.
    QFile again(noise);
    QVERIFY(again.open(QIODevice::ReadOnly));
    QCOMPARE(again.readAll(), random);
    QCOMPARE(QDir(dir_.path()).entryList({"*saving*"}).size(), 0);
    try {
      jxr::gui::save_trace(good, seed_, "seed.jaxpr", seed_text(), "f", "[[1, 2]]", Mode::Eval);
      QFAIL("save_trace took arguments of the wrong shape");
    } catch (const jxr::Error& e) {
      QVERIFY2(QString::fromUtf8(e.what()).contains(good), e.what());
    }
    QCOMPARE(jxr::gui::read_catalog(good).runs.size(), 3);
  }

  void non_finite_values_and_unfinished_runs() {
    // log 0 = -inf: flagged in the replay as live.
    const QString log_text = QStringLiteral("{ lambda ; a:f32[2]. let b:f32[2] = log a in (b,) }");
    const QString args = QStringLiteral("[[0, 1]]");
    const QString path = file(QStringLiteral("log.jaxray"));
    const auto saved = jxr::gui::save_trace(path, jxr::parse_jaxpr(log_text.toStdString(), "log.jaxpr"), "log.jaxpr",
                                            log_text, "f", args, Mode::Jvp);
    StepperSession live(args);
    open_live(live, Mode::Jvp, log_text, QStringLiteral("log.jaxpr"));
    ReplaySession replay;
    Watch rw(replay);
    replay.open(path, saved.run_id);
    compare_runs(live, replay, 2);
    replay.restart();
    replay.step();
    QCOMPARE(rw.state.variables[1].value, QStringLiteral("[-Infinity, 0.0]"));
    QCOMPARE(rw.state.variables[1].derivative, QStringLiteral("[Infinity, 1.0]"));
    QVERIFY(rw.state.variables[1].non_finite);
    QVERIFY(!rw.state.variables[0].non_finite);

    // A recorder stopped after three steps, its steps committed as it went;
    // and a jaxpr row whose equation rows are missing.
    const QString cut = file(QStringLiteral("cut.jaxray"));
    qint64 cut_run = 0, bare_run = 0;
    {
      jxr::trace::WriterOptions options;
      options.commit_every_bytes = 1;
      jxr::trace::TraceWriter writer(cut.toStdString(), options);
      const int64_t program = writer.add_program("seed", seed_text().toStdString(), jxr::trace::Language::Jaxpr);
      const std::string text = jxr::print_closed_jaxpr(seed_);
      const int64_t bare = writer.add_jaxpr(program, "bare", text, {});
      const std::vector<jxr::Array> ones = {jxr::Array::full({5}, 1.0, jxr::DType::F32)};
      bare_run = jxr::trace::record_run(writer, bare, seed_, jxr::StepMode::Eval, ones, {}, "{}");
      std::vector<jxr::trace::EqnInfo> eqns;
      jxr::JaxprNames names(*seed_.jaxpr);
      for (size_t i = 0; i < seed_.jaxpr->eqns.size(); ++i)
        eqns.push_back({static_cast<int64_t>(i), seed_.jaxpr->eqns[i].prim->name(), names.equation(*seed_.jaxpr, i), "", {}});
      const int64_t jaxpr = writer.add_jaxpr(program, "seed", text, eqns);
      jxr::trace::TraceRecorder recorder(writer, jaxpr, jxr::StepMode::Eval, "{}");
      jxr::Stepper stepper(seed_, jxr::StepMode::Eval, ones);
      stepper.set_observer(&recorder);
      for (int i = 0; i < 3; ++i) stepper.step();
      cut_run = recorder.run_id();
    }
    const jxr::views::TraceCatalog catalog = jxr::gui::read_catalog(cut);
    QCOMPARE(catalog.runs.size(), 2);
    QCOMPARE(catalog.runs[1].steps, 3);
    QVERIFY(!catalog.runs[1].finished);
    replay.open(cut, cut_run);
    QVERIFY(rw.errors.isEmpty());
    replay.continue_run();
    QCOMPARE(rw.state.step, 3);
    QCOMPARE(rw.state.equation, 2);
    QCOMPARE(rw.errors.size(), 1);
    QVERIFY(rw.errors[0].contains(QStringLiteral("was not finished")));
    QVERIFY(rw.errors[0].contains(cut));
    replay.step_back();
    QCOMPARE(rw.state.equation, 1);
    replay.open(cut, bare_run);
    QCOMPARE(rw.errors.size(), 2);
    QVERIFY(rw.errors[1].contains(QStringLiteral("lists 0 equations")));
    QCOMPARE(replay.run_id(), cut_run);
  }

  void browser_lists_filters_and_opens() {
    const QString path = file(QStringLiteral("two_programs.jaxray"));
    save_seed(path, Mode::Vjp);
    const jxr::ClosedJaxpr affine = jxr::parse_jaxpr(kAffine.toStdString(), "affine.jaxpr");
    jxr::gui::save_trace(path, affine, "affine.jaxpr", kAffine, "f", "[[1, 2, 3]]", Mode::Eval);
    jxr::cli::TransformSpec spec;
    QVERIFY(!jxr::cli::parse_transform_chain("grad(f)", &spec));
    jxr::gui::save_trace(path, jxr::cli::transform_jaxpr(seed_, spec), "seed.jaxpr", seed_text(), "grad(f)", kArgs, Mode::Eval);

    const jxr::views::TraceCatalog catalog = jxr::gui::read_catalog(path);
    QCOMPARE(catalog.file.schema_version, 1);
    QVERIFY(catalog.file.size_bytes > 0);
    TraceBrowser browser;
    QAbstractItemModelTester tester(browser.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester proxy_tester(browser.filter_model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    browser.set_catalog(catalog);
    browser.resize(640, 420);
    browser.show();
    QVERIFY(QTest::qWaitForWindowExposed(&browser));

    // Every row, depth first, as `name | kind | size | status`.
    auto rows = [](const QAbstractItemModel* m) {
      QStringList out;
      std::function<void(const QModelIndex&, int)> walk = [&](const QModelIndex& parent, int depth) {
        for (int r = 0; r < m->rowCount(parent); ++r) {
          QStringList cells;
          for (int c = 0; c < m->columnCount(parent); ++c) cells << m->index(r, c, parent).data().toString();
          out << QString(depth * 2, QLatin1Char(' ')) + cells.join(QStringLiteral(" | "));
          walk(m->index(r, 0, parent), depth + 1);
        }
      };
      walk({}, 0);
      return out;
    };
    // Each save records every mode that applies: the int-free programs get all three.
    QCOMPARE(rows(browser.model()), (QStringList{
                                        "seed | jaxpr | 2 jaxprs | 6 runs",
                                        "  seed | program | 8 equations | 3 runs",
                                        "    run 1 | vjp | 18 steps | complete",
                                        "    run 2 | eval | 8 steps | complete",
                                        "    run 3 | jvp | 8 steps | complete",
                                        "  grad(seed) | grad | 18 equations | 3 runs",
                                        "    run 7 | eval | 18 steps | complete",
                                        "    run 8 | jvp | 18 steps | complete",
                                        "    run 9 | vjp | 30 steps | complete",
                                        "affine | jaxpr | 1 jaxpr | 3 runs",
                                        "  affine | program | 1 equation | 3 runs",
                                        "    run 4 | eval | 3 steps | complete",
                                        "    run 5 | jvp | 3 steps | complete",
                                        "    run 6 | vjp | 4 steps | complete",
                                    }));
    QVERIFY(browser.findChild<QLabel*>("trace_summary")->text().contains("2 programs · 3 jaxprs · 9 runs"));

    // Filtering keeps the matches with the way down to them.
    QTest::keyClicks(browser.filter_field(), QStringLiteral("JVP"));
    QCOMPARE(rows(browser.filter_model()), (QStringList{
                                               "seed | jaxpr | 2 jaxprs | 6 runs",
                                               "  seed | program | 8 equations | 3 runs",
                                               "    run 3 | jvp | 8 steps | complete",
                                               "  grad(seed) | grad | 18 equations | 3 runs",
                                               "    run 8 | jvp | 18 steps | complete",
                                               "affine | jaxpr | 1 jaxpr | 3 runs",
                                               "  affine | program | 1 equation | 3 runs",
                                               "    run 5 | jvp | 3 steps | complete",
                                           }));
    browser.filter_field()->clear();
    QTest::keyClicks(browser.filter_field(), QStringLiteral("grad"));
    QCOMPARE(rows(browser.filter_model()).size(), 5);  // seed, grad(seed) and its three runs
    browser.filter_field()->clear();
    QCOMPARE(rows(browser.filter_model()).size(), 14);

    // Double-click a run: its jaxpr and run ids.
    QSignalSpy runs(&browser, &TraceBrowser::run_activated);
    QSignalSpy jaxprs(&browser, &TraceBrowser::jaxpr_activated);
    QTreeView* tree = browser.tree();
    const QModelIndex affine_program = browser.filter_model()->index(1, 0);
    const QModelIndex run5 = browser.filter_model()->index(1, 0, browser.filter_model()->index(0, 0, affine_program));
    QCOMPARE(run5.data().toString(), QStringLiteral("run 5"));
    const QPoint at = tree->visualRect(run5).center();
    // A widget double-click as the window system sends it: press, release, double-click, release.
    QTest::mouseClick(tree->viewport(), Qt::LeftButton, {}, at);
    QTest::mouseDClick(tree->viewport(), Qt::LeftButton, {}, at);
    QTest::mouseRelease(tree->viewport(), Qt::LeftButton, {}, at);
    QCOMPARE(runs.count(), 1);
    QCOMPARE(runs[0][0].toLongLong(), catalog.jaxprs[1].id);
    QCOMPARE(runs[0][1].toLongLong(), 5);
    QCOMPARE(jaxprs.count(), 0);

    // Enter on a jaxpr.
    const QModelIndex grad_row = browser.filter_model()->index(1, 0, browser.filter_model()->index(0, 0));
    tree->setCurrentIndex(grad_row);
    tree->setFocus();
    QTest::keyClick(tree, Qt::Key_Return);
    QCOMPARE(jaxprs.count(), 1);
    QCOMPARE(jaxprs[0][0].toLongLong(), catalog.jaxprs[2].id);

    // The context menu of a run: Open run, Copy id.
    QContextMenuEvent menu_event(QContextMenuEvent::Mouse, at, tree->viewport()->mapToGlobal(at));
    QApplication::sendEvent(tree->viewport(), &menu_event);
    auto* menu = browser.findChild<QMenu*>("trace_menu");
    QVERIFY(menu);
    QCOMPARE(menu->actions().size(), 2);
    QCOMPARE(menu->actions()[0]->text(), QStringLiteral("Open run"));
    QAction* copy = menu->findChild<QAction*>("copy_id");
    QVERIFY(copy);
    copy->trigger();
    QCOMPARE(QApplication::clipboard()->text(), QStringLiteral("5"));
    menu->actions()[0]->trigger();
    QCOMPARE(runs.count(), 2);
    QCOMPARE(runs[1][1].toLongLong(), 5);
    menu->close();

    // The ids it sends open that run in a replay.
    ReplaySession replay;
    Watch rw(replay);
    replay.open(path, runs[0][1].toLongLong());
    QVERIFY(rw.errors.isEmpty());
    QCOMPARE(replay.transform(), QStringLiteral("affine"));
    QCOMPARE(replay.mode(), Mode::Jvp);
  }
};

QTEST_MAIN(TestTraceReplay)
#include "tst_trace_replay.moc"
