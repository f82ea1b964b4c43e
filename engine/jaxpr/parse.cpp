// Recursive-descent jaxpr parser over a token list. The grammar is JAX's
// printed form; the only lookahead it needs is to tell a literal operand
// (`2.0:f32[]`, or `inf:f32[]`) from the binders of the next equation, since
// equations are separated by newlines that the layout also uses to wrap.
#include "engine/jaxpr/parse.h"

#include <cctype>
#include <charconv>
#include <cstdint>
#include <cmath>
#include <limits>
#include <optional>
#include <unordered_map>

#include "engine/core/error.h"

namespace jxr {

namespace {

struct Token {
  enum Kind { Word, Punct, End } kind;
  std::string_view text;
  int line, col;
  size_t offset;
  bool line_start;  // first token on its line
};

bool is_punct(char c) {
  return c == '{' || c == '}' || c == '(' || c == ')' || c == '[' || c == ']' || c == ',' || c == ';' ||
         c == '=' || c == ':';
}
bool is_space(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; }

std::vector<Token> tokenize(std::string_view s) {
  std::vector<Token> out;
  int line = 1, col = 1, last_line = 0;
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (is_space(c)) {
      if (c == '\n') {
        ++line;
        col = 1;
      } else {
        ++col;
      }
      ++i;
      continue;
    }
    size_t start = i;
    if (is_punct(c)) {
      ++i;
    } else {
      while (i < s.size() && !is_space(s[i]) && !is_punct(s[i])) ++i;
    }
    out.push_back({is_punct(c) ? Token::Punct : Token::Word, s.substr(start, i - start), line, col, start,
                   line != last_line});
    last_line = line;
    col += static_cast<int>(i - start);
  }
  out.push_back({Token::End, {}, line, col, s.size(), true});
  return out;
}

bool is_identifier(std::string_view w) {
  if (w.empty() || !(std::isalpha(static_cast<unsigned char>(w[0])) || w[0] == '_')) return false;
  for (char c : w)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  return true;
}

std::optional<int64_t> parse_int(std::string_view w) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(w.data(), w.data() + w.size(), v);
  if (ec != std::errc() || p != w.data() + w.size()) return std::nullopt;
  return v;
}

std::optional<double> parse_float(std::string_view w) {
  double v = 0;
  auto [p, ec] = std::from_chars(w.data(), w.data() + w.size(), v);
  if (ec != std::errc() || p != w.data() + w.size()) return std::nullopt;
  return v;
}

std::optional<DType> long_dtype_name(std::string_view w) {
  for (int d = 0; d < kNumDTypes; ++d)
    if (dtype_name(DType(d)) == w) return DType(d);
  return std::nullopt;
}

std::string quoted(const Token& t) {
  if (t.kind == Token::End) return "end of text";
  return "'" + std::string(t.text) + "'";
}

constexpr int kMaxDepth = 200;

class Parser {
 public:
  Parser(std::string_view text, std::string_view source) : text_(text), source_(source), toks_(tokenize(text)) {}

  ClosedJaxpr parse() {
    while (is_word("let") && peek(1).kind == Token::Word && is_punct_at(2, "=")) {
      ++pos_;
      const Token& name = next();
      if (!is_identifier(name.text)) fail(name, "expected a jaxpr name after 'let', got " + quoted(name));
      if (lets_.count(std::string(name.text))) fail(name, "jaxpr '" + std::string(name.text) + "' is defined twice");
      expect("=");
      ClosedJaxprPtr j = closed_jaxpr();
      expect_word("in");
      lets_[std::string(name.text)] = std::move(j);
    }
    const Token& start = peek();
    ClosedJaxprPtr top = closed_jaxpr();
    if (peek().kind != Token::End) fail(peek(), "expected end of text after the jaxpr, got " + quoted(peek()));
    try {
      check_jaxpr(*top->jaxpr);
    } catch (const Error& e) {
      fail(start, e.what());
    }
    return *top;
  }

 private:
  [[noreturn]] void fail(const Token& t, const std::string& msg) const { throw ParseError(t.line, t.col, msg); }

  const Token& peek(size_t k = 0) const { return toks_[std::min(pos_ + k, toks_.size() - 1)]; }
  const Token& next() {
    const Token& t = toks_[pos_];
    if (pos_ + 1 < toks_.size()) ++pos_;
    return t;
  }
  bool is_punct_at(size_t k, std::string_view p) const { return peek(k).kind == Token::Punct && peek(k).text == p; }
  bool is_word(std::string_view w, size_t k = 0) const { return peek(k).kind == Token::Word && peek(k).text == w; }
  void expect(std::string_view p) {
    if (!is_punct_at(0, p)) fail(peek(), "expected '" + std::string(p) + "', got " + quoted(peek()));
    next();
  }
  void expect_word(std::string_view w) {
    if (!is_word(w)) fail(peek(), "expected '" + std::string(w) + "', got " + quoted(peek()));
    next();
  }

