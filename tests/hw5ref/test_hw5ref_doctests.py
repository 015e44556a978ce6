"""Run the docstring examples of every hw5ref module, so documented examples cannot rot."""

from __future__ import annotations

import doctest
import importlib
import inspect
import pkgutil
import re
from types import ModuleType

import pytest

import hw5ref

MODULE_NAMES = sorted(
    info.name
    for info in pkgutil.walk_packages(hw5ref.__path__, prefix="hw5ref.")
    if not info.name.endswith("__main__")  # the command-line entry point; nothing to import-test
)
#: The numeric core: every public function there must carry its own runnable example.
CORE = ("hw5ref._validate", "hw5ref.conv", "hw5ref.norm", "hw5ref.params", "hw5ref.dropout")


def defines_functions(module: ModuleType) -> bool:
    return any(
        inspect.isfunction(obj) and obj.__module__ == module.__name__
        for obj in vars(module).values()
    )


@pytest.mark.parametrize("name", ["hw5ref", *MODULE_NAMES])
def test_module_doctests_pass(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS, report=False)
    assert result.failed == 0, (
        f"{result.failed} of {result.attempted} doctest examples failed in {name}"
    )
    if defines_functions(module):
        assert result.attempted > 0, f"{name} defines functions but has no doctest examples"


def test_core_modules_are_discovered() -> None:
    assert set(CORE) <= set(MODULE_NAMES)


@pytest.mark.parametrize("name", CORE)
def test_every_core_public_function_has_an_example(name: str) -> None:
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder()
    for public in module.__all__:
        obj = getattr(module, public)
        if not inspect.isfunction(obj):
            continue
        examples = [t for t in finder.find(obj, public, module=module) if t.examples]
        assert examples, f"{name}.{public} has no doctest example"
        states_shape = SHAPE.search(obj.__doc__ or "") is not None
        assert states_shape or public in NO_SHAPES, f"{name}.{public}: state argument shapes"


#: A symbolic shape such as ``(n, d)``, ``(d,)`` or ``(N, C, H, W)``.
SHAPE = re.compile(r"\(\s*[A-Za-z]\w*\s*(,\s*[A-Za-z]\w*\s*)*,?\s*\)")

#: Functions on scalars (no array shapes to state).
NO_SHAPES = {
    "conv_output_length",
    "conv_transpose_output_length",
    "normalization_axes",
    "conv2d_params",
    "depthwise_separable_params",
    "real_scalar",
    "integer",
    "pair",
    "probability",
    "flag",
    "real_array",
}


def test_hw5ref_is_the_real_package_not_the_tests_folder() -> None:
    # tests/hw5ref/ has no __init__.py; if it came first on sys.path it would shadow the
    # package as a namespace package (hw5ref/__init__.py would never run).
    assert hw5ref.__file__ is not None and hw5ref.__file__.endswith("__init__.py")
    assert hw5ref.__version__
