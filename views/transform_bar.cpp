#include "views/transform_bar.h"

#include <QBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QTabBar>
#include <QToolButton>

namespace jxr::views {

TransformBar::TransformBar(Session& session, QWidget* parent)
    : QWidget(parent), session_(session), chain_(new QLineEdit(this)), tabs_(new QTabBar(this)) {
  auto* column = new QVBoxLayout(this);
  column->setContentsMargins(0, 0, 0, 0);
  column->setSpacing(2);
  auto* row = new QHBoxLayout;
  row->setSpacing(2);
  column->addLayout(row);
  column->addWidget(tabs_);

  struct Choice {
    const char* name;
    const char* chain;
    const char* tip;
  };
  static constexpr Choice kChoices[] = {
      {"f", "f", "The program itself"},
      {"jvp", "jvp(f)", "Forward mode: primals and tangents out"},
      {"vjp", "vjp(f)", "Reverse mode: the forward pass and the pullback of the cotangents"},
      {"grad", "grad(f)", "The gradient of a scalar output with respect to the first input"},
      {"vmap", "vmap(f)", "f mapped over a new leading axis of every input"},
      {"jacfwd", "jacfwd(f)", "The Jacobian by forward mode"},
      {"jacrev", "jacrev(f)", "The Jacobian by reverse mode"},
      {"hessian", "hessian(f)", "The Hessian: jacfwd(jacrev(f))"},
      {"jit", "jit(f)", "f staged as one jit equation, its body the jaxpr: what jax.jit compiles"},
  };
  for (const Choice& c : kChoices) {
    auto* b = new QToolButton(this);
    b->setObjectName(QStringLiteral("transform_%1").arg(QLatin1String(c.name)));
    b->setText(QLatin1String(c.chain));
    b->setToolTip(tr(c.tip));
    const QString chain = QLatin1String(c.chain);
    connect(b, &QToolButton::clicked, this, [this, chain] { session_.load_transform(chain); });
    row->addWidget(b);
  }
  row->addSpacing(8);
  row->addWidget(new QLabel(tr("Chain:"), this));
  chain_->setObjectName("transform_chain");
  chain_->setPlaceholderText(tr("grad(grad(f)), vmap(grad(f)) … and Enter"));
  chain_->setClearButtonEnabled(true);
  connect(chain_, &QLineEdit::returnPressed, this, [this] {
    if (!chain_->text().trimmed().isEmpty()) session_.load_transform(chain_->text());
  });
  row->addWidget(chain_, 1);

  tabs_->setObjectName("transform_tabs");
  tabs_->setDocumentMode(true);
  tabs_->setExpanding(false);
  connect(tabs_, &QTabBar::currentChanged, this, [this](int i) {
    if (!updating_ && i >= 0 && tabs_->tabText(i) != session_.transform()) session_.load_transform(tabs_->tabText(i));
  });
  connect(&session_, &Session::transforms_changed, this, &TransformBar::show_transforms);
  show_transforms();
}

QToolButton* TransformBar::button(const QString& name) const {
  return findChild<QToolButton*>(QStringLiteral("transform_%1").arg(name));
}

void TransformBar::show_transforms() {
  updating_ = true;
  const QStringList chains = session_.transforms();
  while (tabs_->count() > chains.size()) tabs_->removeTab(tabs_->count() - 1);
  for (int i = 0; i < chains.size(); ++i) {
    if (i < tabs_->count())
      tabs_->setTabText(i, chains[i]);
    else
      tabs_->addTab(chains[i]);
  }
  tabs_->setCurrentIndex(static_cast<int>(chains.indexOf(session_.transform())));
  updating_ = false;
}

}  // namespace jxr::views
