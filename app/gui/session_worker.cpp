#include "app/gui/session_worker.h"

#include <QElapsedTimer>

#include <cmath>
#include <utility>

#include "app/cli/jaxpr_source.h"
#ifdef JAXRAY_HAVE_PYTHON
#include "app/cli/python_source.h"
#endif
#include "app/cli/json_values.h"
#include "app/cli/transform.h"
#include "app/gui/graph_convert.h"
#include "app/gui/modes.h"
#include "app/gui/trace_io.h"
#include "engine/core/error.h"
#include "engine/jaxpr/parse.h"
#include "engine/jaxpr/print.h"

namespace jxr::gui {

namespace {

constexpr qsizetype kPreviewChars = 120;

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

views::ArrayData array_data(const QString& name, const Array& a) {
  views::ArrayData d;
  if (!a.defined()) return d;
  d.name = name;
  d.dtype = QString::fromStdString(std::string(dtype_short_name(a.dtype())));
  for (int64_t n : a.shape()) d.shape.push_back(n);
  const std::vector<double> values = a.to_doubles();
  d.values = QVector<double>(values.begin(), values.end());
  return d;
}

// The first text line of each top-level equation of `jaxpr` in its full print `text`.
QVector<int> first_lines(const QString& text, const Jaxpr& jaxpr) {
  const QStringList text_lines = text.split(QLatin1Char('\n'));
  JaxprNames names(jaxpr);
  QVector<int> lines;
  int from = 0;
  for (size_t i = 0; i < jaxpr.eqns.size(); ++i) {
    const QString first = QString::fromStdString(names.equation(jaxpr, i)).section(QLatin1Char('\n'), 0, 0).trimmed();
    while (from < text_lines.size() && text_lines[from].trimmed() != first) ++from;
    lines.push_back(from);
  }
  return lines;
}

double magnitude(const Array& a) {
  double m = 0;
  for (double d : a.to_doubles()) {
    if (!std::isfinite(d)) return std::nan("");
    m = std::max(m, std::abs(d));
  }
  return m;
}

// The derivatives `s` shows, keyed by the program's variables: jvp's
// tangents; vjp's cotangents, which the backward phase's linear variables
// carry for a program variable (`primal_name`) and the end for the inputs.
QVector<views::Magnitude> magnitudes(const StepSnapshot& s) {
  QVector<views::Magnitude> out;
  const bool backward_or_end = s.phase == StepPhase::Backward || s.event == StepEvent::Finished;
  for (const auto* vars : {&s.inputs, &s.outputs})
    for (const VarSnapshot& v : *vars) {
      if (v.literal) continue;
      if (s.mode == StepMode::Jvp && v.tangent.defined())
        out.push_back({QString::fromStdString(v.name), magnitude(v.tangent)});
      if (s.mode == StepMode::Vjp && backward_or_end && v.cotangent.defined()) {
        const std::string& name = s.phase == StepPhase::Backward ? v.primal_name : v.name;
        if (!name.empty()) out.push_back({QString::fromStdString(name), magnitude(v.cotangent)});
      }
    }
  return out;
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
      if (!v.contributions.empty()) {
        QStringList from;
        for (int64_t c : v.contributions) from << (c < 0 ? QStringLiteral("seed") : QString::number(c));
        row.contributions = from.join(QStringLiteral(", "));
      }
      row.non_finite = non_finite(v.value) || non_finite(d);
      st.variables.push_back(row);
    }
  };
  add(s.inputs, QStringLiteral("in"));
  add(s.outputs, QStringLiteral("out"));
  return st;
}

}  // namespace

SessionWorker::SessionWorker(std::optional<QString> args_json) : args_json_(std::move(args_json)) {}

SessionWorker::~SessionWorker() = default;

void SessionWorker::announce(Change what) { emit program(info_, what); }

void SessionWorker::load_text(const QString& text, const QString& source_name) {
  // Jaxpr text comes from no script.
  const QString old_file = std::exchange(info_.source_file, QString());
  try {
    load_base(parse_jaxpr(text.toStdString(), source_name.toStdString()));
    source_name_ = source_name;
    source_text_ = text;
  } catch (const std::exception& e) {
    info_.source_file = old_file;
    emit error(QString::fromStdString(e.what()));
  }
  emit done();
}

