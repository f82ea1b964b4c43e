// ReplaySession (see replay_session.h): a run read into its stops once, on
// opening, then stepped through by index.
#include "app/gui/replay_session.h"

#include <QHash>
#include <algorithm>
#include <cmath>
#include <exception>
#include <optional>
#include <string>
#include <utility>

#include "app/cli/json_values.h"
#include "app/cli/transform.h"
#include "engine/core/error.h"
#include "engine/debug/stepper.h"
#include "engine/jaxpr/parse.h"
#include "engine/jaxpr/print.h"
#include "trace_store/trace_reader.h"

namespace jxr::gui {

namespace {

// As StepperSession's previews, so that a replay reads as the live session did.
constexpr qsizetype kPreviewChars = 120;

QString preview(const Array& a) {
  QString s = QString::fromStdString(cli::array_to_json(a));
  return s.size() > kPreviewChars ? s.left(kPreviewChars) + QStringLiteral("…") : s;
}

bool non_finite(const Array& a) {
  if (!is_floating(a.dtype())) return false;
  for (double d : a.to_doubles())
    if (!std::isfinite(d)) return true;
  return false;
}

views::Mode to_view(trace::RunMode m) {
  switch (m) {
    case trace::RunMode::Eval: return views::Mode::Eval;
    case trace::RunMode::Jvp: return views::Mode::Jvp;
    case trace::RunMode::Vjp: return views::Mode::Vjp;
  }
  return views::Mode::Eval;
}

QString word(std::string_view w) { return QString::fromUtf8(w.data(), static_cast<qsizetype>(w.size())); }

[[noreturn]] void fail(const QString& path, const std::string& why) {
  throw Error(ErrorKind::Runtime, path.toStdString() + ": " + why);
}

// A stored value as a variables row shows it.
struct Shown {
  QString text;
  bool non_finite = false;
};

// The values a step (or the run) recorded for one variable.
struct Recorded {
  QString type;
  std::optional<Shown> primal, tangent, cotangent;
};

Shown shown(const trace::TraceReader& reader, const trace::ValueInfo& v) {
  Shown s;
  s.non_finite = v.stats.nan_count > 0 || v.stats.inf_count > 0;
  if (std::optional<Array> data = reader.value_data(v.id)) {
    s.text = preview(*data);
  } else {
    s.text = QObject::tr("%1 (not stored: over the trace's value size limit; min %2, max %3)")
                 .arg(QString::fromStdString(v.aval.str_short()))
                 .arg(v.stats.min ? QString::number(*v.stats.min) : QStringLiteral("-"))
                 .arg(v.stats.max ? QString::number(*v.stats.max) : QStringLiteral("-"));
  }
  return s;
}

// Each variable's recorded values, in the order they were written, with a
// variable written twice (an operand used twice) once.
struct Values {
  QVector<QString> order;
  QHash<QString, Recorded> by_name;
};

Values read_values(const trace::TraceReader& reader, const std::vector<trace::ValueInfo>& infos) {
  Values out;
  QString previous;
  for (const trace::ValueInfo& v : infos) {
    const QString name = QString::fromStdString(v.name);
    // The recorder writes a variable's roles one after the other; a name
    // seen again later is another operand of the same variable.
    if (name != previous || out.order.isEmpty()) out.order.push_back(name);
    previous = name;
    Recorded& r = out.by_name[name];
    r.type = QString::fromStdString(v.aval.str_short());
    Shown s = shown(reader, v);
    switch (v.role) {
      case trace::Role::Primal: r.primal = std::move(s); break;
      case trace::Role::Tangent: r.tangent = std::move(s); break;
      case trace::Role::Cotangent: r.cotangent = std::move(s); break;
    }
  }
  return out;
}

views::VariableRow row(const QString& name, const QString& type, const Recorded* r, const QString& role,
                       views::Mode mode, bool with_derivative = true) {
  views::VariableRow v;
  v.name = name;
  v.type = type;
  v.role = role;
  if (!r) return v;
  if (r->primal) {
    v.value = r->primal->text;
    v.non_finite = r->primal->non_finite;
  }
  const std::optional<Shown>& d = mode == views::Mode::Vjp ? r->cotangent
                                  : mode == views::Mode::Jvp ? r->tangent
                                                             : std::optional<Shown>();
  if (d && with_derivative) {
    v.derivative = d->text;
    v.non_finite = v.non_finite || d->non_finite;
  }
  return v;
}

// The row of an equation operand or program input/output: literals show
// their value, variables what was recorded under their name.
views::VariableRow atom_row(const Atom& a, JaxprNames& names, const Values& vals, const QString& role,
                            views::Mode mode, bool with_derivative = true) {
  const QString name = QString::fromStdString(names.atom(a));
  const QString type = QString::fromStdString(a.aval().str_short());
  if (a.is_literal()) {
    views::VariableRow v = row(name, type, nullptr, role, mode);
    v.value = preview(a.literal());
    v.non_finite = non_finite(a.literal());
    return v;
  }
  auto it = vals.by_name.constFind(name);
  return row(name, type, it == vals.by_name.cend() ? nullptr : &*it, role, mode, with_derivative);
}

// The jaxpr a step's frame path (`jit[0]/jit[2]`) leads to from `top`.
const Jaxpr* frame_jaxpr(const Jaxpr& top, const std::string& path) {
  const Jaxpr* j = &top;
  size_t from = 0;
  while (from < path.size()) {
    size_t end = path.find('/', from);
    if (end == std::string::npos) end = path.size();
    const std::string label = path.substr(from, end - from);
    from = end + 1;
    const size_t open = label.find('[');
    if (open == std::string::npos || label.back() != ']') return nullptr;
    size_t index = 0;
    try {
      index = std::stoul(label.substr(open + 1, label.size() - open - 2));
    } catch (const std::exception&) {
      return nullptr;
    }
    if (index >= j->eqns.size()) return nullptr;
    const Param* p = j->eqns[index].params.find("jaxpr");
    if (!p || p->kind() != Param::Kind::Jaxpr || !p->as_jaxpr()) return nullptr;
    j = p->as_jaxpr()->jaxpr.get();
  }
  return j;
}

int depth_of(const std::string& path) {
  return path.empty() ? 1 : 2 + static_cast<int>(std::count(path.begin(), path.end(), '/'));
}

// A transform chain with its innermost name as `f`, so that `grad(seed)` and
// `grad(f)` name the same thing; the program itself is `f`.
std::optional<std::string> canonical_chain(const QString& chain) {
  const QString written = chain.simplified().remove(QLatin1Char(' '));
  if (written.isEmpty()) return std::nullopt;
  static const QStringList kTransformations = {"jvp", "vjp", "grad", "vmap", "jacfwd", "jacrev", "hessian"};
  if (!written.contains(QLatin1Char('(')) && !written.contains(QLatin1Char(')')) && !kTransformations.contains(written))
    return std::string("f");
  cli::TransformSpec spec;
  if (cli::parse_transform_chain(written.toStdString(), &spec)) return std::nullopt;
  return cli::chain_text(spec, "f");
}

// The run to show of `jaxpr_id`: the first complete one in `mode`, else the first in it.
std::optional<trace::RunInfo> run_of(const std::vector<trace::RunInfo>& runs, int64_t jaxpr_id,
                                     std::optional<views::Mode> mode) {
  std::optional<trace::RunInfo> found;
  for (const trace::RunInfo& r : runs) {
    if (r.jaxpr_id != jaxpr_id || (mode && to_view(r.mode) != *mode)) continue;
    if (r.status == trace::RunStatus::Complete) return r;
    if (!found) found = r;
  }
  return found;
}

QString message(const QString& path, const std::exception& e) {
  const QString what = QString::fromUtf8(e.what());
  return what.contains(path) ? what : path + QStringLiteral(": ") + what;
}

}  // namespace

struct ReplaySession::Data {
  explicit Data(const std::string& path) : reader(path) {}
  trace::TraceReader reader;
  int64_t run_id = 0;
  views::Mode mode = views::Mode::Eval;
  // Parsing gives the operands, literals and names of each recorded equation; nothing runs.
  ClosedJaxpr program;
  std::unique_ptr<JaxprNames> names;
  std::optional<Values> run_values;  // read with the start
};

struct ReplaySession::Loaded {
  qint64 run_id = 0, jaxpr_id = 0, program_id = 0;
  views::Mode mode = views::Mode::Eval;
  QString transform;
  QStringList transforms;
  QString text;
  QVector<int> lines;
  std::unique_ptr<Data> data;
  std::vector<Position> positions;
  bool complete = false;
};

ReplaySession::ReplaySession(QObject* parent) : Session(parent) {}

ReplaySession::~ReplaySession() = default;

ReplaySession::Loaded ReplaySession::read(const QString& path, qint64 run_id) {
  auto data = std::make_unique<Data>(path.toStdString());
  const trace::TraceReader& reader = data->reader;
  const std::vector<trace::RunInfo> runs = reader.runs();
  if (runs.empty()) fail(path, "the trace holds no runs to replay");
  std::optional<trace::RunInfo> run;
  for (const trace::RunInfo& r : runs)
    if (r.id == run_id) run = r;
  if (!run) fail(path, "the trace has no run " + std::to_string(run_id));
  std::optional<trace::JaxprInfo> jx;
  const std::vector<trace::JaxprInfo> jaxprs = reader.jaxprs();
  for (const trace::JaxprInfo& j : jaxprs)
    if (j.id == run->jaxpr_id) jx = j;
  if (!jx) fail(path, "run " + std::to_string(run_id) + " names a missing jaxpr");

  Loaded l;
  l.run_id = run->id;
  l.jaxpr_id = jx->id;
  l.program_id = jx->program_id;
  l.mode = to_view(run->mode);
  l.complete = run->status == trace::RunStatus::Complete;
  l.transform = QString::fromStdString(jx->transform_chain);
  for (const trace::JaxprInfo& j : jaxprs)
    if (j.program_id == jx->program_id && run_of(runs, j.id, std::nullopt))
      l.transforms.push_back(QString::fromStdString(j.transform_chain));
  l.text = QString::fromStdString(jx->text);

  data->run_id = run->id;
  data->mode = l.mode;
  try {
    data->program = parse_jaxpr(jx->text, jx->transform_chain);
  } catch (const std::exception& e) {
    fail(path, "the jaxpr of run " + std::to_string(run_id) + " does not parse: " + e.what());
  }
  const Jaxpr& top = *data->program.jaxpr;
  data->names = std::make_unique<JaxprNames>(top);

  const QStringList text_lines = l.text.split(QLatin1Char('\n'));
  int from = 0;
  for (const trace::EqnInfo& e : reader.equations(jx->id)) {
    const QString first = QString::fromStdString(e.text).section(QLatin1Char('\n'), 0, 0).trimmed();
    while (from < text_lines.size() && text_lines[from].trimmed() != first) ++from;
    l.lines.push_back(from);
  }
  if (l.lines.size() != static_cast<qsizetype>(top.eqns.size()))
    fail(path, "jaxpr " + std::to_string(jx->id) + " lists " + std::to_string(l.lines.size()) +
                   " equations but its text has " + std::to_string(top.eqns.size()));

  Position start;
  start.kind = Position::Kind::Start;
  start.state.mode = l.mode;
  start.state.event = word(to_string(StepEvent::Start));
  // The start is shown on opening: damaged run values refuse the run there.
  fill(*data, start);
  l.positions.push_back(std::move(start));

  int64_t last_step = 0;
  for (const trace::StepInfo& s : reader.steps(run->id)) {
    Position p;
    p.step_id = s.id;
    views::StepState& st = p.state;
    st.mode = l.mode;
    st.backward = s.phase == trace::Phase::Backward;
    st.step = static_cast<int>(s.index);
    st.equation = s.frame_path.empty() ? static_cast<int>(s.eqn_index) : -1;
    st.event = word(to_string(StepEvent::Equation));
    last_step = s.index;
    if (st.backward) {
      st.equation_text = tr("transpose of linear equation %1").arg(s.eqn_index);
    } else {
      p.depth = depth_of(s.frame_path);
      p.frame = frame_jaxpr(top, s.frame_path);
      if (!p.frame || s.eqn_index < 0 || static_cast<size_t>(s.eqn_index) >= p.frame->eqns.size())
        fail(path, "step " + std::to_string(s.index) + " (" + (s.frame_path.empty() ? "top level" : s.frame_path) +
                       ") names equation " + std::to_string(s.eqn_index) + ", which its jaxpr does not have");
      p.eqn_index = static_cast<size_t>(s.eqn_index);
      st.equation_text = QString::fromStdString(data->names->equation(*p.frame, p.eqn_index));
    }
    l.positions.push_back(std::move(p));
  }

  if (l.complete) {
    Position end;
    end.kind = Position::Kind::End;
    end.state.mode = l.mode;
    end.state.backward = l.mode == views::Mode::Vjp;
    end.state.step = static_cast<int>(l.positions.size() > 1 ? last_step + 1 : 1);
    end.state.finished = true;
    end.state.event = word(to_string(StepEvent::Finished));
    end.state.reason = word(to_string(StopReason::Finished));
    l.positions.push_back(std::move(end));
  }
  l.data = std::move(data);
  return l;
}

void ReplaySession::fill(Data& d, Position& p) {
  if (p.filled) return;
  const Jaxpr& top = *d.program.jaxpr;
  JaxprNames& names = *d.names;
  const views::Mode mode = d.mode;
  QVector<views::VariableRow>& rows = p.state.variables;
  rows.clear();
  if (p.kind != Position::Kind::Step) {
    if (!d.run_values) {
      // The run's own values: its inputs and outputs as it finished (the others are its steps').
      std::vector<trace::ValueInfo> own = d.reader.run_values(d.run_id);
      std::erase_if(own, [](const trace::ValueInfo& v) { return v.step_id.has_value(); });
      d.run_values = read_values(d.reader, own);
    }
    const Values& values = *d.run_values;
    const bool start = p.kind == Position::Kind::Start;
    // Before the first step only the inputs (and their jvp tangents) have values.
    const bool derivatives = !start || mode == views::Mode::Jvp;
    QSet<QString> inputs;
    for (const VarPtr& v : top.invars) {
      rows.push_back(atom_row(v, names, values, QStringLiteral("in"), mode, derivatives));
      inputs.insert(rows.last().name);
    }
    for (const Atom& a : top.outvars) {
      const bool known = !start || a.is_literal() || inputs.contains(QString::fromStdString(names.atom(a)));
      rows.push_back(atom_row(a, names, known ? values : Values{}, QStringLiteral("out"), mode, derivatives));
    }
  } else {
    const Values vals = read_values(d.reader, d.reader.step_values(p.step_id));
    if (p.state.backward) {
      for (qsizetype i = 0; i < vals.order.size(); ++i) {
        const Recorded& r = vals.by_name[vals.order[i]];
        const bool result = i + 1 == vals.order.size();
        rows.push_back(row(vals.order[i], r.type, &r, result ? QStringLiteral("out") : QStringLiteral("in"), mode));
      }
    } else {
      const Eqn& e = p.frame->eqns[p.eqn_index];
      for (const Atom& a : e.inputs) rows.push_back(atom_row(a, names, vals, QStringLiteral("in"), mode));
      for (const VarPtr& v : e.outputs) rows.push_back(atom_row(v, names, vals, QStringLiteral("out"), mode));
    }
  }
  p.filled = true;
}

void ReplaySession::show(const QString& path, qint64 run_id) {
  Loaded l;
  try {
    l = read(path, run_id);
  } catch (const std::exception& e) {
    return emit error(message(path, e));
  }
  const bool same_jaxpr = path == path_ && l.jaxpr_id == jaxpr_id_;
  path_ = path;
  run_id_ = l.run_id;
  jaxpr_id_ = l.jaxpr_id;
  program_id_ = l.program_id;
  mode_ = l.mode;
  transform_ = l.transform;
  transforms_ = l.transforms;
  text_ = l.text;
  lines_ = l.lines;
  data_ = std::move(l.data);
  positions_ = std::move(l.positions);
  complete_ = l.complete;
  history_.clear();
  // Another mode of the same jaxpr keeps the breakpoints, as the live session does.
  if (!same_jaxpr) {
    breakpoints_.clear();
    emit loaded();
  }
  go(0, word(to_string(StopReason::Step)));
  if (!same_jaxpr) emit transforms_changed();
}

void ReplaySession::open(const QString& path, qint64 run_id) { show(path, run_id); }

void ReplaySession::load_text(const QString&, const QString& source_name) {
  emit error(tr("%1: a replay shows recorded traces only; open a .jaxray file").arg(source_name));
}

void ReplaySession::load_file(const QString& path) {
  try {
    const std::vector<trace::RunInfo> runs = trace::TraceReader(path.toStdString()).runs();
    if (runs.empty()) return emit error(tr("%1: the trace holds no runs to replay").arg(path));
    show(path, runs.front().id);
  } catch (const std::exception& e) {
    emit error(message(path, e));
  }
}

void ReplaySession::set_mode(views::Mode m) {
  if (path_.isEmpty() || m == mode_) return;
  try {
    const std::vector<trace::RunInfo> runs = trace::TraceReader(path_.toStdString()).runs();
    if (std::optional<trace::RunInfo> r = run_of(runs, jaxpr_id_, m)) return show(path_, r->id);
    static const char* const kNames[] = {"eval", "jvp", "vjp"};
    emit error(tr("%1: the trace has no %2 run of %3").arg(path_, kNames[static_cast<int>(m)], transform_));
  } catch (const std::exception& e) {
    emit error(message(path_, e));
  }
}

void ReplaySession::load_transform(const QString& chain) {
  if (path_.isEmpty()) return emit error(tr("no trace is open"));
  const std::optional<std::string> wanted = canonical_chain(chain);
  if (!wanted) return emit error(tr("'%1' is no transform chain").arg(chain));
  try {
    trace::TraceReader reader(path_.toStdString());
    const std::vector<trace::RunInfo> runs = reader.runs();
    for (const trace::JaxprInfo& j : reader.jaxprs()) {
      if (j.program_id != program_id_ || canonical_chain(QString::fromStdString(j.transform_chain)) != wanted) continue;
      std::optional<trace::RunInfo> r = run_of(runs, j.id, mode_);
      if (!r) r = run_of(runs, j.id, std::nullopt);
      if (!r) return emit error(tr("%1: %2 was saved without a run").arg(path_, QString::fromStdString(j.transform_chain)));
      return show(path_, r->id);
    }
    emit error(tr("%1: the trace has no jaxpr %2 of this program").arg(path_, chain));
  } catch (const std::exception& e) {
    emit error(message(path_, e));
  }
}

bool ReplaySession::at_breakpoint(int position) const {
  const views::StepState& s = positions_[static_cast<size_t>(position)].state;
  return !s.backward && !s.finished && s.equation >= 0 && breakpoints_.contains(s.equation);
}

bool ReplaySession::ready(int position) {
  try {
    fill(*data_, positions_[static_cast<size_t>(position)]);
    return true;
  } catch (const std::exception& e) {
    emit error(message(path_, e));
    return false;
  }
}

void ReplaySession::go(int position, const QString& reason, const QVector<int>& passed) {
  if (!ready(position)) return;
  const bool was_finished = positions_[static_cast<size_t>(current())].state.finished;
  history_ += passed;
  if (position == 0) history_.clear();
  else if (position != current()) history_.push_back(position);
  views::StepState st = positions_[static_cast<size_t>(position)].state;
  if (!st.finished) st.reason = reason;
  emit stepped(st);
  if (st.finished && !was_finished) emit finished(st);
}

void ReplaySession::ran_out() {
  emit error(tr("%1: run %2 was not finished when it was recorded; it ends at step %3")
                 .arg(path_)
                 .arg(run_id_)
                 .arg(positions_[static_cast<size_t>(current())].state.step));
}

template <typename Stop>
void ReplaySession::run_until(bool breakpoints, Stop stop) {
  if (positions_.empty()) return;
  const int from = current();
  const QString step_reason = word(to_string(StopReason::Step));
  if (positions_[static_cast<size_t>(from)].state.finished) return go(from, step_reason);
  QVector<int> passed;
  for (int p = from + 1; p < static_cast<int>(positions_.size()); ++p) {
    if (positions_[static_cast<size_t>(p)].state.finished) return go(p, step_reason, passed);
    if (breakpoints && at_breakpoint(p)) return go(p, word(to_string(StopReason::EquationBreakpoint)), passed);
    if (stop(p)) return go(p, step_reason, passed);
    passed.push_back(p);
  }
  // An unfinished run: show where it ends, then say so.
  if (!passed.isEmpty()) {
    const int last = passed.takeLast();
    go(last, step_reason, passed);
  }
  ran_out();
}

void ReplaySession::step() {
  run_until(false, [](int) { return true; });
}

void ReplaySession::step_over() {
  if (positions_.empty()) return;
  const int depth = positions_[static_cast<size_t>(current())].depth;
  const int from = current();
  // A jit call's body is one stop for step_over, as the stepper runs it whole:
  // its steps are skipped rather than passed.
  for (int p = from + 1; p < static_cast<int>(positions_.size()); ++p)
    if (positions_[static_cast<size_t>(p)].depth <= depth || positions_[static_cast<size_t>(p)].state.finished)
      return go(p, word(to_string(StopReason::Step)));
  if (!positions_[static_cast<size_t>(from)].state.finished) return ran_out();
  go(from, word(to_string(StopReason::Step)));
}

void ReplaySession::step_out() {
  if (positions_.empty()) return;
  const int depth = positions_[static_cast<size_t>(current())].depth;
  run_until(true, [this, depth](int p) { return depth > 1 && positions_[static_cast<size_t>(p)].depth < depth; });
}

void ReplaySession::continue_run() {
  run_until(true, [](int) { return false; });
}

void ReplaySession::step_back() {
  if (positions_.empty()) return;
  const int to = history_.size() > 1 ? history_[history_.size() - 2] : 0;
  if (!ready(to)) return;
  if (!history_.isEmpty()) history_.pop_back();
  views::StepState st = positions_[static_cast<size_t>(to)].state;
  st.reason = word(to_string(StopReason::Step));
  emit stepped(st);
}

void ReplaySession::restart() {
  if (positions_.empty()) return;
  history_.clear();
  go(0, word(to_string(StopReason::Step)));
}

void ReplaySession::toggle_breakpoint(int equation) {
  if (positions_.empty()) return;
  if (!breakpoints_.remove(equation)) breakpoints_.insert(equation);
  emit breakpoints_changed();
}

}  // namespace jxr::gui
