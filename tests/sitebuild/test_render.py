"""sitebuild/render.py: how a value is written on a page. Expected texts are written by hand."""

from __future__ import annotations

import pytest

from sitebuild.render import answer, prose


@pytest.mark.parametrize(("args", "kwargs", "text"), [
    (("q1a.conv_params",), {}, "448"),
    (("q1a.dense_params",), {"thousands": True}, "120,847,089,664"),
    (("q1b.filter",), {}, "[2, -1, 3]"),
    (("q1b.filter", "tex"), {}, r"[2,\ -1,\ 3]"),
    (("q1b.filter",), {"index": 3}, "3"),
    (("q1c.output",), {"index": [2, 2]}, "-3"),
    (("q1c.output", "tex"), {},
     r"\begin{bmatrix} -1 & 3 & -2 \\ 3 & -3 & 1 \\ 0 & 3 & 1 \end{bmatrix}"),
    (("q1b.y", "tex-column"), {}, r"\begin{bmatrix} -2 \\ 2 \\ 11 \end{bmatrix}"),
    (("q2a.batch",), {}, "A"),
    (("q3.weights_only.ratio",), {}, "0.361"),              # published at 3 decimals: 13/36
    (("q4.dropout_minimizer", "tex-paren"), {}, r"(0.6295,\ 0.0201,\ -0.2381)"),
    (("q4.column_norms", "tex-paren"), {}, r"(3,\ 5,\ 3)"),
    (("q4.dropout_ridge_lambda",), {}, "0.25"),             # (1 - 0.8) / 0.8, rounded float
])
def test_values_as_the_page_shows_them(args: tuple[str, ...], kwargs: dict[str, object],
                                       text: str) -> None:
    assert answer(*args, **kwargs) == text  # type: ignore[arg-type]


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"key": "q9.nothing"}, "unknown answer key 'q9.nothing'"),
    ({"key": "q1c.output", "index": [4, 1]}, r"index \[4, 1\] \(from 1\) is outside"),
    ({"key": "q1c.output", "index": [0, 1]}, "is outside"),
    ({"key": "q1c.output", "index": 2}, "is outside"),
    ({"key": "q2a.batch", "style": "tex"}, "a letter takes no index or style"),
])
def test_wrong_requests_fail_the_build(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        answer(**kwargs)  # type: ignore[arg-type]


def test_notes_render_the_same_macro() -> None:
    assert prose("the centre is {{ answer(\"q1c.output\", index=[2, 2]) }}.") == "the centre is -3."
    assert prose("no macro here: {x}") == "no macro here: {x}"
    with pytest.raises(ValueError, match="unknown answer key"):
        prose('{{ answer("q9.nothing") }}')
