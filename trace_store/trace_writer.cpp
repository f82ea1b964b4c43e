// TraceWriter (see trace_writer.h).
#include "trace_store/trace_writer.h"

#include <chrono>
#include <cmath>
#include <limits>

#include "engine/core/error.h"
#include "trace_store/sqlite.h"

namespace jxr::trace {

namespace {

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::string shape_json(const Shape& shape) {
  std::string out = "[";
  for (size_t i = 0; i < shape.size(); ++i) out += (i ? "," : "") + std::to_string(shape[i]);
  return out + "]";
}

}  // namespace

ValueStats value_stats(const Array& a) {
  ValueStats s;
  double lo = std::numeric_limits<double>::infinity(), hi = -lo, sum = 0, sum_sq = 0;
  int64_t finite = 0;
  dispatch_dtype(a.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* p = a.data<T>();
    for (int64_t i = 0, n = a.size(); i < n; ++i) {
      double v = convert_scalar<double>(p[i]);
      if (std::isnan(v)) {
        ++s.nan_count;
      } else if (std::isinf(v)) {
        ++s.inf_count;
      } else {
        lo = std::min(lo, v);
        hi = std::max(hi, v);
        sum += v;
        sum_sq += v * v;
        ++finite;
      }
    }
  });
  if (finite > 0) {
    s.min = lo;
    s.max = hi;
    s.mean = sum / double(finite);
    s.l2_norm = std::sqrt(sum_sq);
  }
  return s;
}

struct TraceWriter::Impl {
  Impl(sql::Database d, TraceFileInfo i, WriterOptions o) : db(std::move(d)), info(i), options(o) {}

  sql::Database db;
  TraceFileInfo info;
  WriterOptions options;
  sql::Statement insert_program = db.prepare("INSERT INTO programs(name, source, language) VALUES(?1, ?2, ?3)");
  sql::Statement insert_jaxpr =
      db.prepare("INSERT INTO jaxprs(program_id, transform_chain, text) VALUES(?1, ?2, ?3)");
  sql::Statement insert_eqn = db.prepare(
      "INSERT INTO jaxpr_eqns(jaxpr_id, eqn_index, primitive, text, source_file, source_line) "
      "VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
  sql::Statement insert_run = db.prepare(
      "INSERT INTO runs(jaxpr_id, mode, inputs, started_ms, status) VALUES(?1, ?2, ?3, ?4, 'incomplete')");
  sql::Statement finish = db.prepare("UPDATE runs SET status = 'complete', finished_ms = ?2 WHERE id = ?1");
  sql::Statement insert_step = db.prepare(
      "INSERT INTO steps(run_id, step_index, phase, frame_path, eqn_index) VALUES(?1, ?2, ?3, ?4, ?5)");
  sql::Statement insert_value = db.prepare(
      R"(INSERT INTO "values"(run_id, step_id, name, role, dtype, shape, weak_type, nbytes, truncated,
                              min, max, mean, l2_norm, nan_count, inf_count, data)
         VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16))");

  // The open run and the transaction its rows go into.
  std::optional<int64_t> run_id;
  std::optional<sql::Transaction> run_tx;
  int64_t uncommitted_bytes = 0;

  void require_run(std::string_view what) const {
    if (!run_id) throw Error(ErrorKind::Value, db.path() + ": " + std::string(what) + " outside a run (call begin_run)");
  }
};

TraceWriter::TraceWriter(const std::string& path, WriterOptions options) {
  TraceFileInfo info;
  sql::Database db = open_trace_for_writing(path, options.max_value_bytes, info);
  impl_ = std::make_unique<Impl>(std::move(db), info, options);
}

TraceWriter::~TraceWriter() = default;
TraceWriter::TraceWriter(TraceWriter&&) noexcept = default;
TraceWriter& TraceWriter::operator=(TraceWriter&&) noexcept = default;

const TraceFileInfo& TraceWriter::file_info() const { return impl_->info; }
bool TraceWriter::in_run() const { return impl_->run_id.has_value(); }

int64_t TraceWriter::add_program(std::string_view name, std::string_view source, Language language) {
  impl_->insert_program.bind(1, name).bind(2, source).bind(3, to_string(language)).run();
  return impl_->db.last_insert_rowid();
}

