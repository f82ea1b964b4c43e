// Transformation rules of the structural primitives.
#include "engine/ad/rules.h"
#include "engine/lax.h"
#include "engine/primitives/families.h"

namespace jxr {

void register_structural_rules() {}

}  // namespace jxr
