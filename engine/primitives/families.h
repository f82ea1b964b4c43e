// Each family file registers its primitives (with all of their rules side by
// side) through one function; the registry calls them all on first use.
#pragma once

namespace jxr {

void register_elementwise_primitives();  // elementwise.cpp: unary, binary, comparison, logic, select_n, clamp, convert_element_type
void register_structural_primitives();   // structural.cpp: broadcast_in_dim reshape squeeze transpose rev concatenate pad iota copy
void register_indexing_primitives();     // indexing.cpp: slice dynamic_slice dynamic_update_slice gather scatter-add
void register_reduction_primitives();    // reductions.cpp: reduce_* argmax argmin cum*
void register_linalg_primitives();       // linalg.cpp: dot_general
void register_sort_primitives();         // sort.cpp: sort
void register_random_primitives();       // random.cpp: threefry2x32 random_bits
void register_call_primitives();         // calls.cpp: jit, stop_gradient

inline void register_all_primitive_families() {
  register_elementwise_primitives();
  register_structural_primitives();
  register_indexing_primitives();
  register_reduction_primitives();
  register_linalg_primitives();
  register_sort_primitives();
  register_random_primitives();
  register_call_primitives();
}

}  // namespace jxr
