// The views' stepping mode as the engine's stepper names it.
#pragma once

#include "engine/debug/stepper.h"
#include "views/session.h"

namespace jxr::gui {

inline StepMode to_engine(views::Mode m) {
  switch (m) {
    case views::Mode::Eval: return StepMode::Eval;
    case views::Mode::Jvp: return StepMode::Jvp;
    case views::Mode::Vjp: return StepMode::Vjp;
  }
  return StepMode::Eval;
}

}  // namespace jxr::gui