  struct Depth {
    explicit Depth(Parser& p) : p_(p) {
      if (++p_.depth_ > kMaxDepth) p_.fail(p_.peek(), "nesting too deep");
    }
    ~Depth() { --p_.depth_; }
    Parser& p_;
  };

  // `f32[3,4]`
  ShapedArray type() {
    const Token& d = next();
    if (d.kind != Token::Word) fail(d, "expected a dtype such as f32, got " + quoted(d));
    std::optional<DType> dt = dtype_from_name(d.text);
    if (!dt) fail(d, "unknown dtype '" + std::string(d.text) + "'");
    ShapedArray a;
    a.dtype = *dt;
    expect("[");
    if (!is_punct_at(0, "]")) {
      while (true) {
        const Token& t = next();
        std::optional<int64_t> n = t.kind == Token::Word ? parse_int(t.text) : std::nullopt;
        if (!n || *n < 0) fail(t, "expected a dimension size, got " + quoted(t));
        a.shape.push_back(*n);
        if (!is_punct_at(0, ",")) break;
        next();
      }
    }
    expect("]");
    return a;
  }

  using Scope = std::unordered_map<std::string, VarPtr>;

  VarPtr binder(Scope& scope) {
    const Token& n = next();
    if (n.kind != Token::Word || !is_identifier(n.text)) fail(n, "expected a variable name, got " + quoted(n));
    expect(":");
    ShapedArray a = type();
    if (n.text == "_") {
      // JAX prints a body's output whose caller drops it as `_` in the
      // body's outvars too: `_` then names the latest `_` binder.
      VarPtr d = new_dropvar(std::move(a));
      scope.insert_or_assign("_", d);
      return d;
    }
    VarPtr v = new_var(std::move(a));
    if (!scope.emplace(std::string(n.text), v).second)
      fail(n, "variable '" + std::string(n.text) + "' is bound twice");
    return v;
  }

  // Whether the tokens from `k` ahead are `name:type ... =`, the start of an
  // equation. An equation's first binder starts a line, and binders that
  // wrap continue further right; so `add a inf:f32[]` followed by the line
  // `c:f32[] = ...` ends with the literal `inf`.
  bool binders_then_eq(size_t k) const {
    const Token& first = peek(k);
    if (!first.line_start) return false;
    while (peek(k).kind == Token::Word && is_punct_at(k + 1, ":")) {
      if (&peek(k) != &first && peek(k).line_start && peek(k).col <= first.col) return false;
      k += 3;  // name : dtype
      if (!is_punct_at(k, "[")) return false;
      ++k;
      while (peek(k).kind == Token::Word || is_punct_at(k, ",")) ++k;
      if (!is_punct_at(k, "]")) return false;
      ++k;
    }
    return is_punct_at(k, "=");
  }

  Atom literal() {
    const Token& v = next();
    expect(":");
    ShapedArray a = type();
    if (a.ndim() != 0) fail(v, "literals must be scalars, got type " + a.str_short());
    std::string_view w = v.text;
    if (a.dtype == DType::Bool) {
      if (w != "True" && w != "False") fail(v, "expected True or False for a bool literal, got " + quoted(v));
      return Atom(Array::scalar(w == "True" ? 1 : 0, DType::Bool));
    }
    if (is_integer(a.dtype)) {
      std::optional<int64_t> n = parse_int(w);
      if (!n) fail(v, "expected an integer literal, got " + quoted(v));
      bool ok = a.dtype == DType::I64 || (a.dtype == DType::I32 && *n >= std::numeric_limits<int32_t>::min() && *n <= std::numeric_limits<int32_t>::max()) ||
                (a.dtype == DType::U32 && *n >= 0 && *n <= int64_t{std::numeric_limits<uint32_t>::max()});
      if (!ok) fail(v, "literal " + std::string(w) + " is out of range for " + a.str_short());
      Array arr = Array::allocate(a);
      dispatch_dtype(a.dtype, [&](auto t) {
        using T = decltype(t);
        if constexpr (std::is_integral_v<T>) arr.mutable_data<T>()[0] = static_cast<T>(*n);
      });
      return Atom(arr);
    }
    std::optional<double> f = parse_float(w);
    if (!f) fail(v, "expected a number literal, got " + quoted(v));
    return Atom(Array::scalar(*f, a.dtype));
  }

