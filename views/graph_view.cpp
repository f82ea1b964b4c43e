// The graph panel: its items, canvas, Graphviz layout worker and exports.
#include "views/graph_view.h"

#include <graphviz/gvc.h>

#include <QElapsedTimer>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QFontMetricsF>
#include <QFutureWatcher>
#include <QGraphicsScene>
#include <QGraphicsView>
#include <QHBoxLayout>
#include <QImage>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QMutex>
#include <QPainter>
#include <QStyleOptionGraphicsItem>
#include <QToolButton>
#include <QVBoxLayout>
#include <QWheelEvent>
#include <QtConcurrent/QtConcurrentRun>
#include <cmath>
#include <functional>
#include <numeric>

namespace jxr::views {

namespace {

// Edges reaching further than this many nodes down the evaluation order
// become stubs, in graphs with more than kStubbedAbove nodes (smaller ones
// stay whole: their long edges are few and cheap).
constexpr int kStubSpan = 16;
constexpr int kStubbedAbove = 40;
// Clusters with more nodes than this start collapsed.
constexpr int kCollapsedAbove = 40;
// A part above this many nodes (only one huge cluster makes one) gets a
// single network-simplex pass and straight edges: a layout that drifts
// sideways but comes within seconds.
constexpr int kRoughAbove = 3000;
// `dot` grows faster than linearly: graphs with more nodes than this are cut
// into parts of consecutive evaluation order (never inside a cluster), each
// laid out alone and placed left to right, edges between parts as stubs.
// Between parts the worker also sees whether the layout was cancelled.
constexpr int kPartSize = 700;
constexpr double kPartGap = 60;
constexpr double kHeader = 18;  // a cluster's label band, in scene units
constexpr double kMaxZoom = 6, kMinZoom = 0.01;
constexpr double kReadable = 0.4;  // the smallest scale at which text is drawn and legible

// Graphviz keeps global state (its error buffers, the dot layout's statics):
// one layout at a time in the whole process.
QMutex& graphviz_mutex() {
  static QMutex m;
  return m;
}

QFont graph_font(double points, bool bold = false) {
  QFont f = QFontDatabase::systemFont(QFontDatabase::FixedFont);
  f.setPointSizeF(points);
  f.setBold(bold);
  return f;
}

QColor fill_of(GraphNodeItem::Kind k) {
  switch (k) {
    case GraphNodeItem::Kind::Input: return {0xe2, 0xf3, 0xdf};
    case GraphNodeItem::Kind::Const: return {0xf0, 0xf0, 0xf0};
    case GraphNodeItem::Kind::Output: return {0xfd, 0xe6, 0xd4};
    case GraphNodeItem::Kind::Cluster: return {0xee, 0xe6, 0xfa};
    case GraphNodeItem::Kind::Stub: return {0xff, 0xf7, 0xd0};
    case GraphNodeItem::Kind::Equation: break;
  }
  return {0xea, 0xf1, 0xfb};
}

QColor border_of(GraphNodeItem::Kind k) {
  switch (k) {
    case GraphNodeItem::Kind::Input: return {0x3c, 0x8d, 0x40};
    case GraphNodeItem::Kind::Const: return {0x80, 0x80, 0x80};
    case GraphNodeItem::Kind::Output: return {0xc0, 0x60, 0x20};
    case GraphNodeItem::Kind::Cluster: return {0x70, 0x50, 0xa0};
    case GraphNodeItem::Kind::Stub: return {0xb0, 0x90, 0x30};
    case GraphNodeItem::Kind::Equation: break;
  }
  return {0x3a, 0x5f, 0x9a};
}

bool is_pill(GraphNodeItem::Kind k) {
  return k == GraphNodeItem::Kind::Input || k == GraphNodeItem::Kind::Const || k == GraphNodeItem::Kind::Output;
}

QString elided(const QString& s, int chars) { return s.size() <= chars ? s : s.left(chars - 1) + QChar(0x2026); }

QString xml(QString s) {
  return s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;");
}

QString dot_quoted(QString s) { return '"' + s.replace('\\', "\\\\").replace('"', "\\\"") + '"'; }

QString num(double v) { return QString::number(v, 'f', 1); }

// A cluster's parent, or -1 for a top-level one and for a parent that does
// not come before it (which would make a cycle in malformed data).
int cluster_parent(const GraphData& g, int c) {
  const int parent = g.clusters[c].parent;
  return parent >= 0 && parent < c ? parent : -1;
}

}  // namespace

// The graph as drawn: what is visible with the current collapsed clusters,
// long edges cut into stubs. Built on the GUI thread, read by the worker.
struct GraphView::Drawn {
  struct Node {
    GraphNodeItem::Kind kind;
    QString id;
    QStringList lines;
    QString tooltip;
    QString search;  // label and the variables the node makes
    int equation;
    QSizeF size;
    int cluster;  // index into clusters, -1: top level
    QString target;
  };
  struct Edge {
    int from, to;
    GraphEdgeData data;
  };
  struct Cluster {
    QString id, label;
    int parent, equation;
  };
  QVector<Node> nodes;
  QVector<Edge> edges;
  QVector<Cluster> clusters;
  // Invisible edges (from, stub) that hold a stub down at its reader's place
  // in evaluation order: without them a stub is a source, and dot puts
  // sources, and whole parts cut off by stubs, in the top rank.
  QVector<QPair<int, int>> anchors;
  // Which part of the graph each node is laid out in (see kPartSize).
  QVector<int> part;
  int parts = 1;
};

// --- items -------------------------------------------------------------

GraphNodeItem::GraphNodeItem(Kind kind, QString id, QStringList lines, int equation, QSizeF size)
    : kind_(kind), id_(std::move(id)), lines_(std::move(lines)), equation_(equation), size_(size) {}

void GraphNodeItem::set_current(bool on) {
  if (on == current_) return;
  current_ = on;
  update();
}

void GraphNodeItem::set_chosen(bool on) {
  if (on == chosen_) return;
  chosen_ = on;
  update();
}

QRectF GraphNodeItem::boundingRect() const {
  return QRectF(-size_.width() / 2, -size_.height() / 2, size_.width(), size_.height()).adjusted(-4, -4, 4, 4);
}

void GraphNodeItem::paint(QPainter* p, const QStyleOptionGraphicsItem* option, QWidget*) {
  const QRectF r(-size_.width() / 2, -size_.height() / 2, size_.width(), size_.height());
  const double lod = option->levelOfDetailFromTransform(p->worldTransform());
  if (lod < kReadable / 2 && !current_ && !chosen_) {
    // Zoomed far out: a solid block, so that an overview still shows the graph.
    p->fillRect(r, border_of(kind_).lighter(kind_ == Kind::Stub ? 150 : 120));
    return;
  }
  QPen pen(border_of(kind_), kind_ == Kind::Equation ? 1.2 : 1.4);
  if (kind_ == Kind::Const || kind_ == Kind::Stub) pen.setStyle(Qt::DashLine);
  if (current_) pen = QPen(QColor(0xd0, 0x80, 0x00), 3);
  if (chosen_) pen = QPen(QColor(0x1a, 0x73, 0xe8), 3);
  p->setPen(pen);
  p->setBrush(current_ ? QColor(0xff, 0xe0, 0x66) : fill_of(kind_));
  const double radius = is_pill(kind_) ? r.height() / 2 : (kind_ == Kind::Stub ? 3 : 7);
  p->drawRoundedRect(r, radius, radius);
  if (kind_ == Kind::Cluster && !current_) {
    // The header band, which expands the cluster when clicked.
    QPainterPath box;
    box.addRoundedRect(r, radius, radius);
    p->save();
    p->setClipPath(box);
    p->fillRect(QRectF(r.left(), r.top(), r.width(), r.height() / 2), QColor(0xdc, 0xcf, 0xf2));
    p->restore();
  }
  if (kind_ == Kind::Output) {
    p->setBrush(Qt::NoBrush);
    p->drawRoundedRect(r.adjusted(3, 3, -3, -3), radius - 3, radius - 3);
  }
  if (lod < kReadable) return;  // text would be unreadable; boxes keep the shape of the graph
  const double line_h = QFontMetricsF(graph_font(9)).height();
  double y = r.center().y() - line_h * lines_.size() / 2;
  for (int i = 0; i < lines_.size(); ++i) {
    const bool head = i == 0 && (kind_ == Kind::Equation || kind_ == Kind::Cluster);
    p->setFont(graph_font(i == 0 ? 9 : 8, head));
    p->setPen(i == 0 ? QColor(0x10, 0x10, 0x10) : QColor(0x50, 0x50, 0x50));
    p->drawText(QRectF(r.left(), y, r.width(), line_h), Qt::AlignCenter, lines_[i]);
    y += line_h;
  }
}

GraphEdgeItem::GraphEdgeItem(QString from, QString to, const GraphEdgeData& edge, const GraphLayoutEdge& layout)
    : from_(std::move(from)), to_(std::move(to)), var_(edge.var), aval_(edge.aval) {
  QPainterPath path;
  if (!layout.path.isEmpty()) {
    path.moveTo(layout.path[0]);
    for (qsizetype i = 1; i + 2 < layout.path.size(); i += 3)
      path.cubicTo(layout.path[i], layout.path[i + 1], layout.path[i + 2]);
  }
  QPointF end = path.currentPosition();
  if (layout.tip != end) path.lineTo(layout.tip);
  // The arrowhead: a small triangle along the last segment.
  const QLineF last(layout.path.isEmpty() ? layout.tip : end, layout.tip);
  QLineF back = last.length() > 0.1 ? QLineF(layout.tip, last.p1()) : QLineF(layout.tip, layout.tip - QPointF(0, 1));
  back.setLength(7);
  QLineF left = back, right = back;
  left.setAngle(back.angle() + 25);
  right.setAngle(back.angle() - 25);
  arrow_ << layout.tip << left.p2() << right.p2();
  label_at_ = path.pointAtPercent(0.5) + QPointF(4, 4);  // the baseline's start, right of the line
  // Metrics here need not match the screen the text is drawn on: room to spare.
  const QRectF text = QFontMetricsF(graph_font(7.5)).boundingRect(aval_).translated(label_at_);
  label_rect_ = text.adjusted(-2, -4, text.width() / 2 + 4, 4);
  setPath(path);
  setToolTip(var_ + ": " + aval_);
  set_strength(-1, false);
}

void GraphEdgeItem::set_strength(double strength, bool non_finite) {
  QPen pen(QColor(0x70, 0x70, 0x70), 1.1);
  if (non_finite) pen = QPen(QColor(0xd0, 0x00, 0xd0), 3, Qt::DashLine);
  else if (strength >= 0) pen = QPen(QColor::fromHsvF(0.62 * (1 - strength), 0.9, 0.85), 1.2 + 2.8 * strength);
  setPen(pen);
}

QRectF GraphEdgeItem::boundingRect() const {
  return QGraphicsPathItem::boundingRect().united(arrow_.boundingRect()).united(
      label_rect_);
}

void GraphEdgeItem::paint(QPainter* p, const QStyleOptionGraphicsItem* option, QWidget*) {
  const double lod = option->levelOfDetailFromTransform(p->worldTransform());
  QPen line = pen();
  line.setCosmetic(lod < kReadable / 2);  // at least a pixel wide when zoomed far out
  if (line.isCosmetic()) line.setWidthF(1);
  p->setPen(line);
  p->setBrush(Qt::NoBrush);
  p->drawPath(path());
  p->setBrush(pen().color());
  p->setPen(QPen(pen().color(), 1));
  p->drawPolygon(arrow_);
  if (lod < kReadable) return;
  p->setFont(graph_font(7.5));
  p->setPen(QColor(0x60, 0x60, 0x60));
  p->drawText(label_at_, aval_);
}

GraphClusterItem::GraphClusterItem(QString id, QString label, int equation, QRectF rect, QRectF header)
    : id_(std::move(id)), label_(std::move(label)), equation_(equation), rect_(rect), header_(header) {
  setToolTip(label_ + QObject::tr("\nclick the header to collapse"));
}

void GraphClusterItem::set_current(bool on) {
  if (on == current_) return;
  current_ = on;
  update();
}

void GraphClusterItem::paint(QPainter* p, const QStyleOptionGraphicsItem*, QWidget*) {
  p->setPen(current_ ? QPen(QColor(0xd0, 0x80, 0x00), 3) : QPen(QColor(0x90, 0x78, 0xb8), 1.2));
  p->setBrush(QColor(0xf8, 0xf5, 0xfd));
  p->drawRoundedRect(rect_, 8, 8);
  p->setBrush(current_ ? QColor(0xff, 0xe0, 0x66) : QColor(0xe4, 0xda, 0xf5));
  p->setPen(Qt::NoPen);
  p->drawRoundedRect(header_.adjusted(1, 1, -1, 0), 7, 7);
  p->setPen(QColor(0x30, 0x20, 0x50));
  p->setFont(graph_font(9, true));
  const QRectF text = header_.adjusted(8, 0, -4, 0);
  p->drawText(text, Qt::AlignVCenter | Qt::AlignLeft,
              QFontMetricsF(p->font()).elidedText(QString(QChar(0x25be)) + ' ' + label_, Qt::ElideRight, text.width()));
}

// --- the canvas ----------------------------------------------------------

// The QGraphicsView: Ctrl+wheel and +/- zoom, a drag pans, F fits, and a
// click that did not drag goes to the view.
class GraphCanvas : public QGraphicsView {
 public:
  GraphCanvas(QGraphicsScene* scene, GraphView* owner) : QGraphicsView(scene, owner), owner_(owner) {
    setDragMode(QGraphicsView::ScrollHandDrag);
    setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
    setTransformationAnchor(QGraphicsView::AnchorUnderMouse);
    setViewportUpdateMode(QGraphicsView::SmartViewportUpdate);
    setBackgroundBrush(Qt::white);
    setFocusPolicy(Qt::StrongFocus);
  }

