// SQLite connections, statements and transactions (see sqlite.h).
#include "trace_store/sqlite.h"

#include <sqlite3.h>

#include <utility>

#include "engine/core/error.h"

namespace jxr::sql {

namespace {

// What a primary result code means for someone who opened a trace file;
// SQLite's own message ("file is not a database") is given beside it.
std::string_view meaning(int rc) {
  switch (rc & 0xff) {
    case SQLITE_NOTADB: return "not an SQLite database (damaged header or another kind of file)";
    case SQLITE_CORRUPT: return "the file is damaged";
    case SQLITE_CANTOPEN: return "cannot open the file (missing, a directory, or no permission)";
    case SQLITE_READONLY: return "the file or its folder is read-only";
    case SQLITE_PERM: return "permission denied";
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return "another process holds the file locked";
    case SQLITE_FULL: return "the disk is full";
    case SQLITE_IOERR: return "input/output error";
    case SQLITE_NOMEM: return "out of memory";
    case SQLITE_TOOBIG: return "a value is too large for SQLite";
    case SQLITE_CONSTRAINT: return "a constraint of the trace schema was violated";
    default: return "SQLite error";
  }
}

constexpr int kBusyTimeoutMs = 5000;

}  // namespace

Database::Database(std::string path, Mode mode) : path_(std::move(path)), mode_(mode) {
  int flags = mode == Mode::ReadOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  // Each Database is used by one thread at a time; no shared cache.
  flags |= SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_PRIVATECACHE;
  int rc = sqlite3_open_v2(path_.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    // sqlite3_open_v2 hands back a handle even on failure, for its message.
    std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw Error(ErrorKind::Runtime, path_ + ": cannot open: " + msg + " (" + std::string(meaning(rc)) + ")");
  }
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, kBusyTimeoutMs);
  // Stored schema (views, triggers, defaults) may come from anyone: never let
  // it call functions with side effects, and refuse writes that bypass SQL.
  sqlite3_db_config(db_, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);
  sqlite3_db_config(db_, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  sqlite3_db_config(db_, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, nullptr);
  sqlite3_db_config(db_, SQLITE_DBCONFIG_ENABLE_VIEW, 0, nullptr);
  exec("PRAGMA foreign_keys=ON");
  if (mode == Mode::ReadOnly) exec("PRAGMA query_only=ON");
}

Database::~Database() { sqlite3_close_v2(db_); }

Database::Database(Database&& o) noexcept
    : db_(std::exchange(o.db_, nullptr)), path_(std::move(o.path_)), mode_(o.mode_) {}

Database& Database::operator=(Database&& o) noexcept {
  if (this != &o) {
    sqlite3_close_v2(db_);
    db_ = std::exchange(o.db_, nullptr);
    path_ = std::move(o.path_);
    mode_ = o.mode_;
  }
  return *this;
}

void Database::fail(int rc, std::string_view what) const {
  std::string msg = path_ + ": " + std::string(what) + ": ";
  // The connection's message is specific ("no such table: runs") when it
  // belongs to this failure; otherwise fall back to the code's text.
  msg += db_ && sqlite3_extended_errcode(db_) == rc ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
  msg += " (" + std::string(meaning(rc)) + ")";
  throw Error(ErrorKind::Runtime, msg);
}

void Database::exec(std::string_view sql) {
  std::string text(sql);
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) fail(rc, text);
}

Statement Database::prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.data(), int(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) fail(rc, "preparing " + std::string(sql));
  return Statement(*this, stmt);
}

std::optional<int64_t> Database::query_int(std::string_view sql) {
  Statement st = prepare(sql);
  if (!st.step() || st.is_null(0)) return std::nullopt;
  return st.column_int(0);
}

int64_t Database::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement::Statement(Statement&& o) noexcept : db_(o.db_), stmt_(std::exchange(o.stmt_, nullptr)) {}

void Statement::check_bind(int rc, int i) {
  if (rc != SQLITE_OK) db_->fail(rc, "binding parameter " + std::to_string(i) + " of " + sqlite3_sql(stmt_));
}

Statement& Statement::bind(int i, int64_t v) {
  check_bind(sqlite3_bind_int64(stmt_, i, v), i);
  return *this;
}

Statement& Statement::bind(int i, double v) {
  check_bind(sqlite3_bind_double(stmt_, i, v), i);
  return *this;
}

Statement& Statement::bind(int i, std::string_view v) {
  check_bind(sqlite3_bind_text64(stmt_, i, v.data(), v.size(), SQLITE_STATIC, SQLITE_UTF8), i);
  return *this;
}

Statement& Statement::bind_blob(int i, std::span<const std::byte> v) {
  // A zero-length blob must still be a blob, not NULL: give it a non-null pointer.
  static const std::byte empty{};
  check_bind(sqlite3_bind_blob64(stmt_, i, v.empty() ? &empty : v.data(), v.size(), SQLITE_STATIC), i);
  return *this;
}

Statement& Statement::bind_null(int i) {
  check_bind(sqlite3_bind_null(stmt_, i), i);
  return *this;
}

bool Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  std::string sql = sqlite3_sql(stmt_);
  sqlite3_reset(stmt_);
  db_->fail(rc, sql);
}

void Statement::run() {
  step();
  reset();
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

bool Statement::is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
int64_t Statement::column_int(int col) const { return sqlite3_column_int64(stmt_, col); }
double Statement::column_double(int col) const { return sqlite3_column_double(stmt_, col); }

std::string Statement::column_text(int col) const {
  auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
  return p ? std::string(p, size_t(sqlite3_column_bytes(stmt_, col))) : std::string();
}

std::optional<int64_t> Statement::column_opt_int(int col) const {
  if (is_null(col)) return std::nullopt;
  return column_int(col);
}

std::optional<double> Statement::column_opt_double(int col) const {
  if (is_null(col)) return std::nullopt;
  return column_double(col);
}

std::span<const std::byte> Statement::column_blob(int col) const {
  auto* p = static_cast<const std::byte*>(sqlite3_column_blob(stmt_, col));
  return {p, size_t(sqlite3_column_bytes(stmt_, col))};
}

Transaction::Transaction(Database& db) : db_(db) { db_.exec("BEGIN IMMEDIATE"); }

Transaction::~Transaction() {
  if (!open_) return;
  // Rollback cannot usefully fail here: if it does, SQLite rolls back when
  // the connection closes, and a destructor must not throw.
  try {
    db_.exec("ROLLBACK");
  } catch (const Error&) {
  }
}

void Transaction::commit() {
  db_.exec("COMMIT");
  open_ = false;
}

}  // namespace jxr::sql
