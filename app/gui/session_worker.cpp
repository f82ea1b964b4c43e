#include "app/gui/stepper_session.h"

#include <cmath>
#include <utility>

#include "app/cli/jaxpr_source.h"
#include "app/cli/json_values.h"
#include "app/cli/transform.h"
#include "engine/core/error.h"
#include "engine/jaxpr/parse.h"
#include "engine/jaxpr/print.h"

namespace jxr::gui {

namespace {

constexpr qsizetype kPreviewChars = 120;

StepMode to_engine(views::Mode m) {
  switch (m) {
    case views::Mode::Eval: return StepMode::Eval;
    case views::Mode::Jvp: return StepMode::Jvp;
    case views::Mode::Vjp: return StepMode::Vjp;
  }
  return StepMode::Eval;
}

QString preview(const Array& a) {
  if (!a.defined()) return {};
  QString s = QString::fromStdString(cli::array_to_json(a));
  return s.size() > kPreviewChars ? s.left(kPreviewChars) + QStringLiteral("…") : s;
}

bool non_finite(const Array& a) {
  if (!a.defined() || !is_floating(a.dtype())) return false;
  for (double d : a.to_doubles())
    if (!std::isfinite(d)) return true;
  return false;
}

// Ones for each floating input (jvp) or output (vjp): a seed that shows every
// path; other dtypes get the stepper's symbolic zero.
std::vector<Array> ones_seeds(const std::vector<ShapedArray>& avals) {
  std::vector<Array> seeds;
  for (const ShapedArray& a : avals)
    seeds.push_back(is_floating(a.dtype) ? Array::full(a.shape, 1.0, a.dtype) : Array{});
  return seeds;
}

views::StepState to_state(const StepSnapshot& s) {
  views::StepState st;
  st.mode = s.mode == StepMode::Jvp ? views::Mode::Jvp : s.mode == StepMode::Vjp ? views::Mode::Vjp : views::Mode::Eval;
  st.backward = s.phase == StepPhase::Backward;
  st.equation = s.frame_path.empty() && s.eqn_index != kNoEquation ? static_cast<int>(s.eqn_index) : -1;
  st.step = static_cast<int>(s.step);
  st.finished = s.event == StepEvent::Finished;
  st.event = to_string(s.event);
  st.reason = to_string(s.reason);
  st.equation_text = QString::fromStdString(s.equation);
  auto add = [&](const std::vector<VarSnapshot>& vars, const QString& role) {
    for (const VarSnapshot& v : vars) {
      views::VariableRow row;
      row.name = QString::fromStdString(v.name);
      if (!v.primal_name.empty()) row.name += QStringLiteral(" (d%1)").arg(QString::fromStdString(v.primal_name));
      row.type = QString::fromStdString(v.type);
      row.value = preview(v.value);
      const Array& d = s.mode == StepMode::Vjp ? v.cotangent : v.tangent;
      row.derivative = preview(d);
      row.role = role;
      row.non_finite = non_finite(v.value) || non_finite(d);
      st.variables.push_back(row);
    }
  };
  add(s.inputs, QStringLiteral("in"));
  add(s.outputs, QStringLiteral("out"));
  return st;
}

}  // namespace

StepperSession::StepperSession(std::optional<QString> args_json, QObject* parent)
    : Session(parent), args_json_(std::move(args_json)) {}

StepperSession::~StepperSession() = default;

void StepperSession::load_text(const QString& text, const QString& source_name) {
  try {
    load_base(parse_jaxpr(text.toStdString(), source_name.toStdString()));
  } catch (const std::exception& e) {
    emit error(QString::fromStdString(e.what()));
  }
}

void StepperSession::load_file(const QString& path) {
  try {
    load_base(cli::load_jaxpr(path.toStdString()));
  } catch (const std::exception& e) {
    emit error(QString::fromStdString(e.what()));
  }
}

void StepperSession::load_base(ClosedJaxpr program) {
  const QString old = std::exchange(transform_, QStringLiteral("f"));
  try {
    load(program, false);
  } catch (...) {
    transform_ = old;
    throw;
  }
  base_ = std::move(program);
  transforms_ = {transform_};
  emit transforms_changed();
}

void StepperSession::load_transform(const QString& chain) {
  if (!base_) return emit error(tr("no program is open to transform"));
  const QString written = chain.simplified().remove(QLatin1Char(' '));
  // A bare function name is the program itself.
  static const QStringList kTransformations = {"jvp", "vjp", "grad", "vmap", "jacfwd", "jacrev", "hessian"};
  const bool identity = !written.isEmpty() && !written.contains(QLatin1Char('(')) &&
                        !written.contains(QLatin1Char(')')) && !kTransformations.contains(written);
  cli::TransformSpec spec;
  if (!identity) {
    if (auto err = cli::parse_transform_chain(written.toStdString(), &spec))
      return emit error(QString::fromStdString(*err));
  }
  // The shown chain changes first, so that the snapshots `load` sends name it.
  const QString old = std::exchange(transform_, QString::fromStdString(cli::chain_text(spec, "f")));
  try {
    if (spec.steps.empty())
      load(*base_, false);
    else
      load(cli::transform_jaxpr(*base_, spec), true);
  } catch (const cli::TransformError& e) {
    transform_ = old;
    return emit error(QStringLiteral("%1: %2").arg(QString::fromStdString(e.flag()), QString::fromUtf8(e.what())));
  } catch (const std::exception& e) {
    transform_ = old;
    return emit error(QString::fromUtf8(e.what()));
  }
  if (!transforms_.contains(transform_)) transforms_.push_back(transform_);
  emit transforms_changed();
}

void StepperSession::load(ClosedJaxpr program, bool transformed) {
  // Build the stepper first so that a failure (bad arguments) keeps the old program.
  std::optional<ClosedJaxpr> old = std::move(program_);
  const bool old_transformed = transformed_;
  program_ = std::move(program);
  transformed_ = transformed;
  try {
    rebuild();
  } catch (...) {
    program_ = std::move(old);
    transformed_ = old_transformed;
    throw;
  }
  text_ = QString::fromStdString(print_closed_jaxpr(*program_));
  const QStringList text_lines = text_.split(QLatin1Char('\n'));
  JaxprNames names(*program_->jaxpr);
  lines_.clear();
  int from = 0;
  for (size_t i = 0; i < program_->jaxpr->eqns.size(); ++i) {
    const QString first = QString::fromStdString(names.equation(*program_->jaxpr, i)).section(QLatin1Char('\n'), 0, 0).trimmed();
    while (from < text_lines.size() && text_lines[from].trimmed() != first) ++from;
    lines_.push_back(from);
  }
  breakpoints_.clear();
  emit loaded();
  emit stepped(to_state(stepper_->restart()));
}

void StepperSession::rebuild() {
  std::vector<Array> args;
  const std::vector<ShapedArray> in = program_->in_avals();
  bool given = false;
  if (args_json_) {
    try {
      for (const Value& v : cli::parse_json_args(args_json_->toStdString(), in)) args.push_back(v.array());
      given = true;
    } catch (const std::exception&) {
      // A transformation's inputs (tangents, a batch axis) need not fit the
      // arguments given for the program: those get ones. The program itself must fit.
      if (!transformed_) throw;
      args.clear();
    }
  }
  if (!given)
    for (const ShapedArray& a : in) args.push_back(Array::full(a.shape, 1.0, a.dtype));
  const StepMode m = to_engine(mode_);
  std::vector<Array> seeds = m == StepMode::Jvp   ? ones_seeds(in)
                             : m == StepMode::Vjp ? ones_seeds(program_->out_avals())
                                                  : std::vector<Array>{};
  auto s = std::make_unique<Stepper>(*program_, m, std::move(args), std::move(seeds));
  for (int b : breakpoints_) s->add_breakpoint(Breakpoint::at_equation({}, static_cast<size_t>(b)));
  stepper_ = std::move(s);
}

void StepperSession::set_mode(views::Mode m) {
  if (m == mode_) return;
  mode_ = m;
  if (!program_) return;
  try {
    rebuild();
    emit stepped(to_state(stepper_->restart()));
  } catch (const std::exception& e) {
    emit error(QString::fromStdString(e.what()));
  }
}

void StepperSession::request(StepSnapshot (Stepper::*op)()) {
  if (!stepper_) return;
  try {
    const bool was_finished = stepper_->finished();
    views::StepState st = to_state(((*stepper_).*op)());
    emit stepped(st);
    if (st.finished && !was_finished) emit finished(st);
  } catch (const std::exception& e) {
    emit error(QString::fromStdString(e.what()));
  }
}

void StepperSession::step() { request(&Stepper::step); }
void StepperSession::step_over() { request(&Stepper::step_over); }
void StepperSession::step_out() { request(&Stepper::step_out); }
void StepperSession::step_back() { request(&Stepper::step_back); }
void StepperSession::continue_run() { request(&Stepper::run); }
void StepperSession::restart() { request(&Stepper::restart); }

void StepperSession::toggle_breakpoint(int equation) {
  if (!stepper_) return;
  if (!breakpoints_.remove(equation)) breakpoints_.insert(equation);
  // The stepper removes breakpoints only all at once.
  stepper_->clear_breakpoints();
  for (int b : breakpoints_) stepper_->add_breakpoint(Breakpoint::at_equation({}, static_cast<size_t>(b)));
  emit breakpoints_changed();
}

}  // namespace jxr::gui