  void zoom(double factor) {
    const double now = transform().m11();
    factor = std::clamp(now * factor, kMinZoom, kMaxZoom) / now;
    scale(factor, factor);
  }

 protected:
  void wheelEvent(QWheelEvent* e) override {
    if (!(e->modifiers() & Qt::ControlModifier)) return QGraphicsView::wheelEvent(e);
    zoom(std::pow(1.0015, e->angleDelta().y()));
    e->accept();
  }
  void keyPressEvent(QKeyEvent* e) override {
    if (e->matches(QKeySequence::Find)) {
      owner_->search_field()->setFocus();
      owner_->search_field()->selectAll();
      return;
    }
    switch (e->key()) {
      case Qt::Key_Plus:
      case Qt::Key_Equal: owner_->zoom_in(); return;
      case Qt::Key_Minus: owner_->zoom_out(); return;
      case Qt::Key_F: owner_->fit(); return;
      default: QGraphicsView::keyPressEvent(e);
    }
  }
  void mousePressEvent(QMouseEvent* e) override {
    press_ = e->position().toPoint();
    QGraphicsView::mousePressEvent(e);
  }
  void mouseReleaseEvent(QMouseEvent* e) override {
    QGraphicsView::mouseReleaseEvent(e);
    if (e->button() != Qt::LeftButton || (e->position().toPoint() - press_).manhattanLength() > 4) return;
    const QPointF at = mapToScene(e->position().toPoint());
    for (QGraphicsItem* item : items(e->position().toPoint())) {
      if (dynamic_cast<GraphNodeItem*>(item)) return owner_->clicked(item, at);
      if (auto* c = dynamic_cast<GraphClusterItem*>(item); c && c->header().contains(at)) return owner_->clicked(item, at);
    }
  }

