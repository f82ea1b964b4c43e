// A Wadler/Lindig-style document printer with the layout decisions of JAX's
// pretty printer (jax._src.pretty_printer): a group prints flat when it fits
// in the remaining width (only the group itself is measured, not what
// follows it) and its annotations are sparse; annotated lines get their
// annotations aligned in a column after the widest annotated line.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jxr::pp {

struct Node;

// An immutable document; copies share structure.
class Doc {
 public:
  Doc();  // nil
  explicit Doc(std::shared_ptr<const Node> n) : node_(std::move(n)) {}
  const Node& node() const { return *node_; }

 private:
  std::shared_ptr<const Node> node_;
};

Doc nil();
// Literal text; an annotation is printed at the end of the line it lands on.
Doc text(std::string s, std::optional<std::string> annotation = std::nullopt);
Doc concat(std::vector<Doc> children);
// A newline in a broken group, `s` in a flat one.
Doc brk(std::string s = " ");
Doc group(Doc d);
// Adds `n` to the indentation of lines started inside `d`.
Doc nest(int n, Doc d);
Doc join(const Doc& sep, const std::vector<Doc>& docs);
Doc operator+(const Doc& a, const Doc& b);

std::string format(const Doc& d, int width = 80, std::string_view annotation_prefix = " # ");

}  // namespace jxr::pp
