// Trace schema: creation, migration and validation on open (see schema.h).
#include "trace_store/schema.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <vector>

#include "engine/core/error.h"

namespace jxr::trace {

namespace fs = std::filesystem;

namespace {

[[noreturn]] void refuse(const std::string& path, const std::string& why) {
  throw Error(ErrorKind::Runtime, path + ": not a usable jaxray trace: " + why);
}

// Version 1. Values of the run as a whole have no step_id. A value's data is
// the last column so that reading the columns before it never walks the
// blob's overflow pages: listing statistics stays cheap in large files.
constexpr std::string_view kSchemaV1 = R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);
CREATE TABLE programs(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  source TEXT NOT NULL,
  language TEXT NOT NULL CHECK(language IN ('python', 'jaxpr')));
CREATE TABLE jaxprs(
  id INTEGER PRIMARY KEY,
  program_id INTEGER NOT NULL REFERENCES programs(id),
  transform_chain TEXT NOT NULL,
  text TEXT NOT NULL);
CREATE TABLE jaxpr_eqns(
  jaxpr_id INTEGER NOT NULL REFERENCES jaxprs(id),
  eqn_index INTEGER NOT NULL,
  primitive TEXT NOT NULL,
  text TEXT NOT NULL,
  source_file TEXT NOT NULL,
  source_line INTEGER,
  PRIMARY KEY(jaxpr_id, eqn_index));
CREATE TABLE runs(
  id INTEGER PRIMARY KEY,
  jaxpr_id INTEGER NOT NULL REFERENCES jaxprs(id),
  mode TEXT NOT NULL CHECK(mode IN ('eval', 'jvp', 'vjp')),
  inputs TEXT NOT NULL,
  started_ms INTEGER NOT NULL,
  finished_ms INTEGER,
  status TEXT NOT NULL CHECK(status IN ('complete', 'incomplete')));
CREATE TABLE steps(
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs(id),
  step_index INTEGER NOT NULL,
  phase TEXT NOT NULL CHECK(phase IN ('forward', 'backward')),
  frame_path TEXT NOT NULL,
  eqn_index INTEGER NOT NULL);
CREATE INDEX steps_by_run ON steps(run_id, step_index);
CREATE TABLE "values"(
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs(id),
  step_id INTEGER REFERENCES steps(id),
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK(role IN ('primal', 'tangent', 'cotangent')),
  dtype TEXT NOT NULL,
  shape TEXT NOT NULL,
  weak_type INTEGER NOT NULL,
  nbytes INTEGER NOT NULL,
  truncated INTEGER NOT NULL,
  min REAL,
  max REAL,
  mean REAL,
  l2_norm REAL,
  nan_count INTEGER NOT NULL,
  inf_count INTEGER NOT NULL,
  data BLOB);
CREATE INDEX values_by_run ON "values"(run_id);
CREATE INDEX values_by_step ON "values"(step_id);
CREATE TABLE compile_passes(
  id INTEGER PRIMARY KEY,
  jaxpr_id INTEGER NOT NULL REFERENCES jaxprs(id),
  pass_index INTEGER NOT NULL,
  name TEXT NOT NULL,
  text_before TEXT,
  text_after TEXT,
  duration_ns INTEGER);
CREATE TABLE kernel_profiles(
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs(id),
  eqn_index INTEGER NOT NULL,
  kernel TEXT NOT NULL,
  duration_ns INTEGER NOT NULL);
)sql";

// Migration i takes a file from version i to i + 1; version 0 is an empty
// database, so creating a file is migrating it from 0.
constexpr std::array<std::string_view, kSchemaVersion> kMigrations = {kSchemaV1};

// The tables every version-kSchemaVersion file has.
constexpr std::array<std::string_view, 9> kTables = {
    "meta", "programs", "jaxprs", "jaxpr_eqns", "runs", "steps", "values", "compile_passes", "kernel_profiles"};

struct Column {
  std::string name, type;
  int64_t notnull, pk;
  bool operator==(const Column&) const = default;
};

std::vector<Column> columns(sql::Database& db, std::string_view table) {
  sql::Statement st = db.prepare(R"(SELECT name, type, "notnull", pk FROM pragma_table_info(?1))");
  st.bind(1, table);
  std::vector<Column> out;
  while (st.step()) out.push_back({st.column_text(0), st.column_text(1), st.column_int(2), st.column_int(3)});
  return out;
}

// The current schema's columns, from an in-memory database built by the
// migrations themselves, so that the expectation cannot drift from them.
const std::vector<std::vector<Column>>& expected_columns() {
  static const std::vector<std::vector<Column>> expected = [] {
    sql::Database mem(":memory:", sql::Database::Mode::ReadWrite);
    for (std::string_view m : kMigrations) mem.exec(m);
    std::vector<std::vector<Column>> out;
    for (std::string_view t : kTables) out.push_back(columns(mem, t));
    return out;
  }();
  return expected;
}

