// What a `.jaxray` trace holds, as plain Qt structs for the trace browser:
// the file, its programs, their jaxprs (one per transform chain) and the
// runs of each jaxpr. app/ fills it from the trace store; panels read it.
#pragma once

#include <QString>
#include <QVector>
#include <QtGlobal>

namespace jxr::views {

struct TraceFileEntry {
  QString path;
  qint64 size_bytes = 0;
  int schema_version = 0;
};

struct ProgramEntry {
  qint64 id = 0;
  QString name;
  QString language;     // `jaxpr` or `python`
  QString source_file;  // where its equations came from; empty when unknown
};

struct JaxprEntry {
  qint64 id = 0;
  qint64 program_id = 0;
  QString chain;  // `seed`, `grad(seed)`: the program's name bare when untransformed
  int equations = 0;
  QString kind;   // `program`, or the outermost transformation (`grad`, `vmap` ...)
};

struct RunEntry {
  qint64 id = 0;
  qint64 jaxpr_id = 0;
  QString mode;  // `eval`, `jvp` or `vjp`
  int steps = 0;
  bool finished = false;
  QString inputs;      // the recorded description of the inputs (JSON by convention)
  qint64 started_ms = 0;  // Unix time in milliseconds
};

struct TraceCatalog {
  TraceFileEntry file;
  QVector<ProgramEntry> programs;
  QVector<JaxprEntry> jaxprs;
  QVector<RunEntry> runs;
};

}  // namespace jxr::views
