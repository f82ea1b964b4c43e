// make_jaxpr and jit.
#include "engine/api.h"

#include <algorithm>
#include <mutex>

#include "engine/jaxpr/staging.h"

namespace jxr {

namespace {

bool is_static(const std::vector<int>& nums, size_t i, size_t n) {
  for (int k : nums) {
    int a = k < 0 ? k + static_cast<int>(n) : k;
    if (a == static_cast<int>(i)) return true;
  }
  return false;
}

void check_static_argnums(const std::vector<int>& nums, size_t n, std::string_view who) {
  for (int k : nums)
    if (k >= static_cast<int>(n) || k < -static_cast<int>(n))
      throw_value_error(std::string(who) + ": static_argnums " + std::to_string(k) + " is out of range for " +
                        std::to_string(n) + " positional arguments");
}

// Splits args into traced leaves, and the structure to rebuild them with.
struct FlatArgs {
  std::vector<Value> leaves;
  std::vector<TreeDef> defs;  // one per positional arg; static args keep their tree
  std::vector<Tree> statics;  // static args, by position (None where traced)
};

FlatArgs flatten_args(const std::vector<Tree>& args, const std::vector<int>& static_argnums) {
  FlatArgs fa;
  for (size_t i = 0; i < args.size(); ++i) {
    if (is_static(static_argnums, i, args.size())) {
      auto [leaves, def] = tree_flatten(args[i]);
      if (!leaves.empty())
        throw_value_error("Non-hashable static arguments are not supported: static argument " + std::to_string(i) +
                          " holds arrays");
      fa.defs.push_back(std::move(def));
      fa.statics.push_back(args[i]);
      continue;
    }
    auto [leaves, def] = tree_flatten(args[i]);
    fa.leaves.insert(fa.leaves.end(), leaves.begin(), leaves.end());
    fa.defs.push_back(std::move(def));
    fa.statics.push_back(Tree::none());
  }
  return fa;
}

std::vector<Tree> unflatten_args(const FlatArgs& fa, std::span<const Value> leaves,
                                 const std::vector<int>& static_argnums) {
  std::vector<Tree> out;
  size_t pos = 0;
  for (size_t i = 0; i < fa.defs.size(); ++i) {
    if (is_static(static_argnums, i, fa.defs.size())) {
      out.push_back(fa.statics[i]);
      continue;
    }
    int n = fa.defs[i].num_leaves;
    out.push_back(tree_unflatten(fa.defs[i], leaves.subspan(pos, n)));
    pos += n;
  }
  return out;
}

// Traces f on the avals of the flattened args; returns the jaxpr and the
// output tree.
std::pair<ClosedJaxpr, TreeDef> trace_tree_fn(const TreeFn& f, const FlatArgs& fa,
                                              const std::vector<int>& static_argnums) {
  std::vector<ShapedArray> avals;
  for (const Value& v : fa.leaves) avals.push_back(abstractify(v));
  TreeDef out_def;
  ClosedJaxpr cj = trace_to_jaxpr(
      [&](std::span<const Value> tracers) {
        Tree out = f(unflatten_args(fa, tracers, static_argnums));
        auto [leaves, def] = tree_flatten(out);
        out_def = std::move(def);
        return leaves;
      },
      avals);
  return {std::move(cj), std::move(out_def)};
}

}  // namespace

ClosedJaxpr make_jaxpr(const TreeFn& f, const std::vector<Tree>& args, const MakeJaxprOptions& opts) {
  check_static_argnums(opts.static_argnums, args.size(), "make_jaxpr");
  return trace_tree_fn(f, flatten_args(args, opts.static_argnums), opts.static_argnums).first;
}

ClosedJaxpr make_jaxpr(const std::function<Value(const Value&)>& f, const Value& x) {
  return make_jaxpr([&](const std::vector<Tree>& a) { return Tree(f(a[0].leaf())); }, {Tree(x)});
}

ClosedJaxpr make_jaxpr(const std::function<Value(const Value&, const Value&)>& f, const Value& x, const Value& y) {
  return make_jaxpr([&](const std::vector<Tree>& a) { return Tree(f(a[0].leaf(), a[1].leaf())); },
                    {Tree(x), Tree(y)});
}

std::vector<Value> bind_jit(const ClosedJaxpr& cj, std::span<const Value> args, const std::string& name) {
  return bind_jit(std::make_shared<const ClosedJaxpr>(cj), args, name);
}

std::vector<Value> bind_jit(const ClosedJaxprPtr& cjp, std::span<const Value> args, const std::string& name) {
  // Concrete consts stay in the closed jaxpr (printed as its constvars);
  // tracers of enclosing transformations become leading arguments.
  LiftedJaxpr body = lift_tracer_consts(cjp);
  std::vector<Value> full_args = std::move(body.lifted);
  full_args.insert(full_args.end(), args.begin(), args.end());
  Params params{{"name", Param::str(name)}, {"jaxpr", Param::jaxpr(std::move(body.jaxpr))}};
  static const Primitive& jit_p = get_primitive("jit");
  return jxr::bind(jit_p, full_args, params);
}

struct Jitted::State {
  TreeFn f;
  JitOptions opts;
  struct Entry {
    std::vector<TreeDef> in_defs;  // static args are part of their TreeDef
    std::vector<ShapedArray> avals;
    ClosedJaxprPtr jaxpr;
    TreeDef out_def;
  };
  std::mutex mu;
  std::vector<Entry> cache;
  int traces = 0;
};

Jitted::Jitted(TreeFn f, JitOptions opts) : state_(std::make_shared<State>()) {
  state_->f = std::move(f);
  state_->opts = std::move(opts);
}


Tree Jitted::operator()(const std::vector<Tree>& args) const {
  State& s = *state_;
  check_static_argnums(s.opts.static_argnums, args.size(), "jit");
  FlatArgs fa = flatten_args(args, s.opts.static_argnums);
  std::vector<ShapedArray> avals;
  for (const Value& v : fa.leaves) avals.push_back(abstractify(v));
  const State::Entry* hit = nullptr;
  {
    std::lock_guard<std::mutex> lock(s.mu);
    for (const auto& e : s.cache)
      if (e.avals == avals && e.in_defs == fa.defs) {
        hit = &e;
        break;
      }
  }
  // Tracing under a transformation may capture its tracers: those jaxprs are
  // not reusable outside it, so only fully concrete traces are cached.
  ClosedJaxprPtr cj;
  TreeDef out_def;
  if (hit) {
    cj = hit->jaxpr;
    out_def = hit->out_def;
  } else {
    auto [traced, def] = trace_tree_fn(s.f, fa, s.opts.static_argnums);
    cj = std::make_shared<const ClosedJaxpr>(std::move(traced));
    out_def = std::move(def);
    std::lock_guard<std::mutex> lock(s.mu);
    ++s.traces;
    bool captures = std::any_of(cj->consts.begin(), cj->consts.end(), [](const Value& v) { return v.is_tracer(); });
    if (!captures) s.cache.push_back({fa.defs, avals, cj, out_def});
  }
  std::vector<Value> outs = bind_jit(cj, fa.leaves, s.opts.name);
  return tree_unflatten(out_def, outs);
}

Value Jitted::operator()(const Value& x) const { return (*this)(std::vector<Tree>{Tree(x)}).leaf(); }

int Jitted::trace_count() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->traces;
}

Jitted jit(TreeFn f, JitOptions opts) { return Jitted(std::move(f), std::move(opts)); }

Jitted jit(const std::function<Value(const Value&)>& f, JitOptions opts) {
  return Jitted([f](const std::vector<Tree>& a) { return Tree(f(a[0].leaf())); }, std::move(opts));
}

}  // namespace jxr
