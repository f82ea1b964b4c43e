// The document printer: explicit-stack versions of Lindig's "Strictly
// Pretty" fits/format, so that deep jaxprs cannot overflow the call stack.
#include "engine/jaxpr/pretty.h"

#include <algorithm>

namespace jxr::pp {

enum class Kind { Nil, Text, Concat, Break, Group, Nest };

struct Node {
  Kind kind = Kind::Nil;
  std::string text;  // Text, or Break's flat text
  std::optional<std::string> annotation;
  std::vector<Doc> children;  // Concat; Group and Nest have one
  int indent = 0;             // Nest
};

namespace {

Doc make(Node n) { return Doc(std::make_shared<const Node>(std::move(n))); }

const std::shared_ptr<const Node>& nil_node() {
  static const std::shared_ptr<const Node> n = std::make_shared<const Node>();
  return n;
}

struct Item {
  int indent;
  bool flat;
  const Node* node;
};

// Whether `n` printed flat takes at most `width` columns. JAX measures only
// the group itself, not the text that follows it on the line.
bool fits(const Node& n, int width) {
  std::vector<const Node*> agenda{&n};
  while (width >= 0 && !agenda.empty()) {
    const Node* d = agenda.back();
    agenda.pop_back();
    switch (d->kind) {
      case Kind::Nil: break;
      case Kind::Text:
      case Kind::Break: width -= static_cast<int>(d->text.size()); break;
      case Kind::Concat:
        for (auto it = d->children.rbegin(); it != d->children.rend(); ++it) agenda.push_back(&it->node());
        break;
      case Kind::Group:
      case Kind::Nest: agenda.push_back(&d->children[0].node()); break;
    }
  }
  return width >= 0;
}

struct Line {
  std::string text;
  std::vector<std::string> annotations;
};

}  // namespace

Doc::Doc() : node_(nil_node()) {}

Doc nil() { return Doc(); }

Doc text(std::string s, std::optional<std::string> annotation) {
  Node n;
  n.kind = Kind::Text;
  n.text = std::move(s);
  n.annotation = std::move(annotation);
  return make(std::move(n));
}

Doc concat(std::vector<Doc> children) {
  Node n;
  n.kind = Kind::Concat;
  n.children = std::move(children);
  return make(std::move(n));
}

Doc brk(std::string s) {
  Node n;
  n.kind = Kind::Break;
  n.text = std::move(s);
  return make(std::move(n));
}

Doc group(Doc d) {
  Node n;
  n.kind = Kind::Group;
  n.children.push_back(std::move(d));
  return make(std::move(n));
}

Doc nest(int indent, Doc d) {
  Node n;
  n.kind = Kind::Nest;
  n.indent = indent;
  n.children.push_back(std::move(d));
  return make(std::move(n));
}

Doc join(const Doc& sep, const std::vector<Doc>& docs) {
  if (docs.empty()) return nil();
  if (docs.size() == 1) return docs[0];
  std::vector<Doc> xs{docs[0]};
  for (size_t i = 1; i < docs.size(); ++i) {
    xs.push_back(sep);
    xs.push_back(docs[i]);
  }
  return concat(std::move(xs));
}

Doc operator+(const Doc& a, const Doc& b) { return concat({a, b}); }

std::string format(const Doc& doc, int width, std::string_view annotation_prefix) {
  std::vector<Line> lines(1);
  int k = 0;  // current column
  std::vector<Item> agenda{{0, false, &doc.node()}};
  while (!agenda.empty()) {
    Item it = agenda.back();
    agenda.pop_back();
    const Node& d = *it.node;
    switch (d.kind) {
      case Kind::Nil: break;
      case Kind::Text:
        lines.back().text += d.text;
        if (d.annotation) lines.back().annotations.push_back(*d.annotation);
        k += static_cast<int>(d.text.size());
        break;
      case Kind::Concat:
        for (auto c = d.children.rbegin(); c != d.children.rend(); ++c) agenda.push_back({it.indent, it.flat, &c->node()});
        break;
      case Kind::Break:
        if (it.flat) {
          lines.back().text += d.text;
          k += static_cast<int>(d.text.size());
        } else {
          lines.push_back({std::string(static_cast<size_t>(it.indent), ' '), {}});
          k = it.indent;
        }
        break;
      case Kind::Nest: agenda.push_back({it.indent + d.indent, it.flat, &d.children[0].node()}); break;
      case Kind::Group: {
        const Node& child = d.children[0].node();
        agenda.push_back({it.indent, fits(child, width - k), &child});
        break;
      }
    }
  }
  // Annotations line up in one column after the widest annotated line; a
  // line's further annotations go on lines of their own below it.
  size_t column = 0;
  for (const Line& l : lines)
    if (!l.annotations.empty()) column = std::max(column, l.text.size());
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i) out += '\n';
    const Line& l = lines[i];
    out += l.text;
    for (size_t a = 0; a < l.annotations.size(); ++a) {
      if (a) out += '\n' + std::string(column, ' ');
      else out += std::string(column - l.text.size(), ' ');
      out += annotation_prefix;
      out += l.annotations[a];
    }
  }
  return out;
}

}  // namespace jxr::pp
