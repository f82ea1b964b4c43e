// A thin RAII layer over the SQLite C API: a connection, prepared statements
// and transactions. Values reach SQL only through bound parameters, never by
// building SQL text. Every SQLite failure becomes a jxr::Error that names the
// file and says in words what the result code means. sqlite3.h stays out of
// this header so that users of the trace store do not see the C API.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace jxr::sql {

class Statement;

class Database {
 public:
  enum class Mode {
    ReadOnly,   // never writes, never creates; the schema is not trusted
    ReadWrite,  // creates the file if missing; WAL journal, foreign keys on
  };
  Database(std::string path, Mode mode);
  ~Database();
  Database(Database&& o) noexcept;
  Database& operator=(Database&& o) noexcept;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs fixed SQL (schema, pragmas) that carries no values.
  void exec(std::string_view sql);
  Statement prepare(std::string_view sql);
  // The first column of the first row of fixed SQL, for pragmas.
  std::optional<int64_t> query_int(std::string_view sql);
  int64_t last_insert_rowid() const;
  const std::string& path() const { return path_; }
  Mode mode() const { return mode_; }

  // Throws the jxr::Error for result code `rc` met while doing `what`.
  [[noreturn]] void fail(int rc, std::string_view what) const;

 private:
  friend class Statement;
  sqlite3* db_ = nullptr;
  std::string path_;
  Mode mode_ = Mode::ReadOnly;
};

class Statement {
 public:
  ~Statement();
  Statement(Statement&& o) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Parameters count from 1, as in SQLite. Text and blobs are not copied:
  // they must outlive the next step().
  Statement& bind(int i, int64_t v);
  Statement& bind(int i, int v) { return bind(i, int64_t(v)); }
  Statement& bind(int i, double v);
  Statement& bind(int i, std::string_view v);
  Statement& bind(int i, const char* v) { return bind(i, std::string_view(v)); }
  Statement& bind_blob(int i, std::span<const std::byte> v);
  Statement& bind_null(int i);
  template <class T>
  Statement& bind(int i, const std::optional<T>& v) {
    return v ? bind(i, *v) : bind_null(i);
  }

  // Advances to the next row: true while there is one.
  bool step();
  // Steps a statement that returns no rows, then resets it for reuse.
  void run();
  void reset();

  bool is_null(int col) const;
  int64_t column_int(int col) const;
  double column_double(int col) const;
  std::string column_text(int col) const;
  std::optional<int64_t> column_opt_int(int col) const;
  std::optional<double> column_opt_double(int col) const;
  // Valid until the next step() or reset().
  std::span<const std::byte> column_blob(int col) const;

 private:
  friend class Database;
  Statement(const Database& db, sqlite3_stmt* stmt) : db_(&db), stmt_(stmt) {}
  void check_bind(int rc, int i);
  const Database* db_;
  sqlite3_stmt* stmt_;
};

// BEGIN IMMEDIATE on construction; rolls back on destruction unless
// committed, so an exception leaves the file as it was.
class Transaction {
 public:
  explicit Transaction(Database& db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Database& db_;
  bool open_ = true;
};

}  // namespace jxr::sql
