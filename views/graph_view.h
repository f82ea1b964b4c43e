// The graph panel: a jaxpr's dataflow graph laid out by Graphviz's `dot` on
// a worker thread and drawn in a QGraphicsScene, with zoom, pan, fit,
// search, collapsible sub-jaxpr clusters, the current equation highlighted,
// edges coloured by derivative magnitude and export to SVG, PNG and DOT.
//
// Edges that reach far down the evaluation order (forward residuals read by
// a backward pass, weights read by both passes) are what makes `dot` slow
// and the drawing a tangle: in graphs above a few dozen nodes they are cut
// into a short stub at the reader, labelled with the variable; a click on
// the stub jumps to where the variable is made. Graphs of more than a few
// hundred nodes are laid out in parts of consecutive equations, placed side
// by side, so that layout time grows linearly (a 1,000-equation training
// step: about 0.4 s). Graphviz is not thread-safe: one layout runs at a time
// in the process, and a layout that a newer one superseded is dropped.
#pragma once

#include <QGraphicsItem>
#include <QGraphicsPathItem>
#include <QHash>
#include <QSet>
#include <QWidget>
#include <atomic>
#include <functional>
#include <memory>

#include "views/graph_data.h"

class QGraphicsScene;
class QGraphicsView;
class QLabel;
class QLineEdit;

namespace jxr::views {

class GraphCanvas;

// What the layout worker computes: plain data, no Graphviz or scene types.
struct GraphLayoutNode {
  QPointF center;
  QSizeF size;
};
struct GraphLayoutEdge {
  QVector<QPointF> path;  // a start point, then cubic Bézier control triples
  QPointF tip;            // where the arrowhead points
};
struct GraphLayout {
  bool ok = false;
  QString error;
  QRectF bounds;
  QVector<GraphLayoutNode> nodes;     // by index into the drawn nodes
  QVector<GraphLayoutEdge> edges;     // by index into the drawn edges
  QVector<QRectF> clusters;           // by index into the drawn clusters
  QVector<QRectF> cluster_headers;    // the label band at each cluster's top
  double seconds = 0;                 // time inside Graphviz
};

// One drawn box: an equation, input, const, output, a collapsed cluster or a
// stub standing for a far-away variable.
class GraphNodeItem : public QGraphicsItem {
 public:
  enum class Kind { Input, Const, Equation, Output, Cluster, Stub };
  GraphNodeItem(Kind kind, QString id, QStringList lines, int equation, QSizeF size);

  Kind kind() const { return kind_; }
  const QString& id() const { return id_; }
  int equation() const { return equation_; }
  const QStringList& lines() const { return lines_; }
  // For a stub: the id of the node that makes its variable.
  QString target() const { return target_; }
  void set_target(const QString& id) { target_ = id; }
  bool is_current() const { return current_; }
  void set_current(bool on);
  bool is_chosen() const { return chosen_; }
  void set_chosen(bool on);

  QRectF boundingRect() const override;
  void paint(QPainter* p, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

 private:
  Kind kind_;
  QString id_;
  QStringList lines_;
  int equation_;
  QSizeF size_;
  QString target_;
  bool current_ = false;
  bool chosen_ = false;  // picked by a click or a search
};

// One operand edge, with its variable's type drawn at its middle.
class GraphEdgeItem : public QGraphicsPathItem {
 public:
  // `from` and `to`: the ids of the drawn nodes it joins.
  GraphEdgeItem(QString from, QString to, const GraphEdgeData& edge, const GraphLayoutEdge& layout);
  const QString& from() const { return from_; }
  const QString& to() const { return to_; }
  const QString& var() const { return var_; }
  const QString& aval() const { return aval_; }
  // Colour and width for a magnitude, or plain grey (`strength` < 0).
  void set_strength(double strength, bool non_finite);

  QRectF boundingRect() const override;
  void paint(QPainter* p, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

 private:
  QString from_, to_, var_, aval_;
  QPolygonF arrow_;
  QPointF label_at_;
  QRectF label_rect_;
};

// An expanded cluster: a frame around its insides and a header that
// collapses it when clicked.
class GraphClusterItem : public QGraphicsItem {
 public:
  GraphClusterItem(QString id, QString label, int equation, QRectF rect, QRectF header);
  const QString& id() const { return id_; }
  const QString& label() const { return label_; }
  int equation() const { return equation_; }
  QRectF header() const { return header_; }
  bool is_current() const { return current_; }
  void set_current(bool on);

