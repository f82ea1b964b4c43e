// A structural diff of two jaxprs, for the debugger's side-by-side view and
// `jaxray-cli diff`. Variable names differ between any two prints, so
// equations are matched by what they compute: primitive, params, operand
// types and where their operands come from (an input position, a literal, or
// an equation of the same kind), aligned in order (Needleman-Wunsch) so that
// the rows read like a text diff. Sub-jaxprs of matched equations (jit
// bodies, branches) are diffed recursively.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/jaxpr/jaxpr.h"

namespace jxr {

// One difference of a matched pair: `params.axes`, `operands[1]`,
// `outputs[0]`, `inputs[2]`, `operand count` ...; the two sides as printed
// (`(0,)`, `b:f32[3]`), empty where a side has none.
struct FieldChange {
  std::string field, left, right;
  bool operator==(const FieldChange&) const = default;
};

struct SubDiff;

struct DiffRow {
  enum class Kind { Same, Changed, OnlyLeft, OnlyRight };
  Kind kind = Kind::Same;
  std::optional<size_t> left, right;  // equation indices; both set unless only on one side
  // Changed: what differs, params first (in the left's order), then operands
  // and outputs. A differing sub-jaxpr shows as a non-identical entry of `subs`.
  std::vector<FieldChange> changes;
  // For a matched pair whose params hold the same sub-jaxpr paths.
  std::vector<SubDiff> subs;
};

struct JaxprDiff {
  const Jaxpr* left = nullptr;
  const Jaxpr* right = nullptr;
  std::vector<FieldChange> input_changes;   // constvars and invars, matched by position
  std::vector<DiffRow> rows;                // the equations of both, in order
  std::vector<FieldChange> output_changes;  // outvars, by position, through the renaming

  bool identical() const;
};

struct SubDiff {
  std::string path;  // the param holding the sub-jaxprs: `jaxpr`, `branches[0]`
  JaxprDiff diff;
};

// Corresponding variables (matched inputs, outputs of matched equations),
// at every nesting level, with the names a full print of each side gives
// them, so that a view can highlight one side's variable in the other.
struct VarPair {
  const Var* left;
  const Var* right;
  std::string left_name, right_name;
  bool operator==(const VarPair&) const = default;
};

struct JaxprDiffResult {
  JaxprDiff top;
  std::vector<VarPair> renames;  // in the order of the rows; drop vars left out
};

const char* diff_kind_marker(DiffRow::Kind kind);  // `=`, `~`, `<`, `>`

// The jaxprs must outlive the result (it points into them).
JaxprDiffResult diff_jaxprs(const Jaxpr& left, const Jaxpr& right);

}  // namespace jxr