 private:
  GraphView* owner_;
  QPoint press_;
};

// --- the view ------------------------------------------------------------

GraphView::GraphView(QWidget* parent)
    : QWidget(parent),
      generation_(std::make_shared<std::atomic<quint64>>(0)),
      scene_(new QGraphicsScene(this)),
      canvas_(new GraphCanvas(scene_, this)),
      search_(new QLineEdit(this)),
      status_(new QLabel(this)) {
  auto* bar = new QHBoxLayout;
  bar->setContentsMargins(4, 2, 4, 2);
  auto button = [&](const QString& text, const QString& tip, auto slot) {
    auto* b = new QToolButton(this);
    b->setText(text);
    b->setToolTip(tip);
    b->setAutoRaise(true);
    connect(b, &QToolButton::clicked, this, slot);
    bar->addWidget(b);
    return b;
  };
  button(tr("Fit"), tr("Fit the graph in the view (F)"), &GraphView::fit);
  button(tr("+"), tr("Zoom in (+, Ctrl+wheel)"), &GraphView::zoom_in);
  button(tr("\u2212"), tr("Zoom out (-, Ctrl+wheel)"), &GraphView::zoom_out);
  status_->setObjectName(QStringLiteral("graph_status"));
  search_->setPlaceholderText(tr("Find node or variable (Enter: next)"));
  search_->setClearButtonEnabled(true);
  connect(search_, &QLineEdit::returnPressed, this, &GraphView::find_next);
  search_->setMinimumWidth(160);
  search_->setMaximumWidth(360);
  bar->addWidget(search_, 1);
  button(tr("Export\u2026"), tr("Save the graph as SVG, PNG or DOT"), [this] {
    const QString path = QFileDialog::getSaveFileName(this, tr("Export graph"), QStringLiteral("graph.svg"),
                                                      tr("SVG (*.svg);;PNG (*.png);;Graphviz DOT (*.dot *.gv)"));
    QString error;
    if (!path.isEmpty() && !export_to(path, &error)) status_->setText(error);
  });
  bar->addStretch();
  bar->addWidget(status_);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(0);
  layout->addLayout(bar);
  layout->addWidget(canvas_, 1);
}

GraphView::~GraphView() {
  // A worker still laying out sees a newer generation and its result is
  // dropped; it holds no pointer into this view.
  ++*generation_;
}

QGraphicsView* GraphView::graphics_view() const { return canvas_; }

void GraphView::set_graph(GraphData graph) {
  graph_ = std::move(graph);
  collapsed_.clear();
  QVector<int> inside(graph_.clusters.size(), 0);
  for (const GraphNodeData& n : graph_.nodes)
    for (int c = n.cluster < inside.size() ? n.cluster : -1; c >= 0; c = cluster_parent(graph_, c)) ++inside[c];
  for (int c = 0; c < graph_.clusters.size(); ++c)
    if (inside[c] > kCollapsedAbove) collapsed_.insert(graph_.clusters[c].id);
  chosen_.clear();
  focus_after_layout_.clear();
  start_layout();
}

void GraphView::cancel_layout() {
  ++*generation_;
  running_ = false;
  status_->clear();
}

void GraphView::set_cluster_collapsed(const QString& cluster_id, bool collapsed) {
  if (collapsed == collapsed_.contains(cluster_id)) return;
  if (collapsed) collapsed_.insert(cluster_id);
  else collapsed_.remove(cluster_id);
  focus_after_layout_ = cluster_id;
  start_layout();
}

bool GraphView::is_cluster_collapsed(const QString& cluster_id) const { return collapsed_.contains(cluster_id); }

void GraphView::start_layout() {
  auto drawn = std::make_shared<Drawn>();
  const QFontMetricsF head(graph_font(9, true)), body(graph_font(8));
  auto size_of = [&](GraphNodeItem::Kind kind, const QStringList& lines) {
    double w = 0;
    for (int i = 0; i < lines.size(); ++i) w = std::max(w, (i == 0 ? head : body).horizontalAdvance(lines[i]));
    const double pad = is_pill(kind) ? 24 : 16;
    return QSizeF(std::max(w + pad, 36.0), head.height() * lines.size() + (kind == GraphNodeItem::Kind::Stub ? 4 : 10));
  };

  // Clusters: drawn as frames while they and their parents are expanded,
  // as one box when they are the outermost collapsed one, hidden inside it.
  const int nc = static_cast<int>(graph_.clusters.size());
  QVector<int> box_of(nc, -1), drawn_cluster(nc, -1), box_node(nc, -1), inside(nc, 0);
  for (const GraphNodeData& n : graph_.nodes)
    if (n.kind == GraphNodeData::Kind::Equation)
      for (int c = n.cluster < nc ? n.cluster : -1; c >= 0; c = cluster_parent(graph_, c)) ++inside[c];
  for (int c = 0; c < nc; ++c) {
    const GraphClusterData& cd = graph_.clusters[c];
    const int parent = cluster_parent(graph_, c);
    if (parent >= 0 && box_of[parent] >= 0) box_of[c] = box_of[parent];
    else if (collapsed_.contains(cd.id)) box_of[c] = c;
    else {
      drawn_cluster[c] = static_cast<int>(drawn->clusters.size());
      drawn->clusters.push_back({cd.id, cd.label, parent >= 0 ? drawn_cluster[parent] : -1, cd.equation});
    }
  }

  QHash<QString, int> index_of;  // graph node id -> drawn node
  for (const GraphNodeData& n : graph_.nodes) {
    const int c = n.cluster >= 0 && n.cluster < nc ? n.cluster : -1;
    if (c >= 0 && box_of[c] >= 0) {
      const int b = box_of[c];
      if (box_node[b] < 0) {
        const GraphClusterData& cd = graph_.clusters[b];
        const int parent = cluster_parent(graph_, b) >= 0 ? drawn_cluster[cluster_parent(graph_, b)] : -1;
        const QStringList lines{QString(QChar(0x25b8)) + ' ' + elided(cd.label, 40),
                                tr("%n equation(s)", nullptr, inside[b])};
        box_node[b] = static_cast<int>(drawn->nodes.size());
        drawn->nodes.push_back({GraphNodeItem::Kind::Cluster, cd.id, lines,
                                cd.label + tr("\nclick the header to expand"), cd.label, cd.equation,
                                size_of(GraphNodeItem::Kind::Cluster, lines), parent, {}});
      }
      index_of[n.id] = box_node[b];
      continue;
    }
    GraphNodeItem::Kind kind = GraphNodeItem::Kind::Equation;
    QStringList lines;
    const QString aval = n.avals.value(0);
    switch (n.kind) {
      case GraphNodeData::Kind::Input: kind = GraphNodeItem::Kind::Input; lines << n.label + ": " + aval; break;
      case GraphNodeData::Kind::Const: kind = GraphNodeItem::Kind::Const; lines << n.label + ": " + aval; break;
      case GraphNodeData::Kind::Output: kind = GraphNodeItem::Kind::Output; lines << n.label + ": " + aval; break;
      case GraphNodeData::Kind::Equation: {
        // `primitive[params]`: the name in bold, the params under it.
        const qsizetype bracket = n.label.indexOf('[');
        if (bracket > 0 && n.label.endsWith(']')) {
          lines << n.label.left(bracket) << elided(n.label.mid(bracket + 1, n.label.size() - bracket - 2), 44);
        } else {
          lines << elided(n.label, 44);
        }
        if (!n.avals.isEmpty()) lines << elided(n.avals.join(QStringLiteral(", ")), 40);
        if (!n.literals.isEmpty()) lines << elided(n.literals.join(' '), 44);
        break;
      }
    }
    QString tooltip = n.label;
    if (kind == GraphNodeItem::Kind::Equation) {
      tooltip += "\n\u2192 " + n.avals.join(QStringLiteral(", "));
      if (!n.literals.isEmpty()) tooltip += tr("\nliterals: ") + n.literals.join(' ');
      if (n.equation >= 0) tooltip += tr("\nequation %1").arg(n.equation);
    }
    index_of[n.id] = static_cast<int>(drawn->nodes.size());
    drawn->nodes.push_back({kind, n.id, lines, tooltip, n.label, n.equation, size_of(kind, lines),
                            c >= 0 ? drawn_cluster[c] : -1, {}});
  }

  // Where each node sits in evaluation order: equations where they are, an
  // input or const where it is first read, an output where it is made. A
  // weight read by its layer and again by the backward pass thus keeps its
  // first edge whole.
  const int drawn_count = static_cast<int>(drawn->nodes.size());
  auto is_source = [&](int i) {
    return drawn->nodes[i].kind == GraphNodeItem::Kind::Input || drawn->nodes[i].kind == GraphNodeItem::Kind::Const;
  };
  QVector<double> order(drawn_count);
  for (int i = 0; i < drawn_count; ++i) order[i] = is_source(i) ? INFINITY : i;
  for (const GraphEdgeData& e : graph_.edges) {
    const int from = index_of.value(e.from, -1), to = index_of.value(e.to, -1);
    if (from >= 0 && to >= 0 && is_source(from)) order[from] = std::min(order[from], to - 0.5);
  }
  for (int i = 0; i < drawn_count; ++i)
    if (std::isinf(order[i])) order[i] = i;  // unread
  // An output sits just after its maker.
  for (const GraphEdgeData& e : graph_.edges) {
    const int from = index_of.value(e.from, -1), to = index_of.value(e.to, -1);
    if (from >= 0 && to >= 0 && drawn->nodes[to].kind == GraphNodeItem::Kind::Output) order[to] = order[from] + 0.5;
  }

  drawn->part.fill(0, drawn_count);
  if (drawn_count > kPartSize) {
    QVector<int> by_order(drawn_count);
    std::iota(by_order.begin(), by_order.end(), 0);
    std::stable_sort(by_order.begin(), by_order.end(), [&](int a, int b) { return order[a] < order[b]; });
    QVector<int> top(drawn_count, -1), total(drawn->clusters.size(), 0), seen_in(drawn->clusters.size(), 0);
    for (int i = 0; i < drawn_count; ++i) {
      int c = drawn->nodes[i].cluster;
      while (c >= 0 && drawn->clusters[c].parent >= 0) c = drawn->clusters[c].parent;
      top[i] = c;
      if (c >= 0) ++total[c];
    }
    int part = 0, in_part = 0, open = 0;
    for (int i : by_order) {
      if (in_part >= kPartSize && open == 0) {
        ++part;
        in_part = 0;
      }
      drawn->part[i] = part;
      ++in_part;
      if (const int c = top[i]; c >= 0) {
        if (seen_in[c]++ == 0) ++open;
        if (seen_in[c] == total[c]) --open;
      }
    }
    drawn->parts = part + 1;
  }

  // Edges between drawn nodes; far-reaching ones and those between parts
  // become a stub at the reader.
  const bool stubbed = drawn_count > kStubbedAbove;
  QHash<QString, int> stub_of;  // "var\nreader" -> stub node
  QSet<QString> seen;
  for (const GraphEdgeData& e : graph_.edges) {
    const int from = index_of.value(e.from, -1), to = index_of.value(e.to, -1);
    if (from < 0 || to < 0 || from == to) continue;
    Drawn::Node& maker = drawn->nodes[from];
    if (!maker.search.contains(' ' + e.var + ' ')) maker.search += ' ' + e.var + ' ';
    const QString key = e.var + '\n' + QString::number(from) + '\n' + QString::number(to);
    if (seen.contains(key)) continue;
    seen.insert(key);
    const bool cut = drawn->part[from] != drawn->part[to];
    if (!cut && (!stubbed || order[to] - order[from] <= kStubSpan)) {
      drawn->edges.push_back({from, to, e});
      continue;
    }
    const QString stub_key = e.var + '\n' + QString::number(to);
    if (stub_of.contains(stub_key)) continue;
    const QStringList lines{QString(QChar(0x2933)) + ' ' + e.var};
    const int stub = static_cast<int>(drawn->nodes.size());
    stub_of.insert(stub_key, stub);
    drawn->nodes.push_back({GraphNodeItem::Kind::Stub, QStringLiteral("stub%1").arg(stub), lines,
                            tr("%1: %2 from %3\nclick to go there").arg(e.var, e.aval, drawn->nodes[from].lines[0]),
                            e.var, -1, size_of(GraphNodeItem::Kind::Stub, lines), drawn->nodes[to].cluster,
                            drawn->nodes[from].id});
    drawn->part << drawn->part[to];
    drawn->edges.push_back({stub, to, e});
    int anchor = to - 1;
    while (anchor >= 0 && drawn->nodes[anchor].kind != GraphNodeItem::Kind::Equation &&
           drawn->nodes[anchor].kind != GraphNodeItem::Kind::Cluster)
      --anchor;
    if (anchor >= 0 && drawn->part[anchor] == drawn->part[to]) drawn->anchors.push_back({anchor, stub});
  }

  const quint64 generation = ++*generation_;
  running_ = true;
  status_->setText(tr("laying out %n node(s)\u2026", nullptr, static_cast<int>(drawn->nodes.size())));
  auto* watcher = new QFutureWatcher<GraphLayout>(this);
  connect(watcher, &QFutureWatcher<GraphLayout>::finished, this, [this, watcher, generation, drawn] {
    watcher->deleteLater();
    if (generation != *generation_) return;
    running_ = false;
    const GraphLayout layout = watcher->result();
    if (!layout.ok) {
      status_->setText(layout.error);
      emit layout_failed(layout.error);
      return;
    }
    show_layout(drawn, layout);
  });
  std::shared_ptr<std::atomic<quint64>> latest = generation_;
  watcher->setFuture(QtConcurrent::run([drawn, latest, generation] {
    QMutexLocker lock(&graphviz_mutex());
    // Layouts queued behind a long one and superseded meanwhile never start.
    if (generation != *latest) return GraphLayout{};
    return lay_out(*drawn, [&] { return generation != *latest; });
  }));
}

GraphLayout GraphView::lay_out(const Drawn& drawn, const std::function<bool()>& cancelled) {
  GraphLayout out;
  QElapsedTimer clock;
  clock.start();
  const int n_nodes = static_cast<int>(drawn.nodes.size());
  out.nodes.resize(n_nodes);
  out.edges.resize(drawn.edges.size());
  out.clusters.resize(drawn.clusters.size());
  out.cluster_headers.resize(drawn.clusters.size());
  // The part a cluster is laid out in: the part of its nodes, which never
  // straddle parts; -1 for a cluster with nothing inside.
  QVector<int> cluster_part(drawn.clusters.size(), -1);
  for (int i = 0; i < n_nodes; ++i)
    for (int c = drawn.nodes[i].cluster; c >= 0; c = drawn.clusters[c].parent) cluster_part[c] = drawn.part[i];

  static GVC_t* gvc = gvContext();
  auto set = [](void* obj, const char* name, const QByteArray& value) {
    agsafeset(obj, const_cast<char*>(name), const_cast<char*>(value.constData()), const_cast<char*>(""));
  };
  double left = 0;
  for (int part = 0; part < drawn.parts; ++part) {
    if (cancelled()) {
      out.error = QObject::tr("cancelled");
      return out;
    }
    QVector<int> members;
    for (int i = 0; i < n_nodes; ++i)
      if (drawn.part[i] == part) members << i;
    if (members.isEmpty()) continue;
    Agraph_t* g = agopen(const_cast<char*>("jaxpr"), Agdirected, nullptr);
    set(g, "rankdir", "TB");
    set(g, "nodesep", "0.18");
    set(g, "ranksep", "0.38");
    set(g, "fontname", "monospace");
    // Cluster labels: Graphviz's estimate of this size leaves room for the
    // view's bold header.
    set(g, "fontsize", "13");
    if (members.size() > kRoughAbove) {
      set(g, "nslimit", "1");
      set(g, "nslimit1", "1");
      set(g, "splines", "line");
    }
    // The view draws the text: Graphviz gets boxes of the size it will take.
    Agsym_t* shape = agattr(g, AGNODE, const_cast<char*>("shape"), const_cast<char*>("box"));
    agattr(g, AGNODE, const_cast<char*>("fixedsize"), const_cast<char*>("true"));
    agattr(g, AGNODE, const_cast<char*>("label"), const_cast<char*>(""));
    Agsym_t* width = agattr(g, AGNODE, const_cast<char*>("width"), const_cast<char*>("1"));
    Agsym_t* height = agattr(g, AGNODE, const_cast<char*>("height"), const_cast<char*>("0.5"));
    agattr(g, AGEDGE, const_cast<char*>("arrowsize"), const_cast<char*>("0.6"));
    Agsym_t* weight = agattr(g, AGEDGE, const_cast<char*>("weight"), const_cast<char*>("1"));
    Agsym_t* style = agattr(g, AGEDGE, const_cast<char*>("style"), const_cast<char*>(""));

    QHash<int, Agraph_t*> subgraphs;  // parents come before their children
    for (int c = 0; c < drawn.clusters.size(); ++c) {
      if (cluster_part[c] != part) continue;
      const Drawn::Cluster& dc = drawn.clusters[c];
      Agraph_t* parent = dc.parent >= 0 ? subgraphs.value(dc.parent, g) : g;
      Agraph_t* sg = agsubg(parent, QStringLiteral("cluster_%1").arg(c).toUtf8().data(), 1);
      // Graphviz sizes the label band; the view draws its own header there.
      set(sg, "label", elided(dc.label, 60).toUtf8());
      set(sg, "labeljust", "l");
      subgraphs.insert(c, sg);
    }
    QHash<int, Agnode_t*> nodes;
    for (int i : members) {
      const Drawn::Node& n = drawn.nodes[i];
      Agnode_t* node = agnode(g, QStringLiteral("n%1").arg(i).toUtf8().data(), 1);
      if (n.cluster >= 0) agsubnode(subgraphs.value(n.cluster), node, 1);
      agxset(node, width, QByteArray::number(n.size.width() / 72.0).data());
      agxset(node, height, QByteArray::number(n.size.height() / 72.0).data());
      // Edges end on an ellipse inside the pill, under the drawn node.
      if (is_pill(n.kind)) agxset(node, shape, const_cast<char*>("ellipse"));
      nodes.insert(i, node);
    }
    QHash<int, Agedge_t*> edges;
    for (int k = 0; k < drawn.edges.size(); ++k) {
      const Drawn::Edge& e = drawn.edges[k];
      if (drawn.part[e.from] == part) edges.insert(k, agedge(g, nodes[e.from], nodes[e.to], nullptr, 1));
    }
    for (const auto& [from, stub] : drawn.anchors) {
      if (drawn.part[stub] != part) continue;
      Agedge_t* e = agedge(g, nodes[from], nodes[stub], nullptr, 1);
      agxset(e, weight, const_cast<char*>("0"));
      agxset(e, style, const_cast<char*>("invis"));
    }

    if (gvLayout(gvc, g, "dot") != 0) {
      out.error = QObject::tr("Graphviz could not lay out the graph");
      agclose(g);
      return out;
    }
    // Parts stand side by side like a newspaper's columns, tops aligned: a
    // long graph fills a wide screen instead of one thin strip.
    const boxf bb = GD_bb(g);
    const double x0 = left;
    auto at = [&](pointf p) { return QPointF(x0 + p.x - bb.LL.x, bb.UR.y - p.y); };
    out.bounds |= QRectF(left, 0, bb.UR.x - bb.LL.x, bb.UR.y - bb.LL.y);
    left += bb.UR.x - bb.LL.x + kPartGap;
    for (auto it = nodes.cbegin(); it != nodes.cend(); ++it)
      out.nodes[it.key()] = {at(ND_coord(it.value())), QSizeF(ND_width(it.value()) * 72, ND_height(it.value()) * 72)};
    for (auto it = edges.cbegin(); it != edges.cend(); ++it) {
      GraphLayoutEdge& le = out.edges[it.key()];
      const splines* spl = ED_spl(it.value());
      if (spl && spl->size > 0 && spl->list[0].size > 0) {
        const bezier& bz = spl->list[0];
        for (int k = 0; k < bz.size; ++k) le.path << at(bz.list[k]);
        le.tip = bz.eflag ? at(bz.ep) : le.path.last();
      } else {
        // No route (Graphviz gives none for some degenerate edges): a straight line.
        const GraphLayoutNode& a = out.nodes[drawn.edges[it.key()].from];
        const GraphLayoutNode& b = out.nodes[drawn.edges[it.key()].to];
        le.path << a.center + QPointF(0, a.size.height() / 2);
        le.tip = b.center - QPointF(0, b.size.height() / 2);
      }
    }
    for (auto it = subgraphs.cbegin(); it != subgraphs.cend(); ++it) {
      const boxf cb = GD_bb(it.value());
      const QRectF r(at(pointf{cb.LL.x, cb.UR.y}), at(pointf{cb.UR.x, cb.LL.y}));
      out.clusters[it.key()] = r;
      out.cluster_headers[it.key()] = QRectF(r.topLeft(), QSizeF(r.width(), kHeader));
    }
    gvFreeLayout(gvc, g);
    agclose(g);
  }
  out.ok = true;
  out.seconds = clock.elapsed() / 1000.0;
  return out;
}

void GraphView::show_layout(std::shared_ptr<const Drawn> drawn, const GraphLayout& layout) {
  QElapsedTimer clock;
  clock.start();
  const bool same_graph = drawn_ && !focus_after_layout_.isEmpty();
  scene_->clear();
  node_items_.clear();
  cluster_items_.clear();
  node_order_.clear();
  edge_items_.clear();
  drawn_ = std::move(drawn);
  for (int c = 0; c < drawn_->clusters.size(); ++c) {
    const Drawn::Cluster& dc = drawn_->clusters[c];
    if (layout.clusters[c].isEmpty()) continue;  // nothing inside: nothing to frame
    auto* item = new GraphClusterItem(dc.id, dc.label, dc.equation, layout.clusters[c], layout.cluster_headers[c]);
    item->setZValue(-2 + 0.001 * c);
    scene_->addItem(item);
    cluster_items_.insert(dc.id, item);
  }
  for (int i = 0; i < drawn_->edges.size(); ++i) {
    const Drawn::Edge& e = drawn_->edges[i];
    auto* item = new GraphEdgeItem(drawn_->nodes[e.from].id, drawn_->nodes[e.to].id, e.data, layout.edges[i]);
    item->setZValue(-1);
    scene_->addItem(item);
    edge_items_ << item;
  }
  for (int i = 0; i < drawn_->nodes.size(); ++i) {
    const Drawn::Node& n = drawn_->nodes[i];
    auto* item = new GraphNodeItem(n.kind, n.id, n.lines, n.equation, layout.nodes[i].size);
    item->setPos(layout.nodes[i].center);
    item->setToolTip(n.tooltip);
    item->set_target(n.target);
    scene_->addItem(item);
    node_items_.insert(n.id, item);
    node_order_ << item;
  }
  scene_->setSceneRect(layout.bounds.adjusted(-12, -12, 12, 12));
  apply_magnitudes();
  if (GraphNodeItem* chosen = node_items_.value(chosen_)) chosen->set_chosen(true);
  scene_seconds_ = clock.elapsed() / 1000.0;
  layout_seconds_ = layout.seconds;

  const QString focus = focus_after_layout_;
  focus_after_layout_.clear();
  if (same_graph) {
    if (QGraphicsItem* item = node_items_.value(focus)) canvas_->centerOn(item);
    else if (QGraphicsItem* frame = cluster_items_.value(focus)) canvas_->centerOn(frame);
  } else {
    fit();
    // A big graph fitted is specks: start readable, at its top.
    if (canvas_->transform().m11() < kReadable && !node_order_.isEmpty()) {
      canvas_->resetTransform();
      canvas_->scale(kReadable * 2, kReadable * 2);
      const QGraphicsItem* first = node_order_.first();
      const double half = canvas_->viewport()->height() / (4 * kReadable);
      canvas_->centerOn(first->x(), first->y() + half - 30);
    }
  }
  apply_current();
  emit layout_finished();
}

void GraphView::zoom_in() { canvas_->zoom(1.25); }
void GraphView::zoom_out() { canvas_->zoom(0.8); }

void GraphView::fit() {
  canvas_->fitInView(scene_->sceneRect(), Qt::KeepAspectRatio);
  // A small graph fitted would be blown up; a huge one shrunk to specks:
  // keep text readable where it can be, and let the user zoom out further.
  const double s = canvas_->transform().m11();
  if (s > 1.5) canvas_->zoom(1.5 / s);
}

void GraphView::clicked(QGraphicsItem* item, QPointF at) {
  if (auto* frame = dynamic_cast<GraphClusterItem*>(item)) return set_cluster_collapsed(frame->id(), true);
  auto* node = dynamic_cast<GraphNodeItem*>(item);
  if (!node) return;
  if (node->kind() == GraphNodeItem::Kind::Stub) {
    if (GraphNodeItem* target = node_items_.value(node->target())) {
      select(target);
      canvas_->centerOn(target);
    }
    return;
  }
  // A collapsed cluster's top band is its header, as on an expanded one.
  if (node->kind() == GraphNodeItem::Kind::Cluster && node->mapFromScene(at).y() < node->boundingRect().top() + 4 + kHeader)
    return set_cluster_collapsed(node->id(), false);
  select(node);
  if (node->equation() >= 0) emit equation_activated(node->equation());
}

void GraphView::select(GraphNodeItem* node) {
  if (GraphNodeItem* old = node_items_.value(chosen_)) old->set_chosen(false);
  chosen_ = node ? node->id() : QString();
  if (node) node->set_chosen(true);
}

void GraphView::find_next() {
  const QString text = search_->text().trimmed();
  if (text.isEmpty() || !drawn_ || node_order_.isEmpty()) return;
  const qsizetype n = node_order_.size();
  const qsizetype start = node_order_.indexOf(node_items_.value(chosen_));
  for (qsizetype k = 1; k <= n; ++k) {
    const qsizetype i = (start + k + n) % n;
    if (!drawn_->nodes[i].search.contains(text, Qt::CaseInsensitive)) continue;
    select(node_order_[i]);
    canvas_->centerOn(node_order_[i]);
    status_->clear();
    return;
  }
  // A match inside a collapsed cluster: expand its clusters and select it
  // once laid out.
  QHash<QString, QString> made;  // node id -> the variables it makes
  for (const GraphEdgeData& e : graph_.edges) made[e.from] += ' ' + e.var;
  for (const GraphNodeData& node : graph_.nodes) {
    if (node.cluster < 0 || node.cluster >= graph_.clusters.size() || node_items_.contains(node.id)) continue;
    if (!node.label.contains(text, Qt::CaseInsensitive) && !made.value(node.id).contains(text, Qt::CaseInsensitive))
      continue;
    for (int c = node.cluster; c >= 0; c = cluster_parent(graph_, c)) collapsed_.remove(graph_.clusters[c].id);
    chosen_ = node.id;
    focus_after_layout_ = node.id;
    start_layout();
    return;
  }
  status_->setText(tr("no node matches \u201c%1\u201d").arg(text));
}

void GraphView::select_equation(int equation) {
  for (GraphNodeItem* n : node_order_)
    if (n->equation() == equation && n->kind() == GraphNodeItem::Kind::Equation) {
      select(n);
      canvas_->ensureVisible(n, 40, 40);
      return;
    }
  select(nullptr);
}

void GraphView::set_current_equation(int equation) {
  current_equation_ = equation;
  apply_current();
}

void GraphView::apply_current() {
  QGraphicsItem* shown = nullptr;
  for (GraphNodeItem* n : node_order_) {
    const bool on = current_equation_ >= 0 && n->equation() == current_equation_ &&
                    n->kind() != GraphNodeItem::Kind::Stub;
    n->set_current(on && !shown);
    if (on && !shown) shown = n;
  }
  for (GraphClusterItem* c : std::as_const(cluster_items_)) {
    // An expanded cluster is the current equation as a whole: its frame lights up.
    const bool on = current_equation_ >= 0 && c->equation() == current_equation_;
    c->set_current(on);
    if (on && (!shown || c->boundingRect().contains(shown->pos()))) shown = c;
  }
  if (shown) canvas_->ensureVisible(shown, 40, 40);
}

void GraphView::set_edge_magnitudes(QHash<QString, double> magnitudes) {
  magnitudes_ = std::move(magnitudes);
  apply_magnitudes();
}

void GraphView::apply_magnitudes() {
  double lo = INFINITY, hi = -INFINITY;
  for (GraphEdgeItem* e : std::as_const(edge_items_)) {
    const auto it = magnitudes_.constFind(e->var());
    if (it == magnitudes_.constEnd() || !std::isfinite(*it) || *it == 0) continue;
    const double l = std::log10(std::abs(*it));
    lo = std::min(lo, l);
    hi = std::max(hi, l);
  }
  for (GraphEdgeItem* e : std::as_const(edge_items_)) {
    const auto it = magnitudes_.constFind(e->var());
    if (it == magnitudes_.constEnd()) {
      e->set_strength(-1, false);
      continue;
    }
    if (!std::isfinite(*it)) {
      e->set_strength(1, true);
      continue;
    }
    const double l = *it == 0 ? lo : std::log10(std::abs(*it));
    e->set_strength(hi > lo ? std::clamp((l - lo) / (hi - lo), 0.0, 1.0) : (std::isfinite(lo) ? 1.0 : 0.0), false);
  }
  // The colour scale's ends, where the user sees the graph's size.
  QString text = tr("%n node(s)", nullptr, static_cast<int>(node_items_.size()));
  if (std::isfinite(lo))
    text += tr("  |d| %1 blue \u2026 %2 red").arg(std::pow(10.0, lo), 0, 'g', 2).arg(std::pow(10.0, hi), 0, 'g', 2);
  if (!running_) status_->setText(text);
}

// --- export ----------------------------------------------------------------

bool GraphView::export_to(const QString& path, QString* error) {
  auto fail = [&](const QString& message) {
    if (error) *error = message;
    return false;
  };
  const QString ext = QFileInfo(path).suffix().toLower();
  if (ext != "svg" && ext != "png" && ext != "dot" && ext != "gv")
    return fail(tr("unknown export format \u201c.%1\u201d: use .svg, .png or .dot").arg(ext));
  if (!drawn_) return fail(tr("no graph to export yet"));
  if (ext == "png") {
    const QRectF r = scene_->sceneRect();
    // Full resolution up to a size image viewers still open.
    const double s = std::min(1.0, 16000.0 / std::max(r.width(), r.height()));
    QImage image(QSize(static_cast<int>(std::ceil(r.width() * s)), static_cast<int>(std::ceil(r.height() * s))),
                 QImage::Format_ARGB32);
    image.fill(Qt::white);
    QPainter p(&image);
    p.setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
    scene_->render(&p, QRectF(QPointF(0, 0), image.size()), r);
    p.end();
    if (!image.save(path, "PNG")) return fail(tr("cannot write %1").arg(path));
    return true;
  }
  QFile f(path);
  if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Text))
    return fail(tr("cannot write %1: %2").arg(path, f.errorString()));
  f.write((ext == "svg" ? svg_text() : dot_text()).toUtf8());
  if (!f.flush()) return fail(tr("cannot write %1: %2").arg(path, f.errorString()));
  return true;
}