void SessionWorker::load_file(const QString& path) {
  // Jaxpr text comes from no script.
  const QString old_file = std::exchange(info_.source_file, QString());
  try {
    load_base(cli::load_jaxpr(path.toStdString()));
    source_name_ = path;
    source_text_ = info_.text;
  } catch (const std::exception& e) {
    info_.source_file = old_file;
    emit error(QString::fromStdString(e.what()));
  }
  emit done();
}

void SessionWorker::run_script(const QString& source, const QString& file, const QString& call) {
#ifdef JAXRAY_HAVE_PYTHON
  emit busy_changed(true, tr("running %1").arg(call));
  // Output goes over in batches at most every 30 ms: a script printing in a
  // loop would flood the GUI thread with one event per write.
  QString pending;
  bool pending_is_error = false;
  QElapsedTimer since_flush;
  since_flush.start();
  auto flush = [&] {
    if (!pending.isEmpty()) emit output(std::exchange(pending, QString()), pending_is_error);
    since_flush.restart();
  };
  auto write = [&](const std::string& s, bool is_error) {
    if (is_error != pending_is_error) flush();
    pending_is_error = is_error;
    pending += QString::fromStdString(s);
    if (since_flush.elapsed() >= 30) flush();
  };
  cli::PythonOutput out{[&](const std::string& s) { write(s, false); }, [&](const std::string& s) { write(s, true); }};
  std::optional<cli::TracedCall> traced;
  QString failure;
  int line = 0;
  try {
    traced = cli::trace_python_call(source.toStdString(), file.toStdString(), call.toStdString(), out);
  } catch (const cli::PythonError& e) {
    failure = QString::fromStdString(e.what());
    line = e.line();
  } catch (const std::exception& e) {
    failure = QString::fromStdString(e.what());
  }
  // What the script printed comes before what it raised.
  flush();
  if (traced) {
    const QString old_file = std::exchange(info_.source_file, file);
    try {
      load_base(std::move(traced->program), std::move(traced->args));
      source_name_ = file;
      source_text_ = source;
    } catch (const std::exception& e) {
      info_.source_file = old_file;
      failure = QString::fromStdString(e.what());
    }
  }
  if (!failure.isEmpty()) {
    emit script_error(failure, line);
    emit error(failure);
  }
  emit busy_changed(false, {});
#else
  (void)source, (void)file, (void)call;
  emit error(tr("this build of jaxray has no Python: scripts cannot run"));
#endif
  emit done();
}

void SessionWorker::load_base(ClosedJaxpr program, std::optional<std::vector<Array>> args) {
  const QString old = std::exchange(info_.transform, QStringLiteral("f"));
  std::optional<std::vector<Array>> old_args = std::exchange(script_args_, std::move(args));
  try {
    load(program, false);
  } catch (...) {
    info_.transform = old;
    script_args_ = std::move(old_args);
    throw;
  }
  base_ = std::move(program);
  info_.transforms = {info_.transform};
  announce(Transforms);
}

void SessionWorker::load_transform(const QString& chain) {
  if (!base_) {
    emit error(tr("no program is open to transform"));
    return emit done();
  }
  const QString written = chain.simplified().remove(QLatin1Char(' '));
  // A bare function name is the program itself.
  static const QStringList kTransformations = {"jvp", "vjp", "grad", "vmap", "jacfwd", "jacrev", "hessian"};
  const bool identity = !written.isEmpty() && !written.contains(QLatin1Char('(')) &&
                        !written.contains(QLatin1Char(')')) && !kTransformations.contains(written);
  cli::TransformSpec spec;
  if (!identity) {
    if (auto err = cli::parse_transform_chain(written.toStdString(), &spec)) {
      emit error(QString::fromStdString(*err));
      return emit done();
    }
  }
  // The shown chain changes first, so that the snapshots `load` sends name it.
  const QString old = std::exchange(info_.transform, QString::fromStdString(cli::chain_text(spec, "f")));
  try {
    if (spec.steps.empty())
      load(*base_, false);
    else
      load(cli::transform_jaxpr(*base_, spec), true);
    if (!info_.transforms.contains(info_.transform)) info_.transforms.push_back(info_.transform);
    announce(Transforms);
  } catch (const cli::TransformError& e) {
    info_.transform = old;
    emit error(QStringLiteral("%1: %2").arg(QString::fromStdString(e.flag()), QString::fromUtf8(e.what())));
  } catch (const std::exception& e) {
    info_.transform = old;
    emit error(QString::fromUtf8(e.what()));
  }
  emit done();
}

