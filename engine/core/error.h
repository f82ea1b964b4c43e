// Errors that reach users. Each kind maps onto the Python exception type that
// JAX raises for the same mistake (see engine/python/), so messages follow
// JAX's wording where users meet them.
#pragma once

#include <stdexcept>
#include <string>

namespace jxr {

enum class ErrorKind {
  Type,               // TypeError: wrong dtype, shape or rank for an op
  Value,              // ValueError: bad argument values
  Index,              // IndexError: out-of-range static index
  NotImplemented,     // NotImplementedError: no rule for a primitive
  UnexpectedTracer,   // a tracer used outside the transformation that owns it
  Parse,              // jaxpr text that does not parse (has line and column)
  Runtime,            // anything else
};

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, std::string msg) : std::runtime_error(std::move(msg)), kind_(kind) {}
  ErrorKind kind() const { return kind_; }

 private:
  ErrorKind kind_;
};

class ParseError : public Error {
 public:
  ParseError(int line, int column, const std::string& msg)
      : Error(ErrorKind::Parse, std::to_string(line) + ":" + std::to_string(column) + ": " + msg),
        line_(line),
        column_(column) {}
  int line() const { return line_; }
  int column() const { return column_; }

 private:
  int line_, column_;
};

[[noreturn]] inline void throw_type_error(std::string msg) { throw Error(ErrorKind::Type, std::move(msg)); }
[[noreturn]] inline void throw_value_error(std::string msg) { throw Error(ErrorKind::Value, std::move(msg)); }
[[noreturn]] inline void throw_index_error(std::string msg) { throw Error(ErrorKind::Index, std::move(msg)); }

}  // namespace jxr
