// The trace browser panel and its tree model (see trace_browser.h).
#include "views/trace_browser.h"

#include <QApplication>
#include <QClipboard>
#include <QDateTime>
#include <QFont>
#include <QFileInfo>
#include <QHash>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QPalette>
#include <QSortFilterProxyModel>
#include <QStyle>
#include <QTreeView>
#include <QVBoxLayout>

namespace jxr::views {

namespace {

// `1 run`, `3 runs`: without a translation installed, tr's %n has no plural forms.
QString count(qsizetype n, const QString& one, const QString& many) {
  return QStringLiteral("%1 %2").arg(n).arg(n == 1 ? one : many);
}

}  // namespace

TraceCatalogModel::TraceCatalogModel(QObject* parent) : QAbstractItemModel(parent) {}

void TraceCatalogModel::set_catalog(const TraceCatalog& catalog) {
  beginResetModel();
  catalog_ = catalog;
  nodes_.clear();
  programs_.clear();
  auto add = [this](ItemKind kind, int entry, int parent) {
    Node n;
    n.kind = kind;
    n.entry = entry;
    n.parent = parent;
    QVector<int>& siblings = parent < 0 ? programs_ : nodes_[parent].children;
    n.row = static_cast<int>(siblings.size());
    const int id = static_cast<int>(nodes_.size());
    siblings.push_back(id);
    nodes_.push_back(n);
    return id;
  };
  QHash<qint64, int> program_node, jaxpr_node;
  for (int i = 0; i < catalog_.programs.size(); ++i) program_node.insert(catalog_.programs[i].id, add(ItemKind::Program, i, -1));
  // Jaxprs and runs whose parent is missing (a damaged trace) are left out.
  for (int i = 0; i < catalog_.jaxprs.size(); ++i)
    if (auto p = program_node.constFind(catalog_.jaxprs[i].program_id); p != program_node.cend())
      jaxpr_node.insert(catalog_.jaxprs[i].id, add(ItemKind::Jaxpr, i, *p));
  for (int i = 0; i < catalog_.runs.size(); ++i)
    if (auto j = jaxpr_node.constFind(catalog_.runs[i].jaxpr_id); j != jaxpr_node.cend()) add(ItemKind::Run, i, *j);
  endResetModel();
}

const TraceCatalogModel::Node* TraceCatalogModel::node(const QModelIndex& index) const {
  if (!index.isValid()) return nullptr;
  return &nodes_[static_cast<int>(index.internalId())];
}

QModelIndex TraceCatalogModel::index(int row, int column, const QModelIndex& parent) const {
  if (column < 0 || column >= ColumnCount || row < 0) return {};
  const QVector<int>& children = parent.isValid() ? node(parent)->children : programs_;
  if (parent.isValid() && parent.column() != 0) return {};
  if (row >= children.size()) return {};
  return createIndex(row, column, static_cast<quintptr>(children[row]));
}

QModelIndex TraceCatalogModel::parent(const QModelIndex& child) const {
  const Node* n = node(child);
  if (!n || n->parent < 0) return {};
  return createIndex(nodes_[n->parent].row, 0, static_cast<quintptr>(n->parent));
}

int TraceCatalogModel::rowCount(const QModelIndex& parent) const {
  if (!parent.isValid()) return static_cast<int>(programs_.size());
  if (parent.column() != 0) return 0;
  return static_cast<int>(node(parent)->children.size());
}

int TraceCatalogModel::columnCount(const QModelIndex&) const { return ColumnCount; }

Qt::ItemFlags TraceCatalogModel::flags(const QModelIndex& index) const {
  if (!index.isValid()) return Qt::NoItemFlags;
  Qt::ItemFlags f = Qt::ItemIsEnabled | Qt::ItemIsSelectable;
  if (node(index)->kind == ItemKind::Run) f |= Qt::ItemNeverHasChildren;
  return f;
}

QVariant TraceCatalogModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case Name: return tr("name");
    case Kind: return tr("kind");
    case Size: return tr("size");
    case Status: return tr("status");
    default: return {};
  }
}

