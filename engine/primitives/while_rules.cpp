// The `while` primitive's transformation rules, after JAX's _while_loop_jvp,
// _while_partial_eval and _while_loop_batching_rule: which carries get a
// tangent (or a batch axis) is a fixpoint over the body, since a carry the
// body makes depend on a tangent (batched) carry is one itself. Reverse mode
// is not defined: the transpose raises JAX's error.
#include "engine/ad/ad.h"
#include "engine/ad/rules.h"
#include "engine/core/error.h"
#include "engine/primitives/families.h"

namespace jxr {

namespace {

struct Split {
  size_t nc, nb, ncarry;  // cond consts, body consts, carries
};

Split split_of(const Params& params, size_t n) {
  size_t nc = static_cast<size_t>(params.get_int("cond_nconsts"));
  size_t nb = static_cast<size_t>(params.get_int("body_nconsts"));
  return {nc, nb, n - nc - nb};
}

const ClosedJaxpr& cond_of(const Params& p) { return *p.get("cond_jaxpr").as_jaxpr(); }
const ClosedJaxpr& body_of(const Params& p) { return *p.get("body_jaxpr").as_jaxpr(); }

FlatFn eval_fn(const ClosedJaxpr& cj) {
  return [&cj](std::span<const Value> args) { return eval_closed_jaxpr(cj, args); };
}

std::vector<Value> bind_while(std::span<const Value> args, const ClosedJaxprPtr& cond, size_t cond_nconsts,
                              const ClosedJaxprPtr& body, size_t body_nconsts) {
  static const Primitive& while_p = get_primitive("while");
  Params params{{"body_jaxpr", Param::jaxpr(body)},
                {"body_nconsts", Param::integer(static_cast<int64_t>(body_nconsts))},
                {"cond_jaxpr", Param::jaxpr(cond)},
                {"cond_nconsts", Param::integer(static_cast<int64_t>(cond_nconsts))}};
  return jxr::bind(while_p, args, params);
}

// --- forward mode ------------------------------------------------------------

// The body's JVP as a jaxpr from (body consts, their nonzero tangents,
// carry, tangents of the carries in carry_nz) to (carry, tangents of the
// carries in carry_nz, zeros instantiated); *out_nz says which carry
// tangents the body makes nonzero.
ClosedJaxprPtr jvp_body(const ClosedJaxpr& body, size_t nb, const std::vector<bool>& bconst_nz,
                        const std::vector<bool>& carry_nz, std::vector<bool>* out_nz) {
  std::vector<ShapedArray> in = body.in_avals(), avals;
  size_t ncarry = in.size() - nb;
  avals.insert(avals.end(), in.begin(), in.begin() + nb);
  for (size_t i = 0; i < nb; ++i)
    if (bconst_nz[i]) avals.push_back(ad::tangent_aval(in[i]));
  avals.insert(avals.end(), in.begin() + nb, in.end());
  for (size_t i = 0; i < ncarry; ++i)
    if (carry_nz[i]) avals.push_back(ad::tangent_aval(in[nb + i]));
  out_nz->assign(ncarry, false);
  return std::make_shared<const ClosedJaxpr>(trace_to_jaxpr(
      [&](std::span<const Value> xs) {
        std::vector<Value> primals(xs.begin(), xs.begin() + nb), tangents(in.size());
        size_t k = nb;
        for (size_t i = 0; i < nb; ++i)
          if (bconst_nz[i]) tangents[i] = xs[k++];
        primals.insert(primals.end(), xs.begin() + k, xs.begin() + k + ncarry);
        k += ncarry;
        for (size_t i = 0; i < ncarry; ++i)
          if (carry_nz[i]) tangents[nb + i] = xs[k++];
        JvpResult r = jvp_flat(eval_fn(body), primals, tangents);
        std::vector<Value> outs = r.primals;
        for (size_t i = 0; i < ncarry; ++i) {
          (*out_nz)[i] = !ad::is_zero(r.tangents[i]);
          if (carry_nz[i]) outs.push_back(ad::instantiate_zeros(r.tangents[i], r.primals[i].aval()));
        }
        return outs;
      },
      avals));
}

struct BodyJvp {
  std::vector<bool> carry_nz;  // the fixpoint: carries with a tangent
  ClosedJaxprPtr body;
};

BodyJvp body_jvp_fixpoint(const ClosedJaxpr& body, size_t nb, const std::vector<bool>& bconst_nz,
                          std::vector<bool> carry_nz) {
  for (size_t iter = 0; iter <= carry_nz.size(); ++iter) {
    std::vector<bool> out_nz;
    ClosedJaxprPtr j = jvp_body(body, nb, bconst_nz, carry_nz, &out_nz);
    bool grew = false;
    for (size_t i = 0; i < carry_nz.size(); ++i)
      if (out_nz[i] && !carry_nz[i]) carry_nz[i] = grew = true;
    if (!grew) return {std::move(carry_nz), std::move(j)};
  }
  throw Error(ErrorKind::Runtime, "while: the fixpoint of nonzero carry tangents was not reached");
}

JvpResult while_jvp(std::span<const Value> primals, std::span<const Value> tangents, const Params& params) {
  Split s = split_of(params, primals.size());
  std::vector<bool> bconst_nz, init_nz;
  for (size_t i = 0; i < s.nb; ++i) bconst_nz.push_back(!ad::is_zero(tangents[s.nc + i]));
  for (size_t i = 0; i < s.ncarry; ++i) init_nz.push_back(!ad::is_zero(tangents[s.nc + s.nb + i]));
  BodyJvp bj = body_jvp_fixpoint(body_of(params), s.nb, bconst_nz, init_nz);

  // cond sees the carry tangents as extra inputs it ignores.
  const ClosedJaxpr& cond = cond_of(params);
  auto aug = std::make_shared<Jaxpr>(*cond.jaxpr);
  std::vector<Value> args(primals.begin(), primals.begin() + s.nc + s.nb);
  size_t nb_dot = 0;
  for (size_t i = 0; i < s.nb; ++i)
    if (bconst_nz[i]) {
      args.push_back(tangents[s.nc + i]);
      ++nb_dot;
    }
  args.insert(args.end(), primals.begin() + s.nc + s.nb, primals.end());
  for (size_t i = 0; i < s.ncarry; ++i)
    if (bj.carry_nz[i]) {
      const Value& p = primals[s.nc + s.nb + i];
      args.push_back(ad::instantiate_zeros(tangents[s.nc + s.nb + i], p.aval()));
      aug->invars.push_back(new_var(ad::tangent_aval(p.aval())));
    }
  auto cond_aug = std::make_shared<const ClosedJaxpr>(ClosedJaxpr{std::move(aug), cond.consts});
  std::vector<Value> outs = bind_while(args, cond_aug, s.nc, bj.body, s.nb + nb_dot);
  JvpResult r;
  r.primals.assign(outs.begin(), outs.begin() + s.ncarry);
  size_t k = s.ncarry;
  for (size_t i = 0; i < s.ncarry; ++i) r.tangents.push_back(bj.carry_nz[i] ? outs[k++] : Value());
  return r;
}

// Reverse mode linearizes as JAX's _while_partial_eval does when the carries
// are all known: the primal loop runs on its own, and the tangents come from
// the whole JVP loop run again in the linear jaxpr (there is nothing to save
// per iteration without dynamic shapes). Transposing that loop then raises.
LinearizeRuleResult while_linearize(const std::vector<bool>& nonzeros, std::span<const Value> primals,
                                    const Params& params) {
  Split s = split_of(params, primals.size());
  std::vector<bool> bconst_nz(nonzeros.begin() + s.nc, nonzeros.begin() + s.nc + s.nb);
  std::vector<bool> init_nz(nonzeros.begin() + s.nc + s.nb, nonzeros.end());
  BodyJvp bj = body_jvp_fixpoint(body_of(params), s.nb, bconst_nz, init_nz);
  static const Primitive& while_p = get_primitive("while");
  LinearizeRuleResult r;
  r.primals_out = jxr::bind(while_p, primals, params);
  r.nonzero_out = bj.carry_nz;
  r.residuals.assign(primals.begin(), primals.end());
  r.tangent_fn = [params, nonzeros](std::span<const Value> residuals, std::span<const Value> nz_tangents) {
    std::vector<Value> tangents(residuals.size());
    for (size_t i = 0, k = 0; i < residuals.size(); ++i)
      if (nonzeros[i]) tangents[i] = nz_tangents[k++];
    JvpResult jr = while_jvp(residuals, tangents, params);
    std::vector<Value> nz;
    for (const Value& t : jr.tangents)
      if (!ad::is_zero(t)) nz.push_back(t);
    return nz;
  };
  return r;
}

// --- batching ------------------------------------------------------------------

// A jaxpr batched with inputs mapped at `in_dims`; each output i is moved to
// out_dims[i] when given (kNotMapped there leaves it where it is).
struct Batched {
  ClosedJaxprPtr jaxpr;
  std::vector<int> dims;
};

Batched batch_jaxpr(const ClosedJaxpr& cj, const std::vector<int>& in_dims, int64_t size,
                    const std::vector<int>* out_dims) {
  std::vector<ShapedArray> avals = cj.in_avals();
  for (size_t i = 0; i < avals.size(); ++i)
    if (in_dims[i] != kNotMapped) avals[i].shape.insert(avals[i].shape.begin() + in_dims[i], size);
  Batched b;
  b.jaxpr = std::make_shared<const ClosedJaxpr>(trace_to_jaxpr(
      [&](std::span<const Value> xs) {
        BatchResult r = batch_flat(eval_fn(cj), xs, in_dims, size);
        if (out_dims)
          for (size_t i = 0; i < r.outs.size(); ++i)
            if ((*out_dims)[i] != kNotMapped) {
              r.outs[i] = ad::matchaxis(r.outs[i], r.dims[i], (*out_dims)[i], size);
              r.dims[i] = (*out_dims)[i];
            }
        b.dims = r.dims;
        return r.outs;
      },
      avals));
  return b;
}

std::vector<int> concat(std::span<const int> a, const std::vector<int>& b) {
  std::vector<int> out(a.begin(), a.end());
  out.insert(out.end(), b.begin(), b.end());
  return out;
}

BatchResult while_batch(std::span<const Value> args, std::span<const int> dims, const Params& params,
                        int64_t size) {
  Split s = split_of(params, args.size());
  std::span<const int> cconst_dims = dims.subspan(0, s.nc), bconst_dims = dims.subspan(s.nc, s.nb);
  std::span<const int> init_dims = dims.subspan(s.nc + s.nb);
  const ClosedJaxpr& body = body_of(params);
  const ClosedJaxpr& cond = cond_of(params);

  std::vector<bool> carry_bat;
  for (int d : init_dims) carry_bat.push_back(d != kNotMapped);
  auto bat_dims = [&](int at) {
    std::vector<int> d;
    for (bool b : carry_bat) d.push_back(b ? at : kNotMapped);
    return d;
  };
  for (size_t iter = 0;; ++iter) {
    if (iter > carry_bat.size())
      throw Error(ErrorKind::Runtime, "while: the fixpoint of batched carries was not reached");
    Batched b = batch_jaxpr(body, concat(bconst_dims, bat_dims(0)), size, nullptr);
    bool grew = false;
    for (size_t i = 0; i < carry_bat.size(); ++i)
      if (b.dims[i] != kNotMapped && !carry_bat[i]) carry_bat[i] = grew = true;
    if (!grew) break;
  }
  bool pred_bat = batch_jaxpr(cond, concat(cconst_dims, bat_dims(0)), size, nullptr).dims[0] != kNotMapped;

  std::vector<int> carry_dims;
  Batched body_b, cond_b;
  if (pred_bat) {
    // A batched predicate batches every carry: elements whose predicate is
    // false keep their carry while the others go on.
    carry_dims.assign(s.ncarry, 0);
    body_b = batch_jaxpr(body, concat(bconst_dims, carry_dims), size, &carry_dims);
    std::vector<int> pred_dim{0};
    cond_b = batch_jaxpr(cond, concat(cconst_dims, carry_dims), size, &pred_dim);
  } else {
    // The batch axis goes after the predicate's axes (those of an enclosing
    // vmap's batched predicate), which must lead every carry.
    carry_dims = bat_dims(cond.out_avals()[0].ndim());
    body_b = batch_jaxpr(body, concat(bconst_dims, carry_dims), size, &carry_dims);
    std::vector<int> pred_dim{kNotMapped};
    cond_b = batch_jaxpr(cond, concat(cconst_dims, carry_dims), size, &pred_dim);
  }
  std::vector<Value> new_args(args.begin(), args.begin() + s.nc + s.nb);
  for (size_t i = 0; i < s.ncarry; ++i) {
    const Value& x = args[s.nc + s.nb + i];
    int from = init_dims[i], to = carry_dims[i];
    if (from == kNotMapped && to != kNotMapped) new_args.push_back(ad::broadcast_batched(x, size, to));
    else if (from == kNotMapped) new_args.push_back(x);
    else new_args.push_back(ad::moveaxis(x, from, to));
  }
  return BatchResult{bind_while(new_args, cond_b.jaxpr, s.nc, body_b.jaxpr, s.nb), carry_dims};
}

}  // namespace

void register_while_rules() {
  Primitive& w = primitive_for_rules("while");
  w.jvp = while_jvp;
  w.linearize = while_linearize;
  w.transpose = [](std::span<const Value>, std::span<const Value>, std::span<const ShapedArray>,
                   const Params&) -> std::vector<Value> {
    throw_value_error(
        "Reverse-mode differentiation does not work for lax.while_loop or lax.fori_loop with dynamic start/stop "
        "values. Try using lax.scan, or using fori_loop with static start/stop.");
  };
  w.batch = while_batch;
}

}  // namespace jxr