// Every table and column of the current schema must be there with its
// type; a newer compatible version may add others.
void check_tables(sql::Database& db) {
  sql::Statement kind = db.prepare("SELECT type FROM sqlite_schema WHERE name = ?1");
  for (size_t i = 0; i < kTables.size(); ++i) {
    std::string table(kTables[i]);
    kind.bind(1, table);
    if (!kind.step()) refuse(db.path(), "table '" + table + "' is missing");
    std::string type = kind.column_text(0);
    kind.reset();
    if (type != "table") refuse(db.path(), "'" + table + "' is a " + type + ", not a table");
    std::vector<Column> have = columns(db, table);
    for (const Column& want : expected_columns()[i]) {
      auto it = std::find_if(have.begin(), have.end(), [&](const Column& c) { return c.name == want.name; });
      if (it == have.end()) refuse(db.path(), "table '" + table + "' has no column '" + want.name + "'");
      if (*it != want)
        refuse(db.path(), "column '" + table + "." + want.name + "' is declared '" + it->type +
                              (it->notnull ? " NOT NULL" : "") + "', expected '" + want.type +
                              (want.notnull ? " NOT NULL" : "") + "'");
    }
  }
}

std::optional<std::string> meta_value(sql::Database& db, std::string_view key) {
  sql::Statement st = db.prepare("SELECT value FROM meta WHERE key = ?1");
  st.bind(1, key);
  if (!st.step()) return std::nullopt;
  return st.column_text(0);
}

int64_t meta_int(sql::Database& db, std::string_view key) {
  std::optional<std::string> text = meta_value(db, key);
  if (!text) refuse(db.path(), "the meta table has no '" + std::string(key) + "'");
  int64_t v = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc() || end != text->data() + text->size())
    refuse(db.path(), "meta '" + std::string(key) + "' is '" + *text + "', not a number");
  return v;
}

void set_meta(sql::Database& db, std::string_view key, std::string_view value) {
  sql::Statement st = db.prepare("INSERT OR REPLACE INTO meta(key, value) VALUES(?1, ?2)");
  st.bind(1, key).bind(2, value).run();
}

uint32_t big_endian32(const unsigned char* p) {
  return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | uint32_t(p[3]);
}

// What SQLite finds only when it reads a damaged page, possibly long after
// opening, checked up front from the header: that the file is there, is an
// SQLite database and is as long as its header says. Skipped while a
// write-ahead log is present, since the log then holds the newest pages.
// Returns false for a missing or empty file, which only a writer accepts.
bool check_file(const std::string& path, bool must_exist) {
  std::error_code ec;
  fs::file_status st = fs::status(path, ec);
  if (!fs::exists(st)) {
    if (must_exist) throw Error(ErrorKind::Runtime, path + ": no such file");
    return false;
  }
  if (fs::is_directory(st)) throw Error(ErrorKind::Runtime, path + ": is a directory, not a trace file");
  if (!fs::is_regular_file(st)) refuse(path, "not a regular file");
  uintmax_t size = fs::file_size(path, ec);
  if (ec) throw Error(ErrorKind::Runtime, path + ": cannot read its size: " + ec.message());
  if (fs::exists(path + "-wal") && fs::file_size(path + "-wal", ec) > 0) return true;
  if (size == 0) {
    if (must_exist) refuse(path, "the file is empty");
    return false;
  }
  std::array<unsigned char, 100> header{};
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorKind::Runtime, path + ": cannot open for reading");
  in.read(reinterpret_cast<char*>(header.data()), header.size());
  if (size < header.size() || std::memcmp(header.data(), "SQLite format 3", 16) != 0)
    refuse(path, "not an SQLite database (no SQLite header)");
  uint32_t page_size = uint32_t(header[16]) << 8 | header[17];
  if (page_size == 1) page_size = 65536;
  if (page_size < 512 || (page_size & (page_size - 1)) != 0)
    refuse(path, "damaged SQLite header (page size " + std::to_string(page_size) + ")");
  // The page count in the header is valid only while the change counter
  // matches the version-valid-for field (SQLite file format, section 1.3).
  uint32_t pages = big_endian32(&header[28]);
  if (pages != 0 && big_endian32(&header[24]) == big_endian32(&header[92]) &&
      uintmax_t(pages) * page_size > size)
    refuse(path, "truncated: its header promises " + std::to_string(uintmax_t(pages) * page_size) +
                     " bytes, the file has " + std::to_string(size));
  return true;
}

