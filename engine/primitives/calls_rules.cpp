// Transformation rules of the call primitives.
#include "engine/ad/rules.h"
#include "engine/lax.h"
#include "engine/primitives/families.h"

namespace jxr {

void register_call_rules() {}

}  // namespace jxr