  QRectF boundingRect() const override { return rect_.adjusted(-2, -2, 2, 2); }
  void paint(QPainter* p, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

 private:
  QString id_, label_;
  int equation_;
  QRectF rect_, header_;
  bool current_ = false;
};

class GraphView : public QWidget {
  Q_OBJECT
 public:
  explicit GraphView(QWidget* parent = nullptr);
  ~GraphView() override;

  // Starts laying out `graph` on the worker; the view keeps showing the old
  // graph until the new one is drawn. A newer call discards this one.
  void set_graph(GraphData graph);
  // Discards the layout under way; the view stays as it is.
  void cancel_layout();
  // Highlights the equation's node (or the cluster holding it) and scrolls
  // to it; -1 clears the highlight.
  void set_current_equation(int equation);
  // Selects the equation's node (as a click on it would, without the
  // signal) and scrolls to it: the equation was chosen in another panel.
  void select_equation(int equation);
  // Colours edges by the magnitude of their variable's tangent or cotangent
  // on a log scale; empty: plain edges.
  void set_edge_magnitudes(QHash<QString, double> magnitudes);
  // SVG, PNG or DOT by the path's extension; false with `error` set if the
  // extension is unknown, nothing is drawn or the file cannot be written.
  bool export_to(const QString& path, QString* error = nullptr);

  void set_cluster_collapsed(const QString& cluster_id, bool collapsed);
  bool is_cluster_collapsed(const QString& cluster_id) const;

  bool is_layout_running() const { return running_; }
  int node_count() const { return static_cast<int>(node_items_.size()); }
  GraphNodeItem* node_item(const QString& id) const { return node_items_.value(id); }
  GraphClusterItem* cluster_item(const QString& id) const { return cluster_items_.value(id); }
  QVector<GraphEdgeItem*> edge_items() const { return edge_items_; }
  // The node the last click or search selected, or null.
  GraphNodeItem* selected_node() const { return node_items_.value(chosen_); }
  QGraphicsScene* scene() const { return scene_; }
  QGraphicsView* graphics_view() const;
  QLineEdit* search_field() const { return search_; }
  // Seconds the last finished layout spent in Graphviz and building the scene.
  double last_layout_seconds() const { return layout_seconds_; }
  double last_scene_seconds() const { return scene_seconds_; }

 public slots:
  void zoom_in();
  void zoom_out();
  void fit();
  // Selects and shows the next node after the selected one whose label or
  // variable contains the search text.
  void find_next();

 signals:
  void equation_activated(int equation);
  void layout_finished();
  void layout_failed(const QString& message);

 private:
  friend class GraphCanvas;
  struct Drawn;
  void start_layout();
  // On the worker; `cancelled` is asked between parts.
  static GraphLayout lay_out(const Drawn& drawn, const std::function<bool()>& cancelled);
  void show_layout(std::shared_ptr<const Drawn> drawn, const GraphLayout& layout);
  void clicked(QGraphicsItem* item, QPointF at);
  void select(GraphNodeItem* node);
  void apply_current();
  void apply_magnitudes();
  QString dot_text() const;
  QString svg_text() const;

  GraphData graph_;
  QSet<QString> collapsed_;
  std::shared_ptr<const Drawn> drawn_;  // what the scene shows
  std::shared_ptr<std::atomic<quint64>> generation_;  // shared with workers, which skip stale layouts
  QString focus_after_layout_;  // the item to show once laid out, instead of fitting
  bool running_ = false;
  int current_equation_ = -1;
  QHash<QString, double> magnitudes_;
  double layout_seconds_ = 0, scene_seconds_ = 0;

  QGraphicsScene* scene_;
  GraphCanvas* canvas_;
  QLineEdit* search_;
  QLabel* status_;
  QHash<QString, GraphNodeItem*> node_items_;
  QHash<QString, GraphClusterItem*> cluster_items_;
  QVector<GraphNodeItem*> node_order_;
  QVector<GraphEdgeItem*> edge_items_;
  QString chosen_;
};

}  // namespace jxr::views