// The whole graph, every cluster expanded and every edge whole, for
// Graphviz's own tools.
QString GraphView::dot_text() const {
  QString out = QStringLiteral(
      "digraph jaxpr {\n  node [fontname=\"monospace\" fontsize=10];\n  edge [fontname=\"monospace\" fontsize=9];\n");
  auto node_line = [](const GraphNodeData& n, const QString& indent) {
    QString label = n.label, attrs = QStringLiteral(" shape=box style=rounded");
    if (n.kind != GraphNodeData::Kind::Equation) label += ':' + n.avals.value(0);
    if (n.kind == GraphNodeData::Kind::Input) attrs = QStringLiteral(" shape=ellipse");
    if (n.kind == GraphNodeData::Kind::Const) attrs = QStringLiteral(" shape=ellipse style=dashed");
    if (n.kind == GraphNodeData::Kind::Output) attrs = QStringLiteral(" shape=ellipse peripheries=2");
    if (!n.literals.isEmpty()) label += '\n' + n.literals.join(' ');
    return indent + dot_quoted(n.id) + " [label=" + dot_quoted(label).replace('\n', "\\n") + attrs + "];\n";
  };
  std::function<void(int, const QString&)> cluster = [&](int c, const QString& indent) {
    for (const GraphNodeData& n : graph_.nodes)
      if ((n.cluster >= 0 && n.cluster < graph_.clusters.size() ? n.cluster : -1) == c) out += node_line(n, indent);
    for (int k = 0; k < graph_.clusters.size(); ++k) {
      if (cluster_parent(graph_, k) != c) continue;
      out += indent + "subgraph " + graph_.clusters[k].id + " {\n" + indent + "  label=" +
             dot_quoted(graph_.clusters[k].label) + ";\n";
      cluster(k, indent + "  ");
      out += indent + "}\n";
    }
  };
  cluster(-1, QStringLiteral("  "));
  for (const GraphEdgeData& e : graph_.edges)
    out += "  " + dot_quoted(e.from) + " -> " + dot_quoted(e.to) + " [label=" + dot_quoted(e.aval) + "];\n";
  return out + "}\n";
}

