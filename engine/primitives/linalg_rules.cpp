// Transformation rules of the linalg primitives.
#include "engine/ad/rules.h"
#include "engine/lax.h"
#include "engine/primitives/families.h"

namespace jxr {

void register_linalg_rules() {}

}  // namespace jxr