  Atom operand(const Scope& scope) {
    const Token& t = peek();
    if (t.kind != Token::Word) fail(t, "expected an operand, got " + quoted(t));
    if (is_punct_at(1, ":")) return literal();
    next();
    auto it = scope.find(std::string(t.text));
    if (it == scope.end()) fail(t, "undefined variable '" + std::string(t.text) + "'");
    return Atom(it->second);
  }

  // A word that can only start a literal, never a variable name.
  static bool literal_word(std::string_view w) {
    return !w.empty() && (std::isdigit(static_cast<unsigned char>(w[0])) || w[0] == '-' || w[0] == '+' ||
                          w[0] == '.' || w == "True" || w == "False");
  }

  // The `in (` that ends the equations; `in` alone may be a variable name.
  bool at_in() const { return is_word("in") && is_punct_at(1, "("); }

  Param value(const std::string& key) {
    Depth depth(*this);
    const Token& t = peek();
    if (is_punct_at(0, "{")) return Param::jaxpr(closed_jaxpr());
    if (is_punct_at(0, "(") || is_punct_at(0, "[")) {
      bool list = t.text == "[";
      std::string_view close = list ? "]" : ")";
      next();
      std::vector<Param> items;
      bool trailing_comma = false;
      while (!is_punct_at(0, close)) {
        items.push_back(value(key));
        trailing_comma = false;
        if (is_punct_at(0, ",")) {
          next();
          trailing_comma = true;
        } else if (!is_punct_at(0, close) && items.back().kind() != Param::Kind::Jaxpr) {
          fail(peek(), "expected ',' or '" + std::string(close) + "', got " + quoted(peek()));
        }
      }
      if (!list && items.size() == 1 && !trailing_comma && items[0].kind() != Param::Kind::Jaxpr)
        fail(peek(), "expected ',' in a one-element tuple");
      next();
      return list ? Param::list(std::move(items)) : Param::tuple(std::move(items));
    }
    if (t.kind != Token::Word) fail(t, "expected a param value, got " + quoted(t));
    next();
    std::string w(t.text);
    if (is_punct_at(0, "(")) return call(t);
    if (w == "True") return Param::boolean(true);
    if (w == "False") return Param::boolean(false);
    if (w == "None") return Param::none();
    if (std::optional<int64_t> n = parse_int(w)) return Param::integer(*n);
    if (literal_word(w) || w == "inf" || w == "nan") {
      std::optional<double> f = parse_float(w);
      if (!f) fail(t, "malformed number " + quoted(t));
      return Param::floating(*f);
    }
    if (std::optional<DType> d = long_dtype_name(w)) return Param::dtype(*d);
    if (key != "name")
      if (auto it = lets_.find(w); it != lets_.end()) return Param::jaxpr(it->second);
    return Param::str(w);
  }

  // `Name(field=value, ...)` is a record. A numpy integer such as
  // `np.int64(1)` (JAX prints some int params that way) reads as an int that
  // remembers its numpy type, so it prints back the same; other calls with
  // positional arguments are kept verbatim as strings.
  Param call(const Token& name) {
    next();  // (
    std::vector<std::pair<std::string, Param>> fields;
    std::vector<Param> positional;
    while (!is_punct_at(0, ")")) {
      if (peek().kind == Token::Word && is_punct_at(1, "=")) {
        std::string f(next().text);
        next();
        fields.emplace_back(f, value(f));
      } else {
        positional.push_back(value(""));
      }
      if (is_punct_at(0, ",")) next();
      else if (!is_punct_at(0, ")")) fail(peek(), "expected ',' or ')', got " + quoted(peek()));
    }
    const Token& close = next();
    if (positional.empty()) return Param::record(std::string(name.text), std::move(fields));
    bool numpy_scalar = name.text.substr(0, 3) == "np." && fields.empty() && positional.size() == 1 &&
                        (positional[0].kind() == Param::Kind::Int || positional[0].kind() == Param::Kind::Float);
    if (numpy_scalar && positional[0].kind() == Param::Kind::Int)
      return Param::numpy_integer(positional[0].as_int(), std::string(name.text));
    if (numpy_scalar) return positional[0];
    return Param::str(std::string(text_.substr(name.offset, close.offset + 1 - name.offset)));
  }

