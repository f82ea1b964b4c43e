// The compare view and its converter: the seed demo against its grad, its
// vmap and itself, a param change, a jit body, malformed text; the view
// driven by clicks, scrolling and F8; the values tab's model.
#include <QAbstractItemModelTester>
#include <QApplication>
#include <QDoubleSpinBox>
#include <QFile>
#include <QLabel>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTest>
#include <QTextBlock>
#include <QToolBar>
#include <QToolButton>
#include <QToolTip>
#include <cmath>
#include <limits>

#include "app/cli/transform.h"
#include "app/gui/diff_convert.h"
#include "engine/jaxpr/parse.h"
#include "engine/jaxpr/print.h"
#include "views/diff_view.h"

using jxr::views::DiffData;
using jxr::views::DiffKind;
using jxr::views::DiffLine;
using jxr::views::DiffValuesModel;
using jxr::views::DiffView;
using jxr::views::ValueDiffRow;

// The demos are compiled into the GUI library, a static one: their
// resources are registered only when asked for.
void init_demo_resources() { Q_INIT_RESOURCE(demos); }

namespace {

jxr::ClosedJaxpr seed() {
  init_demo_resources();
  QFile f(QStringLiteral(":/demos/seed.jaxpr"));
  if (!f.open(QIODevice::ReadOnly)) qFatal("no seed demo");
  return jxr::parse_jaxpr(f.readAll().toStdString(), "seed.jaxpr");
}

jxr::ClosedJaxpr transformed(const jxr::ClosedJaxpr& cj, const char* chain) {
  jxr::cli::TransformSpec spec;
  if (auto err = jxr::cli::parse_transform_chain(chain, &spec)) qFatal("%s", err->c_str());
  return jxr::cli::transform_jaxpr(cj, spec);
}

// The kinds as one letter per line: = same, ~ changed, < only left, > only right, H header.
QString kinds(const DiffData& d) {
  QString s;
  for (const DiffLine& l : d.lines) {
    switch (l.kind) {
      case DiffKind::Same: s += '='; break;
      case DiffKind::Changed: s += '~'; break;
      case DiffKind::OnlyLeft: s += '<'; break;
      case DiffKind::OnlyRight: s += '>'; break;
      case DiffKind::Header: s += 'H'; break;
    }
  }
  return s;
}

QStringList side_texts(const DiffData& d, bool right) {
  QStringList out;
  for (const DiffLine& l : d.lines) out << (right ? l.right : l.left);
  return out;
}

QStringList pane_lines(QPlainTextEdit* p) { return p->toPlainText().split('\n'); }

// The texts of a pane's extra selections that are not whole lines.
QStringList highlighted_words(QPlainTextEdit* p) {
  QStringList out;
  for (const auto& s : p->extraSelections())
    if (s.cursor.hasSelection()) out << QStringLiteral("%1:%2").arg(s.cursor.blockNumber()).arg(s.cursor.selectedText());
  return out;
}

// The point of column `col` on aligned line `line` of a pane.
QPoint point_at(QPlainTextEdit* p, int line, int col) {
  QTextCursor c(p->document()->findBlockByNumber(line));
  c.setPosition(c.block().position() + col);
  return p->cursorRect(c).center() + QPoint(1, 0);
}

// The marked texts of one side of a line.
QStringList marked(const DiffLine& l, bool right) {
  QStringList out;
  for (const auto& m : right ? l.right_marks : l.left_marks) out << (right ? l.right : l.left).mid(m.start, m.length);
  return out;
}

const char* const kJitLeft = R"({ lambda ; a:f32[4]. let
    b:f32[4] = jit[
      name=sin_x
      jaxpr={ lambda ; a:f32[4]. let
          c:f32[4] = sin a
          b:f32[4] = mul c a
        in (b,) }
    ] a
  in (b,) })";

const char* const kJitRight = R"({ lambda ; a:f32[4]. let
    b:f32[4] = jit[
      name=sin_x
      jaxpr={ lambda ; a:f32[4]. let
          c:f32[4] = sin a
          b:f32[4] = add c a
        in (b,) }
    ] a
  in (b,) })";

