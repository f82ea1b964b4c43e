// The `scan` primitive (issue 7, being written).
#include "engine/primitives/families.h"

namespace jxr {

void register_scan_primitives() {}

}  // namespace jxr