void SessionWorker::load(ClosedJaxpr program, bool transformed) {
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
  info_.text = QString::fromStdString(print_closed_jaxpr(*program_));
  const Jaxpr& jaxpr = *program_->jaxpr;
  info_.lines = first_lines(info_.text, jaxpr);
  info_.source_lines.clear();
  const std::string script = info_.source_file.toStdString();
  for (const Eqn& e : jaxpr.eqns)
    info_.source_lines.push_back(!script.empty() && e.source.file == script ? e.source.line : 0);
  info_.breakpoints.clear();
  info_.graph = graph_data(jaxpr);
  ++info_.program_id;
  announce(Loaded);
  emit stepped(state_of(stepper_->restart()));
}

void SessionWorker::rebuild() {
  const std::vector<ShapedArray> in = program_->in_avals();
  // The script's arguments or `--args`, where they fit: a transformation's
  // inputs (jvp's tangents, a batch axis) need not, and get ones instead.
  // The program itself must fit.
  std::vector<Array> args;
  try {
    if (script_args_) {
      if (script_args_->size() != in.size()) throw Error(ErrorKind::Value, "the script's arguments do not fit");
      for (size_t i = 0; i < in.size(); ++i)
        if ((*script_args_)[i].shape() != in[i].shape || (*script_args_)[i].dtype() != in[i].dtype)
          throw Error(ErrorKind::Value, "the script's argument " + std::to_string(i) + " does not fit " +
                                            in[i].str_short());
      args = *script_args_;
    } else if (args_json_) {
      for (const Value& v : cli::parse_json_args(args_json_->toStdString(), in)) args.push_back(v.array());
    }
  } catch (const std::exception&) {
    if (!transformed_) throw;
    args.clear();
  }
  if (args.empty())
    for (const ShapedArray& a : in) args.push_back(Array::full(a.shape, 1.0, a.dtype));
  const StepMode m = to_engine(info_.mode);
  std::vector<Array> seeds = ones_seeds(*program_, m);
  std::vector<Array> used = args;
  auto s = std::make_unique<Stepper>(*program_, m, std::move(args), std::move(seeds));
  apply_breakpoints(*s);
  s->set_observer(this);
  history_.clear();
  info_.linear_text.clear();
  info_.linear_lines.clear();
  stepper_ = std::move(s);
  args_ = std::move(used);
}

void SessionWorker::apply_breakpoints(Stepper& s) const {
  s.clear_breakpoints();
  for (int b : info_.breakpoints) s.add_breakpoint(Breakpoint::at_equation({}, static_cast<size_t>(b)));
  for (int line : info_.source_breakpoints) s.add_breakpoint(Breakpoint::at_line(info_.source_file.toStdString(), line));
  for (const QString& p : info_.primitive_breakpoints) s.add_breakpoint(Breakpoint::at_primitive(p.toStdString()));
  if (info_.break_on_non_finite) s.add_breakpoint(Breakpoint::on_non_finite());
}

void SessionWorker::on_step(const StepSnapshot& s) {
  if (s.phase == StepPhase::Backward && info_.linear_text.isEmpty()) {
    if (const ClosedJaxpr* linear = stepper_->linear_program()) {
      info_.linear_text = QString::fromStdString(print_closed_jaxpr(*linear));
      info_.linear_lines = first_lines(info_.linear_text, *linear->jaxpr);
      announce(Linear);
    }
  }
  // A step back reports the step it returns to: what came after is undone.
  while (!history_.empty() && history_.back().step >= s.step) history_.pop_back();
  history_.push_back(s);
}

views::StepState SessionWorker::state_of(const StepSnapshot& s) {
  views::StepState st = to_state(s);
  if (s.mode == StepMode::Eval) {
    // No derivatives: a panel keeping some from another mode drops them.
    st.magnitudes_reset = s.event == StepEvent::Start;
    return st;
  }
  // The derivatives of every step since the last state sent; all of them
  // when steps were undone (or at the start).
  const size_t from = s.event == StepEvent::Start || history_.size() < reported_ ? 0 : reported_;
  st.magnitudes_reset = from == 0;
  for (size_t k = from; k < history_.size(); ++k) st.magnitudes += magnitudes(history_[k]);
  reported_ = history_.size();
  return st;
}

void SessionWorker::set_mode(views::Mode m) {
  if (m != info_.mode) {
    info_.mode = m;
    if (program_) {
      try {
        rebuild();
        announce(Loaded);
        emit stepped(state_of(stepper_->restart()));
      } catch (const std::exception& e) {
        emit error(QString::fromStdString(e.what()));
      }
    }
  }
  emit done();
}