// The graph as drawn (collapsed clusters, stubs, edge colours) in SVG.
QString GraphView::svg_text() const {
  const QRectF r = scene_->sceneRect();
  QString out = QStringLiteral(
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%1\" height=\"%2\" viewBox=\"%3 %4 %1 %2\" "
                    "font-family=\"monospace\">\n<rect x=\"%3\" y=\"%4\" width=\"%1\" height=\"%2\" fill=\"white\"/>\n")
                    .arg(num(r.width()), num(r.height()), num(r.left()), num(r.top()));
  for (const GraphClusterItem* c : cluster_items_) {
    const QRectF b = c->boundingRect().adjusted(2, 2, -2, -2);
    out += QStringLiteral(
               "<rect x=\"%1\" y=\"%2\" width=\"%3\" height=\"%4\" rx=\"8\" fill=\"#f8f5fd\" stroke=\"#9078b8\"/>\n"
               "<text x=\"%5\" y=\"%6\" font-size=\"12\" font-weight=\"bold\">%7</text>\n")
               .arg(num(b.left()), num(b.top()), num(b.width()), num(b.height()), num(b.left() + 8),
                    num(b.top() + 13), xml(c->label()));
  }
  for (const GraphEdgeItem* e : edge_items_) {
    QString d;
    const QPainterPath& path = e->path();
    for (int i = 0; i < path.elementCount(); ++i) {
      const QPainterPath::Element el = path.elementAt(i);
      const char* op = el.isMoveTo() ? "M" : el.isLineTo() ? "L" : el.type == QPainterPath::CurveToElement ? "C" : "";
      d += QString::fromLatin1(op) + num(el.x) + ',' + num(el.y) + ' ';
    }
    const QString colour = e->pen().color().name();
    out += QStringLiteral("<path d=\"%1\" fill=\"none\" stroke=\"%2\" stroke-width=\"%3\"/>\n")
               .arg(d.trimmed(), colour, num(e->pen().widthF()));
    const QPointF mid = path.pointAtPercent(0.5);
    out += QStringLiteral("<text x=\"%1\" y=\"%2\" font-size=\"10\" fill=\"#606060\">%3</text>\n")
               .arg(num(mid.x() + 4), num(mid.y() + 4), xml(e->aval()));
  }
  for (const GraphNodeItem* n : node_order_) {
    const QRectF b = n->boundingRect().adjusted(4, 4, -4, -4).translated(n->pos());
    const double radius = is_pill(n->kind()) ? b.height() / 2 : 7;
    out += QStringLiteral("<rect x=\"%1\" y=\"%2\" width=\"%3\" height=\"%4\" rx=\"%5\" fill=\"%6\" stroke=\"%7\"%8/>\n")
               .arg(num(b.left()), num(b.top()), num(b.width()), num(b.height()), num(radius),
                    n->is_current() ? QStringLiteral("#ffe066") : fill_of(n->kind()).name(),
                    border_of(n->kind()).name(),
                    n->kind() == GraphNodeItem::Kind::Const || n->kind() == GraphNodeItem::Kind::Stub
                        ? QStringLiteral(" stroke-dasharray=\"4 3\"")
                        : QString());
    const double line_h = 13;
    double y = b.center().y() - line_h * n->lines().size() / 2 + 10;
    for (int i = 0; i < n->lines().size(); ++i, y += line_h)
      out += QStringLiteral("<text x=\"%1\" y=\"%2\" font-size=\"%3\" text-anchor=\"middle\"%4>%5</text>\n")
                 .arg(num(b.center().x()), num(y), i == 0 ? "11" : "10",
                      i == 0 && n->kind() == GraphNodeItem::Kind::Equation ? " font-weight=\"bold\"" : "",
                      xml(n->lines()[i]));
  }
  return out + "</svg>\n";
}

}  // namespace jxr::views
