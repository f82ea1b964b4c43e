#!/usr/bin/env python3
"""Prints the expected values embedded in tests/engine/tst_indexing.cpp.

Runs the real jax.lax (0.10.2) indexing primitives on the same inputs as the
C++ tests; paste the printed lists into the test. Not used by the build.
"""
import numpy as np
import jax
import jax.numpy as jnp
from jax import lax

GDN = lax.GatherDimensionNumbers
SDN = lax.ScatterDimensionNumbers
M = lax.GatherScatterMode


def show(name, a):
    a = np.asarray(a)
    vals = ", ".join("nan" if np.isnan(v) else repr(float(v)) for v in a.astype(np.float64).ravel())
    print(f"{name}: shape={a.shape} dtype={a.dtype} [{vals}]")


x = np.arange(12, dtype=np.float32).reshape(3, 4)
xi = np.arange(12, dtype=np.int32).reshape(3, 4)

show("slice strided", lax.slice(x, (0, 1), (3, 4), (2, 2)))
show("slice plain", lax.slice(x, (1, 0), (3, 2)))
show("dynamic_slice clamp", lax.dynamic_slice(x, (np.int32(2), np.int32(-1)), (2, 2)))
show("dynamic_update_slice clamp",
     lax.dynamic_update_slice(x, -np.ones((2, 2), np.float32), (np.int32(5), np.int32(3))))

show("x[idx]", x[np.array([0, 2])])
show("x[:, idx]", jnp.asarray(x)[:, jnp.array([3, 1])])
show("x[idx2d]", jnp.asarray(x)[jnp.array([[0, 2], [1, 1]])])
show("x[i, j]", jnp.asarray(x)[jnp.array([0, 2]), jnp.array([1, 3])])

rows = np.array([[-1], [1], [5]], np.int32)
row_dn = GDN(offset_dims=(1,), collapsed_slice_dims=(0,), start_index_map=(0,))
for mode in (M.CLIP, M.PROMISE_IN_BOUNDS, M.FILL_OR_DROP):
    show(f"rows {mode}", lax.gather(x, rows, row_dn, (1, 4), mode=mode))
win_dn = GDN(offset_dims=(1, 2), collapsed_slice_dims=(), start_index_map=(0,))
win = np.array([[0], [1], [2]], np.int32)
for mode in (M.CLIP, M.FILL_OR_DROP):
    show(f"window {mode}", lax.gather(x, win, win_dn, (2, 4), mode=mode))
show("int fill", lax.gather(xi, rows, row_dn, (1, 4), mode=M.FILL_OR_DROP))
bat_dn = GDN(offset_dims=(), collapsed_slice_dims=(1,), start_index_map=(1,),
             operand_batching_dims=(0,), start_indices_batching_dims=(0,))
show("batched", lax.gather(x, np.array([[3], [0], [2]], np.int32), bat_dn, (1, 1)))

upd = (np.arange(20, dtype=np.float32) + 100).reshape(5, 4)
sidx = np.array([[0], [2], [0], [5], [-1]], np.int32)
row_sdn = SDN(update_window_dims=(1,), inserted_window_dims=(0,), scatter_dims_to_operand_dims=(0,))
for mode in (M.FILL_OR_DROP, M.CLIP):
    show(f"scatter rows {mode}", lax.scatter_add(x, sidx, upd, row_sdn, mode=mode))
pt_sdn = SDN(update_window_dims=(), inserted_window_dims=(0,), scatter_dims_to_operand_dims=(0,))
show("scatter points int", lax.scatter_add(np.arange(5, dtype=np.int32), np.array([[1], [1], [3], [7]], np.int32),
                                           np.array([10, 20, 30, 40], np.int32), pt_sdn))
bat_sdn = SDN(update_window_dims=(), inserted_window_dims=(1,), scatter_dims_to_operand_dims=(1,),
              operand_batching_dims=(0,), scatter_indices_batching_dims=(0,))
show("scatter batched", lax.scatter_add(x, np.array([[3], [0], [3]], np.int32),
                                        np.array([1, 2, 3], np.float32), bat_sdn))
show("at add", jnp.asarray(x).at[jnp.array([0, 2, 0])].add(jnp.ones((3, 4))))