QVariant TraceCatalogModel::display(const Node& n, int column) const {
  switch (n.kind) {
    case ItemKind::Program: {
      const ProgramEntry& p = catalog_.programs[n.entry];
      int runs = 0;
      for (int j : n.children) runs += static_cast<int>(nodes_[j].children.size());
      switch (column) {
        case Name: return p.name;
        case Kind: return p.language;
        case Size: return count(n.children.size(), tr("jaxpr"), tr("jaxprs"));
        case Status: return count(runs, tr("run"), tr("runs"));
      }
      break;
    }
    case ItemKind::Jaxpr: {
      const JaxprEntry& j = catalog_.jaxprs[n.entry];
      switch (column) {
        case Name: return j.chain;
        case Kind: return j.kind;
        case Size: return count(j.equations, tr("equation"), tr("equations"));
        case Status: return count(n.children.size(), tr("run"), tr("runs"));
      }
      break;
    }
    case ItemKind::Run: {
      const RunEntry& r = catalog_.runs[n.entry];
      switch (column) {
        case Name: return tr("run %1").arg(r.id);
        case Kind: return r.mode;
        case Size: return count(r.steps, tr("step"), tr("steps"));
        case Status: return r.finished ? tr("complete") : tr("incomplete");
      }
      break;
    }
  }
  return {};
}

QString TraceCatalogModel::tooltip(const Node& n) const {
  switch (n.kind) {
    case ItemKind::Program: {
      const ProgramEntry& p = catalog_.programs[n.entry];
      QString t = tr("program %1, %2 source").arg(p.id).arg(p.language);
      if (!p.source_file.isEmpty()) t += QLatin1Char('\n') + p.source_file;
      return t;
    }
    case ItemKind::Jaxpr: {
      const JaxprEntry& j = catalog_.jaxprs[n.entry];
      return tr("jaxpr %1: %2").arg(j.id).arg(j.chain);
    }
    case ItemKind::Run: {
      const RunEntry& r = catalog_.runs[n.entry];
      QString t = tr("run %1 (%2), started %3\ninputs: %4")
                      .arg(r.id)
                      .arg(r.mode)
                      .arg(QLocale().toString(QDateTime::fromMSecsSinceEpoch(r.started_ms), QLocale::ShortFormat))
                      .arg(r.inputs);
      if (!r.finished) t += QLatin1Char('\n') + tr("the recorder stopped before the program finished");
      return t;
    }
  }
  return {};
}

QVariant TraceCatalogModel::data(const QModelIndex& index, int role) const {
  const Node* n = node(index);
  if (!n) return {};
  switch (role) {
    case Qt::DisplayRole: return display(*n, index.column());
    case Qt::ToolTipRole: return tooltip(*n);
    case Qt::TextAlignmentRole:
      return index.column() == Size ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    case Qt::DecorationRole: {
      if (index.column() != Name) return {};
      QStyle* style = QApplication::style();
      switch (n->kind) {
        case ItemKind::Program: return style->standardIcon(QStyle::SP_FileIcon);
        case ItemKind::Jaxpr: return style->standardIcon(QStyle::SP_FileDialogDetailedView);
        case ItemKind::Run: return style->standardIcon(QStyle::SP_MediaPlay);
      }
      return {};
    }
    case Qt::ForegroundRole:
      if (index.column() == Status && n->kind == ItemKind::Run && !catalog_.runs[n->entry].finished)
        return QColor(0xb0, 0x50, 0x00);
      if (n->kind != ItemKind::Program && index.column() != Name) {
        // Secondary: the details of jaxprs and runs recede behind their names.
        const QColor text = QApplication::palette().color(QPalette::Text);
        const QColor base = QApplication::palette().color(QPalette::Base);
        auto mix = [](int t, int b) { return (t * 6 + b * 4) / 10; };
        return QColor(mix(text.red(), base.red()), mix(text.green(), base.green()), mix(text.blue(), base.blue()));
      }
      return {};
    case Qt::FontRole:
      if (n->kind == ItemKind::Program && index.column() == Name) {
        QFont f = QApplication::font();
        f.setBold(true);
        return f;
      }
      return {};
    case IdRole:
      switch (n->kind) {
        case ItemKind::Program: return catalog_.programs[n->entry].id;
        case ItemKind::Jaxpr: return catalog_.jaxprs[n->entry].id;
        case ItemKind::Run: return catalog_.runs[n->entry].id;
      }
      return {};
    case ItemKindRole: return static_cast<int>(n->kind);
    case JaxprIdRole:
      if (n->kind == ItemKind::Jaxpr) return catalog_.jaxprs[n->entry].id;
      if (n->kind == ItemKind::Run) return catalog_.runs[n->entry].jaxpr_id;
      return {};
    default: return {};
  }
}

