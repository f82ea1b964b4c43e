// `jaxray-cli diff A B`: renders the rows of jxr::diff_jaxprs as two columns
// with a marker column in front, as `diff --side-by-side` does for text.
#include "app/cli/diff.h"

#include <unistd.h>

#include <cstdio>

#include "app/cli/jaxpr_source.h"
#include "engine/core/error.h"
#include "engine/debug/eqn_text.h"
#include "engine/debug/jaxpr_diff.h"
#include "engine/jaxpr/print.h"

namespace jxr::cli {

const char* const kDiffUsage = R"(usage: jaxray-cli diff [--color | --no-color] A B

Prints the jaxprs A and B (jaxpr text files, - for standard input) side by
side, equations matched by what they compute (primitive, params, operand
types and dataflow), not by variable names. Each line starts with a marker:
  =  the same on both sides
  ~  matched, but params, operand types or operands differ
  <  only in A
  >  only in B
Matched equations with sub-jaxprs (jit bodies) are compared inside.

options:
  --color, --no-color    colour the lines (default: when standard output is a terminal)
  -h, --help             show this help

exit status: 0 identical, 1 different, 2 bad usage or an input that cannot
be read or parsed.
)";

namespace {

struct Line {
  DiffRow::Kind kind;
  std::string left, right;
};

class Renderer {
 public:
  Renderer(const Jaxpr& l, const Jaxpr& r) : lnames_(l), rnames_(r) {}

  // A jaxpr's lines as JAX lays them out: header at `indent`, equations 4
  // deeper, `in (...) }` 2 deeper. `prefix` goes before `{ lambda`.
  void jaxpr(const JaxprDiff& d, const std::string& indent, const std::string& prefix) {
    lines.push_back({d.input_changes.empty() ? DiffRow::Kind::Same : DiffRow::Kind::Changed,
                     indent + prefix + jaxpr_header(lnames_, *d.left),
                     indent + prefix + jaxpr_header(rnames_, *d.right)});
    for (const DiffRow& row : d.rows) equation(d, row, indent + "    ");
    lines.push_back({d.output_changes.empty() ? DiffRow::Kind::Same : DiffRow::Kind::Changed,
                     indent + "  " + jaxpr_footer(lnames_, *d.left),
                     indent + "  " + jaxpr_footer(rnames_, *d.right)});
  }

  std::vector<Line> lines;

 private:

  void equation(const JaxprDiff& d, const DiffRow& row, const std::string& indent) {
    if (!row.subs.empty()) {
      // Both sides hold sub-jaxprs at the same params: show them compared.
      lines.push_back({row.kind, indent + eqn_head(lnames_, d.left->eqns[*row.left]),
                       indent + eqn_head(rnames_, d.right->eqns[*row.right])});
      for (const SubDiff& s : row.subs) jaxpr(s.diff, indent + "  ", s.path + "=");
      return;
    }
    std::vector<std::string> l, r;
    if (row.left) l = eqn_lines(lnames_, *d.left, *row.left, indent);
    if (row.right) r = eqn_lines(rnames_, *d.right, *row.right, indent);
    for (size_t k = 0; k < std::max(l.size(), r.size()); ++k)
      lines.push_back({row.kind, k < l.size() ? l[k] : "", k < r.size() ? r[k] : ""});
  }

  JaxprNames lnames_, rnames_;
};

const char* color_of(DiffRow::Kind kind) {
  switch (kind) {
    case DiffRow::Kind::Same: return "";
    case DiffRow::Kind::Changed: return "\x1b[33m";
    case DiffRow::Kind::OnlyLeft: return "\x1b[31m";
    case DiffRow::Kind::OnlyRight: return "\x1b[32m";
  }
  return "";
}

void print_side_by_side(const std::vector<Line>& lines, bool color) {
  size_t width = 0;
  for (const Line& l : lines) width = std::max(width, l.left.size());
  for (const Line& l : lines) {
    std::string text = std::string(diff_kind_marker(l.kind)) + " " + l.left + std::string(width - l.left.size(), ' ') +
                       " |" + (l.right.empty() ? "" : " " + l.right);
    bool colored = color && *color_of(l.kind);
    std::printf("%s%s%s\n", colored ? color_of(l.kind) : "", text.c_str(), colored ? "\x1b[0m" : "");
  }
}

}  // namespace

int run_diff(const std::vector<std::string>& args) {
  bool color = isatty(fileno(stdout)) != 0;
  std::vector<std::string> inputs;
  for (const std::string& a : args) {
    if (a == "-h" || a == "--help") {
      std::fputs(kDiffUsage, stdout);
      return 0;
    }
    if (a == "--color") color = true;
    else if (a == "--no-color") color = false;
    else if (a.size() > 1 && a[0] == '-') {
      std::fprintf(stderr, "jaxray-cli: diff: unknown option '%s'\n(see jaxray-cli diff --help)\n", a.c_str());
      return 2;
    } else inputs.push_back(a);
  }
  if (inputs.size() != 2 || (inputs[0] == "-" && inputs[1] == "-")) {
    std::fputs("jaxray-cli: diff needs two jaxprs A and B (at most one of them -)\n(see jaxray-cli diff --help)\n",
               stderr);
    return 2;
  }
  ClosedJaxpr left, right;
  try {
    left = load_jaxpr(inputs[0]);
    right = load_jaxpr(inputs[1]);
  } catch (const Error& e) {
    std::fprintf(stderr, "jaxray-cli: diff: %s\n", e.what());
    return 2;
  }
  JaxprDiffResult d = diff_jaxprs(*left.jaxpr, *right.jaxpr);
  Renderer r(*left.jaxpr, *right.jaxpr);
  r.jaxpr(d.top, "", "");
  print_side_by_side(r.lines, color);
  return d.top.identical() ? 0 : 1;
}

}  // namespace jxr::cli
