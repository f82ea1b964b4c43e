// Params: the static, named parameters of an equation (axes, shapes, dtypes,
// sub-jaxprs ...). One recursive value type serves every primitive, so that
// the printer, the parser and plugins handle params without knowing the op.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/core/dtype.h"

namespace jxr {

struct ClosedJaxpr;
using ClosedJaxprPtr = std::shared_ptr<const ClosedJaxpr>;

class Param {
 public:
  enum class Kind : uint8_t { None, Bool, Int, Float, Str, DType, Tuple, List, Record, Jaxpr, Opaque };

  Param() = default;  // None
  static Param none() { return {}; }
  static Param boolean(bool b);
  static Param integer(int64_t i);
  // A numpy integer scalar, printed as JAX prints one: `np.int64(1)`.
  static Param numpy_integer(int64_t i, std::string type_name);
  static Param floating(double f);
  // Printed as is, unquoted, as JAX prints names and enum members.
  static Param str(std::string s);
  static Param dtype(DType d);
  static Param tuple(std::vector<Param> items);
  static Param list(std::vector<Param> items);
  static Param ints(const std::vector<int64_t>& v);  // a tuple of ints
  // A named record printed as `Name(field=value, ...)`.
  static Param record(std::string name, std::vector<std::pair<std::string, Param>> fields);
  static Param jaxpr(ClosedJaxprPtr j);
  // A value only the primitive's rules understand (a custom_jvp's rule, say),
  // compared by identity and printed as `label`. Never parsed back.
  static Param opaque(std::shared_ptr<const void> value, std::string label);

  Kind kind() const { return kind_; }
  bool is_none() const { return kind_ == Kind::None; }
  bool as_bool() const;
  int64_t as_int() const;
  double as_float() const;
  const std::string& as_str() const;
  DType as_dtype() const;
  const std::vector<Param>& items() const;  // Tuple, List, Record
  std::vector<int64_t> as_ints() const;     // a Tuple or List of ints
  const std::vector<std::string>& field_names() const;  // Record
  const Param& field(std::string_view name) const;       // Record
  const ClosedJaxprPtr& as_jaxpr() const;
  template <typename T>
  const T& as_opaque() const {
    return *static_cast<const T*>(opaque_ptr());
  }

  // Python's str() of the value: `(1, 2)`, `(0,)`, `[1]`, `None`, `float32`.
  // Jaxpr params are printed by the jaxpr printer, not here.
  std::string str() const;
  bool operator==(const Param& o) const;

 private:
  Kind kind_ = Kind::None;
  bool b_ = false;
  int64_t i_ = 0;
  double f_ = 0;
  DType d_ = DType::F32;
  std::string s_;  // Str value, Record name, or an Int's numpy type (np.int64)
  std::shared_ptr<const std::vector<Param>> items_;
  std::shared_ptr<const std::vector<std::string>> fields_;
  ClosedJaxprPtr jaxpr_;
  std::shared_ptr<const void> opaque_;

  const void* opaque_ptr() const;
};

// Ordered name -> Param map. Lookups are linear: an equation has few params.
class Params {
 public:
  Params() = default;
  Params(std::initializer_list<std::pair<std::string, Param>> items) : items_(items) {}

  Params& set(std::string name, Param value);
  bool has(std::string_view name) const;
  const Param& get(std::string_view name) const;  // throws naming the param
  const Param* find(std::string_view name) const;
  int64_t get_int(std::string_view name) const { return get(name).as_int(); }
  bool get_bool(std::string_view name) const { return get(name).as_bool(); }
  DType get_dtype(std::string_view name) const { return get(name).as_dtype(); }
  std::vector<int64_t> get_ints(std::string_view name) const { return get(name).as_ints(); }
  const std::vector<std::pair<std::string, Param>>& items() const { return items_; }
  bool empty() const { return items_.empty(); }
  // `axes=(0,) keepdims=False`, sorted by name, jaxprs elided; for messages.
  std::string str() const;
  bool operator==(const Params& o) const { return items_ == o.items_; }

 private:
  std::vector<std::pair<std::string, Param>> items_;
};

}  // namespace jxr