TraceBrowser::TraceBrowser(QWidget* parent)
    : QWidget(parent),
      model_(new TraceCatalogModel(this)),
      proxy_(new QSortFilterProxyModel(this)),
      summary_(new QLabel(this)),
      filter_(new QLineEdit(this)),
      tree_(new QTreeView(this)) {
  proxy_->setSourceModel(model_);
  proxy_->setFilterCaseSensitivity(Qt::CaseInsensitive);
  proxy_->setFilterKeyColumn(-1);
  // A match shows the way down to it and, for a program or jaxpr, all below.
  proxy_->setRecursiveFilteringEnabled(true);
  proxy_->setAutoAcceptChildRows(true);

  summary_->setObjectName(QStringLiteral("trace_summary"));
  summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  summary_->setWordWrap(true);  // a narrow dock must not be held wide by it
  summary_->setText(tr("No trace open"));
  filter_->setObjectName(QStringLiteral("trace_filter"));
  filter_->setPlaceholderText(tr("Filter programs, jaxprs and runs"));
  filter_->setClearButtonEnabled(true);
  connect(filter_, &QLineEdit::textChanged, this, [this](const QString& text) {
    proxy_->setFilterFixedString(text.trimmed());
    tree_->expandAll();
  });

  tree_->setObjectName(QStringLiteral("trace_tree"));
  tree_->setModel(proxy_);
  tree_->setUniformRowHeights(true);
  tree_->setAlternatingRowColors(true);
  tree_->setSelectionBehavior(QAbstractItemView::SelectRows);
  tree_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  tree_->setContextMenuPolicy(Qt::CustomContextMenu);
  tree_->header()->setStretchLastSection(false);
  tree_->header()->setSectionResizeMode(TraceCatalogModel::Name, QHeaderView::Stretch);
  // Double-click and Enter both arrive as `activated`.
  connect(tree_, &QTreeView::activated, this, &TraceBrowser::activate);
  connect(tree_, &QTreeView::customContextMenuRequested, this, &TraceBrowser::show_menu);

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(4, 4, 4, 4);
  layout->setSpacing(4);
  layout->addWidget(summary_);
  layout->addWidget(filter_);
  layout->addWidget(tree_, 1);
}

void TraceBrowser::set_catalog(const TraceCatalog& catalog) {
  model_->set_catalog(catalog);
  const QFileInfo file(catalog.file.path);
  summary_->setText(tr("<b>%1</b> &nbsp; %2 · %3 · %4 · %5 · schema %6")
                        .arg(file.fileName().toHtmlEscaped(),
                             count(catalog.programs.size(), tr("program"), tr("programs")),
                             count(catalog.jaxprs.size(), tr("jaxpr"), tr("jaxprs")),
                             count(catalog.runs.size(), tr("run"), tr("runs")),
                             QLocale().formattedDataSize(catalog.file.size_bytes, 1))
                        .arg(catalog.file.schema_version));
  summary_->setToolTip(catalog.file.path);
  tree_->expandAll();
  for (int c = TraceCatalogModel::Kind; c < TraceCatalogModel::ColumnCount; ++c) tree_->resizeColumnToContents(c);
}

void TraceBrowser::activate(const QModelIndex& proxy_index) {
  const QModelIndex i = proxy_->mapToSource(proxy_index);
  if (!i.isValid()) return;
  const auto kind = static_cast<TraceCatalogModel::ItemKind>(i.data(TraceCatalogModel::ItemKindRole).toInt());
  const qint64 jaxpr = i.data(TraceCatalogModel::JaxprIdRole).toLongLong();
  if (kind == TraceCatalogModel::ItemKind::Run)
    emit run_activated(jaxpr, i.data(TraceCatalogModel::IdRole).toLongLong());
  else if (kind == TraceCatalogModel::ItemKind::Jaxpr)
    emit jaxpr_activated(jaxpr);
}

void TraceBrowser::show_menu(const QPoint& pos) {
  const QModelIndex at = tree_->indexAt(pos);
  if (!at.isValid()) return;
  const QModelIndex i = proxy_->mapToSource(at);
  const auto kind = static_cast<TraceCatalogModel::ItemKind>(i.data(TraceCatalogModel::ItemKindRole).toInt());
  const QString id = QString::number(i.data(TraceCatalogModel::IdRole).toLongLong());
  auto* menu = new QMenu(this);
  menu->setObjectName(QStringLiteral("trace_menu"));
  menu->setAttribute(Qt::WA_DeleteOnClose);
  QAction* open = menu->addAction(kind == TraceCatalogModel::ItemKind::Jaxpr ? tr("Open jaxpr") : tr("Open run"));
  open->setObjectName(QStringLiteral("open"));
  open->setEnabled(kind != TraceCatalogModel::ItemKind::Program);
  const QPersistentModelIndex target(at);
  connect(open, &QAction::triggered, this, [this, target] { activate(target); });
  QAction* copy = menu->addAction(tr("Copy id"));
  copy->setObjectName(QStringLiteral("copy_id"));
  connect(copy, &QAction::triggered, this, [id] { QApplication::clipboard()->setText(id); });
  menu->popup(tree_->viewport()->mapToGlobal(pos));
}

}  // namespace jxr::views
