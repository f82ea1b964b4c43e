// The jaxpr panel's find bar (Ctrl+F): a query that highlights the matching
// equations (by primitive, variable or type, see JaxprView::find_equations),
// Enter and Shift+Enter (or F3 and Shift+F3) to go through them, a Filter
// switch that folds the others away, Escape to close.
#pragma once

#include <QWidget>

class QCheckBox;
class QLabel;
class QLineEdit;

namespace jxr::views {

class JaxprView;
class Session;

class FindBar : public QWidget {
  Q_OBJECT
 public:
  FindBar(Session& session, JaxprView& view, QWidget* parent = nullptr);

  QLineEdit* field() const { return field_; }
  QCheckBox* filter_box() const { return filter_; }
  QLabel* count_label() const { return count_; }
  // Shows the bar with the field focused and its text selected.
  void open();
  void close_bar();

 protected:
  void keyPressEvent(QKeyEvent* e) override;

 private:
  void apply();
  void go(bool backwards);

  JaxprView& view_;
  QLineEdit* field_;
  QCheckBox* filter_;
  QLabel* count_;
};

}  // namespace jxr::views
