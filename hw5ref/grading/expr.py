"""A small, safe evaluator for the expressions stored in evaluation records.

Records hold a model's formulas as strings in numpy syntax (``"E(sq(y - (R*X)@w))"``).  They
are *data*, so they are never passed to :func:`eval`: the string is parsed with :mod:`ast`
and only a whitelist of node types is evaluated -- numbers, names bound by the caller,
arithmetic (``+ - * / ** @``, unary minus), ``.T``, subscripts with integers and slices, and
calls of functions the caller binds.  Anything else raises ``ValueError``.

One special form: ``E(expr)`` is the exact expectation of ``expr`` over a finite random
variable (for Q4, the dropout mask ``R``): ``expr`` is evaluated once per outcome and the
results are averaged with the outcomes' probabilities.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["Expectation", "evaluate", "names_in"]

_BINOPS: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
    ast.MatMult: operator.matmul,
}
_UNARY: dict[type[ast.unaryop], Callable[[Any], Any]] = {
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
}


@dataclass(frozen=True)
class Expectation:
    """A finite random variable bound to ``name``: ``outcomes`` are (value, probability) pairs."""

    name: str
    outcomes: Sequence[tuple[Any, float]]


def _parse(source: str) -> ast.expr:
    if not isinstance(source, str):
        raise TypeError(f"expression must be a string, got {type(source).__name__}")
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as exc:
        raise ValueError(f"cannot parse expression {source!r}: {exc.msg}") from None
    return tree.body


def names_in(source: str) -> set[str]:
    """The free names an expression uses (function names included).

    >>> sorted(names_in("E(sq(y - (R*X)@w))"))
    ['E', 'R', 'X', 'sq', 'w', 'y']
    """
    return {node.id for node in ast.walk(_parse(source)) if isinstance(node, ast.Name)}


class _Evaluator:
    def __init__(self, env: Mapping[str, Any], expectation: Expectation | None) -> None:
        self.env = dict(env)
        self.expectation = expectation

    def run(self, node: ast.AST) -> Any:
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, int | float):
                raise ValueError(f"only numeric constants are allowed, got {node.value!r}")
            return node.value
        if isinstance(node, ast.Name):
            if node.id not in self.env:
                raise ValueError(f"unknown name {node.id!r}; known: {sorted(self.env)}")
            return self.env[node.id]
        if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
            return _BINOPS[type(node.op)](self.run(node.left), self.run(node.right))
        if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
            return _UNARY[type(node.op)](self.run(node.operand))
        if isinstance(node, ast.Attribute) and node.attr == "T":
            return self.run(node.value).T
        if isinstance(node, ast.Subscript):
            return self.run(node.value)[self._index(node.slice)]
        if isinstance(node, ast.Tuple):
            return tuple(self.run(elt) for elt in node.elts)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.keywords:
            if node.func.id == "E":
                return self._expect(node.args)
            func = self.run(node.func)
            if not callable(func):
                raise ValueError(f"{node.func.id!r} is not a function")
            return func(*(self.run(arg) for arg in node.args))
        raise ValueError(f"expression element not allowed: {ast.dump(node)[:60]}")

    def _index(self, node: ast.expr) -> Any:
        if isinstance(node, ast.Slice):
            parts = (node.lower, node.upper, node.step)
            return slice(*(None if p is None else int(self.run(p)) for p in parts))
        if isinstance(node, ast.Tuple):
            return tuple(self._index(elt) for elt in node.elts)
        value = self.run(node)
        if not isinstance(value, int):
            raise ValueError(f"indices must be integers, got {value!r}")
        return value

    def _expect(self, args: list[ast.expr]) -> Any:
        if self.expectation is None:
            raise ValueError("E(...) needs a random variable, and none is bound here")
        if len(args) != 1:
            raise ValueError(f"E takes one argument, got {len(args)}")
        name = self.expectation.name
        had_name, saved = name in self.env, self.env.get(name)
        total: Any = 0.0
        try:
            for outcome, prob in self.expectation.outcomes:
                self.env[name] = outcome
                total = total + prob * self.run(args[0])
        finally:
            if had_name:
                self.env[name] = saved
            else:
                del self.env[name]
        return total


def evaluate(
    source: str, env: Mapping[str, Any], expectation: Expectation | None = None
) -> Any:
    """Evaluate ``source`` with the names in ``env`` (and ``E(...)`` over ``expectation``).

    >>> evaluate("a*x + b", {"a": 2, "x": 3, "b": 1})
    7
    >>> evaluate("E(r*r)", {}, Expectation("r", [(0, 0.5), (1, 0.5)]))
    0.5
    >>> evaluate("__import__('os')", {})
    Traceback (most recent call last):
      ...
    ValueError: unknown name '__import__'; known: []
    """
    tree = _parse(source)
    if expectation is not None and not isinstance(expectation, Expectation):
        raise TypeError(f"expectation must be an Expectation, got {type(expectation).__name__}")
    return _Evaluator(env, expectation).run(tree)
