// What the panels of the debugger need from a debugging session: plain,
// Qt-friendly copies of the stepper's snapshots, the signals that deliver
// them, and the requests a panel or the main window may make. app/
// implements it over the engine; panels include nothing from app/ or engine/.
#pragma once

#include <QObject>
#include <QSet>
#include <QString>
#include <QStringList>
#include <QVector>
#include <QMetaType>

#include "views/array_data.h"
#include "views/graph_data.h"

namespace jxr::views {

enum class Mode { Eval, Jvp, Vjp };

struct VariableRow {
  QString name;
  QString type;
  QString value;       // preview; empty for backward-phase linear variables
  QString derivative;  // tangent (jvp) or cotangent (vjp backward) preview; empty: zero or none
  QString contributions;  // vjp backward: the linear equations whose transposes added to the cotangent
  QString role;        // "in" or "out" of the equation (of the program at start and end)
  bool non_finite = false;  // value or derivative holds a NaN or an Inf
};

// How large a program variable's tangent (jvp) or cotangent (vjp) is: the
// largest magnitude of its elements, NaN when one is NaN or infinite.
struct Magnitude {
  QString name;
  double value = 0;
};

// A variable's values so far, for the inspector and hover tooltips: its
// primal and its tangent (jvp) or cotangent (vjp, once the backward pass
// has reached it). `found` is false before the variable is computed.
struct VariableValue {
  QString name;
  bool found = false;
  ArrayData value;
  ArrayData derivative;  // empty name: none (eval, or a zero)
  QString derivative_kind;  // `tangent` or `cotangent`
};

// What the session shows, as one value, so that a session on another
// thread can hand it over whole.
struct ProgramInfo {
  QString text;
  QVector<int> lines;         // the first text line (0-based) of each top-level equation
  QVector<int> source_lines;  // each top-level equation's line (1-based) in `source_file`, 0: none
  QString source_file;        // the script the program was traced from, empty for jaxpr text
  QSet<int> breakpoints;      // top-level equations
  QSet<int> source_breakpoints;  // lines of `source_file`
  QStringList primitive_breakpoints;
  bool break_on_non_finite = false;
  Mode mode = Mode::Eval;
  QString transform = QStringLiteral("f");
  QStringList transforms;
  // vjp, once the backward phase has begun: the linear jaxpr whose
  // equations it steps in reverse, and their first lines.
  QString linear_text;
  QVector<int> linear_lines;
  // The shown program's dataflow graph, and a number that changes with the
  // program (not with its mode or breakpoints), so the graph is laid out once.
  GraphData graph;
  int program_id = 0;
};

struct StepState {
  Mode mode = Mode::Eval;
  bool backward = false;  // vjp's backward phase: `equation` indexes the linear jaxpr
  int equation = -1;      // top-level equation of the shown jaxpr; -1 at start and end or inside a jit body
  int step = 0;
  bool finished = false;
  QString event, reason;  // the stepper's words: `equation`, `breakpoint at equation` ...
  QString equation_text;
  QVector<VariableRow> variables;
  // The derivatives this step computed; with `magnitudes_reset`, all so far
  // (a restart or a step back replaces what a panel kept).
  QVector<Magnitude> magnitudes;
  bool magnitudes_reset = false;
};

class Session : public QObject {
  Q_OBJECT
 public:
  using QObject::QObject;

  // The shown program: its printed text and the first line of each top-level equation.
  virtual QString jaxpr_text() const = 0;
  virtual QVector<int> equation_lines() const = 0;
  virtual QSet<int> breakpoints() const = 0;
  virtual Mode mode() const = 0;
  // The transformation chain of the shown program (`f`, `grad(f)`,
  // `vmap(grad(f))`) and the chains loaded so far for the current program.
  virtual QString transform() const = 0;
  virtual QStringList transforms() const = 0;
  // Where the shown program came from; sessions over jaxpr text or traces have no script.
  virtual QVector<int> source_lines() const { return {}; }
  virtual QString linear_text() const { return {}; }
  virtual QVector<int> linear_lines() const { return {}; }
  virtual GraphData graph() const { return {}; }
  virtual int program_id() const { return 0; }
  virtual QString source_file() const { return {}; }
  virtual QSet<int> source_breakpoints() const { return {}; }
  virtual QStringList primitive_breakpoints() const { return {}; }
  virtual bool break_on_non_finite() const { return false; }
  // A request is running (a script, a long continue); `interrupt` stops a script.
  virtual bool busy() const { return false; }

  // Each request answers with `stepped` (and `finished` at the end) or `error`.
  virtual void load_text(const QString& text, const QString& source_name) = 0;
  virtual void load_file(const QString& path) = 0;
  virtual void set_mode(Mode m) = 0;
  virtual void step() = 0;
  virtual void step_over() = 0;
  virtual void step_out() = 0;
  virtual void step_back() = 0;
  virtual void continue_run() = 0;
  virtual void restart() = 0;
  virtual void toggle_breakpoint(int equation) = 0;
  // Shows the program loaded last through `chain` as JAX spells it
  // (`grad(f)`, `vmap(grad(f))`, `f` for the program itself). A chain that
  // does not parse or does not apply (grad of a non-scalar output) answers
  // `error` and keeps the shown program.
  virtual void load_transform(const QString& chain) = 0;
  // Runs a JAX-style script and traces `call` (`f(jnp.ones(3))`) in it:
  // the result becomes the program, its arguments the inputs. Answers
  // `loaded` and `stepped`, or `script_error` (and `error`).
  virtual void run_script(const QString& source, const QString& file, const QString& call) {
    (void)source, (void)file, (void)call;
    emit error(QStringLiteral("this session does not run scripts"));
  }
  virtual void interrupt() {}
  // Continues to the start of `equation` (a top-level one), ignoring breakpoints on the way.
  virtual void run_to_equation(int equation) { (void)equation; }
  virtual void toggle_source_breakpoint(int line) { (void)line; }
  virtual void set_primitive_breakpoints(const QStringList& primitives) { (void)primitives; }
  virtual void set_break_on_non_finite(bool on) { (void)on; }
  // Answers `value_ready` with the variable (named as the shown jaxpr names it).
  virtual void request_value(const QString& name) { (void)name; }
  // Records the shown program and a run of it in each mode into the `.jaxray`
  // trace at `path` (added to it when it exists); answers `trace_saved` or `error`.
  virtual void save_trace(const QString& path) {
    (void)path;
    emit error(QStringLiteral("this session cannot save traces"));
  }

 signals:
  void loaded();  // a new program (or mode): the text, lines and breakpoints changed
  void stepped(const jxr::views::StepState& state);
  void finished(const jxr::views::StepState& state);
  void error(const QString& message);
  void breakpoints_changed();
  void transforms_changed();  // the shown chain or the list of chains changed
  // What the script printed (sys.stdout; `is_error`: sys.stderr).
  void output(const QString& text, bool is_error);
  // The script raised: the traceback and the script's line (0: none of its lines).
  void script_error(const QString& message, int line);
  void busy_changed(bool busy, const QString& what);
  void value_ready(const jxr::views::VariableValue& value);
  void trace_saved(const QString& path);
};

}  // namespace jxr::views

Q_DECLARE_METATYPE(jxr::views::StepState)
Q_DECLARE_METATYPE(jxr::views::ProgramInfo)
Q_DECLARE_METATYPE(jxr::views::VariableValue)
