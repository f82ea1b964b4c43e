// TraceReader and check (see trace_reader.h).
#include "trace_store/trace_reader.h"

#include <charconv>
#include <cstring>

#include "engine/core/error.h"
#include "trace_store/sqlite.h"

namespace jxr::trace {

namespace {

constexpr std::string_view kValueColumns =
    R"(SELECT id, run_id, step_id, name, role, dtype, shape, weak_type, nbytes, truncated,
              min, max, mean, l2_norm, nan_count, inf_count FROM "values" )";

}  // namespace

struct TraceReader::Impl {
  sql::Database db;
  TraceFileInfo info;

  // A stored word or number that the schema's constraints should have ruled
  // out: the file was edited or damaged.
  [[noreturn]] void bad(std::string_view column, std::string_view text) const {
    throw Error(ErrorKind::Runtime,
                db.path() + ": damaged trace: " + std::string(column) + " holds '" + std::string(text) + "'");
  }

  template <class E>
  E word(const sql::Statement& st, int col, std::string_view column) const {
    E v{};
    std::string text = st.column_text(col);
    if (!from_string(text, v)) bad(column, text);
    return v;
  }

  Shape shape(const std::string& text) const {
    if (text.size() < 2 || text.front() != '[' || text.back() != ']') bad("values.shape", text);
    Shape out;
    const char* p = text.data() + 1;
    const char* end = text.data() + text.size() - 1;
    while (p < end) {
      int64_t d = 0;
      auto [next, ec] = std::from_chars(p, end, d);
      if (ec != std::errc() || d < 0 || (next < end && *next != ',')) bad("values.shape", text);
      out.push_back(d);
      p = next < end ? next + 1 : next;
    }
    return out;
  }

  std::vector<ValueInfo> values(std::string_view where, int64_t key) {
    sql::Statement st = db.prepare(std::string(kValueColumns) + std::string(where));
    st.bind(1, key);
    std::vector<ValueInfo> out;
    while (st.step()) {
      ValueInfo v;
      v.id = st.column_int(0);
      v.run_id = st.column_int(1);
      v.step_id = st.column_opt_int(2);
      v.name = st.column_text(3);
      v.role = word<Role>(st, 4, "values.role");
      std::string dtype = st.column_text(5);
      std::optional<DType> dt = dtype_from_name(dtype);
      if (!dt) bad("values.dtype", dtype);
      v.aval = {shape(st.column_text(6)), *dt, st.column_int(7) != 0};
      v.nbytes = st.column_int(8);
      v.truncated = st.column_int(9) != 0;
      v.stats = {st.column_opt_double(10), st.column_opt_double(11), st.column_opt_double(12),
                 st.column_opt_double(13), st.column_int(14), st.column_int(15)};
      out.push_back(std::move(v));
    }
    return out;
  }
};

TraceReader::TraceReader(const std::string& path) {
  TraceFileInfo info;
  sql::Database db = open_trace_for_reading(path, info);
  impl_ = std::make_unique<Impl>(Impl{std::move(db), info});
}

TraceReader::~TraceReader() = default;
TraceReader::TraceReader(TraceReader&&) noexcept = default;
TraceReader& TraceReader::operator=(TraceReader&&) noexcept = default;

const TraceFileInfo& TraceReader::file_info() const { return impl_->info; }

std::vector<ProgramInfo> TraceReader::programs() const {
  sql::Statement st = impl_->db.prepare("SELECT id, name, source, language FROM programs ORDER BY id");
  std::vector<ProgramInfo> out;
  while (st.step())
    out.push_back({st.column_int(0), st.column_text(1), st.column_text(2),
                   impl_->word<Language>(st, 3, "programs.language")});
  return out;
}

std::vector<JaxprInfo> TraceReader::jaxprs() const {
  sql::Statement st = impl_->db.prepare("SELECT id, program_id, transform_chain, text FROM jaxprs ORDER BY id");
  std::vector<JaxprInfo> out;
  while (st.step()) out.push_back({st.column_int(0), st.column_int(1), st.column_text(2), st.column_text(3)});
  return out;
}

