// The desktop app's session: the views' Session interface over a
// jxr::Stepper, stepping a loaded program or a transformation of it
// (grad(f), vmap(grad(f)), ... through app/cli/transform.h). This first version runs the stepper on the GUI thread, which
// is fine for the small jaxprs stepped one equation at a time; the worker
// thread that ARCHITECTURE.md asks for comes with the Python editor.
#pragma once

#include <memory>
#include <optional>
#include <set>
#include <vector>

#include "engine/debug/stepper.h"
#include "views/session.h"

namespace jxr::gui {

class StepperSession : public views::Session {
  Q_OBJECT
 public:
  // `args_json`: the inputs as `--args` takes them; none: ones of each input's shape.
  explicit StepperSession(std::optional<QString> args_json = std::nullopt, QObject* parent = nullptr);
  ~StepperSession() override;

  QString jaxpr_text() const override { return text_; }
  QVector<int> equation_lines() const override { return lines_; }
  QSet<int> breakpoints() const override { return breakpoints_; }
  views::Mode mode() const override { return mode_; }
  QString transform() const override { return transform_; }
  QStringList transforms() const override { return transforms_; }

  void load_text(const QString& text, const QString& source_name) override;
  void load_file(const QString& path) override;
  void set_mode(views::Mode m) override;
  void step() override;
  void step_over() override;
  void step_out() override;
  void step_back() override;
  void continue_run() override;
  void restart() override;
  void toggle_breakpoint(int equation) override;
  void load_transform(const QString& chain) override;

 private:
  // A new program: it becomes the base that transformations apply to.
  void load_base(ClosedJaxpr program);
  // Shows `program`: the base, or a transformation of it (`transformed`).
  void load(ClosedJaxpr program, bool transformed);
  void rebuild();
  // Runs a stepper request, reporting its snapshot or its error.
  void request(StepSnapshot (Stepper::*op)());

  std::optional<QString> args_json_;
  // The program as loaded, before any transformation, and the chains applied to it so far.
  std::optional<ClosedJaxpr> base_;
  QString transform_ = QStringLiteral("f");
  QStringList transforms_;
  views::Mode mode_ = views::Mode::Eval;
  std::optional<ClosedJaxpr> program_;
  bool transformed_ = false;
  std::unique_ptr<Stepper> stepper_;
  QString text_;
  QVector<int> lines_;
  QSet<int> breakpoints_;
};

}  // namespace jxr::gui
