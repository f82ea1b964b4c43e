// `jaxray-cli jaxpr transform`: flag parsing and the chain of transformations.
#include "app/cli/transform.h"

#include <charconv>
#include <memory>

#include "engine/api.h"
#include "engine/transforms.h"

namespace jxr::cli {

namespace {

std::optional<int64_t> parse_int(std::string_view s) {
  int64_t v = 0;
  if (s.empty()) return std::nullopt;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::vector<std::string> split_commas(std::string_view s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t comma = s.find(',', start);
    out.emplace_back(s.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

std::optional<std::string> parse_argnums(const std::string& flag, std::string_view value, TransformStep* step) {
  std::vector<std::string> items = split_commas(value);
  step->argnums_tuple = items.size() > 1;
  if (items.size() > 1 && items.back().empty()) items.pop_back();  // "0," is the 1-tuple (0,)
  step->argnums.clear();
  for (const std::string& item : items) {
    std::optional<int64_t> v = parse_int(item);
    if (!v || *v < -1000000 || *v > 1000000)
      return "malformed argnums in '" + flag + "': expected an int or a comma list of ints";
    step->argnums.push_back(static_cast<int>(*v));
  }
  return std::nullopt;
}

std::optional<std::string> parse_axes(const std::string& flag, std::string_view value, TransformStep* step) {
  for (const std::string& item : split_commas(value)) {
    if (item == "none" || item == "None") {
      step->axes.emplace_back(std::nullopt);
      continue;
    }
    std::optional<int64_t> v = parse_int(item);
    if (!v || *v < -1000000 || *v > 1000000)
      return "malformed IN_AXES in '" + flag + "': expected an int or `none`, or a comma list of them";
    step->axes.emplace_back(static_cast<int>(*v));
  }
  return std::nullopt;
}

// f at example arguments: its jaxpr and output structure.
struct Traced {
  ClosedJaxpr cj;
  TreeDef out_def;
};

Traced trace(const TreeFn& g, const std::vector<Tree>& example) {
  auto out_def = std::make_shared<TreeDef>();
  ClosedJaxpr cj = make_jaxpr(
      [&g, out_def](const std::vector<Tree>& args) {
        Tree out = g(args);
        *out_def = tree_flatten(out).second;
        return out;
      },
      example);
  return {std::move(cj), *out_def};
}

Tree zeros_of(ShapedArray aval) {
  aval.weak_type = false;
  return Tree(Array::zeros(std::move(aval)));
}

std::string shape_text(const Value& v) { return v.aval().str_short(); }

// One step: the transformed function and its example arguments.
std::pair<TreeFn, std::vector<Tree>> apply_step(const TransformStep& step, const TreeFn& g,
                                                const std::vector<Tree>& ex, const Traced& prev,
                                                int64_t axis_size) {
  using Kind = TransformStep::Kind;
  size_t n = ex.size();
  switch (step.kind) {
    case Kind::Jvp: {
      // lambda *a: jax.jvp(g, a[:n], a[n:])
      TreeFn h = [g, n](const std::vector<Tree>& a) {
        std::vector<Tree> primals(a.begin(), a.begin() + static_cast<ptrdiff_t>(n));
        std::vector<Tree> tangents(a.begin() + static_cast<ptrdiff_t>(n), a.end());
        auto [out, tangent] = jvp(g, primals, tangents);
        return Tree::tuple({out, tangent});
      };
      std::vector<Tree> ex2 = ex;
      ex2.insert(ex2.end(), ex.begin(), ex.end());
      return {h, ex2};
    }
    case Kind::Vjp: {
      // lambda *a: jax.vjp(g, *a[:n])[1](ct), ct: a[n:] in the output's structure
      TreeDef out_def = prev.out_def;
      TreeFn h = [g, n, out_def](const std::vector<Tree>& a) {
        std::vector<Tree> primals(a.begin(), a.begin() + static_cast<ptrdiff_t>(n));
        std::vector<Value> cts;
        for (size_t i = n; i < a.size(); ++i) cts.push_back(a[i].leaf());
        VjpResult r = vjp(g, primals);
        return Tree::tuple(r.pullback(tree_unflatten(out_def, cts)));
      };
      std::vector<Tree> ex2 = ex;
      for (const ShapedArray& aval : prev.cj.out_avals()) ex2.push_back(zeros_of(aval));
      return {h, ex2};
    }
    case Kind::Grad: {
      GradOptions o;
      o.argnums = step.argnums;
      o.argnums_tuple = step.argnums_tuple;
      return {grad(g, o), ex};
    }
    case Kind::Jacfwd: return {jacfwd(g), ex};
    case Kind::Jacrev: return {jacrev(g), ex};
    case Kind::Hessian: return {hessian(g), ex};
    case Kind::Jit: {
      // The function is f, as chain_text names it: `jit[name=f]`.
      JitOptions o;
      o.name = "f";
      Jitted j = jit(g, o);
      return {[j](const std::vector<Tree>& a) { return j(a); }, ex};
    }
    case Kind::Vmap: {
      std::vector<std::optional<int>> axes = step.axes;
      if (axes.size() == 1) axes.assign(n, axes[0]);
      if (axes.size() != n)
        throw_value_error("vmap in_axes must be an int, None, or a tuple of entries corresponding to the positional "
                          "arguments passed to the function, but got len(in_axes)=" +
                          std::to_string(step.axes.size()) + ", len(args)=" + std::to_string(n));
      VmapOptions o;
      o.axis_size = axis_size;
      std::vector<Tree> specs;
      std::vector<Tree> ex2;
      for (size_t i = 0; i < n; ++i) {
        const Value& x = ex[i].leaf();
        if (!axes[i]) {
          specs.push_back(Tree::none());
          ex2.push_back(ex[i]);
          continue;
        }
        int nd = x.ndim();
        int d = *axes[i] < 0 ? *axes[i] + nd + 1 : *axes[i];
        if (d < 0 || d > nd)
          throw_value_error("in_axes " + std::to_string(*axes[i]) + " is out of range for input " +
                            std::to_string(i) + " of type " + shape_text(x) +
                            ": a batch axis of a rank-" + std::to_string(nd) + " input must be in [" +
                            std::to_string(-nd - 1) + ", " + std::to_string(nd) + "]");
        ShapedArray aval = x.aval();
        aval.shape.insert(aval.shape.begin() + d, axis_size);
        ex2.push_back(zeros_of(aval));
        specs.push_back(axis(d));
      }
      o.in_axes = Tree::tuple(specs);
      return {vmap(g, o), ex2};
    }
  }
  throw Error(ErrorKind::Runtime, "unknown transformation");
}

}  // namespace

std::optional<std::string> parse_transform_flags(const std::vector<std::string>& args, TransformSpec* spec) {
  using Kind = TransformStep::Kind;
  bool have_axis_size = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    TransformStep step;
    step.flag = a;
    if (a == "--jvp") {
      step.kind = Kind::Jvp;
    } else if (a == "--vjp") {
      step.kind = Kind::Vjp;
    } else if (a == "--jacfwd") {
      step.kind = Kind::Jacfwd;
    } else if (a == "--jacrev") {
      step.kind = Kind::Jacrev;
    } else if (a == "--hessian") {
      step.kind = Kind::Hessian;
    } else if (a == "--jit") {
      step.kind = Kind::Jit;
    } else if (a == "--grad") {
      step.kind = Kind::Grad;
    } else if (a.rfind("--grad=", 0) == 0) {
      step.kind = Kind::Grad;
      if (auto err = parse_argnums(a, std::string_view(a).substr(7), &step)) return err;
    } else if (a == "--vmap") {
      return "--vmap needs IN_AXES: --vmap=0, --vmap=0,none ...";
    } else if (a.rfind("--vmap=", 0) == 0) {
      step.kind = Kind::Vmap;
      if (auto err = parse_axes(a, std::string_view(a).substr(7), &step)) return err;
    } else if (a == "--axis-size" || a.rfind("--axis-size=", 0) == 0) {
      std::string value;
      if (a == "--axis-size") {
        if (i + 1 >= args.size()) return "--axis-size needs a value N";
        value = args[++i];
      } else {
        value = a.substr(12);
      }
      std::optional<int64_t> v = parse_int(value);
      if (!v || *v < 0) return "malformed --axis-size '" + value + "': expected a non-negative int";
      if (have_axis_size) return "--axis-size given twice";
      have_axis_size = true;
      spec->axis_size = *v;
      continue;
    } else {
      return "unknown option '" + a + "'";
    }
    spec->steps.push_back(std::move(step));
  }
  if (spec->steps.empty())
    return "jaxpr transform needs a transformation: --jvp, --vjp, --grad, --vmap=IN_AXES, --jacfwd, --jacrev or "
           "--hessian";
  return std::nullopt;
}

std::optional<std::string> parse_transform_chain(std::string_view chain, TransformSpec* spec) {
  // The same steps as the flags would give, so both spellings share one parser.
  static constexpr std::pair<std::string_view, std::string_view> kFlags[] = {
      {"jvp", "--jvp"},       {"vjp", "--vjp"},       {"grad", "--grad"},      {"vmap", "--vmap=0"},
      {"jacfwd", "--jacfwd"}, {"jacrev", "--jacrev"}, {"hessian", "--hessian"}, {"jit", "--jit"}};
  auto flag_of = [](std::string_view name) -> std::optional<std::string> {
    for (const auto& [word, flag] : kFlags)
      if (word == name) return std::string(flag);
    return std::nullopt;
  };
  std::vector<std::string> names;  // outermost first
  std::string_view rest = chain;
  for (size_t open; (open = rest.find('(')) != std::string_view::npos;) {
    if (rest.back() != ')') return "malformed transform chain '" + std::string(chain) + "': unbalanced parentheses";
    names.emplace_back(rest.substr(0, open));
    rest = rest.substr(open + 1, rest.size() - open - 2);
  }
  if (rest.find(')') != std::string_view::npos)
    return "malformed transform chain '" + std::string(chain) + "': unbalanced parentheses";
  if (flag_of(rest)) names.emplace_back(rest);  // a bare `grad`: no function name
  std::vector<std::string> flags;
  for (auto it = names.rbegin(); it != names.rend(); ++it) {
    std::optional<std::string> flag = flag_of(*it);
    if (!flag)
      return "unknown transformation '" + *it + "' in '" + std::string(chain) +
             "' (jvp, vjp, grad, vmap, jacfwd, jacrev, hessian, jit)";
    flags.push_back(*flag);
  }
  TransformSpec parsed;
  parsed.axis_size = spec->axis_size;
  if (auto err = parse_transform_flags(flags, &parsed)) return err;
  for (size_t i = 0; i < parsed.steps.size(); ++i) parsed.steps[i].flag = names[names.size() - 1 - i];
  spec->steps = std::move(parsed.steps);
  return std::nullopt;
}

std::string chain_text(const TransformSpec& spec, std::string_view fn) {
  std::string text(fn);
  for (const TransformStep& step : spec.steps) text = step.flag + "(" + text + ")";
  return text;
}

ClosedJaxpr transform_jaxpr(const ClosedJaxpr& cj, const TransformSpec& spec) {
  // f(*args) = eval_closed_jaxpr(cj, args): one leaf for one output, else a tuple.
  TreeFn g = [cj](const std::vector<Tree>& args) {
    std::vector<Value> in;
    for (const Tree& a : args) in.push_back(a.leaf());
    std::vector<Value> outs = eval_closed_jaxpr(cj, in);
    if (outs.size() == 1) return Tree(outs[0]);
    return Tree::tuple(std::vector<Tree>(outs.begin(), outs.end()));
  };
  std::vector<Tree> ex;
  for (const ShapedArray& aval : cj.in_avals()) ex.push_back(zeros_of(aval));
  Traced traced = trace(g, ex);
  // Each step is traced on its own, so that a failure names the step that
  // failed (and --vjp knows the output structure of what it transforms).
  for (const TransformStep& step : spec.steps) {
    try {
      auto [h, ex2] = apply_step(step, g, ex, traced, spec.axis_size);
      traced = trace(h, ex2);
      g = std::move(h);
      ex = std::move(ex2);
    } catch (const TransformError&) {
      throw;
    } catch (const Error& e) {
      throw TransformError(e.kind(), step.flag, e.what());
    } catch (const std::exception& e) {
      throw TransformError(ErrorKind::Runtime, step.flag, std::string("internal error: ") + e.what());
    }
  }
  return traced.cj;
}

}  // namespace jxr::cli
