// Runs jaxray-cli as a real process for the CLI suites; JAXRAY_CLI and
// JAXRAY_SOURCE_DIR come from tests/CMakeLists.txt (jaxray_cli_test).
#pragma once

#include <QByteArray>
#include <QProcess>
#include <QString>
#include <QStringList>

namespace cli_test {

struct Run {
  int code;  // the exit status; -1 when it timed out, -2 when it crashed
  QString out, err;
};

inline Run run_cli(const QStringList& args, const QByteArray& stdin_data = {}) {
  QProcess p;
  p.start(QStringLiteral(JAXRAY_CLI), args);
  if (!stdin_data.isEmpty()) p.write(stdin_data);
  p.closeWriteChannel();
  if (!p.waitForFinished(60000)) {
    p.kill();
    return {-1, {}, "timed out"};
  }
  return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2, QString::fromUtf8(p.readAllStandardOutput()),
          QString::fromUtf8(p.readAllStandardError())};
}

inline QString golden(const QString& name) {
  return QStringLiteral(JAXRAY_SOURCE_DIR "/tests/golden/jaxpr/") + name + ".txt";
}

inline QString cli_data(const QString& name) { return QStringLiteral(JAXRAY_SOURCE_DIR "/tests/data/cli/") + name; }

}  // namespace cli_test
