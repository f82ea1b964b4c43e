// The script editor, the console and the themes, driven with real clicks and
// keys: breakpoints from the margin and F9, the current and linked lines,
// errors under their line, files in and out, traceback links in the console,
// its line cap, and the restyling on a theme switch.
#include <Qsci/qscilexerpython.h>

#include <QApplication>
#include <QClipboard>
#include <QContextMenuEvent>
#include <QElapsedTimer>
#include <QFile>
#include <QMenu>
#include <QSignalSpy>
#include <QStyle>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBlock>

#include "views/console_view.h"
#include "views/editor_view.h"
#include "views/theme.h"

using jxr::views::apply_theme;
using jxr::views::ConsoleView;
using jxr::views::EditorView;
using jxr::views::theme;
using jxr::views::theme_of;
using jxr::views::ThemeKind;
using jxr::views::ThemeNotifier;

namespace {

const char* kScript =
    "import jax.numpy as jnp\n"
    "\n"
    "def f(x):\n"
    "    y = jnp.sin(x) * 2.0\n"
    "    return jnp.sum(y ** 2)\n"
    "\n"
    "result = f(jnp.ones(3))\n";

const char* kTraceback =
    "Traceback (most recent call last):\n"
    "  File \"script.py\", line 7, in <module>\n"
    "    result = f(jnp.ones(3))\n"
    "  File \"script.py\", line 3, in f\n"
    "    y = jnp.sin(x) * 2.0\n"
    "TypeError: sin requires ndarray or scalar arguments\n";

unsigned marker_bit(EditorView::Marker m) { return 1u << m; }

}  // namespace

class TestEditorConsole : public QObject {
  Q_OBJECT

 private:
  std::unique_ptr<EditorView> editor_;
  std::unique_ptr<ConsoleView> console_;

  // The centre of `line` (1-based) in the editor's viewport, `x` pixels from its left edge.
  QPoint line_point(int line, int x) const {
    const long pos = editor_->positionFromLineIndex(line - 1, 0);
    const int top = static_cast<int>(editor_->SendScintilla(QsciScintillaBase::SCI_POINTYFROMPOSITION, 0L, pos));
    const int h = static_cast<int>(editor_->SendScintilla(QsciScintillaBase::SCI_TEXTHEIGHT, line - 1));
    return {x, top + h / 2};
  }
  // The viewport point over character `index` (0-based) of `line` (1-based).
  QPoint char_point(int line, int index) const {
    const long pos = editor_->positionFromLineIndex(line - 1, index);
    const int x = static_cast<int>(editor_->SendScintilla(QsciScintillaBase::SCI_POINTXFROMPOSITION, 0L, pos));
    return line_point(line, x + 2);
  }
  int symbol_margin_x() const { return editor_->marginWidth(EditorView::SymbolMargin) / 2; }
  unsigned indicators_at(int line, int index) const {
    return static_cast<unsigned>(editor_->SendScintilla(QsciScintillaBase::SCI_INDICATORALLONFOR,
                                                        editor_->positionFromLineIndex(line - 1, index)));
  }
  // The point in the console's viewport over the middle of the first `needle`.
  QPoint console_point(const QString& needle) const {
    const QTextCursor found = console_->document()->find(needle);
    if (found.isNull()) return {-1, -1};
    QTextCursor c(console_->document());
    c.setPosition(found.selectionStart() + static_cast<int>(needle.size()) / 2);
    return console_->cursorRect(c).center();
  }
  QTextCharFormat console_format_at(const QString& needle) const {
    const QTextCursor found = console_->document()->find(needle);
    QTextCursor c(console_->document());
    c.setPosition(found.selectionStart() + 1);
    return c.charFormat();
  }

 private slots:
  void init() {
    apply_theme(ThemeKind::Light);
    editor_ = std::make_unique<EditorView>();
    editor_->resize(700, 400);
    editor_->setText(QString::fromUtf8(kScript));
    editor_->show();
    QVERIFY(QTest::qWaitForWindowExposed(editor_.get()));
    console_ = std::make_unique<ConsoleView>();
    console_->resize(700, 300);
    console_->show();
    QVERIFY(QTest::qWaitForWindowExposed(console_.get()));
  }
  void cleanup() {
    editor_.reset();
    console_.reset();
    apply_theme(ThemeKind::Light);
  }