std::vector<EqnInfo> TraceReader::equations(int64_t jaxpr_id) const {
  sql::Statement st = impl_->db.prepare(
      "SELECT eqn_index, primitive, text, source_file, source_line FROM jaxpr_eqns "
      "WHERE jaxpr_id = ?1 ORDER BY eqn_index");
  st.bind(1, jaxpr_id);
  std::vector<EqnInfo> out;
  while (st.step())
    out.push_back({st.column_int(0), st.column_text(1), st.column_text(2), st.column_text(3), st.column_opt_int(4)});
  return out;
}

std::vector<RunInfo> TraceReader::runs() const {
  sql::Statement st = impl_->db.prepare(
      "SELECT id, jaxpr_id, mode, inputs, started_ms, finished_ms, status FROM runs ORDER BY id");
  std::vector<RunInfo> out;
  while (st.step())
    out.push_back({st.column_int(0), st.column_int(1), impl_->word<RunMode>(st, 2, "runs.mode"), st.column_text(3),
                   st.column_int(4), st.column_opt_int(5), impl_->word<RunStatus>(st, 6, "runs.status")});
  return out;
}

std::vector<StepInfo> TraceReader::steps(int64_t run_id) const {
  sql::Statement st = impl_->db.prepare(
      "SELECT id, run_id, step_index, phase, frame_path, eqn_index FROM steps WHERE run_id = ?1 "
      "ORDER BY step_index, id");
  st.bind(1, run_id);
  std::vector<StepInfo> out;
  while (st.step())
    out.push_back({st.column_int(0), st.column_int(1), st.column_int(2), impl_->word<Phase>(st, 3, "steps.phase"),
                   st.column_text(4), st.column_int(5)});
  return out;
}

std::vector<ValueInfo> TraceReader::run_values(int64_t run_id) const {
  return impl_->values("WHERE run_id = ?1 ORDER BY id", run_id);
}

std::vector<ValueInfo> TraceReader::step_values(int64_t step_id) const {
  return impl_->values("WHERE step_id = ?1 ORDER BY id", step_id);
}

std::optional<Array> TraceReader::value_data(int64_t value_id) const {
  std::vector<ValueInfo> found = impl_->values("WHERE id = ?1", value_id);
  if (found.empty())
    throw Error(ErrorKind::Index, impl_->db.path() + ": no value with id " + std::to_string(value_id));
  const ValueInfo& v = found.front();
  if (v.truncated) return std::nullopt;
  sql::Statement st = impl_->db.prepare(R"(SELECT data FROM "values" WHERE id = ?1)");
  st.bind(1, value_id);
  st.step();
  std::span<const std::byte> blob = st.column_blob(0);
  int64_t want = v.aval.size() * dtype_size(v.aval.dtype);
  if (st.is_null(0) || int64_t(blob.size()) != want || v.nbytes != want)
    impl_->bad("values.data of value " + std::to_string(value_id),
               std::to_string(blob.size()) + " bytes for " + v.aval.str_short());
  Array a = Array::allocate(v.aval);
  if (!blob.empty()) std::memcpy(a.mutable_raw(), blob.data(), blob.size());
  return a;
}

CheckReport check(const std::string& path) {
  CheckReport report;
  try {
    TraceFileInfo info;
    sql::Database db = open_trace_for_reading(path, info);
    report.schema_version = info.schema_version;
    sql::Statement quick = db.prepare("PRAGMA quick_check");
    while (quick.step())
      if (std::string line = quick.column_text(0); line != "ok") report.problems.push_back(line);
    sql::Statement fk = db.prepare("PRAGMA foreign_key_check");
    while (fk.step())
      report.problems.push_back("row " + std::to_string(fk.column_int(1)) + " of table '" + fk.column_text(0) +
                                "' refers to a missing row of '" + fk.column_text(2) + "'");
  } catch (const Error& e) {
    report.problems.push_back(e.what());
  }
  report.ok = report.problems.empty();
  return report;
}

}  // namespace jxr::trace