int64_t TraceWriter::add_jaxpr(int64_t program_id, std::string_view transform_chain, std::string_view text,
                               const std::vector<EqnInfo>& eqns) {
  // The jaxpr and its equations land together; inside a run they are part
  // of the run's transaction.
  std::optional<sql::Transaction> tx;
  if (!impl_->run_tx) tx.emplace(impl_->db);
  impl_->insert_jaxpr.bind(1, program_id).bind(2, transform_chain).bind(3, text).run();
  int64_t id = impl_->db.last_insert_rowid();
  for (const EqnInfo& e : eqns)
    impl_->insert_eqn.bind(1, id)
        .bind(2, e.index)
        .bind(3, e.primitive)
        .bind(4, e.text)
        .bind(5, e.source_file)
        .bind(6, e.source_line)
        .run();
  if (tx) tx->commit();
  return id;
}

int64_t TraceWriter::begin_run(int64_t jaxpr_id, RunMode mode, std::string_view inputs) {
  Impl& m = *impl_;
  if (m.run_id) throw Error(ErrorKind::Value, m.db.path() + ": begin_run while run " + std::to_string(*m.run_id) + " is open");
  m.run_tx.emplace(m.db);
  try {
    m.insert_run.bind(1, jaxpr_id).bind(2, to_string(mode)).bind(3, inputs).bind(4, now_ms()).run();
  } catch (const Error&) {
    m.run_tx.reset();  // no run is open: later rows must not join this transaction
    throw;
  }
  m.run_id = m.db.last_insert_rowid();
  m.uncommitted_bytes = 0;
  return *m.run_id;
}

int64_t TraceWriter::add_step(int64_t index, Phase phase, std::string_view frame_path, int64_t eqn_index) {
  Impl& m = *impl_;
  m.require_run("add_step");
  m.insert_step.bind(1, *m.run_id).bind(2, index).bind(3, to_string(phase)).bind(4, frame_path).bind(5, eqn_index).run();
  return m.db.last_insert_rowid();
}

int64_t TraceWriter::add_value(std::optional<int64_t> step_id, std::string_view name, Role role, const Array& value) {
  Impl& m = *impl_;
  m.require_run("add_value");
  if (!value.defined()) throw Error(ErrorKind::Value, m.db.path() + ": add_value '" + std::string(name) + "' without an array");
  ValueStats s = value_stats(value);
  int64_t nbytes = int64_t(value.nbytes());
  bool truncated = nbytes > m.info.max_value_bytes;
  // Bound text is not copied by SQLite: it must live until run().
  std::string shape = shape_json(value.shape());
  sql::Statement& st = m.insert_value;
  st.bind(1, *m.run_id)
      .bind(2, step_id)
      .bind(3, name)
      .bind(4, to_string(role))
      .bind(5, dtype_name(value.dtype()))
      .bind(6, shape)
      .bind(7, int64_t(value.weak_type()))
      .bind(8, nbytes)
      .bind(9, int64_t(truncated))
      .bind(10, s.min)
      .bind(11, s.max)
      .bind(12, s.mean)
      .bind(13, s.l2_norm)
      .bind(14, s.nan_count)
      .bind(15, s.inf_count);
  if (truncated)
    st.bind_null(16);
  else
    st.bind_blob(16, {static_cast<const std::byte*>(value.raw()), size_t(nbytes)});
  st.run();
  int64_t id = m.db.last_insert_rowid();
  m.uncommitted_bytes += truncated ? 0 : nbytes;
  if (m.options.commit_every_bytes > 0 && m.uncommitted_bytes >= m.options.commit_every_bytes) {
    m.run_tx->commit();
    m.run_tx.emplace(m.db);
    m.uncommitted_bytes = 0;
  }
  return id;
}

void TraceWriter::finish_run() {
  Impl& m = *impl_;
  m.require_run("finish_run");
  m.finish.bind(1, *m.run_id).bind(2, now_ms()).run();
  m.run_tx->commit();
  m.run_tx.reset();
  m.run_id.reset();
}

}  // namespace jxr::trace