DiffData from_texts(const char* left, const char* right) {
  jxr::gui::TextDiff d = jxr::gui::diff_texts(left, right, "A", "B");
  if (!d.error.isEmpty()) qFatal("%s", qPrintable(d.error));
  return d.data;
}

jxr::Array floats(std::vector<float> v, jxr::Shape shape) { return jxr::Array::from_vector(v, std::move(shape)); }

}  // namespace

class TestDiffView : public QObject {
  Q_OBJECT

 private slots:
  void seed_against_itself_is_all_same() {
    jxr::ClosedJaxpr f = seed();
    DiffData d = jxr::gui::diff_data(*f.jaxpr, *f.jaxpr, "f", "f");
    QVERIFY(d.identical);
    QCOMPARE(kinds(d), QStringLiteral("H========H"));
    const QStringList printed = QString::fromStdString(jxr::print_jaxpr(*f.jaxpr)).trimmed().split('\n');
    QCOMPARE(side_texts(d, false), printed);
    QCOMPARE(side_texts(d, true), printed);
    QCOMPARE(d.lines[1].left_equation, 0);
    QCOMPARE(d.lines[8].right_equation, 7);
    QCOMPARE(d.lines[0].left_equation, -1);
    QCOMPARE(d.scopes.size(), 1);
    QCOMPARE(d.scopes[0].left_to_right.value("i"), QStringLiteral("i"));
    QCOMPARE(d.scopes[0].left_to_right.size(), 9);  // a and the eight results

    DiffView view;
    view.set_diff(d);
    QCOMPARE(view.summary_label()->text(), QStringLiteral("Identical: 8 same"));
    QVERIFY(view.difference_starts().isEmpty());
    QVERIFY(!view.next_action()->isEnabled());
  }

  void seed_against_grad() {
    jxr::ClosedJaxpr f = seed();
    jxr::ClosedJaxpr g = transformed(f, "grad(f)");
    DiffData d = jxr::gui::diff_data(*f.jaxpr, *g.jaxpr, "f", "grad(f)");
    QVERIFY(!d.identical);
    // f's equations all reappear first (the primal result dropped), then the
    // ten of the backward pass; the output is the gradient.
    QCOMPARE(kinds(d), QStringLiteral("H========>>>>>>>>>>~"));
    QCOMPARE(d.lines[8].left, QStringLiteral("    i:f32[] = add c h"));
    QCOMPARE(d.lines[8].right, QStringLiteral("    _:f32[] = add c h"));
    QCOMPARE(d.lines[9].left, QString());
    QCOMPARE(d.lines[9].right, QStringLiteral("    i:f32[] = mul e 1.0:f32[]"));
    QCOMPARE(d.lines[9].left_equation, -1);
    QCOMPARE(d.lines[9].right_equation, 8);
    QCOMPARE(d.lines[12].right, QStringLiteral("    l:f32[5] = pad[padding_config=((1, np.int64(3), 0),)] k 0.0:f32[]"));
    QCOMPARE(d.lines[19].left, QStringLiteral("  in (i,) }"));
    QCOMPARE(d.lines[19].right, QStringLiteral("  in (r,) }"));
    QCOMPARE(d.lines[19].changes, QStringList({"outputs[0]: i:f32[] → r:f32[5]"}));
    QCOMPARE(marked(d.lines[19], false), QStringList({"i"}));
    QCOMPARE(marked(d.lines[19], true), QStringList({"r"}));
    QCOMPARE(d.scopes[0].left_to_right.value("h"), QStringLiteral("h"));
    QVERIFY(!d.scopes[0].left_to_right.contains("i"));  // its counterpart is dropped

    DiffView view;
    view.set_diff(d);
    QCOMPARE(view.summary_label()->text(), QStringLiteral("1 changed, 10 only right, 8 same"));
    QCOMPARE(view.difference_starts(), QVector<int>({9, 19}));
  }

