// The trace browser: what a `.jaxray` trace holds as a tree of programs, the
// jaxprs recorded for each (one per transform chain) and the runs of each
// jaxpr, with a filter field. Activating a run (double-click, Enter, or
// "Open run" in its context menu) asks for it to be replayed.
#pragma once

#include <QAbstractItemModel>
#include <QVector>
#include <QWidget>

#include "views/trace_catalog.h"

class QLabel;
class QLineEdit;
class QSortFilterProxyModel;
class QTreeView;

namespace jxr::views {

class TraceCatalogModel : public QAbstractItemModel {
  Q_OBJECT
 public:
  enum Column { Name, Kind, Size, Status, ColumnCount };
  enum class ItemKind { Program, Jaxpr, Run };
  enum Role {
    IdRole = Qt::UserRole,  // qint64: the program's, jaxpr's or run's id in the trace
    ItemKindRole,           // int: an ItemKind
    JaxprIdRole,            // qint64: a jaxpr's id, or a run's jaxpr
  };

  explicit TraceCatalogModel(QObject* parent = nullptr);

  void set_catalog(const TraceCatalog& catalog);
  const TraceCatalog& catalog() const { return catalog_; }

  QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
  QModelIndex parent(const QModelIndex& child) const override;
  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
  Qt::ItemFlags flags(const QModelIndex& index) const override;

 private:
  struct Node {
    ItemKind kind = ItemKind::Program;
    int entry = 0;    // index into the catalog's list of that kind
    int parent = -1;  // node index; -1 for a program
    int row = 0;      // among its parent's children
    QVector<int> children;
  };
  const Node* node(const QModelIndex& index) const;
  QVariant display(const Node& n, int column) const;
  QString tooltip(const Node& n) const;

  TraceCatalog catalog_;
  QVector<Node> nodes_;
  QVector<int> programs_;  // the top-level nodes
};

class TraceBrowser : public QWidget {
  Q_OBJECT
 public:
  explicit TraceBrowser(QWidget* parent = nullptr);

  void set_catalog(const TraceCatalog& catalog);

  TraceCatalogModel* model() const { return model_; }
  QSortFilterProxyModel* filter_model() const { return proxy_; }
  QTreeView* tree() const { return tree_; }
  QLineEdit* filter_field() const { return filter_; }

 signals:
  void run_activated(qint64 jaxpr_id, qint64 run_id);
  void jaxpr_activated(qint64 jaxpr_id);

 private:
  void activate(const QModelIndex& proxy_index);
  void show_menu(const QPoint& pos);

  TraceCatalogModel* model_;
  QSortFilterProxyModel* proxy_;
  QLabel* summary_;
  QLineEdit* filter_;
  QTreeView* tree_;
};

}  // namespace jxr::views
