// The transform bar: what to look at, f or a transformation of it. One
// button per transformation of f (jvp, vjp, grad, vmap, jacfwd, jacrev,
// hessian), a field for any chain as JAX spells it (`vmap(grad(f))`), and a
// tab per chain loaded so far, so that each stays one click away.
#pragma once

#include <QWidget>

#include "views/session.h"

class QLineEdit;
class QTabBar;
class QToolButton;

namespace jxr::views {

class TransformBar : public QWidget {
  Q_OBJECT
 public:
  explicit TransformBar(Session& session, QWidget* parent = nullptr);

  // The button of `name` (`f`, `grad`, ...), named `transform_NAME`.
  QToolButton* button(const QString& name) const;
  QLineEdit* chain_field() const { return chain_; }
  QTabBar* tabs() const { return tabs_; }

 private:
  void show_transforms();

  Session& session_;
  QLineEdit* chain_;
  QTabBar* tabs_;
  bool updating_ = false;  // the tabs are being rebuilt: their signals are no requests
};

}  // namespace jxr::views
