#include "views/theme.h"

#include <QApplication>
#include <QFontDatabase>
#include <QPalette>
#include <QStyle>
#include <QStyleFactory>
#include <algorithm>

namespace jxr::views {

namespace {

QColor rgb(QRgb v) { return QColor::fromRgb(v); }

// Light: GitHub-like syntax colours on white, a pale yellow execution line.
const Theme kLight{
    .kind = ThemeKind::Light,
    .background = rgb(0xffffff),
    .text = rgb(0x1f2328),
    .gutter = rgb(0xf3f4f6),
    .gutter_text = rgb(0x8c959f),
    .current_line = rgb(0xfff1a8),
    .execution = rgb(0xe0a000),
    .linked_line = rgb(0xe2edfc),
    .breakpoint = rgb(0xd1242f),
    .primitive = rgb(0x8250df),
    .type = rgb(0x0550ae),
    .literal = rgb(0x953800),
    .comment = rgb(0x6e7781),
    .keyword = rgb(0xcf222e),
    .string = rgb(0x0a3069),
    .number = rgb(0x0550ae),
    .function = rgb(0x6639ba),
    .decorator = rgb(0x953800),
    .info = rgb(0x6e7781),
    .link = rgb(0x0969da),
    .error = rgb(0xc11c26),
    .error_background = rgb(0xffebe9),
    .warning = rgb(0x9a6700),
    .selection = rgb(0xb6d7ff),
    .nan_marker = rgb(0xd1242f),
    .diff_added = rgb(0xdafbe1),
    .diff_removed = rgb(0xffebe9),
    .diff_changed = rgb(0xfff8c5),
    .graph_node_fill = rgb(0xeef3fb),
    .graph_node_border = rgb(0x5a7bb5),
    .graph_edge = rgb(0x6e7781),
};

// Dark: light text on near-black; backgrounds are dimmed so text on them
// keeps its contrast.
const Theme kDark{
    .kind = ThemeKind::Dark,
    .background = rgb(0x1e1f22),
    .text = rgb(0xdcdfe4),
    .gutter = rgb(0x26282c),
    .gutter_text = rgb(0x6f7681),
    .current_line = rgb(0x4b4122),
    .execution = rgb(0xf2c14e),
    .linked_line = rgb(0x1d3450),
    .breakpoint = rgb(0xf0524f),
    .primitive = rgb(0xd2a8ff),
    .type = rgb(0x79c0ff),
    .literal = rgb(0xffa657),
    .comment = rgb(0x8b949e),
    .keyword = rgb(0xff7b72),
    .string = rgb(0xa5d6ff),
    .number = rgb(0x79c0ff),
    .function = rgb(0xd2a8ff),
    .decorator = rgb(0xffa657),
    .info = rgb(0x8b949e),
    .link = rgb(0x58a6ff),
    .error = rgb(0xff7b72),
    .error_background = rgb(0x3c1f22),
    .warning = rgb(0xd29922),
    .selection = rgb(0x264f78),
    .nan_marker = rgb(0xff7b72),
    .diff_added = rgb(0x1b3a26),
    .diff_removed = rgb(0x4a2024),
    .diff_changed = rgb(0x3d3516),
    .graph_node_fill = rgb(0x222c3a),
    .graph_node_border = rgb(0x79a7e0),
    .graph_edge = rgb(0x8b949e),
};

const Theme* g_current = &kLight;

QPalette dark_palette() {
  const Theme& t = kDark;
  QPalette p;
  const QColor window = rgb(0x2b2d31), button = rgb(0x35383d), disabled = rgb(0x6f747c);
  p.setColor(QPalette::Window, window);
  p.setColor(QPalette::WindowText, t.text);
  p.setColor(QPalette::Base, t.background);
  p.setColor(QPalette::AlternateBase, rgb(0x25272b));
  p.setColor(QPalette::ToolTipBase, rgb(0x3a3d42));
  p.setColor(QPalette::ToolTipText, t.text);
  p.setColor(QPalette::PlaceholderText, t.info);
  p.setColor(QPalette::Text, t.text);
  p.setColor(QPalette::Button, button);
  p.setColor(QPalette::ButtonText, t.text);
  p.setColor(QPalette::BrightText, rgb(0xffffff));
  // Fusion draws bevels and frames from these.
  p.setColor(QPalette::Light, rgb(0x4a4e54));
  p.setColor(QPalette::Midlight, rgb(0x3e4147));
  p.setColor(QPalette::Mid, rgb(0x232427));
  p.setColor(QPalette::Dark, rgb(0x1a1b1d));
  p.setColor(QPalette::Shadow, rgb(0x000000));
  p.setColor(QPalette::Highlight, rgb(0x2f6bd1));
  p.setColor(QPalette::HighlightedText, rgb(0xffffff));
  p.setColor(QPalette::Link, t.link);
  p.setColor(QPalette::LinkVisited, t.primitive);
  for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
    p.setColor(QPalette::Disabled, role, disabled);
  p.setColor(QPalette::Disabled, QPalette::Highlight, rgb(0x3f4349));
  return p;
}

}  // namespace

const Theme& theme() { return *g_current; }

const Theme& theme_of(ThemeKind kind) { return kind == ThemeKind::Dark ? kDark : kLight; }

void apply_theme(ThemeKind kind) {
  g_current = &theme_of(kind);
  if (QApplication::style()->name().compare(QLatin1String("fusion"), Qt::CaseInsensitive) != 0)
    QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
  if (kind == ThemeKind::Dark) {
    QApplication::setPalette(dark_palette());
  } else {
    QPalette p = QApplication::style()->standardPalette();
    p.setColor(QPalette::Highlight, rgb(0x2f6bd1));
    p.setColor(QPalette::Link, kLight.link);
    QApplication::setPalette(p);
  }
  emit ThemeNotifier::instance().theme_changed();
}

QFont monospace_font() {
  // Not cached: a static QFont would outlive the QApplication.
  QFont f = QFontDatabase::systemFont(QFontDatabase::FixedFont);
  const QStringList installed = QFontDatabase::families();
  for (const char* family : {"JetBrains Mono", "Cascadia Mono", "Fira Code", "Source Code Pro", "Hack",
                             "DejaVu Sans Mono", "Menlo", "Consolas"}) {
    if (installed.contains(QLatin1String(family))) {
      f.setFamily(QLatin1String(family));
      break;
    }
  }
  f.setStyleHint(QFont::Monospace);
  f.setFixedPitch(true);
  f.setPointSizeF(std::max(f.pointSizeF(), 10.0));
  return f;
}

ThemeNotifier& ThemeNotifier::instance() {
  static ThemeNotifier notifier;
  return notifier;
}

}  // namespace jxr::views
