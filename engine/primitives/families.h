// Each family file registers its primitives (with all of their rules side by
// side) through one function; the registry calls them all on first use.
#pragma once

#include <string_view>

#include "engine/core/primitive.h"

namespace jxr {

void register_elementwise_primitives();  // elementwise.cpp: unary, binary, comparison, logic, select_n, clamp, convert_element_type, special functions (polygamma ...)
void register_structural_primitives();   // structural.cpp: broadcast_in_dim reshape squeeze transpose rev concatenate pad iota copy stack split unstack
void register_indexing_primitives();     // indexing.cpp: slice dynamic_slice dynamic_update_slice gather scatter-add scatter
void register_reduction_primitives();    // reductions.cpp: reduce_* argmax argmin cum*
void register_linalg_primitives();       // linalg.cpp: dot_general
void register_sort_primitives();         // sort.cpp: sort
void register_random_primitives();       // random.cpp: threefry2x32 random_bits
void register_call_primitives();         // calls.cpp: jit, stop_gradient
void register_custom_derivative_primitives();  // engine/custom_derivatives.cpp: custom_jvp_call custom_vjp_call custom_lin
void register_cond_primitives();   // cond.cpp: cond (lax.cond, lax.switch)
void register_while_primitives();  // while.cpp: while (lax.while_loop, lax.fori_loop)
void register_scan_primitives();   // scan.cpp: scan (lax.scan, lax.map)

// Transformation rules (jvp, transpose, batching), one file per family
// (<family>_rules.cpp), attached once every primitive exists because rules
// refer to other primitives.
void register_elementwise_rules();
void register_structural_rules();
void register_indexing_rules();
void register_reduction_rules();
void register_linalg_rules();  // dot_general, sort, random
void register_call_rules();
void register_cond_rules();
void register_while_rules();
void register_scan_rules();

// The primitive of that name, for attaching rules during registration.
Primitive& primitive_for_rules(std::string_view name);

inline void register_all_primitive_families() {
  register_elementwise_primitives();
  register_structural_primitives();
  register_indexing_primitives();
  register_reduction_primitives();
  register_linalg_primitives();
  register_sort_primitives();
  register_random_primitives();
  register_call_primitives();
  register_custom_derivative_primitives();
  register_cond_primitives();
  register_while_primitives();
  register_scan_primitives();
  register_elementwise_rules();
  register_structural_rules();
  register_indexing_rules();
  register_reduction_rules();
  register_linalg_rules();
  register_call_rules();
  register_cond_rules();
  register_while_rules();
  register_scan_rules();
}

}  // namespace jxr
