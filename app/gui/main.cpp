// jaxray [FILE] [--args JSON]: the desktop debugger on a jaxpr text file or
// a jaxpr in a .jaxray trace (FILE:ID), or on the bundled demo.
#include <QApplication>
#include <QCommandLineParser>

#include "app/gui/main_window.h"
#include "app/gui/stepper_session.h"

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setApplicationName(QStringLiteral("jaxray"));
  QCommandLineParser cli;
  cli.setApplicationDescription(QStringLiteral("Step through a jaxpr in eval, jvp or vjp mode."));
  cli.addHelpOption();
  cli.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("a jaxpr text file or TRACE.jaxray[:ID]; none: the demo"),
                           QStringLiteral("[FILE]"));
  QCommandLineOption args(QStringLiteral("args"), QStringLiteral("the inputs as a JSON list (default: ones)"),
                          QStringLiteral("JSON"));
  cli.addOption(args);
  cli.process(app);

  jxr::gui::StepperSession session(cli.isSet(args) ? std::optional(cli.value(args)) : std::nullopt);
  jxr::gui::MainWindow window(session);
  window.show();
  if (cli.positionalArguments().isEmpty())
    window.open_demo();
  else
    window.open_file(cli.positionalArguments().first());
  return app.exec();
}
