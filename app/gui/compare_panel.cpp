#include "app/gui/compare_panel.h"

#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>
#include <optional>

#include "app/gui/diff_convert.h"
#include "views/diff_view.h"
#include "views/theme.h"

namespace jxr::gui {

ComparePanel::ComparePanel(views::Session& session, QWidget* parent)
    : QWidget(parent),
      session_(session),
      left_(new QComboBox(this)),
      right_(new QComboBox(this)),
      view_(new views::DiffView(this)) {
  left_->setObjectName("compare_left");
  right_->setObjectName("compare_right");
  left_->setToolTip(tr("The left jaxpr: a transformation shown in this session, or pasted text"));
  right_->setToolTip(tr("The right jaxpr"));
  auto* paste = new QPushButton(tr("Paste…"), this);
  paste->setObjectName("compare_paste");
  paste->setToolTip(tr("Compare with a jaxpr pasted from elsewhere (the real JAX's print, a colleague's)"));
  auto* bar = new QHBoxLayout;
  bar->setContentsMargins(0, 0, 0, 0);
  bar->addWidget(left_, 1);
  bar->addWidget(new QLabel(QStringLiteral("↔"), this));
  bar->addWidget(right_, 1);
  bar->addWidget(paste);
  auto* column = new QVBoxLayout(this);
  column->setContentsMargins(2, 2, 2, 2);
  column->addLayout(bar);
  column->addWidget(view_, 1);

  connect(left_, &QComboBox::activated, this, &ComparePanel::compare_chosen);
  connect(right_, &QComboBox::activated, this, &ComparePanel::compare_chosen);
  connect(paste, &QPushButton::clicked, this, &ComparePanel::paste);
  // Every program the session shows becomes a choice; a new program (its
  // chain list back to `f` alone) starts the list again, keeping pasted text.
  connect(&session_, &views::Session::loaded, this,
          [this] { add_jaxpr(session_.transform(), session_.jaxpr_text()); });
  connect(&session_, &views::Session::transforms_changed, this, [this] {
    if (session_.transforms().size() != 1) return;
    const QString pasted = QStringLiteral("pasted");
    for (QComboBox* box : {left_, right_})
      for (int i = box->count() - 1; i >= 0; --i)
        if (box->itemText(i) != pasted) box->removeItem(i);
    const std::optional<QString> kept =
        texts_.contains(pasted) ? std::optional(texts_.value(pasted)) : std::nullopt;
    texts_.clear();
    if (kept) texts_.insert(pasted, *kept);
    add_jaxpr(session_.transform(), session_.jaxpr_text());
  });
  connect(view_, &views::DiffView::left_equation_activated, this, [this](int e) {
    if (left_->currentText() == session_.transform()) emit shown_equation_activated(e);
  });
  connect(view_, &views::DiffView::right_equation_activated, this, [this](int e) {
    if (right_->currentText() == session_.transform()) emit shown_equation_activated(e);
  });
}

void ComparePanel::add_jaxpr(const QString& name, const QString& text) {
  const bool known = texts_.contains(name);
  texts_[name] = text;
  if (!known) {
    left_->addItem(name);
    right_->addItem(name);
  }
  // The first and the newest are compared at once (a new program alone: with itself).
  if (left_->currentIndex() == right_->currentIndex()) {
    left_->setCurrentIndex(0);
    right_->setCurrentIndex(right_->findText(name));
  }
  compare_chosen();
}

bool ComparePanel::compare(const QString& left, const QString& right) {
  if (!texts_.contains(left) || !texts_.contains(right)) return false;
  left_->setCurrentIndex(left_->findText(left));
  right_->setCurrentIndex(right_->findText(right));
  compare_chosen();
  return true;
}

void ComparePanel::compare_chosen() {
  const QString l = left_->currentText(), r = right_->currentText();
  if (l.isEmpty() || r.isEmpty()) return;
  TextDiff d = diff_texts(texts_.value(l), texts_.value(r), l, r);
  if (!d.error.isEmpty()) {
    auto* box = new QMessageBox(QMessageBox::Warning, tr("Compare"), d.error, QMessageBox::Ok, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
    return;
  }
  view_->set_diff(std::move(d.data));
}

void ComparePanel::paste() {
  QDialog dialog(this);
  dialog.setWindowTitle(tr("Paste a jaxpr"));
  auto* text = new QPlainTextEdit(&dialog);
  text->setFont(views::monospace_font());
  text->setPlaceholderText(tr("{ lambda ; a:f32[5]. let ... in (b,) }"));
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
  connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
  auto* column = new QVBoxLayout(&dialog);
  column->addWidget(text);
  column->addWidget(buttons);
  dialog.resize(700, 400);
  if (dialog.exec() != QDialog::Accepted || text->toPlainText().trimmed().isEmpty()) return;
  add_jaxpr(QStringLiteral("pasted"), text->toPlainText());
  compare(left_->currentText() == QLatin1String("pasted") ? session_.transform() : left_->currentText(),
          QStringLiteral("pasted"));
}

}  // namespace jxr::gui
