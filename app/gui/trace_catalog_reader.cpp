// TraceReader's lists as a views::TraceCatalog (see trace_catalog_reader.h).
#include "app/gui/trace_catalog_reader.h"

#include <QFileInfo>
#include <QHash>
#include <exception>
#include <map>
#include <optional>
#include <string>

#include "engine/core/error.h"
#include "trace_store/trace_reader.h"

namespace jxr::gui {

namespace {

QString word(std::string_view w) { return QString::fromUtf8(w.data(), static_cast<qsizetype>(w.size())); }

}  // namespace

QString jaxpr_kind(const QString& chain) {
  const qsizetype paren = chain.indexOf(QLatin1Char('('));
  return paren < 0 ? QStringLiteral("program") : chain.left(paren);
}

views::TraceCatalog read_catalog(const QString& path) {
  const std::string p = path.toStdString();
  try {
    trace::TraceReader reader(p);
    views::TraceCatalog c;
    c.file.path = path;
    c.file.size_bytes = QFileInfo(path).size();
    c.file.schema_version = reader.file_info().schema_version;
    QHash<qint64, qsizetype> program_row;
    for (const trace::ProgramInfo& pi : reader.programs()) {
      views::ProgramEntry e;
      e.id = pi.id;
      e.name = QString::fromStdString(pi.name);
      e.language = word(trace::to_string(pi.language));
      program_row.insert(e.id, c.programs.size());
      c.programs.push_back(e);
    }
    for (const trace::JaxprInfo& ji : reader.jaxprs()) {
      views::JaxprEntry e;
      e.id = ji.id;
      e.program_id = ji.program_id;
      e.chain = QString::fromStdString(ji.transform_chain);
      const std::vector<trace::EqnInfo> eqns = reader.equations(ji.id);
      e.equations = static_cast<int>(eqns.size());
      e.kind = jaxpr_kind(e.chain);
      // A foreign key guarantees the program; the check keeps a damaged file from crashing.
      if (auto row = program_row.constFind(e.program_id); row != program_row.cend()) {
        views::ProgramEntry& pe = c.programs[*row];
        // The program row names the script its equations point into, the
        // first one any of its jaxprs knows.
        for (const trace::EqnInfo& q : eqns)
          if (pe.source_file.isEmpty() && !q.source_file.empty()) pe.source_file = QString::fromStdString(q.source_file);
      }
      c.jaxprs.push_back(e);
    }
    for (const trace::RunInfo& ri : reader.runs()) {
      views::RunEntry e;
      e.id = ri.id;
      e.jaxpr_id = ri.jaxpr_id;
      e.mode = word(trace::to_string(ri.mode));
      e.steps = static_cast<int>(reader.steps(ri.id).size());
      e.finished = ri.status == trace::RunStatus::Complete;
      e.inputs = QString::fromStdString(ri.inputs);
      e.started_ms = ri.started_ms;
      c.runs.push_back(e);
    }
    return c;
  } catch (const std::exception& e) {
    // The store's messages name the file; others (a file system error) get it here.
    const std::string what = e.what();
    throw Error(ErrorKind::Runtime, what.find(p) == std::string::npos ? p + ": " + what : what);
  }
}

std::vector<std::pair<std::string, Array>> run_arrays(const QString& path, qint64 run_id) {
  try {
    trace::TraceReader reader(path.toStdString());
    std::vector<trace::ValueInfo> values;
    for (const trace::StepInfo& step : reader.steps(run_id))
      for (trace::ValueInfo& v : reader.step_values(step.id)) values.push_back(std::move(v));
    for (trace::ValueInfo& v : reader.run_values(run_id)) values.push_back(std::move(v));
    std::vector<std::pair<std::string, Array>> out;
    std::map<std::string, size_t> where;
    for (const trace::ValueInfo& v : values) {
      std::optional<Array> data = reader.value_data(v.id);
      if (!data) continue;
      const std::string key =
          v.role == trace::Role::Primal ? v.name : v.name + " (" + std::string(trace::to_string(v.role)) + ")";
      if (auto it = where.find(key); it != where.end()) {
        out[it->second].second = std::move(*data);
      } else {
        where.emplace(key, out.size());
        out.emplace_back(key, std::move(*data));
      }
    }
    return out;
  } catch (const std::exception& e) {
    throw Error(ErrorKind::Value, path.toStdString() + ": run " + std::to_string(run_id) + ": " + e.what());
  }
}

}  // namespace jxr::gui
