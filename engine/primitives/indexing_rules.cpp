// Transformation rules of the indexing primitives.
#include "engine/ad/rules.h"
#include "engine/lax.h"
#include "engine/primitives/families.h"

namespace jxr {

void register_indexing_rules() {}

}  // namespace jxr