  void seed_against_vmap() {
    jxr::ClosedJaxpr f = seed();
    jxr::ClosedJaxpr v = transformed(f, "vmap(f)");
    DiffData d = jxr::gui::diff_data(*f.jaxpr, *v.jaxpr, "f", "vmap(f)");
    QCOMPARE(kinds(d), QStringLiteral("~~~~~~~~~~"));
    DiffView view;
    view.set_diff(d);
    // Every changed equation is a stop for F8.
    QCOMPARE(view.difference_starts(), QVector<int>({0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
    QCOMPARE(d.lines[0].changes, QStringList({"inputs[0]: a:f32[5] → a:f32[2,5]"}));
    QCOMPARE(marked(d.lines[0], true), QStringList({"a:f32[2,5]"}));
    QCOMPARE(d.lines[1].right, QStringLiteral("    b:f32[2,1] = slice[limit_indices=(2, 1) start_indices=(0, 0) strides=None] a"));
    QCOMPARE(d.lines[1].changes,
             QStringList({"params.limit_indices: (1,) → (2, 1)", "params.start_indices: (0,) → (0, 0)",
                          "operands[0]: a:f32[5] → a:f32[2,5]", "outputs[0]: b:f32[1] → b:f32[2,1]"}));
    QCOMPARE(marked(d.lines[1], false), QStringList({"limit_indices=(1,)", "start_indices=(0,)", "a", "b:f32[1]"}));
    QCOMPARE(marked(d.lines[1], true),
             QStringList({"limit_indices=(2, 1)", "start_indices=(0, 0)", "a", "b:f32[2,1]"}));
    // The second operand of `mul e g` is the `g` at the end, not a letter elsewhere.
    QCOMPARE(d.lines[7].left, QStringLiteral("    h:f32[] = mul e g"));
    QCOMPARE(d.lines[7].left_marks[1].start, 20);
    QCOMPARE(d.lines[9].changes, QStringList({"outputs[0]: i:f32[] → i:f32[2]"}));
  }

  void param_change_names_the_field() {
    DiffData d = from_texts("{ lambda ; a:f32[3,3]. let\n    b:f32[3] = reduce_sum[axes=(0,) out_sharding=None] a\n  in (b,) }",
                            "{ lambda ; a:f32[3,3]. let\n    b:f32[3] = reduce_sum[axes=(1,) out_sharding=None] a\n  in (b,) }");
    QCOMPARE(kinds(d), QStringLiteral("H~H"));
    QCOMPARE(d.lines[1].changes, QStringList({"params.axes: (0,) → (1,)"}));
    QCOMPARE(marked(d.lines[1], false), QStringList({"axes=(0,)"}));
    QCOMPARE(marked(d.lines[1], true), QStringList({"axes=(1,)"}));
    QCOMPARE(d.left_title, QStringLiteral("A"));

    DiffView view;
    view.set_diff(d);
    view.resize(700, 300);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    // Hovering the changed line lists the changed fields.
    QWidget* port = view.right_pane()->viewport();
    const QPoint at = point_at(view.right_pane(), 1, 8);
    QHelpEvent hover(QEvent::ToolTip, at, port->mapToGlobal(at));
    QApplication::sendEvent(port, &hover);
    QTRY_VERIFY(QToolTip::isVisible());
    QVERIFY2(QToolTip::text().contains("params.axes: (0,) → (1,)"), qPrintable(QToolTip::text()));
    QToolTip::hideText();
    QCOMPARE(view.summary_label()->text(), QStringLiteral("1 changed"));
    // The changed field is underlined in the pane, the rest of the line is not.
    QTextBlock b = view.left_pane()->document()->findBlockByNumber(1);
    QTextCursor c(b);
    c.setPosition(b.position() + static_cast<int>(b.text().indexOf("axes=")) + 1);
    QVERIFY(c.charFormat().fontUnderline());
    c.setPosition(b.position() + 5);
    QVERIFY(!c.charFormat().fontUnderline());
  }

  void jit_bodies_are_compared_inside() {
    DiffData d = from_texts(kJitLeft, kJitRight);
    QCOMPARE(kinds(d), QStringLiteral("H~H=<>~H"));
    QCOMPARE(side_texts(d, false), QStringList({"{ lambda ; a:f32[4]. let", "    b:f32[4] = jit[name=sin_x] a",
                                                "      jaxpr={ lambda ; a:f32[4]. let", "          c:f32[4] = sin a",
                                                "          b:f32[4] = mul c a", "", "        in (b,) }",
                                                "  in (b,) }"}));
    QCOMPARE(d.lines[5].right, QStringLiteral("          b:f32[4] = add c a"));
    QCOMPARE(d.scopes.size(), 2);
    QCOMPARE(d.lines[1].scope, 0);
    QCOMPARE(d.lines[3].scope, 1);
    // Lines of the body belong to the top-level jit equation.
    QCOMPARE(d.lines[3].left_equation, 0);
    QCOMPARE(d.lines[5].left_equation, -1);
    QCOMPARE(d.lines[5].right_equation, 0);
  }

  void malformed_text_names_side_and_line() {
    jxr::gui::TextDiff d = jxr::gui::diff_texts("{ lambda ; a:f32[]. let\n    b:f32[] = sinn a\n  in (b,) }",
                                                "{ lambda ; a:f32[]. let\n  in (a,) }", "f", "g");
    QVERIFY2(d.error.startsWith("f jaxpr, line 2, column "), qPrintable(d.error));
    QVERIFY2(d.error.contains("sinn"), qPrintable(d.error));
    QVERIFY(d.data.lines.isEmpty());
    d = jxr::gui::diff_texts("{ lambda ; a:f32[]. let\n  in (a,) }", "{ lambda ; a:f32[]. let\n  in (a,) ", "f", "g");
    QVERIFY2(d.error.startsWith("g jaxpr, line 2, column "), qPrintable(d.error));
    d = jxr::gui::diff_texts("{ lambda ; a:f32[]. let\n  in (a,) }", "  \n", "f", "g");
    QCOMPARE(d.error, QStringLiteral("g jaxpr: the text is empty"));
  }

  void panes_are_aligned_and_coloured() {
    jxr::ClosedJaxpr f = seed();
    DiffData d = jxr::gui::diff_data(*f.jaxpr, *transformed(f, "grad(f)").jaxpr, "f", "grad(f)");
    DiffView view;
    view.set_diff(d);
    QCOMPARE(view.left_pane()->blockCount(), 20);
    QCOMPARE(view.right_pane()->blockCount(), 20);
    QCOMPARE(pane_lines(view.left_pane()), side_texts(d, false));
    QCOMPARE(pane_lines(view.right_pane()), side_texts(d, true));
    // Opposite a line only the right has: a hatched filler on the left.
    QCOMPARE(view.left_pane()->document()->findBlockByNumber(9).text(), QString());
    QCOMPARE(view.line_background(0, 9).style(), Qt::BDiagPattern);
    const QBrush added = view.line_background(1, 9);
    QCOMPARE(added.style(), Qt::SolidPattern);
    QVERIFY(added.color().green() > added.color().red() + 20);
    QCOMPARE(view.line_background(0, 19).color(), view.line_background(1, 19).color());  // both changed
    QVERIFY(view.line_background(0, 19).color().red() > view.line_background(0, 19).color().blue() + 20);
    QCOMPARE(view.line_background(0, 3).style(), Qt::NoBrush);
    QCOMPARE(view.line_background(1, 3).style(), Qt::NoBrush);
    QCOMPARE(view.findChild<QLabel*>("diff_right_title")->text(), QStringLiteral("grad(f)"));
  }

  void scrolling_is_linked() {
    jxr::ClosedJaxpr f = seed();
    DiffView view;
    view.set_diff(jxr::gui::diff_data(*f.jaxpr, *transformed(f, "grad(f)").jaxpr, "f", "grad(f)"));
    view.resize(420, 220);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QScrollBar* lv = view.left_pane()->verticalScrollBar();
    QScrollBar* rv = view.right_pane()->verticalScrollBar();
    QVERIFY(lv->maximum() > 5);
    QCOMPARE(rv->maximum(), lv->maximum());
    lv->setValue(5);
    QCOMPARE(rv->value(), 5);
    rv->setValue(2);
    QCOMPARE(lv->value(), 2);
    QScrollBar* lh = view.left_pane()->horizontalScrollBar();
    QScrollBar* rh = view.right_pane()->horizontalScrollBar();
    QVERIFY(rh->maximum() > 30);
    rh->setValue(30);
    QCOMPARE(lh->value(), std::min(30, lh->maximum()));
    // A click low on the overview strip scrolls both panes down.
    QWidget* strip = view.overview();
    QTest::mouseClick(strip, Qt::LeftButton, {}, QPoint(strip->width() / 2, strip->height() - 2));
    QCOMPARE(lv->value(), lv->maximum());
    QCOMPARE(rv->value(), rv->maximum());
  }

  void clicking_a_line_selects_its_match() {
    jxr::ClosedJaxpr f = seed();
    DiffView view;
    view.set_diff(jxr::gui::diff_data(*f.jaxpr, *transformed(f, "grad(f)").jaxpr, "f", "grad(f)"));
    view.resize(700, 500);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QSignalSpy left(&view, &DiffView::left_equation_activated);
    QSignalSpy right(&view, &DiffView::right_equation_activated);
    QTest::mouseClick(view.left_pane()->viewport(), Qt::LeftButton, {}, point_at(view.left_pane(), 8, 1));
    QCOMPARE(view.current_line(), 8);
    QCOMPARE(view.right_pane()->textCursor().blockNumber(), 8);
    QCOMPARE(left.size(), 1);
    QCOMPARE(left.takeFirst().at(0).toInt(), 7);
    QCOMPARE(right.takeFirst().at(0).toInt(), 7);
    // A filler line: only the right has an equation there.
    QTest::mouseClick(view.left_pane()->viewport(), Qt::LeftButton, {}, point_at(view.left_pane(), 12, 0));
    QCOMPARE(view.current_line(), 12);
    QCOMPARE(view.right_pane()->textCursor().blockNumber(), 12);
    QCOMPARE(left.size(), 0);
    QCOMPARE(right.takeFirst().at(0).toInt(), 11);
    // And from the right.
    QTest::mouseClick(view.right_pane()->viewport(), Qt::LeftButton, {}, point_at(view.right_pane(), 3, 2));
    QCOMPARE(view.left_pane()->textCursor().blockNumber(), 3);
    // The arrow keys move the selection on both sides.
    QTest::keyClick(view.right_pane(), Qt::Key_Down);
    QCOMPARE(view.current_line(), 4);
    QCOMPARE(view.left_pane()->textCursor().blockNumber(), 4);
    QCOMPARE(left.takeLast().at(0).toInt(), 3);
  }

  void clicking_a_variable_highlights_its_counterpart() {
    // Left `b` (sin) is right `c`: the right computes a `cos` first.
    DiffData d = from_texts("{ lambda ; a:f32[]. let\n    b:f32[] = sin a\n    c:f32[] = mul b a\n  in (c,) }",
                            "{ lambda ; a:f32[]. let\n    b:f32[] = cos a\n    c:f32[] = sin a\n"
                            "    d:f32[] = mul c a\n    e:f32[] = add d b\n  in (e,) }");
    QCOMPARE(kinds(d), QStringLiteral("H>==>~"));
    DiffView view;
    view.set_diff(d);
    view.resize(700, 400);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QTest::mouseClick(view.left_pane()->viewport(), Qt::LeftButton, {}, point_at(view.left_pane(), 2, 4));
    QCOMPARE(view.left_highlight(), QStringLiteral("b"));
    QCOMPARE(view.right_highlight(), QStringLiteral("c"));
    QCOMPARE(highlighted_words(view.left_pane()), QStringList({"2:b", "3:b"}));
    QCOMPARE(highlighted_words(view.right_pane()), QStringList({"2:c", "3:c"}));
    // From the right: its `d` is the left's `c`, also in the `in` line.
    QTest::mouseClick(view.right_pane()->viewport(), Qt::LeftButton, {}, point_at(view.right_pane(), 3, 4));
    QCOMPARE(view.right_highlight(), QStringLiteral("d"));
    QCOMPARE(view.left_highlight(), QStringLiteral("c"));
    QCOMPARE(highlighted_words(view.left_pane()), QStringList({"3:c", "5:c"}));
    QCOMPARE(highlighted_words(view.right_pane()), QStringList({"3:d", "4:d"}));
    // A primitive is no variable: the highlight goes.
    QTest::mouseClick(view.left_pane()->viewport(), Qt::LeftButton, {}, point_at(view.left_pane(), 2, 15));
    QCOMPARE(view.left_highlight(), QString());
    QCOMPARE(highlighted_words(view.right_pane()), QStringList());
  }

  void highlights_stay_in_their_scope() {
    DiffView view;
    view.set_diff(from_texts(kJitLeft, kJitRight));
    view.resize(700, 400);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    // The outer `a`: not the body's own `a`.
    QTest::mouseClick(view.left_pane()->viewport(), Qt::LeftButton, {}, point_at(view.left_pane(), 0, 11));
    QCOMPARE(view.left_highlight(), QStringLiteral("a"));
    QCOMPARE(highlighted_words(view.left_pane()), QStringList({"0:a", "1:a"}));
    QCOMPARE(highlighted_words(view.right_pane()), QStringList({"0:a", "1:a"}));
    // The body's `c`, on both sides of the body.
    QTest::mouseClick(view.right_pane()->viewport(), Qt::LeftButton, {}, point_at(view.right_pane(), 3, 10));
    QCOMPARE(highlighted_words(view.right_pane()), QStringList({"3:c", "5:c"}));
    QCOMPARE(highlighted_words(view.left_pane()), QStringList({"3:c", "4:c"}));
  }

  void f8_walks_the_differences() {
    DiffView view;
    view.set_diff(from_texts(kJitLeft, kJitRight));
    view.resize(700, 400);
    view.show();
    QVERIFY(QTest::qWaitForWindowActive(&view));
    QCOMPARE(view.difference_starts(), QVector<int>({1, 4, 5, 6}));
    QVERIFY(!view.previous_action()->isEnabled());
    view.left_pane()->setFocus();
    QTest::keyClick(view.left_pane(), Qt::Key_F8);
    QCOMPARE(view.current_line(), 1);
    QTest::keyClick(view.left_pane(), Qt::Key_F8);
    QCOMPARE(view.current_line(), 4);
    QCOMPARE(view.right_pane()->textCursor().blockNumber(), 4);
    QTest::keyClick(view.left_pane(), Qt::Key_F8, Qt::ShiftModifier);
    QCOMPARE(view.current_line(), 1);
    auto* next = qobject_cast<QToolButton*>(view.findChild<QToolBar*>()->widgetForAction(view.next_action()));
    QVERIFY(next);
    QTest::mouseClick(next, Qt::LeftButton);
    QTest::mouseClick(next, Qt::LeftButton);
    QTest::mouseClick(next, Qt::LeftButton);
    QCOMPARE(view.current_line(), 6);
    QVERIFY(!view.next_action()->isEnabled());
    QTest::keyClick(view.left_pane(), Qt::Key_F8);
    QCOMPARE(view.current_line(), 6);
    // From the values tab, the keys go back to the jaxprs.
    view.tabs()->setCurrentIndex(1);
    view.values_table()->setFocus();
    QTest::keyClick(view.values_table(), Qt::Key_F8, Qt::ShiftModifier);
    QCOMPARE(view.tabs()->currentIndex(), 0);
    QCOMPARE(view.current_line(), 5);
  }

  void values_are_compared() {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    jxr::gui::NamedArrays left = {{"x", floats({1, 2, 3}, {3})},      {"y", floats({1, 2}, {2})},
                                  {"z", floats({float(nan), 1}, {2})}, {"t", floats({float(nan)}, {1})},
                                  {"w", floats({1, 2}, {2})},          {"v", floats({5}, {})}};
    jxr::gui::NamedArrays right = {{"x", floats({1, 2, 3}, {3})},      {"yy", floats({1, 2.001f}, {2})},
                                   {"z", floats({float(nan), 1}, {2})}, {"t", floats({1}, {1})},
                                   {"w", floats({1, 2}, {1, 2})},       {"u", floats({7}, {})}};
    QVector<ValueDiffRow> rows = jxr::gui::value_diff_rows(left, right, {{"y", "yy"}});
    QCOMPARE(rows.size(), 7);
    QCOMPARE(rows[1].right_name, QStringLiteral("yy"));
    QVERIFY(std::fabs(rows[1].max_abs - 0.001) < 1e-6);
    QVERIFY(std::fabs(rows[1].max_rel - 0.001 / 2.001) < 1e-6);
    QVERIFY(!rows[0].differs);
    QVERIFY(!rows[2].differs);  // NaN opposite NaN
    QVERIFY(rows[2].left_non_finite && rows[2].right_non_finite);
    QVERIFY(rows[3].differs && std::isinf(rows[3].max_abs));  // NaN opposite a number
    QVERIFY(!rows[4].comparable);
    QCOMPARE(rows[5].right_name, QString());
    QCOMPARE(rows[6].left_name, QString());
    QCOMPARE(rows[6].right, QStringLiteral("7.0"));

    DiffView view;
    DiffValuesModel* model = view.values_model();
    QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    view.set_values(rows);
    view.tabs()->setCurrentIndex(1);
    view.resize(800, 400);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QCOMPARE(model->rowCount(), 7);
    auto cell = [&](int r, int c, int role = Qt::DisplayRole) { return model->data(model->index(r, c), role); };
    QCOMPARE(cell(1, DiffValuesModel::Variable).toString(), QStringLiteral("y → yy"));
    QCOMPARE(cell(0, DiffValuesModel::MaxAbs).toString(), QStringLiteral("0"));
    QCOMPARE(cell(3, DiffValuesModel::MaxAbs).toString(), QStringLiteral("∞"));
    QCOMPARE(cell(5, DiffValuesModel::Right).toString(), QStringLiteral("—"));
    QCOMPARE(cell(5, DiffValuesModel::MaxAbs).toString(), QStringLiteral("only left"));
    QCOMPARE(cell(4, DiffValuesModel::MaxAbs).toString(), QStringLiteral("shapes differ"));
    QList<bool> flagged;
    for (int r = 0; r < 7; ++r) flagged << model->flagged(r);
    QCOMPARE(flagged, QList<bool>({false, true, false, true, true, true, true}));
    QVERIFY(!cell(0, DiffValuesModel::Left, Qt::BackgroundRole).isValid());
    QVERIFY(!cell(2, DiffValuesModel::Left, Qt::BackgroundRole).isValid());
    const QColor red = cell(1, DiffValuesModel::Left, Qt::BackgroundRole).value<QColor>();
    QVERIFY(red.isValid() && red.red() > red.green() + 30);
    QVERIFY(cell(2, DiffValuesModel::Left, Qt::ForegroundRole).value<QColor>().red() > 150);
    auto* summary = view.findChild<QLabel*>("diff_values_summary");
    QCOMPARE(summary->text(), QStringLiteral("5 of 7 values differ"));
    // A looser tolerance, typed into the spin box, clears y.
    QDoubleSpinBox* tol = view.tolerance_box();
    tol->selectAll();
    QTest::keyClicks(tol, "0.01");
    QTest::keyClick(tol, Qt::Key_Return);
    QCOMPARE(model->tolerance(), 0.01);
    QVERIFY(!model->flagged(1));
    QVERIFY(!cell(1, DiffValuesModel::Left, Qt::BackgroundRole).isValid());
    QVERIFY(model->flagged(3));  // NaN against a number differs at any tolerance
    QCOMPARE(summary->text(), QStringLiteral("4 of 7 values differ"));
    // The arrow steps by decades.
    QTest::keyClick(tol, Qt::Key_Down);
    QCOMPARE(model->tolerance(), 0.001);
  }

  void empty_input_is_harmless() {
    DiffView view;
    view.resize(500, 300);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QCOMPARE(view.summary_label()->text(), QStringLiteral("Nothing to compare"));
    QTest::mouseClick(view.left_pane()->viewport(), Qt::LeftButton, {}, QPoint(20, 20));
    QCOMPARE(view.current_line(), -1);
    view.next_difference();
    QTest::mouseClick(view.overview(), Qt::LeftButton);
    QCOMPARE(view.findChild<QLabel*>("diff_values_summary")->text(), QStringLiteral("No values to compare"));
    QCOMPARE(jxr::gui::value_diff_rows({}, {}).size(), 0);
  }
};

QTEST_MAIN(TestDiffView)
#include "tst_diff_view.moc"