  void margin_click_toggles_breakpoint() {
    QSignalSpy changed(editor_.get(), &EditorView::breakpoints_changed);
    QTest::mouseClick(editor_->viewport(), Qt::LeftButton, {}, line_point(4, symbol_margin_x()));
    QCOMPARE(editor_->breakpoint_lines(), QVector<int>{4});
    QCOMPARE(changed.count(), 1);
    QVERIFY(editor_->markersAtLine(3) & marker_bit(EditorView::BreakpointMarker));
    QTest::mouseClick(editor_->viewport(), Qt::LeftButton, {}, line_point(7, symbol_margin_x()));
    QCOMPARE(editor_->breakpoint_lines(), (QVector<int>{4, 7}));
    QTest::mouseClick(editor_->viewport(), Qt::LeftButton, {}, line_point(4, symbol_margin_x()));
    QCOMPARE(editor_->breakpoint_lines(), QVector<int>{7});
    QCOMPARE(changed.count(), 3);
    // A click on the line numbers is not a breakpoint click.
    const int numbers_x =
        editor_->marginWidth(EditorView::SymbolMargin) + editor_->marginWidth(EditorView::LineNumberMargin) / 2;
    QTest::mouseClick(editor_->viewport(), Qt::LeftButton, {}, line_point(3, numbers_x));
    QCOMPARE(editor_->breakpoint_lines(), QVector<int>{7});
  }

  void f9_toggles_at_cursor_and_breakpoints_follow_edits() {
    editor_->setFocus();
    editor_->setCursorPosition(4, 2);
    QTest::keyClick(editor_.get(), Qt::Key_F9);
    QCOMPARE(editor_->breakpoint_lines(), QVector<int>{5});
    // Two new lines above it: the breakpoint stays on its statement, and says so.
    QSignalSpy changed(editor_.get(), &EditorView::breakpoints_changed);
    editor_->setCursorPosition(0, 0);
    QTest::keyClick(editor_.get(), Qt::Key_Return);
    QTest::keyClick(editor_.get(), Qt::Key_Return);
    QCOMPARE(editor_->breakpoint_lines(), QVector<int>{7});
    QCOMPARE(changed.count(), 2);
    // Lines added below it do not move it.
    editor_->append(QStringLiteral("z = 0\n"));
    QCOMPARE(changed.count(), 2);
    QCOMPARE(editor_->text(6).trimmed(), QStringLiteral("return jnp.sum(y ** 2)"));
    editor_->setCursorPosition(6, 0);
    QTest::keyClick(editor_.get(), Qt::Key_F9);
    QVERIFY(editor_->breakpoint_lines().isEmpty());
    // Restored from a list, ignoring lines outside the text.
    editor_->set_breakpoint_lines({2, 3, 0, 500});
    QCOMPARE(editor_->breakpoint_lines(), (QVector<int>{2, 3}));
  }

  void current_and_linked_lines() {
    const unsigned current = marker_bit(EditorView::CurrentLineMarker) | marker_bit(EditorView::CurrentArrowMarker);
    editor_->set_current_line(4);
    QCOMPARE(editor_->markersAtLine(3) & current, current);
    QCOMPARE(editor_->markersAtLine(2) & current, 0u);
    editor_->set_current_line(5);
    QCOMPARE(editor_->markersAtLine(3) & current, 0u);
    QCOMPARE(editor_->markersAtLine(4) & current, current);
    QCOMPARE(editor_->current_line(), 5);
    editor_->set_current_line(-1);
    QCOMPARE(editor_->markerFindNext(0, current), -1);
    QCOMPARE(editor_->current_line(), -1);
    editor_->set_current_line(99);
    QCOMPARE(editor_->markerFindNext(0, current), -1);
    QCOMPARE(editor_->current_line(), -1);

    editor_->set_linked_lines({3, 5});
    const unsigned linked = marker_bit(EditorView::LinkedLineMarker);
    QCOMPARE(editor_->markerFindNext(0, linked), 2);
    QCOMPARE(editor_->markerFindNext(3, linked), 4);
    QCOMPARE(editor_->markerFindNext(5, linked), -1);
    editor_->set_linked_lines({});
    QCOMPARE(editor_->markerFindNext(0, linked), -1);

    // A far line is scrolled into view.
    QString long_text;
    for (int i = 1; i <= 300; ++i) long_text += QStringLiteral("x%1 = %1\n").arg(i);
    editor_->setText(long_text);
    QCOMPARE(editor_->firstVisibleLine(), 0);
    editor_->set_current_line(250);
    const int first = editor_->firstVisibleLine();
    const int visible = static_cast<int>(editor_->SendScintilla(QsciScintillaBase::SCI_LINESONSCREEN));
    QVERIFY2(first < 249 && 249 < first + visible, qPrintable(QStringLiteral("first visible %1").arg(first)));
  }

