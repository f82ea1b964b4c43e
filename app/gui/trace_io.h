// Saving a debugging session as a `.jaxray` trace: the program, its jaxpr
// under the transform chain it was shown with, and a recorded run of it in
// each mode that applies, so that ReplaySession can step it later without
// running anything.
#pragma once

#include <QString>
#include <cstdint>
#include <optional>
#include <vector>

#include "engine/jaxpr/jaxpr.h"
#include "views/session.h"

namespace jxr::gui {

struct SavedRun {
  views::Mode mode = views::Mode::Eval;
  int64_t run_id = 0;
};

struct SavedTrace {
  int64_t program_id = 0;
  int64_t jaxpr_id = 0;
  int64_t run_id = 0;         // the run in the mode asked for
  std::vector<SavedRun> runs;  // every run written, that one first
};

// Records `program` (already transformed by `chain`: `f`, `grad(f)`; the
// innermost name is replaced by the program's) stepped to the end in `mode`,
// and also in the other modes that apply to it (jvp when an input is
// floating, vjp when an output is), with the seeds StepperSession uses: ones
// for the floating inputs (jvp) or outputs (vjp). `args_json` as `--args`
// takes it; none: ones of each input's shape, as StepperSession does.
// `source_name` names the program (its stem: `seed.jaxpr` records `seed`; a
// `.py` name marks Python source), `source_text` is stored as its source.
//
// An existing trace at `path` is appended to (a program with the same name
// and source, and its jaxpr under the same chain, are reused). The new file
// is written next to `path` and renamed over it, so a failure leaves `path`
// as it was. Throws jxr::Error naming `path` and the reason.
SavedTrace save_trace(const QString& path, const ClosedJaxpr& program, const QString& source_name,
                      const QString& source_text, const QString& chain, const std::optional<QString>& args_json,
                      views::Mode mode);

}  // namespace jxr::gui
