"""jax.tree: the short names of jaxray.tree_util's functions."""
from .tree_util import (tree_all as all, tree_flatten as flatten, tree_leaves as leaves, tree_map as map,  # noqa: F401
                        tree_reduce as reduce, tree_structure as structure, tree_unflatten as unflatten)
