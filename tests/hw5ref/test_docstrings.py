"""Documentation policy of the numeric core: every public function of ``_validate``, ``conv``,
``norm``, ``params`` and ``dropout`` carries a runnable example and states the shapes of its
array arguments.

The examples themselves are run once, by ``pytest --doctest-modules hw5ref`` (not here).
"""

from __future__ import annotations

import doctest
import importlib
import inspect
import re

import pytest

import hw5ref

#: The numeric core: every public function there must carry its own runnable example.
CORE = ("hw5ref._validate", "hw5ref.conv", "hw5ref.norm", "hw5ref.params", "hw5ref.dropout")

#: A symbolic shape such as ``(n, d)``, ``(d,)`` or ``(N, C, H, W)``.
SHAPE = re.compile(r"\(\s*[A-Za-z]\w*\s*(,\s*[A-Za-z]\w*\s*)*,?\s*\)")

#: Functions on scalars or shapes (no array shapes to state).
NO_SHAPES = {
    "conv_output_length",
    "conv_transpose_output_length",
    "normalization_axes",
    "conv2d_params",
    "depthwise_separable_params",
    "separable_dimension",
    "masks",
    "real_scalar",
    "integer",
    "pair",
    "probability",
    "flag",
    "real_array",
}


def public_functions(name: str) -> list[str]:
    module = importlib.import_module(name)
    return [p for p in module.__all__ if inspect.isfunction(getattr(module, p))]


@pytest.mark.parametrize("name", CORE)
def test_every_core_public_function_has_an_example(name: str) -> None:
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder()
    functions = public_functions(name)
    assert functions, f"{name} lists no public function in __all__"
    for public in functions:
        obj = getattr(module, public)
        examples = [t for t in finder.find(obj, public, module=module) if t.examples]
        assert examples, f"{name}.{public} has no doctest example"
        states_shape = SHAPE.search(obj.__doc__ or "") is not None
        assert states_shape or public in NO_SHAPES, f"{name}.{public}: state argument shapes"


def test_no_shape_exemption_is_stale() -> None:
    everything = {p for name in CORE for p in public_functions(name)}
    assert NO_SHAPES <= everything, sorted(NO_SHAPES - everything)


def test_the_policy_check_sees_a_missing_example_and_a_missing_shape() -> None:
    # The checks above, on two functions written to break them.
    def no_example(x: object) -> None:
        """Takes x of shape (n, d)."""

    def no_shape(x: object) -> None:
        """Takes x.

        >>> no_shape(1)
        """

    finder = doctest.DocTestFinder()
    assert not [t for t in finder.find(no_example, "no_example") if t.examples]
    assert [t for t in finder.find(no_shape, "no_shape") if t.examples]
    assert SHAPE.search(no_shape.__doc__ or "") is None
    assert SHAPE.search(no_example.__doc__ or "") is not None


def test_hw5ref_is_the_real_package_not_the_tests_folder() -> None:
    # tests/hw5ref/ has no __init__.py; if it came first on sys.path it would shadow the
    # package as a namespace package (hw5ref/__init__.py would never run).
    assert hw5ref.__file__ is not None and hw5ref.__file__.endswith("__init__.py")
    assert hw5ref.__version__
