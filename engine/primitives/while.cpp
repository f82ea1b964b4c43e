// The `while` primitive (issue 7, being written).
#include "engine/primitives/families.h"

namespace jxr {

void register_while_primitives() {}

}  // namespace jxr
