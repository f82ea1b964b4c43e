// The `cond` primitive (issue 7, being written).
#include "engine/primitives/families.h"

namespace jxr {

void register_cond_primitives() {}

}  // namespace jxr
