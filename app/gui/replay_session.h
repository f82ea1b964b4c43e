// A debugging session replayed from a `.jaxray` trace: the views' Session
// interface over the steps a TraceRecorder stored, so that a recorded run
// steps forward and back, stops at breakpoints and switches between the
// modes and transform chains the trace holds, without the engine running
// anything (the stored jaxpr is only parsed, for its names and operands).
//
// What a trace does not store shows as follows: entering a jit body is no
// stop of its own; a backward step's linear equation is named by its index
// (its text, its literal operands and the program variable each linear
// variable stands for are not recorded), and of its variables the last one
// is its result.
#pragma once

#include <QSet>
#include <QString>
#include <QStringList>
#include <QVector>
#include <cstdint>
#include <memory>
#include <vector>

#include "views/session.h"

namespace jxr {
struct Jaxpr;
}

namespace jxr::gui {

class ReplaySession : public views::Session {
  Q_OBJECT
 public:
  explicit ReplaySession(QObject* parent = nullptr);
  ~ReplaySession() override;

  // Shows run `run_id` of the trace at `path` at its start (`loaded`,
  // `stepped`, `transforms_changed`), or answers `error` naming the file and
  // the reason, keeping what was shown.
  void open(const QString& path, qint64 run_id);

  QString path() const { return path_; }
  qint64 run_id() const { return run_id_; }
  qint64 jaxpr_id() const { return jaxpr_id_; }

  QString jaxpr_text() const override { return text_; }
  QVector<int> equation_lines() const override { return lines_; }
  QSet<int> breakpoints() const override { return breakpoints_; }
  views::Mode mode() const override { return mode_; }
  QString transform() const override { return transform_; }
  QStringList transforms() const override { return transforms_; }

  // A trace holds no program text to run: `error`.
  void load_text(const QString& text, const QString& source_name) override;
  // Opens the trace at `path` at its first run.
  void load_file(const QString& path) override;
  // The trace's run of the shown jaxpr in that mode, else `error`.
  void set_mode(views::Mode m) override;
  void step() override;
  void step_over() override;
  void step_out() override;
  void step_back() override;
  void continue_run() override;
  void restart() override;
  void toggle_breakpoint(int equation) override;
  // The jaxpr of the shown program recorded under `chain` (`grad(f)` and
  // `grad(seed)` alike), at a run in the current mode if it has one.
  void load_transform(const QString& chain) override;

 private:
  // One stop of the recorded run: the start, each recorded step, the end.
  // Its variables are read from the trace when it is first shown, so that
  // opening a long run reads no values.
  struct Position {
    enum class Kind { Start, Step, End };
    Kind kind = Kind::Step;
    views::StepState state;
    int depth = 1;  // frames on the stack, 1 at top level, as Stepper::depth
    int64_t step_id = 0;
    const Jaxpr* frame = nullptr;  // a forward step's jaxpr (the program's or a jit body)
    size_t eqn_index = 0;          // and its equation there
    bool filled = false;
  };
  // The open trace and the parsed jaxpr of the shown run.
  struct Data;
  struct Loaded;
  // Reads run `run_id` of the trace at `path`; throws jxr::Error naming the file.
  static Loaded read(const QString& path, qint64 run_id);
  // Reads a position's variables; throws jxr::Error.
  static void fill(Data& data, Position& p);
  // Fills a position, or answers `error`.
  bool ready(int position);
  // Reads and shows a run, or answers `error` keeping what was shown.
  void show(const QString& path, qint64 run_id);
  int current() const { return history_.empty() ? 0 : history_.back(); }
  bool at_breakpoint(int position) const;
  // Moves to `position`, reporting it; `passed`: the stops on the way, each
  // a step of its own that step_back undoes one at a time.
  void go(int position, const QString& reason, const QVector<int>& passed = {});
  // Past the last recorded step of a run the recorder did not finish.
  void ran_out();
  // Runs forward until `stop` says so, a breakpoint (when `breakpoints`) or the end.
  template <typename Stop>
  void run_until(bool breakpoints, Stop stop);

  QString path_;
  qint64 run_id_ = 0, jaxpr_id_ = 0, program_id_ = 0;
  views::Mode mode_ = views::Mode::Eval;
  QString transform_;
  QStringList transforms_;
  QString text_;
  QVector<int> lines_;
  QSet<int> breakpoints_;
  std::unique_ptr<Data> data_;
  std::vector<Position> positions_;
  bool complete_ = false;  // the last position is the end of the program
  // The positions stepped to since the start, as the stepper's undo history.
  QVector<int> history_;
};

}  // namespace jxr::gui
