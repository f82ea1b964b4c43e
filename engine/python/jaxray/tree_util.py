"""Pytrees, as jax.tree_util: tuples, lists, dicts (sorted keys), None,
namedtuples and registered classes are nodes; anything else is a leaf."""
import collections

__all__ = ["register_pytree_node", "tree_flatten", "tree_unflatten", "tree_leaves", "tree_structure", "tree_map",
           "PyTreeDef"]

_registry = {}


def register_pytree_node(nodetype, flatten_func, unflatten_func):
    """flatten_func(x) -> (children, aux_data); unflatten_func(aux_data, children) -> x."""
    _registry[nodetype] = (flatten_func, unflatten_func)


def _is_namedtuple(x):
    return isinstance(x, tuple) and hasattr(x, "_fields")


class PyTreeDef:
    __slots__ = ("kind", "aux", "children", "num_leaves")

    def __init__(self, kind, aux, children):
        self.kind = kind  # "leaf", "none", "tuple", "list", "dict", "namedtuple", or a registered type
        self.aux = aux
        self.children = children
        self.num_leaves = 1 if kind == "leaf" else sum(c.num_leaves for c in children)

    def unflatten(self, leaves):
        it = iter(leaves)
        out = self._build(it)
        if next(it, None) is not None:
            raise ValueError("Too many leaves for PyTreeDef")
        return out

    def _build(self, it):
        if self.kind == "leaf":
            return next(it)
        if self.kind == "none":
            return None
        kids = [c._build(it) for c in self.children]
        if self.kind == "tuple":
            return tuple(kids)
        if self.kind == "list":
            return kids
        if self.kind == "dict":
            return dict(zip(self.aux, kids))
        if self.kind == "namedtuple":
            return self.aux(*kids)
        return _registry[self.kind][1](self.aux, kids)

    def __eq__(self, other):
        return (isinstance(other, PyTreeDef) and self.kind == other.kind and self.aux == other.aux
                and self.children == other.children)

    def __hash__(self):
        return hash((self.kind if isinstance(self.kind, str) else id(self.kind), len(self.children)))

    def __repr__(self):
        return f"PyTreeDef({self._str()})"

    def _str(self):
        if self.kind == "leaf":
            return "*"
        if self.kind == "none":
            return "None"
        kids = [c._str() for c in self.children]
        if self.kind == "tuple":
            return "(" + ", ".join(kids) + ("," if len(kids) == 1 else "") + ")"
        if self.kind == "list":
            return "[" + ", ".join(kids) + "]"
        if self.kind == "dict":
            return "{" + ", ".join(f"{k!r}: {v}" for k, v in zip(self.aux, kids)) + "}"
        name = self.aux.__name__ if self.kind == "namedtuple" else self.kind.__name__
        return f"CustomNode({name}[{self.aux if self.kind != 'namedtuple' else ''}], [" + ", ".join(kids) + "])"


_LEAF = PyTreeDef("leaf", None, ())


def _flatten(x, leaves, is_leaf):
    if is_leaf is not None and is_leaf(x):
        leaves.append(x)
        return _LEAF
    t = type(x)
    if x is None:
        return PyTreeDef("none", None, ())
    if t in _registry:
        children, aux = _registry[t][0](x)
        return PyTreeDef(t, aux, tuple(_flatten(c, leaves, is_leaf) for c in children))
    if _is_namedtuple(x):
        return PyTreeDef("namedtuple", t, tuple(_flatten(c, leaves, is_leaf) for c in x))
    if t is tuple:
        return PyTreeDef("tuple", None, tuple(_flatten(c, leaves, is_leaf) for c in x))
    if t is list:
        return PyTreeDef("list", None, tuple(_flatten(c, leaves, is_leaf) for c in x))
    if isinstance(x, dict):
        keys = tuple(sorted(x.keys()))
        return PyTreeDef("dict", keys, tuple(_flatten(x[k], leaves, is_leaf) for k in keys))
    leaves.append(x)
    return _LEAF


def tree_flatten(tree, is_leaf=None):
    leaves = []
    treedef = _flatten(tree, leaves, is_leaf)
    return leaves, treedef


def tree_unflatten(treedef, leaves):
    return treedef.unflatten(leaves)


def tree_leaves(tree, is_leaf=None):
    return tree_flatten(tree, is_leaf)[0]


def tree_structure(tree, is_leaf=None):
    return tree_flatten(tree, is_leaf)[1]


def tree_map(f, tree, *rest, is_leaf=None):
    leaves, treedef = tree_flatten(tree, is_leaf)
    others = [tree_flatten(r, is_leaf)[0] for r in rest]
    return treedef.unflatten(f(*xs) for xs in zip(leaves, *others))


register_pytree_node(collections.OrderedDict,
                     lambda d: (list(d.values()), tuple(d.keys())),
                     lambda keys, vals: collections.OrderedDict(zip(keys, vals)))
