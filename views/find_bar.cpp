#include "views/find_bar.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QToolButton>

#include "views/jaxpr_view.h"
#include "views/session.h"

namespace jxr::views {

FindBar::FindBar(Session& session, JaxprView& view, QWidget* parent)
    : QWidget(parent), view_(view), field_(new QLineEdit(this)), filter_(new QCheckBox(tr("Filter"), this)),
      count_(new QLabel(this)) {
  field_->setObjectName("find_field");
  field_->setPlaceholderText(tr("Find equations: a primitive, a variable or a type (mul, c, f32[5])"));
  field_->setClearButtonEnabled(true);
  filter_->setObjectName("find_filter");
  filter_->setToolTip(tr("Show only the matching equations"));
  count_->setObjectName("find_count");
  auto* previous = new QToolButton(this);
  previous->setText(QStringLiteral("▲"));
  previous->setToolTip(tr("Previous match (Shift+Enter, Shift+F3)"));
  auto* next = new QToolButton(this);
  next->setText(QStringLiteral("▼"));
  next->setToolTip(tr("Next match (Enter, F3)"));
  auto* close = new QToolButton(this);
  close->setText(QStringLiteral("✕"));
  close->setToolTip(tr("Close (Escape)"));
  auto* row = new QHBoxLayout(this);
  row->setContentsMargins(2, 0, 2, 0);
  row->addWidget(field_, 1);
  row->addWidget(count_);
  row->addWidget(previous);
  row->addWidget(next);
  row->addWidget(filter_);
  row->addWidget(close);

  connect(field_, &QLineEdit::textChanged, this, &FindBar::apply);
  connect(filter_, &QCheckBox::toggled, this, &FindBar::apply);
  connect(field_, &QLineEdit::returnPressed, this, [this] { go(false); });
  connect(previous, &QToolButton::clicked, this, [this] { go(true); });
  connect(next, &QToolButton::clicked, this, [this] { go(false); });
  connect(close, &QToolButton::clicked, this, &FindBar::close_bar);
  // A new program (or mode) keeps the query: its matches are looked up again.
  connect(&session, &Session::loaded, this, [this] {
    if (isVisible()) apply();
  });
  hide();
}

void FindBar::open() {
  show();
  field_->setFocus();
  field_->selectAll();
  apply();
}

void FindBar::close_bar() {
  hide();
  view_.set_search({}, false);
  view_.setFocus();
}

void FindBar::apply() {
  view_.set_search(field_->text(), filter_->isChecked());
  const qsizetype n = view_.matches().size();
  count_->setText(field_->text().trimmed().isEmpty() ? QString()
                  : n == 0                          ? tr("no equation")
                                                    : tr("%n equation(s)", nullptr, static_cast<int>(n)));
}

void FindBar::go(bool backwards) { view_.next_match(backwards); }

void FindBar::keyPressEvent(QKeyEvent* e) {
  if (e->key() == Qt::Key_Escape) return close_bar();
  if ((e->key() == Qt::Key_Return || e->key() == Qt::Key_Enter) && (e->modifiers() & Qt::ShiftModifier))
    return go(true);
  if (e->key() == Qt::Key_F3) return go(e->modifiers() & Qt::ShiftModifier);
  QWidget::keyPressEvent(e);
}

}  // namespace jxr::views
