// What the compare view shows, as plain Qt data that app/ fills from the
// engine's structural diff: the two jaxprs as aligned line pairs, the
// correspondence of their variables, and a comparison of the values (or
// tangents, cotangents) two runs gave the same variables.
#pragma once

#include <QHash>
#include <QString>
#include <QStringList>
#include <QVector>

namespace jxr::views {

enum class DiffKind {
  Same,       // an equation computing the same thing on both sides
  Changed,    // matched, but params, types or wiring differ (also a header or `in` line whose inputs or outputs differ)
  OnlyLeft,   // on the left only: the right shows a filler line opposite
  OnlyRight,  // on the right only: the left shows a filler line opposite
  Header,     // a `{ lambda` or `in (...)` line of a (sub-)jaxpr whose inputs or outputs match
};

// A run of characters of one side's text (a changed param, operand or binder).
struct TextSpan {
  int start = 0, length = 0;
  bool operator==(const TextSpan&) const = default;
};

struct DiffLine {
  DiffKind kind = DiffKind::Same;
  QString left, right;  // the text as each side prints it; empty on a filler side
  // A later line of an equation that prints on several lines (it repeats the
  // first line's kind and equations but is no separate difference).
  bool continuation = false;
  // `params.axes: (0,) → (1,)`, `operands[1]: b:f32[] → d:f32[]` for a
  // Changed line (on an equation's first line only).
  QStringList changes;
  QVector<TextSpan> left_marks, right_marks;  // where those changes are in the texts
  // The top-level equation each side's line belongs to (for a line inside a
  // jit body, the equation holding it); -1 for a filler or a top-level header.
  int left_equation = -1, right_equation = -1;
  int scope = 0;  // index into DiffData::scopes: which pair of (sub-)jaxprs the line's names live in
};

// The variables of one pair of (sub-)jaxprs compared with each other. Names
// restart in every sub-jaxpr, so a name means something only in its scope.
struct DiffScope {
  QStringList left_vars, right_vars;
  QHash<QString, QString> left_to_right;  // corresponding variables (matched inputs, outputs of matched equations)
};

struct DiffData {
  QString left_title, right_title;
  QVector<DiffLine> lines;
  QVector<DiffScope> scopes;  // scopes[0] is the top-level pair
  bool identical = false;
};

// One variable's value on both sides. `differs` says whether they are not
// exactly equal (NaN opposite NaN counts as equal); a view decides with its
// tolerance whether a difference matters.
struct ValueDiffRow {
  QString left_name, right_name;  // one of them empty when the variable is on one side only
  QString left_type, right_type;  // `f32[3]`
  QString left, right;            // value previews
  bool comparable = false;        // both sides present, same shape
  double max_abs = 0, max_rel = 0;  // over the elements when comparable; infinite where a NaN or Inf meets a number
  bool differs = false;
  bool left_non_finite = false, right_non_finite = false;
};

}  // namespace jxr::views
