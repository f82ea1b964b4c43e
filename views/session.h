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

namespace jxr::views {

enum class Mode { Eval, Jvp, Vjp };

struct VariableRow {
  QString name;
  QString type;
  QString value;       // preview; empty for backward-phase linear variables
  QString derivative;  // tangent (jvp) or cotangent (vjp backward) preview; empty: zero or none
  QString role;        // "in" or "out" of the equation (of the program at start and end)
  bool non_finite = false;  // value or derivative holds a NaN or an Inf
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

 signals:
  void loaded();  // a new program (or mode): the text, lines and breakpoints changed
  void stepped(const jxr::views::StepState& state);
  void finished(const jxr::views::StepState& state);
  void error(const QString& message);
  void breakpoints_changed();
  void transforms_changed();  // the shown chain or the list of chains changed
};

}  // namespace jxr::views