  void click_and_keys_activate_lines() {
    QSignalSpy activated(editor_.get(), &EditorView::line_activated);
    QTest::mouseClick(editor_->viewport(), Qt::LeftButton, {}, char_point(4, 6));
    QCOMPARE(activated.count(), 1);
    QCOMPARE(activated.last().at(0).toInt(), 4);
    // Moving along the same line says nothing new.
    QTest::keyClick(editor_.get(), Qt::Key_Right);
    QCOMPARE(activated.count(), 1);
    QTest::keyClick(editor_.get(), Qt::Key_Down);
    QCOMPARE(activated.count(), 2);
    QCOMPARE(activated.last().at(0).toInt(), 5);
  }

  void typing_indents_with_spaces() {
    editor_->setText(QString());
    editor_->setFocus();
    QTest::keyClicks(editor_.get(), "def g(x):");
    QTest::keyClick(editor_.get(), Qt::Key_Return);
    QTest::keyClicks(editor_.get(), "return x");
    QCOMPARE(editor_->text(1), QStringLiteral("    return x"));
    editor_->setCursorPosition(1, 4);
    QTest::keyClick(editor_.get(), Qt::Key_Tab);
    QCOMPARE(editor_->text(1), QStringLiteral("        return x"));
    QVERIFY(!editor_->text().contains(QLatin1Char('\t')));
  }

  void hover_over_a_name_reports_it() {
    QSignalSpy hover(editor_.get(), &EditorView::hover_word);
    // `y` in `    y = jnp.sin(x) * 2.0`, then the keyword `def`, which is not reported.
    QTest::mouseMove(editor_->viewport(), char_point(4, 4));
    QTRY_COMPARE_WITH_TIMEOUT(hover.count(), 1, 3000);
    QCOMPARE(hover.last().at(0).toString(), QStringLiteral("y"));
    QTest::mouseMove(editor_->viewport(), char_point(3, 1));
    QTest::qWait(1000);
    QTest::mouseMove(editor_->viewport(), char_point(4, 13));
    QTRY_COMPARE_WITH_TIMEOUT(hover.count(), 2, 3000);
    QCOMPARE(hover.last().at(0).toString(), QStringLiteral("sin"));
  }

  void errors_show_under_their_line() {
    editor_->show_error(4, QStringLiteral("TypeError: sin requires ndarray or scalar arguments"));
    QCOMPARE(editor_->annotation(3), QStringLiteral("TypeError: sin requires ndarray or scalar arguments"));
    QVERIFY(editor_->annotation(2).isEmpty());
    // Underlined from the first non-blank character to the end of the line.
    QVERIFY(indicators_at(4, 4) != 0);
    QVERIFY(indicators_at(4, 23) != 0);
    QCOMPARE(indicators_at(4, 1), 0u);
    QCOMPARE(indicators_at(3, 2), 0u);
    // A second error on the line goes beneath the first; lines outside the
    // text go to the nearest one.
    editor_->show_error(4, QStringLiteral("second"));
    QCOMPARE(editor_->annotation(3), QStringLiteral("TypeError: sin requires ndarray or scalar arguments\nsecond"));
    editor_->show_error(0, QStringLiteral("SyntaxError: somewhere"));
    QCOMPARE(editor_->annotation(0), QStringLiteral("SyntaxError: somewhere"));
    editor_->show_error(1000, QStringLiteral("  "));
    QCOMPARE(editor_->annotation(editor_->lines() - 1), QStringLiteral("error"));
    editor_->clear_errors();
    QVERIFY(editor_->annotation(3).isEmpty());
    QVERIFY(editor_->annotation(0).isEmpty());
    QCOMPARE(indicators_at(4, 4), 0u);
  }

