// jaxray [FILE] [--args JSON]: the desktop debugger on a Python script, a
// jaxpr text file or a jaxpr in a .jaxray trace (FILE:ID), or on the
// bundled demo (the seed's script).
#include <QApplication>
#include <QCommandLineParser>

#include "app/gui/main_window.h"
#include "app/gui/stepper_session.h"

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setApplicationName(QStringLiteral("jaxray"));
  QApplication::setOrganizationName(QStringLiteral("jaxray"));
  QCommandLineParser cli;
  cli.setApplicationDescription(
      QStringLiteral("Write or open a JAX-style function, pick a transformation, and step through its jaxpr in eval, "
                     "jvp or vjp mode with every value, tangent and cotangent."));
  cli.addHelpOption();
  cli.addPositionalArgument(QStringLiteral("FILE"),
                           QStringLiteral("a script (.py), a jaxpr text file or TRACE.jaxray[:ID]; none: the demo"),
                           QStringLiteral("[FILE]"));
  QCommandLineOption args(QStringLiteral("args"), QStringLiteral("the inputs as a JSON list (default: ones)"),
                          QStringLiteral("JSON"));
  cli.addOption(args);
  cli.process(app);

  jxr::gui::StepperSession session(cli.isSet(args) ? std::optional(cli.value(args)) : std::nullopt);
  jxr::gui::MainWindow window(session);
  window.show();
  if (cli.positionalArguments().isEmpty())
    window.open_bundled(QStringLiteral("seed.py"));
  else
    window.open_file(cli.positionalArguments().first());
  return app.exec();
}
