// The `scan` primitive's transformation rules, after jax/_src/lax/control_flow/
// loops.py: each transforms the body jaxpr and binds one scan again. Which
// carries have nonzero tangents (or are batched) is a fixpoint: a carry whose
// input has none may get one from the body, and then its input needs one too.
#include "engine/ad/ad.h"
#include "engine/ad/rules.h"
#include "engine/control_flow/scan.h"
#include "engine/primitives/families.h"

namespace jxr {

namespace {

struct Layout {
  ClosedJaxprPtr body;
  size_t nc, nk, nx, ny;
  int64_t length, unroll;
  bool reverse;
};

Layout layout(const Params& params) {
  Layout l;
  l.body = params.get("jaxpr").as_jaxpr();
  l.nc = static_cast<size_t>(params.get_int("num_consts"));
  l.nk = static_cast<size_t>(params.get_int("num_carry"));
  l.nx = l.body->jaxpr->invars.size() - l.nc - l.nk;
  l.ny = l.body->jaxpr->outvars.size() - l.nk;
  l.length = params.get_int("length");
  l.unroll = params.get_int("unroll");
  l.reverse = params.get_bool("reverse");
  return l;
}

FlatFn eval_fn(const ClosedJaxprPtr& cj) {
  return [cj](std::span<const Value> args) { return eval_closed_jaxpr(*cj, args); };
}

template <typename T>
std::vector<T> concat(std::initializer_list<std::vector<T>> parts) {
  std::vector<T> r;
  for (const auto& p : parts) r.insert(r.end(), p.begin(), p.end());
  return r;
}

std::vector<bool> slice(const std::vector<bool>& v, size_t from, size_t n) {
  return {v.begin() + static_cast<std::ptrdiff_t>(from), v.begin() + static_cast<std::ptrdiff_t>(from + n)};
}

std::vector<bool> either(const std::vector<bool>& a, const std::vector<bool>& b) {
  std::vector<bool> r(a.size());
  for (size_t i = 0; i < a.size(); ++i) r[i] = a[i] || b[i];
  return r;
}

// The body's JVP with JAX's scan binder order: (consts, const tangents,
// carry, carry tangents, xs, xs tangents) -> (carry, carry tangents, ys, ys
// tangents); only nonzero tangents are binders and outputs, and the carry
// tangents of `carry_nz` are always outputs.
struct JvpBody {
  ClosedJaxprPtr body;
  std::vector<bool> out_nz;
};

JvpBody jvp_body(const Layout& l, const std::vector<bool>& nz) {
  std::vector<ShapedArray> in = l.body->in_avals(), out = l.body->out_avals();
  std::vector<ShapedArray> avals;
  // Binder positions of each group: primals then their nonzero tangents.
  const size_t groups[3][2] = {{0, l.nc}, {l.nc, l.nk}, {l.nc + l.nk, l.nx}};
  for (const auto& g : groups) {
    for (size_t i = g[0]; i < g[0] + g[1]; ++i) avals.push_back(in[i]);
    for (size_t i = g[0]; i < g[0] + g[1]; ++i)
      if (nz[i]) avals.push_back(ad::tangent_aval(in[i]));
  }
  JvpBody jb;
  jb.body = std::make_shared<const ClosedJaxpr>(trace_to_jaxpr(
      [&](std::span<const Value> xs) {
        std::vector<Value> primals, tangents(in.size());
        size_t k = 0;
        for (const auto& g : groups) {
          for (size_t i = 0; i < g[1]; ++i) primals.push_back(xs[k++]);
          for (size_t i = g[0]; i < g[0] + g[1]; ++i)
            if (nz[i]) tangents[i] = xs[k++];
        }
        JvpResult r = jvp_flat(eval_fn(l.body), primals, tangents);
        jb.out_nz.clear();
        for (size_t j = 0; j < out.size(); ++j) {
          bool carry_nz = j < l.nk && nz[l.nc + j];
          if (carry_nz) r.tangents[j] = ad::instantiate_zeros(r.tangents[j], ad::tangent_aval(out[j]));
          jb.out_nz.push_back(!ad::is_zero(r.tangents[j]));
        }
        std::vector<Value> outs;
        for (size_t j = 0; j < l.nk; ++j) outs.push_back(r.primals[j]);
        for (size_t j = 0; j < l.nk; ++j)
          if (jb.out_nz[j]) outs.push_back(r.tangents[j]);
        for (size_t j = l.nk; j < out.size(); ++j) outs.push_back(r.primals[j]);
        for (size_t j = l.nk; j < out.size(); ++j)
          if (jb.out_nz[j]) outs.push_back(r.tangents[j]);
        return outs;
      },
      avals));
  return jb;
}

// JAX's _scan_jvp.
JvpResult scan_jvp(std::span<const Value> primals, std::span<const Value> tangents, const Params& params) {
  Layout l = layout(params);
  std::vector<bool> nz;
  for (const Value& t : tangents) nz.push_back(!ad::is_zero(t));
  std::vector<bool> carry_nz = slice(nz, l.nc, l.nk);
  JvpBody jb;
  for (size_t round = 0; round <= l.nk; ++round) {
    for (size_t i = 0; i < l.nk; ++i) nz[l.nc + i] = carry_nz[i];
    jb = jvp_body(l, nz);
    std::vector<bool> carry_out = slice(jb.out_nz, 0, l.nk);
    if (carry_out == carry_nz) break;
    carry_nz = either(carry_nz, carry_out);
  }
  std::vector<ShapedArray> in = l.body->in_avals();
  std::vector<Value> args;
  const size_t groups[3][2] = {{0, l.nc}, {l.nc, l.nk}, {l.nc + l.nk, l.nx}};
  size_t num_consts = 0, num_carry = 0;
  for (size_t g = 0; g < 3; ++g) {
    size_t before = args.size();
    for (size_t i = groups[g][0]; i < groups[g][0] + groups[g][1]; ++i) args.push_back(primals[i]);
    for (size_t i = groups[g][0]; i < groups[g][0] + groups[g][1]; ++i)
      if (nz[i]) args.push_back(ad::instantiate_zeros(tangents[i], ad::tangent_aval(primals[i].aval())));
    if (g == 0) num_consts = args.size() - before;
    if (g == 1) num_carry = args.size() - before;
  }
  std::vector<Value> outs = bind_scan(jb.body, args, l.length, static_cast<int64_t>(num_consts),
                                      static_cast<int64_t>(num_carry), l.reverse, l.unroll);
  JvpResult r;
  size_t k = 0;
  for (size_t j = 0; j < l.nk; ++j) r.primals.push_back(outs[k++]);
  for (size_t j = 0; j < l.nk; ++j) r.tangents.push_back(jb.out_nz[j] ? outs[k++] : Value());
  for (size_t j = 0; j < l.ny; ++j) r.primals.push_back(outs[k++]);
  for (size_t j = 0; j < l.ny; ++j) r.tangents.push_back(jb.out_nz[l.nk + j] ? outs[k++] : Value());
  return r;
}

ShapedArray with_leading(const ShapedArray& a, int64_t n) {
  ShapedArray r = a;
  r.shape.insert(r.shape.begin(), n);
  return r;
}

// The body batched along axis 0 of its `batched` binders; the carries of
// `carry_batched` come out batched (at 0) whether or not the body batches
// them, as batch_jaxpr's instantiate.
struct BatchBody {
  ClosedJaxprPtr body;
  std::vector<bool> out_batched;
};

BatchBody batch_body(const Layout& l, const std::vector<bool>& batched, int64_t size) {
  std::vector<ShapedArray> in = l.body->in_avals();
  std::vector<ShapedArray> avals;
  std::vector<int> dims;
  for (size_t i = 0; i < in.size(); ++i) {
    avals.push_back(batched[i] ? with_leading(in[i], size) : in[i]);
    dims.push_back(batched[i] ? 0 : kNotMapped);
  }
  BatchBody bb;
  bb.body = std::make_shared<const ClosedJaxpr>(trace_to_jaxpr(
      [&](std::span<const Value> xs) {
        BatchResult r = batch_flat(eval_fn(l.body), xs, dims, size);
        bb.out_batched.clear();
        for (size_t j = 0; j < r.outs.size(); ++j) {
          bool force = j < l.nk && batched[l.nc + j];
          if (force || r.dims[j] != kNotMapped) r.outs[j] = ad::matchaxis(r.outs[j], r.dims[j], 0, size);
          bb.out_batched.push_back(force || r.dims[j] != kNotMapped);
        }
        return r.outs;
      },
      avals));
  return bb;
}

// JAX's _scan_batching_rule: consts and carries batched at 0, xs and ys at 1.
BatchResult scan_batch(std::span<const Value> args, std::span<const int> dims, const Params& params, int64_t size) {
  Layout l = layout(params);
  std::vector<bool> batched;
  for (int d : dims) batched.push_back(d != kNotMapped);
  std::vector<bool> init_batched = slice(batched, l.nc, l.nk), carry_batched = init_batched;
  BatchBody bb;
  for (size_t round = 0; round <= l.nk; ++round) {
    for (size_t i = 0; i < l.nk; ++i) batched[l.nc + i] = carry_batched[i];
    bb = batch_body(l, batched, size);
    std::vector<bool> carry_out = slice(bb.out_batched, 0, l.nk);
    if (carry_out == carry_batched) break;
    carry_batched = either(carry_batched, carry_out);
  }
  std::vector<Value> new_args;
  for (size_t i = 0; i < args.size(); ++i) {
    const Value& x = args[i];
    int d = dims[i];
    if (i < l.nc) {
      new_args.push_back(d != kNotMapped ? ad::moveaxis(x, d, 0) : x);
    } else if (i < l.nc + l.nk) {
      bool now = carry_batched[i - l.nc];
      new_args.push_back(!now ? x : d == kNotMapped ? ad::broadcast_batched(x, size, 0) : ad::moveaxis(x, d, 0));
    } else {
      new_args.push_back(d != kNotMapped ? ad::moveaxis(x, d, 1) : x);
    }
  }
  BatchResult r;
  r.outs = bind_scan(bb.body, new_args, l.length, static_cast<int64_t>(l.nc), static_cast<int64_t>(l.nk), l.reverse,
                     l.unroll);
  for (size_t j = 0; j < bb.out_batched.size(); ++j)
    r.dims.push_back(!bb.out_batched[j] ? kNotMapped : j < l.nk ? 0 : 1);
  return r;
}

}  // namespace

void register_scan_rules() {
  Primitive& p = primitive_for_rules("scan");
  p.jvp = scan_jvp;
  p.batch = scan_batch;
}

}  // namespace jxr
