// The primitive registry.
#include "engine/core/primitive.h"

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>

#include "engine/core/error.h"
#include "engine/primitives/families.h"

namespace jxr {

namespace {

struct Registry {
  std::map<std::string, std::unique_ptr<Primitive>, std::less<>> by_name;
};

Registry& raw_registry() {
  static Registry r;
  return r;
}

// Every family registers its primitives on first use of the registry, so no
// static-initialization order matters and nothing is dropped by the linker.
Registry& registry() {
  static std::once_flag once;
  std::call_once(once, [] { register_all_primitive_families(); });
  return raw_registry();
}

}  // namespace

Primitive& define_primitive(std::string name) {
  auto& r = raw_registry();
  if (r.by_name.count(name)) throw Error(ErrorKind::Value, "primitive " + name + " is defined twice");
  auto p = std::make_unique<Primitive>(name);
  Primitive& ref = *p;
  r.by_name.emplace(std::move(name), std::move(p));
  return ref;
}

Primitive& primitive_for_rules(std::string_view name) {
  auto& r = raw_registry();
  auto it = r.by_name.find(name);
  if (it == r.by_name.end()) throw Error(ErrorKind::Value, "rules for unknown primitive '" + std::string(name) + "'");
  return *it->second;
}

const Primitive* find_primitive(std::string_view name) {
  auto& r = registry();
  auto it = r.by_name.find(name);
  return it == r.by_name.end() ? nullptr : it->second.get();
}

const Primitive& get_primitive(std::string_view name) {
  if (const Primitive* p = find_primitive(name)) return *p;
  throw Error(ErrorKind::Value, "unknown primitive '" + std::string(name) + "'");
}

std::vector<const Primitive*> all_primitives() {
  std::vector<const Primitive*> out;
  for (auto& [k, v] : registry().by_name) out.push_back(v.get());
  return out;
}

std::vector<std::pair<std::string, Param>> sorted_params(const Params& params) {
  std::vector<std::pair<std::string, Param>> out = params.items();
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return out;
}

std::vector<std::pair<std::string, Param>> Primitive::printed_params(const Params& params) const {
  return print_params ? print_params(params) : sorted_params(params);
}

std::vector<ShapedArray> Primitive::eval_shapes(std::span<const ShapedArray> in, const Params& params) const {
  if (!abstract_eval) throw Error(ErrorKind::NotImplemented, "primitive " + name_ + " has no shape rule");
  try {
    return abstract_eval(in, params);
  } catch (const Error& e) {
    if (std::string_view(e.what()).find(name_) != std::string_view::npos) throw;
    throw Error(e.kind(), name_ + ": " + e.what());
  }
}

}  // namespace jxr