  void files_load_and_save() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("script.py"));
    editor_->toggle_breakpoint(3);
    QString error;
    QVERIFY2(editor_->save_file(path, &error), qPrintable(error));
    QVERIFY(!editor_->is_modified());
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(QString::fromUtf8(f.readAll()), QString::fromUtf8(kScript));

    EditorView other;
    other.setText(QStringLiteral("old = 1\n"));
    other.toggle_breakpoint(1);
    QSignalSpy changed(&other, &EditorView::breakpoints_changed);
    QVERIFY2(other.load_file(path, &error), qPrintable(error));
    QCOMPARE(other.text(), QString::fromUtf8(kScript));
    QCOMPARE(other.file_path(), path);
    QVERIFY(!other.is_modified());
    QVERIFY(other.breakpoint_lines().isEmpty());
    QCOMPARE(changed.count(), 1);
    // Loading is not an edit the user can undo.
    QVERIFY(!other.isUndoAvailable());
    other.insert(QStringLiteral("# note\n"));
    QVERIFY(other.is_modified());

    // Non-ASCII text survives the round trip.
    other.setText(QStringLiteral("s = \"σ → ∞\"\n"));
    QVERIFY(other.save_file(path, &error));
    QVERIFY(editor_->load_file(path, &error));
    QCOMPARE(editor_->text(), QStringLiteral("s = \"σ → ∞\"\n"));
  }

  void bad_files_give_clear_errors() {
    QTemporaryDir dir;
    const QString before = editor_->text();
    QString error;
    const QString missing = dir.filePath(QStringLiteral("missing.py"));
    QVERIFY(!editor_->load_file(missing, &error));
    QVERIFY2(error.contains(missing) && error.contains(QStringLiteral("No such file")), qPrintable(error));
    QCOMPARE(editor_->text(), before);

    const QString binary = dir.filePath(QStringLiteral("data.bin"));
    QFile b(binary);
    QVERIFY(b.open(QIODevice::WriteOnly));
    b.write(
        QByteArray("\x7f"
                   "ELF\0\0\1",
                   7));
    b.close();
    QVERIFY(!editor_->load_file(binary, &error));
    QCOMPARE(error, binary + QStringLiteral(" is not a text file"));

    const QString latin1 = dir.filePath(QStringLiteral("latin1.py"));
    QFile l(latin1);
    QVERIFY(l.open(QIODevice::WriteOnly));
    l.write("s = '\xe9t\xe9'\n");
    l.close();
    QVERIFY(!editor_->load_file(latin1, &error));
    QCOMPARE(error, latin1 + QStringLiteral(" is not UTF-8 text"));
    QCOMPARE(editor_->text(), before);

    const QString unwritable = dir.filePath(QStringLiteral("no/such/dir/out.py"));
    QVERIFY(!editor_->save_file(unwritable, &error));
    QVERIFY2(error.startsWith(QStringLiteral("Cannot write ") + unwritable), qPrintable(error));
    QVERIFY(editor_->file_path().isEmpty());
  }

  void theme_switch_restyles_editor() {
    QsciLexerPython* lexer = editor_->python_lexer();
    QCOMPARE(lexer->paper(QsciLexerPython::Default), theme_of(ThemeKind::Light).background);
    QCOMPARE(lexer->color(QsciLexerPython::Keyword), theme_of(ThemeKind::Light).keyword);
    editor_->show_error(4, QStringLiteral("boom"));
    apply_theme(ThemeKind::Dark);
    QCOMPARE(lexer->paper(QsciLexerPython::Default), theme_of(ThemeKind::Dark).background);
    QCOMPARE(lexer->paper(QsciLexerPython::Comment), theme_of(ThemeKind::Dark).background);
    QCOMPARE(lexer->color(QsciLexerPython::Keyword), theme_of(ThemeKind::Dark).keyword);
    QCOMPARE(lexer->color(QsciLexerPython::HighlightedIdentifier), theme_of(ThemeKind::Dark).primitive);
    QVERIFY(theme_of(ThemeKind::Dark).background != theme_of(ThemeKind::Light).background);
    // The error survives the switch.
    QCOMPARE(editor_->annotation(3), QStringLiteral("boom"));
  }

  void console_traceback_links() {
    QSignalSpy activated(console_.get(), &ConsoleView::location_activated);
    console_->append_info(QStringLiteral("running f(x)…"));
    console_->append_error(QString::fromUtf8(kTraceback));
    QTest::mouseClick(console_->viewport(), Qt::LeftButton, {}, console_point(QStringLiteral("line 3")));
    QCOMPARE(activated.count(), 1);
    QCOMPARE(activated.last().at(0).toString(), QStringLiteral("script.py"));
    QCOMPARE(activated.last().at(1).toInt(), 3);
    QTest::mouseClick(console_->viewport(), Qt::LeftButton, {}, console_point(QStringLiteral("line 7")));
    QCOMPARE(activated.count(), 2);
    QCOMPARE(activated.last().at(1).toInt(), 7);
    // Text that is not a location, and the empty space after a link, do nothing.
    QTest::mouseClick(console_->viewport(), Qt::LeftButton, {}, console_point(QStringLiteral("Traceback")));
    QTest::mouseClick(console_->viewport(), Qt::LeftButton, {},
                      console_point(QStringLiteral("line 3, in f")) + QPoint(400, 0));
    QCOMPARE(activated.count(), 2);
    // The link is drawn as one.
    const QTextCharFormat link = console_format_at(QStringLiteral("script.py\", line 3"));
    QVERIFY(link.fontUnderline());
    QCOMPARE(link.foreground().color(), theme().link);

    // A location split across two writes is still one link.
    console_->append_error(QStringLiteral("  File \"lib.py\", line 1"));
    console_->append_error(QStringLiteral("2, in g\n"));
    QTest::mouseClick(console_->viewport(), Qt::LeftButton, {}, console_point(QStringLiteral("lib.py")));
    QCOMPARE(activated.count(), 3);
    QCOMPARE(activated.last().at(0).toString(), QStringLiteral("lib.py"));
    QCOMPARE(activated.last().at(1).toInt(), 12);
  }

  void console_colours_follow_kind_and_theme() {
    console_->append_output(QStringLiteral("printed\n"));
    console_->append_error(QStringLiteral("ValueError: bad\n"));
    console_->append_info(QStringLiteral("finished"));
    QCOMPARE(console_format_at(QStringLiteral("ValueError")).foreground().color(), theme().error);
    QCOMPARE(console_format_at(QStringLiteral("printed")).foreground().color(), theme().text);
    QCOMPARE(console_format_at(QStringLiteral("finished")).foreground().color(), theme().info);
    QVERIFY(console_format_at(QStringLiteral("finished")).fontItalic());
    QVERIFY(theme().error != theme().text);
    apply_theme(ThemeKind::Dark);
    QCOMPARE(console_format_at(QStringLiteral("ValueError")).foreground().color(), theme_of(ThemeKind::Dark).error);
    QCOMPARE(console_format_at(QStringLiteral("printed")).foreground().color(), theme_of(ThemeKind::Dark).text);
  }

  void console_streams_chunks_into_lines() {
    console_->append_output(QStringLiteral("abc"));
    console_->append_output(QStringLiteral("def\nsecond"));
    console_->append_info(QStringLiteral("note"));
    console_->append_output(QStringLiteral("third\r\n"));
    QCOMPARE(console_->toPlainText(), QStringLiteral("abcdef\nsecond\nnote\nthird\n"));
    console_->clear_action()->trigger();
    QVERIFY(console_->document()->isEmpty());
    console_->append_output(QString());
    QVERIFY(console_->document()->isEmpty());
  }

  void console_menu_copies_and_clears() {
    console_->append_output(QStringLiteral("x = 1.5\n"));
    console_->append_error(QStringLiteral("boom\n"));
    console_->setFocus();
    QTest::keyClick(console_.get(), Qt::Key_A, Qt::ControlModifier);
    QTest::keyClick(console_.get(), Qt::Key_C, Qt::ControlModifier);
    QCOMPARE(QGuiApplication::clipboard()->text(), QStringLiteral("x = 1.5\nboom\n"));

    const QPoint at = console_point(QStringLiteral("boom"));
    QContextMenuEvent event(QContextMenuEvent::Mouse, at, console_->viewport()->mapToGlobal(at));
    QApplication::sendEvent(console_->viewport(), &event);
    QMenu* menu = nullptr;
    QTRY_VERIFY((menu = qobject_cast<QMenu*>(QApplication::activePopupWidget())) != nullptr);
    QStringList texts;
    for (QAction* a : menu->actions())
      if (!a->isSeparator()) texts << a->text().remove(QLatin1Char('&')).section(QLatin1Char('\t'), 0, 0);
    QVERIFY2(texts.contains(QStringLiteral("Copy")) && texts.contains(QStringLiteral("Clear")),
             qPrintable(texts.join(QStringLiteral(", "))));
    QAction* clear = menu->actions().last();
    QCOMPARE(clear, console_->clear_action());
    QVERIFY(clear->isEnabled());
    clear->trigger();
    menu->close();
    QVERIFY(console_->document()->isEmpty());
    // Ctrl+L clears too.
    console_->append_output(QStringLiteral("again\n"));
    QTest::keyClick(console_.get(), Qt::Key_L, Qt::ControlModifier);
    QVERIFY(console_->document()->isEmpty());
  }

  void console_caps_lines_and_line_length() {
    QElapsedTimer timer;
    timer.start();
    for (int i = 0; i < 20000; ++i) console_->append_output(QStringLiteral("step %1\n").arg(i));
    qInfo("20000 appends: %lld ms", static_cast<long long>(timer.elapsed()));
    QVERIFY(console_->document()->blockCount() <= ConsoleView::kMaxLines);
    QVERIFY(console_->document()->blockCount() >= ConsoleView::kMaxLines - 1);
    // The newest lines are kept.
    const QTextBlock last_full = console_->document()->lastBlock().previous();
    QCOMPARE(last_full.text(), QStringLiteral("step 19999"));
    QVERIFY(console_->document()->find(QStringLiteral("step 5000\n")).isNull());
    QVERIFY(console_->document()->find(QStringLiteral("step 5000")).isNull());

    // The same lines in one write, as a caller batching a flood would send them.
    console_->clear_action()->trigger();
    console_->append_output(QStringLiteral("partial "));
    QString batch;
    for (int i = 0; i < 20000; ++i) batch += QStringLiteral("step %1\n").arg(i);
    timer.restart();
    console_->append_output(batch);
    qInfo("one append of 20000 lines: %lld ms", static_cast<long long>(timer.elapsed()));
    QVERIFY(console_->document()->blockCount() <= ConsoleView::kMaxLines);
    QCOMPARE(console_->document()->lastBlock().previous().text(), QStringLiteral("step 19999"));
    QCOMPARE(console_->document()->firstBlock().text(), QStringLiteral("step 10001"));
    QCOMPARE(console_->document()->blockCount(), ConsoleView::kMaxLines);

    console_->clear_action()->trigger();
    console_->append_output(QString(30000, QLatin1Char('x')));
    console_->append_output(QString(30000, QLatin1Char('y')) + QStringLiteral("\nnext\n"));
    const QTextBlock first = console_->document()->firstBlock();
    QCOMPARE(first.text().count(QLatin1Char('x')), ConsoleView::kMaxLineChars);
    QVERIFY(first.text().endsWith(QStringLiteral("[line cut at 20000 characters]")));
    QCOMPARE(first.text().count(QLatin1Char('y')), 0);
    QCOMPARE(first.next().text(), QStringLiteral("next"));
  }

  void theme_switch_sets_palette_and_signals() {
    QSignalSpy changed(&ThemeNotifier::instance(), &ThemeNotifier::theme_changed);
    const QColor light_window = QApplication::palette().color(QPalette::Window);
    apply_theme(ThemeKind::Dark);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(theme().kind, ThemeKind::Dark);
    const QColor dark_window = QApplication::palette().color(QPalette::Window);
    QVERIFY(dark_window != light_window);
    QVERIFY(dark_window.lightness() < 80);
    QVERIFY(QApplication::palette().color(QPalette::WindowText).lightness() > 180);
    QCOMPARE(QApplication::style()->name().toLower(), QStringLiteral("fusion"));
    apply_theme(ThemeKind::Light);
    QCOMPARE(changed.count(), 2);
    QCOMPARE(QApplication::palette().color(QPalette::Window), light_window);
    QVERIFY(light_window.lightness() > 180);
  }
};

QTEST_MAIN(TestEditorConsole)
#include "tst_editor_console.moc"
