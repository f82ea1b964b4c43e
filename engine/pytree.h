// Pytrees: nested tuples, lists, dicts and None with array leaves, flattened
// to leaves and a TreeDef by every transformation. Static nodes carry
// non-array Python-like values (ints, strings ...) for static arguments.
#pragma once

#include <span>
#include <string>
#include <utility>
#include <vector>

#include "engine/core/params.h"
#include "engine/core/value.h"

namespace jxr {

class Tree {
 public:
  enum class Kind : uint8_t { Leaf, None, Tuple, List, Dict, Static };

  Tree() : kind_(Kind::None) {}
  Tree(Value v) : kind_(Kind::Leaf), leaf_(std::move(v)) {}  // NOLINT
  Tree(Array a) : Tree(Value(std::move(a))) {}                // NOLINT
  static Tree none() { return Tree(); }
  static Tree tuple(std::vector<Tree> items);
  static Tree list(std::vector<Tree> items);
  // Keys are kept sorted, as JAX flattens dicts in sorted key order.
  static Tree dict(std::vector<std::pair<std::string, Tree>> items);
  static Tree static_value(Param p);

  Kind kind() const { return kind_; }
  bool is_leaf() const { return kind_ == Kind::Leaf; }
  const Value& leaf() const;
  const std::vector<Tree>& children() const { return children_; }
  const std::vector<std::string>& keys() const { return keys_; }
  const Param& static_param() const { return static_; }
  const Tree& operator[](size_t i) const;
  const Tree& operator[](std::string_view key) const;

 private:
  Kind kind_;
  Value leaf_;
  std::vector<Tree> children_;
  std::vector<std::string> keys_;
  Param static_;
};

class TreeDef {
 public:
  Tree::Kind kind = Tree::Kind::Leaf;
  std::vector<TreeDef> children;
  std::vector<std::string> keys;
  Param static_value;
  int num_leaves = 1;

  bool operator==(const TreeDef& o) const;
  // JAX's repr: "PyTreeDef((*, [*, *], {'a': *}, None))".
  std::string str() const;
};

std::pair<std::vector<Value>, TreeDef> tree_flatten(const Tree& t);
Tree tree_unflatten(const TreeDef& def, std::span<const Value> leaves);
std::vector<Value> tree_leaves(const Tree& t);

}  // namespace jxr
