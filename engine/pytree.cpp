// Pytree flattening.
#include "engine/pytree.h"

#include <algorithm>

#include "engine/core/error.h"

namespace jxr {

Tree Tree::tuple(std::vector<Tree> items) {
  Tree t;
  t.kind_ = Kind::Tuple;
  t.children_ = std::move(items);
  return t;
}

Tree Tree::list(std::vector<Tree> items) {
  Tree t = tuple(std::move(items));
  t.kind_ = Kind::List;
  return t;
}

Tree Tree::dict(std::vector<std::pair<std::string, Tree>> items) {
  std::sort(items.begin(), items.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  Tree t;
  t.kind_ = Kind::Dict;
  for (auto& [k, v] : items) {
    if (!t.keys_.empty() && t.keys_.back() == k) throw_value_error("pytree dict has duplicate key '" + k + "'");
    t.keys_.push_back(k);
    t.children_.push_back(std::move(v));
  }
  return t;
}

Tree Tree::static_value(Param p) {
  Tree t;
  t.kind_ = Kind::Static;
  t.static_ = std::move(p);
  return t;
}

const Value& Tree::leaf() const {
  if (kind_ != Kind::Leaf) throw_type_error("pytree node is not a leaf");
  return leaf_;
}

const Tree& Tree::operator[](size_t i) const {
  if (i >= children_.size())
    throw_index_error("pytree index " + std::to_string(i) + " out of range for " +
                      std::to_string(children_.size()) + " children");
  return children_[i];
}

const Tree& Tree::operator[](std::string_view key) const {
  for (size_t i = 0; i < keys_.size(); ++i)
    if (keys_[i] == key) return children_[i];
  throw_value_error("pytree dict has no key '" + std::string(key) + "'");
}

bool TreeDef::operator==(const TreeDef& o) const {
  return kind == o.kind && num_leaves == o.num_leaves && keys == o.keys && children == o.children &&
         static_value == o.static_value;
}

std::string TreeDef::str() const {
  auto rec = [](auto&& self, const TreeDef& d) -> std::string {
    std::string out;
    switch (d.kind) {
      case Tree::Kind::Leaf: return "*";
      case Tree::Kind::None: return "None";
      case Tree::Kind::Static: return d.static_value.str();
      case Tree::Kind::Tuple:
      case Tree::Kind::List: {
        bool list = d.kind == Tree::Kind::List;
        out = list ? "[" : "(";
        for (size_t i = 0; i < d.children.size(); ++i) out += (i ? ", " : "") + self(self, d.children[i]);
        if (!list && d.children.size() == 1) out += ",";
        return out + (list ? "]" : ")");
      }
      case Tree::Kind::Dict: {
        out = "{";
        for (size_t i = 0; i < d.children.size(); ++i)
          out += (i ? ", '" : "'") + d.keys[i] + "': " + self(self, d.children[i]);
        return out + "}";
      }
    }
    return out;
  };
  return "PyTreeDef(" + rec(rec, *this) + ")";
}

namespace {
TreeDef flatten_rec(const Tree& t, std::vector<Value>& leaves) {
  TreeDef d;
  d.kind = t.kind();
  switch (t.kind()) {
    case Tree::Kind::Leaf:
      leaves.push_back(t.leaf());
      d.num_leaves = 1;
      return d;
    case Tree::Kind::None: d.num_leaves = 0; return d;
    case Tree::Kind::Static:
      d.static_value = t.static_param();
      d.num_leaves = 0;
      return d;
    default: break;
  }
  d.keys = t.keys();
  d.num_leaves = 0;
  for (const Tree& c : t.children()) {
    d.children.push_back(flatten_rec(c, leaves));
    d.num_leaves += d.children.back().num_leaves;
  }
  return d;
}

Tree unflatten_rec(const TreeDef& d, std::span<const Value> leaves, size_t& pos) {
  switch (d.kind) {
    case Tree::Kind::Leaf: return Tree(leaves[pos++]);
    case Tree::Kind::None: return Tree::none();
    case Tree::Kind::Static: return Tree::static_value(d.static_value);
    default: break;
  }
  std::vector<Tree> kids;
  for (const TreeDef& c : d.children) kids.push_back(unflatten_rec(c, leaves, pos));
  if (d.kind == Tree::Kind::Tuple) return Tree::tuple(std::move(kids));
  if (d.kind == Tree::Kind::List) return Tree::list(std::move(kids));
  std::vector<std::pair<std::string, Tree>> items;
  for (size_t i = 0; i < kids.size(); ++i) items.emplace_back(d.keys[i], std::move(kids[i]));
  return Tree::dict(std::move(items));
}
}  // namespace

std::pair<std::vector<Value>, TreeDef> tree_flatten(const Tree& t) {
  std::vector<Value> leaves;
  TreeDef d = flatten_rec(t, leaves);
  return {std::move(leaves), std::move(d)};
}

Tree tree_unflatten(const TreeDef& def, std::span<const Value> leaves) {
  if (static_cast<int>(leaves.size()) != def.num_leaves)
    throw_value_error("tree_unflatten: " + def.str() + " has " + std::to_string(def.num_leaves) + " leaves, got " +
                      std::to_string(leaves.size()));
  size_t pos = 0;
  return unflatten_rec(def, leaves, pos);
}

std::vector<Value> tree_leaves(const Tree& t) { return tree_flatten(t).first; }

}  // namespace jxr
