"""Pytrees, as jax.tree_util: tuples, lists, dicts (sorted keys), None,
namedtuples and registered classes are nodes; anything else is a leaf."""
import collections
import functools

__all__ = ["register_pytree_node", "register_pytree_node_class", "tree_flatten", "tree_unflatten", "tree_leaves",
           "tree_structure", "tree_map", "tree_reduce", "tree_all", "Partial", "PyTreeDef"]

_registry = {}


def register_pytree_node(nodetype, flatten_func, unflatten_func):
    """flatten_func(x) -> (children, aux_data); unflatten_func(aux_data, children) -> x."""
    _registry[nodetype] = (flatten_func, unflatten_func)


def register_pytree_node_class(cls):
    """Class decorator: cls.tree_flatten(self) -> (children, aux); cls.tree_unflatten(aux, children)."""
    register_pytree_node(cls, lambda x: x.tree_flatten(), cls.tree_unflatten)
    return cls


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

    def flatten_up_to(self, tree):
        """The subtrees of `tree` at this treedef's leaves; `tree` must have this structure as a prefix."""
        out = []
        self._up_to(tree, out, tree)
        return out

    def _up_to(self, x, out, whole):
        if self.kind == "leaf":
            out.append(x)
            return
        t = type(x)
        if t in _registry and self.kind is t:
            children, aux = _registry[t][0](x)
        elif self.kind == "namedtuple" and t is self.aux:
            children, aux = list(x), self.aux
        elif self.kind in ("tuple", "list") and t.__name__ == self.kind and not _is_namedtuple(x):
            children, aux = list(x), None
        elif self.kind == "dict" and isinstance(x, dict) and t not in _registry:
            aux = tuple(sorted(x.keys()))
            children = [x[k] for k in aux]
        elif self.kind == "none" and x is None:
            return
        else:
            raise ValueError(f"Custom node type mismatch; expected {self}, but got a subtree {x!r} of {whole!r}.")
        if aux != self.aux or len(children) != len(self.children):
            raise ValueError(f"Tree structure mismatch: expected {self}, but got {tree_structure(x)} in {whole!r}.")
        for c, d in zip(children, self.children):
            d._up_to(c, out, whole)

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
    """f over the leaves of tree; each of rest has tree's structure (or tree's as a prefix)."""
    leaves, treedef = tree_flatten(tree, is_leaf)
    others = [treedef.flatten_up_to(r) for r in rest]
    return treedef.unflatten(f(*xs) for xs in zip(leaves, *others))


_NO_INITIALIZER = object()


def tree_reduce(function, tree, initializer=_NO_INITIALIZER, is_leaf=None):
    leaves = tree_leaves(tree, is_leaf)
    if initializer is _NO_INITIALIZER:
        return functools.reduce(function, leaves)
    return functools.reduce(function, leaves, initializer)


def tree_all(tree, is_leaf=None):
    return all(tree_leaves(tree, is_leaf))


class Partial(functools.partial):
    """functools.partial as a pytree: the bound arguments are its leaves, so it can cross transformations."""

    def __new__(cls, func, *args, **kw):
        if isinstance(func, functools.partial):
            original, func = func, func.func
            args, kw = original.args + args, {**original.keywords, **kw}
        return super().__new__(cls, func, *args, **kw)


register_pytree_node(Partial,
                     lambda p: ((p.args, p.keywords), p.func),
                     lambda func, children: Partial(func, *children[0], **children[1]))


register_pytree_node(collections.OrderedDict,
                     lambda d: (list(d.values()), tuple(d.keys())),
                     lambda keys, vals: collections.OrderedDict(zip(keys, vals)))
