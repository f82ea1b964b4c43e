// save_trace (see trace_io.h): rows through TraceWriter, runs through
// trace::record_run, written to a temporary file renamed into place.
#include "app/gui/trace_io.h"

#include <QFileInfo>
#include <QRandomGenerator>
#include <algorithm>
#include <exception>
#include <filesystem>
#include <string>

#include "app/cli/json_values.h"
#include "app/cli/transform.h"
#include "app/gui/modes.h"
#include "engine/core/error.h"
#include "engine/jaxpr/print.h"
#include "trace_store/recorder.h"
#include "trace_store/trace_reader.h"
#include "trace_store/trace_writer.h"

namespace jxr::gui {

namespace {

namespace fs = std::filesystem;

bool any_floating(const std::vector<ShapedArray>& avals) {
  return std::any_of(avals.begin(), avals.end(), [](const ShapedArray& a) { return is_floating(a.dtype); });
}

// The chain as the trace names it: the program's name innermost.
std::string chain_for(const QString& chain, const std::string& name) {
  const std::string written = chain.simplified().remove(QLatin1Char(' ')).toStdString();
  if (written.empty() || written.find('(') == std::string::npos) return name;
  cli::TransformSpec spec;
  if (auto err = cli::parse_transform_chain(written, &spec)) throw Error(ErrorKind::Value, "transform chain: " + *err);
  return cli::chain_text(spec, name);
}

// The temporary file and what SQLite keeps beside it.
void remove_files(const std::string& db) {
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(db + suffix, ec);
}

// Replaces the temporary file's name in a store message by the one the user chose.
std::string naming(std::string msg, const std::string& tmp, const std::string& path) {
  for (size_t at = msg.find(tmp); at != std::string::npos; at = msg.find(tmp, at + path.size()))
    msg.replace(at, tmp.size(), path);
  return msg;
}

SavedTrace write(const std::string& file, const ClosedJaxpr& program, const std::string& name,
                 const std::string& source, trace::Language language, const std::string& chain,
                 const std::vector<Array>& args, views::Mode asked) {
  std::string args_text = "[";
  for (size_t i = 0; i < args.size(); ++i) args_text += (i ? ", " : "") + cli::array_to_json(args[i]);
  args_text += "]";
  const std::string text = print_closed_jaxpr(program);

  SavedTrace saved;
  std::optional<int64_t> program_id, jaxpr_id;
  if (fs::exists(file)) {
    trace::TraceReader reader(file);
    for (const trace::ProgramInfo& p : reader.programs())
      if (p.name == name && p.source == source && p.language == language) program_id = p.id;
    if (program_id)
      for (const trace::JaxprInfo& j : reader.jaxprs())
        if (j.program_id == *program_id && j.transform_chain == chain && j.text == text) jaxpr_id = j.id;
  }
  trace::TraceWriter writer(file);
  saved.program_id = program_id ? *program_id : writer.add_program(name, source, language);
  saved.jaxpr_id = jaxpr_id ? *jaxpr_id : writer.add_jaxpr(saved.program_id, chain, text, trace::equation_rows(program));

  std::vector<views::Mode> modes = {asked};
  for (views::Mode m : {views::Mode::Eval, views::Mode::Jvp, views::Mode::Vjp}) {
    const bool applies = m == views::Mode::Eval || (m == views::Mode::Jvp && any_floating(program.in_avals())) ||
                         (m == views::Mode::Vjp && any_floating(program.out_avals()));
    if (m != asked && applies) modes.push_back(m);
  }
  for (views::Mode m : modes) {
    const StepMode sm = to_engine(m);
    std::vector<Array> seeds = ones_seeds(program, sm);
    const std::string inputs =
        "{\"args\": " + args_text + (sm == StepMode::Eval ? std::string("}") : ", \"seeds\": \"ones\"}");
    const int64_t run = trace::record_run(writer, saved.jaxpr_id, program, sm, args, std::move(seeds), inputs);
    saved.runs.push_back({m, run});
  }
  saved.run_id = saved.runs.front().run_id;
  return saved;
}

}  // namespace

SavedTrace save_trace(const QString& path, const ClosedJaxpr& program, const QString& source_name,
                      const QString& source_text, const QString& chain, const std::optional<QString>& args_json,
                      views::Mode mode) {
  const std::string target = path.toStdString();
  const QFileInfo source(source_name);
  std::string name = source.completeBaseName().toStdString();
  if (name.empty()) name = "f";
  const trace::Language language =
      source.suffix() == QLatin1String("py") ? trace::Language::Python : trace::Language::Jaxpr;
  const std::string tmp =
      target + ".saving-" + QString::number(QRandomGenerator::global()->generate(), 16).toStdString();
  try {
    std::vector<Array> args;
    if (args_json) {
      for (const Value& v : cli::parse_json_args(args_json->toStdString(), program.in_avals()))
        args.push_back(v.array());
    } else {
      for (const ShapedArray& a : program.in_avals()) args.push_back(Array::full(a.shape, 1.0, a.dtype));
    }
    const std::string chain_name = chain_for(chain, name);
    if (fs::exists(target)) {
      // Opening for writing checks that it is a trace and folds a leftover
      // write-ahead log into it, so that the copy holds everything.
      { trace::TraceWriter check(target); }
      fs::copy_file(target, tmp);
    }
    SavedTrace saved =
        write(tmp, program, name, source_text.toStdString(), language, chain_name, args, mode);
    fs::rename(tmp, target);
    return saved;
  } catch (const std::exception& e) {
    remove_files(tmp);
    const std::string why = naming(e.what(), tmp, target);
    throw Error(ErrorKind::Runtime, why.find(target) == std::string::npos
                                        ? "cannot save the trace " + target + ": " + why
                                        : "cannot save the trace: " + why);
  }
}

}  // namespace jxr::gui