// The checks shared by reader and writer on an existing file; returns what
// meta says. A reader takes a newer file that still supports its version; a
// writer does not, since it would leave the newer columns unfilled.
TraceFileInfo check_trace(sql::Database& db, bool for_writing) {
  int64_t app_id = db.query_int("PRAGMA application_id").value_or(0);
  bool has_meta = db.query_int("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'meta'") == 1;
  if (app_id != kApplicationId) {
    char hex[16];
    std::snprintf(hex, sizeof hex, "0x%08llx", static_cast<unsigned long long>(uint32_t(app_id)));
    refuse(db.path(), std::string("an SQLite database of another application (application_id ") + hex +
                          ", a trace has 0x4a585259)");
  }
  if (!has_meta) refuse(db.path(), "table 'meta' is missing");
  std::optional<std::string> magic = meta_value(db, "format");
  if (magic != kFormatMagic)
    refuse(db.path(), "meta 'format' is '" + magic.value_or("") + "', expected '" + std::string(kFormatMagic) + "'");
  TraceFileInfo info;
  info.schema_version = int(meta_int(db, "schema_version"));
  info.min_supported_version = int(meta_int(db, "min_supported_version"));
  info.max_value_bytes = meta_int(db, "max_value_bytes");
  if (info.schema_version < kOldestSupportedVersion)
    refuse(db.path(), "schema version " + std::to_string(info.schema_version) +
                          " is older than the oldest this jaxray supports (" +
                          std::to_string(kOldestSupportedVersion) + ")");
  if (info.min_supported_version > kSchemaVersion)
    refuse(db.path(), "written by a newer jaxray (schema version " + std::to_string(info.schema_version) +
                          ", readable from version " + std::to_string(info.min_supported_version) +
                          "); this jaxray reads up to version " + std::to_string(kSchemaVersion));
  if (for_writing && info.schema_version > kSchemaVersion)
    refuse(db.path(), "written by a newer jaxray (schema version " + std::to_string(info.schema_version) +
                          "); this jaxray can read it but writes only version " + std::to_string(kSchemaVersion));
  return info;
}

void migrate(sql::Database& db, int from, std::optional<int64_t> max_value_bytes) {
  sql::Transaction tx(db);
  for (int v = from; v < kSchemaVersion; ++v) db.exec(kMigrations[size_t(v)]);
  if (from == 0) {
    db.exec("PRAGMA application_id=" + std::to_string(kApplicationId));
    set_meta(db, "format", kFormatMagic);
    set_meta(db, "created_by", "jaxray " JAXRAY_VERSION);
    set_meta(db, "max_value_bytes", std::to_string(max_value_bytes.value_or(kDefaultMaxValueBytes)));
  }
  set_meta(db, "schema_version", std::to_string(kSchemaVersion));
  set_meta(db, "min_supported_version", std::to_string(kOldestSupportedVersion));
  tx.commit();
}

}  // namespace

sql::Database open_trace_for_reading(const std::string& path, TraceFileInfo& info) {
  check_file(path, true);
  sql::Database db(path, sql::Database::Mode::ReadOnly);
  info = check_trace(db, false);
  check_tables(db);
  return db;
}

sql::Database open_trace_for_writing(const std::string& path, std::optional<int64_t> max_value_bytes,
                                     TraceFileInfo& info) {
  if (max_value_bytes && *max_value_bytes < 0)
    throw Error(ErrorKind::Value, path + ": the per-value size limit must not be negative");
  bool exists = check_file(path, false);
  sql::Database db(path, sql::Database::Mode::ReadWrite);
  if (!exists) {
    // Large pages make the multi-megabyte value blobs cheap to write; the
    // page size must be chosen before the first table exists.
    db.exec("PRAGMA page_size=65536");
    db.exec("PRAGMA journal_mode=WAL");
    migrate(db, 0, max_value_bytes);
    // A crash before the first checkpoint would otherwise leave the schema
    // only in the log, with an empty main file.
    db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  } else {
    // Checked before anything is written, so that a foreign file is left alone.
    TraceFileInfo old = check_trace(db, true);
    db.exec("PRAGMA journal_mode=WAL");
    if (old.schema_version < kSchemaVersion) migrate(db, old.schema_version, std::nullopt);
    if (max_value_bytes) set_meta(db, "max_value_bytes", std::to_string(*max_value_bytes));
  }
  // A killed process loses nothing committed under NORMAL in WAL mode; only
  // power loss may drop the last commits, never consistency.
  db.exec("PRAGMA synchronous=NORMAL");
  check_tables(db);
  info = check_trace(db, true);
  return db;
}

}  // namespace jxr::trace
