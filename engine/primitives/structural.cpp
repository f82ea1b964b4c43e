// Primitive family: see families.h. (Filled in by its owner.)
#include "engine/primitives/families.h"

namespace jxr {

void register_structural_primitives() {}

}  // namespace jxr
