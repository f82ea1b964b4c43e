// The `scan` primitive's transformation rules (issue 7, being written).
#include "engine/primitives/families.h"

namespace jxr {

void register_scan_rules() {}

}  // namespace jxr
