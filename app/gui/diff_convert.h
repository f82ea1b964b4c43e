// From the engine to the compare view: jxr::diff_jaxprs rendered as aligned
// line pairs (the layout `jaxray-cli diff` prints, with the changed fields,
// equation indices and variable correspondence the view needs), two jaxpr
// texts parsed and compared, and two runs' named values compared.
#pragma once

#include <QString>
#include <QVector>
#include <string>
#include <utility>
#include <vector>

#include "engine/core/array.h"
#include "engine/jaxpr/jaxpr.h"
#include "views/diff_data.h"

namespace jxr::gui {

views::DiffData diff_data(const Jaxpr& left, const Jaxpr& right, const QString& left_title,
                          const QString& right_title);

// Both texts parsed (as jaxpr text files are) and compared. `error` names the
// side by its title and the line and column of the first parse error; it is
// empty on success.
struct TextDiff {
  views::DiffData data;
  QString error;
};
TextDiff diff_texts(const QString& left, const QString& right, const QString& left_title = QStringLiteral("left"),
                    const QString& right_title = QStringLiteral("right"));

using NamedArrays = std::vector<std::pair<std::string, Array>>;

// One row per variable, in the left's order then the right's leftovers. A
// left name is looked up on the right through `left_to_right` (the top
// scope's correspondence of a DiffData) and else as the same name.
QVector<views::ValueDiffRow> value_diff_rows(const NamedArrays& left, const NamedArrays& right,
                                             const QHash<QString, QString>& left_to_right = {});

}  // namespace jxr::gui
