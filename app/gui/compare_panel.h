// The Compare panel: picks two jaxprs (any transformation shown so far in
// this session, or text pasted from the real JAX) and shows them side by
// side in a DiffView, aligned by structure.
#pragma once

#include <QHash>
#include <QWidget>

#include "views/session.h"

class QComboBox;
class QPushButton;

namespace jxr::views {
class DiffView;
}

namespace jxr::gui {

class ComparePanel : public QWidget {
  Q_OBJECT
 public:
  explicit ComparePanel(views::Session& session, QWidget* parent = nullptr);

  // `name` becomes a choice on both sides (a chain such as `grad(f)`, or `pasted`).
  void add_jaxpr(const QString& name, const QString& text);
  // Compares the two choices named; false (and an error shown) when one is unknown.
  bool compare(const QString& left, const QString& right);

  QComboBox* left_box() const { return left_; }
  QComboBox* right_box() const { return right_; }
  views::DiffView* diff_view() const { return view_; }

 signals:
  // A line of the shown program's side was selected: its equation.
  void shown_equation_activated(int equation);

 private:
  void compare_chosen();
  void paste();

  views::Session& session_;
  QComboBox* left_;
  QComboBox* right_;
  views::DiffView* view_;
  QHash<QString, QString> texts_;
};

}  // namespace jxr::gui