  Params params() {
    next();  // [
    Params ps;
    while (!is_punct_at(0, "]")) {
      const Token& k = next();
      if (k.kind != Token::Word || !is_identifier(k.text)) fail(k, "expected a param name or ']', got " + quoted(k));
      expect("=");
      std::string key(k.text);
      if (ps.has(key)) fail(k, "param '" + key + "' given twice");
      ps.set(key, value(key));
    }
    next();
    return ps;
  }

  Eqn eqn(Scope& scope) {
    const Token& start = peek();
    std::vector<VarPtr> outs;
    while (peek().kind == Token::Word && is_punct_at(1, ":")) outs.push_back(binder(scope));
    if (!outs.empty()) expect("=");
    const Token& pt = next();
    if (pt.kind != Token::Word) fail(pt, "expected a primitive name, got " + quoted(pt));
    const Primitive* prim = find_primitive(pt.text);
    if (!prim) fail(pt, "unknown primitive '" + std::string(pt.text) + "'");
    Eqn e;
    e.prim = prim;
    if (is_punct_at(0, "[")) e.params = params();
    while (true) {
      const Token& t = peek();
      if (t.kind == Token::Punct && t.text == ";") {
        next();
        break;
      }
      if (t.kind != Token::Word || at_in()) break;
      if (is_punct_at(1, ":") && !literal_word(t.text) && binders_then_eq(0)) break;
      e.inputs.push_back(operand(scope));
    }
    e.outputs = std::move(outs);
    e.source = SourceInfo{std::string(source_), start.line, {}};
    type_check(e, start, pt);
    return e;
  }

  // Restores hidden params and checks the binders against the shape rule,
  // so that errors point at the equation's own text.
  void type_check(Eqn& e, const Token& start, const Token& prim) {
    std::vector<ShapedArray> in, declared;
    for (const Atom& a : e.inputs) in.push_back(a.aval());
    for (const VarPtr& v : e.outputs) declared.push_back(v->aval);
    std::vector<ShapedArray> out;
    try {
      if (e.prim->parse_params) e.prim->parse_params(e.params, in, declared);
      out = e.prim->eval_shapes(in, e.params);
    } catch (const std::exception& err) {
      fail(prim, err.what());
    }
    if (out.size() != declared.size())
      fail(start, e.prim->name() + " gives " + std::to_string(out.size()) + " outputs but the equation binds " +
                      std::to_string(declared.size()));
    for (size_t i = 0; i < out.size(); ++i)
      if (!out[i].same_type(declared[i]))
        fail(start, "output " + std::to_string(i) + " of " + e.prim->name() + " is declared " +
                        declared[i].str_short() + " but the shape rule gives " + out[i].str_short());
  }

  ClosedJaxprPtr closed_jaxpr() {
    Depth depth(*this);
    expect("{");
    expect_word("lambda");
    auto j = std::make_shared<Jaxpr>();
    Scope scope;
    while (!is_punct_at(0, ";")) {
      if (peek().kind != Token::Word) fail(peek(), "expected a constvar or ';', got " + quoted(peek()));
      j->constvars.push_back(binder(scope));
    }
    next();
    while (!is_word(".")) {
      if (peek().kind != Token::Word) fail(peek(), "expected an input variable or '.', got " + quoted(peek()));
      j->invars.push_back(binder(scope));
    }
    next();
    expect_word("let");
    while (!at_in()) {
      if (peek().kind != Token::Word) fail(peek(), "expected an equation or 'in', got " + quoted(peek()));
      j->eqns.push_back(eqn(scope));
    }
    next();
    expect("(");
    while (!is_punct_at(0, ")")) {
      j->outvars.push_back(operand(scope));
      if (is_punct_at(0, ",")) next();
      else if (!is_punct_at(0, ")")) fail(peek(), "expected ',' or ')', got " + quoted(peek()));
    }
    next();
    expect("}");
    std::vector<Value> consts;
    for (const VarPtr& v : j->constvars) consts.push_back(Array::zeros(v->aval));
    return std::make_shared<const ClosedJaxpr>(ClosedJaxpr{std::move(j), std::move(consts)});
  }

  std::string_view text_;
  std::string_view source_;
  std::vector<Token> toks_;
  size_t pos_ = 0;
  int depth_ = 0;
  std::unordered_map<std::string, ClosedJaxprPtr> lets_;
};

}  // namespace

ClosedJaxpr parse_jaxpr(std::string_view text, std::string_view source_name) {
  return Parser(text, source_name).parse();
}

}  // namespace jxr