void SessionWorker::request(StepSnapshot (Stepper::*op)()) {
  if (stepper_) {
    try {
      const bool was_finished = stepper_->finished();
      views::StepState st = state_of(((*stepper_).*op)());
      emit stepped(st);
      if (st.finished && !was_finished) emit finished(st);
    } catch (const std::exception& e) {
      emit error(QString::fromStdString(e.what()));
    }
  }
  emit done();
}

void SessionWorker::step() { request(&Stepper::step); }
void SessionWorker::step_over() { request(&Stepper::step_over); }
void SessionWorker::step_out() { request(&Stepper::step_out); }
void SessionWorker::step_back() { request(&Stepper::step_back); }
void SessionWorker::continue_run() { request(&Stepper::run); }
void SessionWorker::restart() { request(&Stepper::restart); }

void SessionWorker::run_to_equation(int equation) {
  if (!stepper_) return emit done();
  stepper_->clear_breakpoints();
  stepper_->add_breakpoint(Breakpoint::at_equation({}, static_cast<size_t>(equation)));
  request(&Stepper::run);
  apply_breakpoints(*stepper_);
}

void SessionWorker::toggle_breakpoint(int equation) {
  if (!info_.breakpoints.remove(equation)) info_.breakpoints.insert(equation);
  if (stepper_) apply_breakpoints(*stepper_);
  announce(Breakpoints);
  emit done();
}

void SessionWorker::toggle_source_breakpoint(int line) {
  if (!info_.source_breakpoints.remove(line)) info_.source_breakpoints.insert(line);
  if (stepper_) apply_breakpoints(*stepper_);
  announce(Breakpoints);
  emit done();
}

void SessionWorker::set_primitive_breakpoints(const QStringList& primitives) {
  info_.primitive_breakpoints = primitives;
  if (stepper_) apply_breakpoints(*stepper_);
  announce(Breakpoints);
  emit done();
}

void SessionWorker::set_break_on_non_finite(bool on) {
  info_.break_on_non_finite = on;
  if (stepper_) apply_breakpoints(*stepper_);
  announce(Breakpoints);
  emit done();
}

void SessionWorker::request_value(const QString& name) {
  views::VariableValue v;
  v.name = name;
  const std::string n = name.toStdString();
  // The forward phase names the program's variables; the backward phase's
  // linear variables carry a program variable's cotangent as `primal_name`.
  for (auto it = history_.rbegin(); it != history_.rend() && !v.found; ++it) {
    if (it->phase != StepPhase::Forward || !it->frame_path.empty()) continue;
    for (const auto* vars : {&it->outputs, &it->inputs})
      for (const VarSnapshot& s : *vars)
        if (!v.found && !s.literal && s.name == n) {
          v.found = true;
          v.value = array_data(name, s.value);
          if (s.tangent.defined()) {
            v.derivative = array_data(QStringLiteral("d") + name, s.tangent);
            v.derivative_kind = QStringLiteral("tangent");
          }
        }
  }
  for (auto it = history_.rbegin(); it != history_.rend() && v.derivative_kind.isEmpty(); ++it) {
    if (it->phase != StepPhase::Backward) continue;
    for (const auto* vars : {&it->outputs, &it->inputs})
      for (const VarSnapshot& s : *vars)
        if (v.derivative_kind.isEmpty() && s.primal_name == n && s.cotangent.defined()) {
          v.derivative = array_data(QStringLiteral("ct ") + name, s.cotangent);
          v.derivative_kind = QStringLiteral("cotangent");
        }
  }
  emit value_ready(v);
  emit done();
}

void SessionWorker::save_trace(const QString& path) {
  if (!program_) {
    emit error(tr("no program is open to save"));
    return emit done();
  }
  try {
    // The stepper's own inputs, as `--args` spells them: the runs recorded are the one shown.
    QStringList items;
    for (const Array& a : args_) items << QString::fromStdString(cli::array_to_json(a));
    const QString args = QLatin1Char('[') + items.join(QStringLiteral(", ")) + QLatin1Char(']');
    gui::save_trace(path, *program_, source_name_, source_text_, info_.transform, args, info_.mode);
    emit trace_saved(path);
  } catch (const std::exception& e) {
    emit error(QString::fromStdString(e.what()));
  }
  emit done();
}

}  // namespace jxr::gui
