// Transformation rules of the reduction primitives.
#include "engine/ad/rules.h"
#include "engine/lax.h"
#include "engine/primitives/families.h"

namespace jxr {

void register_reduction_rules() {}

}  // namespace jxr
