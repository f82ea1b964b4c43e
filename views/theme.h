// The light and dark colour themes: one palette of named colours that every
// panel paints with, the application palette (Fusion style) to match, and a
// signal so panels restyle when the user switches themes.
#pragma once

#include <QColor>
#include <QFont>
#include <QObject>

namespace jxr::views {

enum class ThemeKind { Light, Dark };

// Colours named by what they mark, not by hue, so each panel looks right in
// both themes. "Background" colours are line or cell fills; the rest are text
// or stroke colours.
struct Theme {
  ThemeKind kind;
  QColor background;  // editors, consoles, tables
  QColor text;
  QColor gutter;        // margin fill beside the text
  QColor gutter_text;   // line numbers
  QColor current_line;  // background: the line or equation being executed
  QColor execution;     // the arrow in the margin at that line
  QColor linked_line;   // background: lines tied to the selected equation
  QColor breakpoint;
  QColor primitive;
  QColor type;
  QColor literal;
  QColor comment;
  QColor keyword;
  QColor string;
  QColor number;
  QColor function;   // names being defined (def, class)
  QColor decorator;  // @jit and friends
  QColor info;       // secondary text: status notes, placeholders
  QColor link;
  QColor error;
  QColor error_background;  // background: annotation under a failing line
  QColor warning;
  QColor selection;  // background
  QColor nan_marker;
  QColor diff_added;    // background
  QColor diff_removed;  // background
  QColor diff_changed;  // background
  QColor graph_node_fill;
  QColor graph_node_border;
  QColor graph_edge;
};

// The theme in use; Light until apply_theme says otherwise.
const Theme& theme();
const Theme& theme_of(ThemeKind kind);

// Switches the application (Fusion style, palette) to `kind` and emits
// ThemeNotifier::theme_changed. Needs a QApplication.
void apply_theme(ThemeKind kind);

// The monospace font of code, jaxprs and console output: the first installed
// of a few programming fonts, else the system's fixed font, never below 10 pt.
QFont monospace_font();

// Panels connect to theme_changed() to repaint with the new theme().
class ThemeNotifier : public QObject {
  Q_OBJECT
 public:
  static ThemeNotifier& instance();

 signals:
  void theme_changed();

 private:
  ThemeNotifier() = default;
};

}  // namespace jxr::views
