// Param values and their Python-style text.
#include "engine/core/params.h"

#include <algorithm>

#include "engine/core/error.h"
#include "engine/core/format.h"

namespace jxr {

namespace {
std::string_view kind_name(Param::Kind k) {
  switch (k) {
    case Param::Kind::None: return "None";
    case Param::Kind::Bool: return "bool";
    case Param::Kind::Int: return "int";
    case Param::Kind::Float: return "float";
    case Param::Kind::Str: return "str";
    case Param::Kind::DType: return "dtype";
    case Param::Kind::Tuple: return "tuple";
    case Param::Kind::List: return "list";
    case Param::Kind::Record: return "record";
    case Param::Kind::Jaxpr: return "jaxpr";
    case Param::Kind::Opaque: return "opaque";
  }
  return "?";
}

[[noreturn]] void kind_error(Param::Kind want, Param::Kind got) {
  throw_type_error("param: expected " + std::string(kind_name(want)) + ", got " + std::string(kind_name(got)));
}
}  // namespace

Param Param::boolean(bool b) {
  Param p;
  p.kind_ = Kind::Bool;
  p.b_ = b;
  return p;
}
Param Param::integer(int64_t i) {
  Param p;
  p.kind_ = Kind::Int;
  p.i_ = i;
  return p;
}
Param Param::numpy_integer(int64_t i, std::string type_name) {
  Param p = integer(i);
  p.s_ = std::move(type_name);
  return p;
}
Param Param::floating(double f) {
  Param p;
  p.kind_ = Kind::Float;
  p.f_ = f;
  return p;
}
Param Param::str(std::string s) {
  Param p;
  p.kind_ = Kind::Str;
  p.s_ = std::move(s);
  return p;
}
Param Param::dtype(DType d) {
  Param p;
  p.kind_ = Kind::DType;
  p.d_ = d;
  return p;
}
Param Param::tuple(std::vector<Param> items) {
  Param p;
  p.kind_ = Kind::Tuple;
  p.items_ = std::make_shared<const std::vector<Param>>(std::move(items));
  return p;
}
Param Param::list(std::vector<Param> items) {
  Param p = tuple(std::move(items));
  p.kind_ = Kind::List;
  return p;
}
Param Param::ints(const std::vector<int64_t>& v) {
  std::vector<Param> items;
  items.reserve(v.size());
  for (int64_t x : v) items.push_back(integer(x));
  return tuple(std::move(items));
}
Param Param::record(std::string name, std::vector<std::pair<std::string, Param>> fields) {
  Param p;
  p.kind_ = Kind::Record;
  p.s_ = std::move(name);
  std::vector<Param> items;
  std::vector<std::string> names;
  for (auto& [k, v] : fields) {
    names.push_back(k);
    items.push_back(std::move(v));
  }
  p.items_ = std::make_shared<const std::vector<Param>>(std::move(items));
  p.fields_ = std::make_shared<const std::vector<std::string>>(std::move(names));
  return p;
}
Param Param::jaxpr(ClosedJaxprPtr j) {
  Param p;
  p.kind_ = Kind::Jaxpr;
  p.jaxpr_ = std::move(j);
  return p;
}

Param Param::opaque(std::shared_ptr<const void> value, std::string label) {
  Param p;
  p.kind_ = Kind::Opaque;
  p.opaque_ = std::move(value);
  p.s_ = std::move(label);
  return p;
}

const void* Param::opaque_ptr() const {
  if (kind_ != Kind::Opaque) kind_error(Kind::Opaque, kind_);
  return opaque_.get();
}

bool Param::as_bool() const {
  if (kind_ != Kind::Bool) kind_error(Kind::Bool, kind_);
  return b_;
}
int64_t Param::as_int() const {
  if (kind_ == Kind::Bool) return b_;
  if (kind_ != Kind::Int) kind_error(Kind::Int, kind_);
  return i_;
}
double Param::as_float() const {
  if (kind_ == Kind::Int) return static_cast<double>(i_);
  if (kind_ != Kind::Float) kind_error(Kind::Float, kind_);
  return f_;
}
const std::string& Param::as_str() const {
  if (kind_ != Kind::Str && kind_ != Kind::Record) kind_error(Kind::Str, kind_);
  return s_;
}
DType Param::as_dtype() const {
  if (kind_ != Kind::DType) kind_error(Kind::DType, kind_);
  return d_;
}
const std::vector<Param>& Param::items() const {
  if (!items_) kind_error(Kind::Tuple, kind_);
  return *items_;
}
std::vector<int64_t> Param::as_ints() const {
  std::vector<int64_t> out;
  if (kind_ == Kind::None) return out;
  for (const Param& p : items()) out.push_back(p.as_int());
  return out;
}
const std::vector<std::string>& Param::field_names() const {
  if (!fields_) kind_error(Kind::Record, kind_);
  return *fields_;
}
const Param& Param::field(std::string_view name) const {
  const auto& names = field_names();
  for (size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return (*items_)[i];
  throw_value_error("record " + s_ + " has no field " + std::string(name));
}
const ClosedJaxprPtr& Param::as_jaxpr() const {
  if (kind_ != Kind::Jaxpr) kind_error(Kind::Jaxpr, kind_);
  return jaxpr_;
}

std::string Param::str() const {
  switch (kind_) {
    case Kind::None: return "None";
    case Kind::Bool: return b_ ? "True" : "False";
    case Kind::Int: return s_.empty() ? std::to_string(i_) : s_ + "(" + std::to_string(i_) + ")";
    case Kind::Float: return py_float_repr(f_);
    case Kind::Str: return s_;
    case Kind::DType: return std::string(dtype_name(d_));
    case Kind::Tuple:
    case Kind::List: {
      bool list = kind_ == Kind::List;
      std::string out = list ? "[" : "(";
      for (size_t i = 0; i < items_->size(); ++i) {
        if (i) out += ", ";
        out += (*items_)[i].str();
      }
      if (!list && items_->size() == 1) out += ",";
      return out + (list ? "]" : ")");
    }
    case Kind::Record: {
      std::string out = s_ + "(";
      for (size_t i = 0; i < items_->size(); ++i) {
        if (i) out += ", ";
        out += (*fields_)[i] + "=" + (*items_)[i].str();
      }
      return out + ")";
    }
    case Kind::Jaxpr: return "{ jaxpr }";
    case Kind::Opaque: return s_;
  }
  return "";
}

bool Param::operator==(const Param& o) const {
  if (kind_ != o.kind_) return false;
  switch (kind_) {
    case Kind::None: return true;
    case Kind::Bool: return b_ == o.b_;
    case Kind::Int: return i_ == o.i_ && s_ == o.s_;
    case Kind::Float: return f_ == o.f_ || (f_ != f_ && o.f_ != o.f_);
    case Kind::Str: return s_ == o.s_;
    case Kind::DType: return d_ == o.d_;
    case Kind::Tuple:
    case Kind::List: return *items_ == *o.items_;
    case Kind::Record: return s_ == o.s_ && *items_ == *o.items_ && *fields_ == *o.fields_;
    case Kind::Jaxpr: return jaxpr_ == o.jaxpr_;
    case Kind::Opaque: return opaque_ == o.opaque_;
  }
  return false;
}

Params& Params::set(std::string name, Param value) {
  for (auto& [k, v] : items_)
    if (k == name) {
      v = std::move(value);
      return *this;
    }
  items_.emplace_back(std::move(name), std::move(value));
  return *this;
}

const Param* Params::find(std::string_view name) const {
  for (const auto& [k, v] : items_)
    if (k == name) return &v;
  return nullptr;
}

bool Params::has(std::string_view name) const { return find(name) != nullptr; }

const Param& Params::get(std::string_view name) const {
  if (const Param* p = find(name)) return *p;
  throw_value_error("missing param '" + std::string(name) + "'");
}

std::string Params::str() const {
  std::vector<const std::pair<std::string, Param>*> sorted;
  for (const auto& kv : items_) sorted.push_back(&kv);
  std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->first < b->first; });
  std::string out;
  for (auto* kv : sorted) {
    if (!out.empty()) out += ' ';
    out += kv->first + "=" + kv->second.str();
  }
  return out;
}

}  // namespace jxr
