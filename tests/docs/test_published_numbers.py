"""Every number the docs tag as a result matches hw5ref.answers; answer boxes hide no others.

The first test runs the checker (tools/published.py) on every Markdown page under docs/. The
rest pin down the checker itself on small hand-written pages against a hand-written answer
table, so a checker that silently accepted wrong numbers would fail here.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tools import published as P  # noqa: E402

PAGES = P.markdown_files(ROOT / "docs")


@pytest.fixture(scope="module")
def published() -> dict[str, object]:
    return P.published_values()


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT / "docs").as_posix())
def test_page_numbers_match_hw5ref(page: Path, published: dict[str, object]) -> None:
    problems = P.check_files([page], published)
    assert not problems, "\n" + "\n".join(map(str, problems))


def test_solution_pages_have_tags_and_boxes() -> None:
    for name in ("q1-convolutions.md", "q2-normalization.md"):
        page = P.scan((ROOT / "docs" / "solutions" / name).read_text(encoding="utf-8"), name)
        assert len(page.boxes) >= 2 and len(page.tags) >= 4, name
        assert all(b.title.startswith('"Answer ') for b in page.boxes), name


def test_every_published_value_can_be_displayed(published: dict[str, object]) -> None:
    for key, value in published.items():
        flat = P.flatten(value)
        assert isinstance(flat, str) or len(flat) >= 1, key


# ---------------------------------------------------------------- number extraction
def values(text: str) -> list[float]:
    return [n.value for n in P.numbers_in(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$[2,\\ -1,\\ 3]$", [2, -1, 3]),
        ("[2, -1, 3]", [2, -1, 3]),
        ("\u22123 and \u2212 4", [-3, -4]),  # Unicode minus, with or without a space
        ("120,847,089,664", [120847089664]),
        ("$120{,}847{,}089{,}664$", [120847089664]),
        ("$150\\,528$", [150528]),
        ("1,2345", [1, 2345]),  # not a thousands group: a comma then four digits
        ("$\\begin{bmatrix} -1 & 3 \\\\ 0 & -3.25 \\end{bmatrix}$", [-1, 3, 0, -3.25]),
        ("$\\frac{3}{4}$ and $-\\dfrac{1}{8}$", [0.75, -0.125]),
        ("$x_1 = 28.08$", [28.08]),  # the index in x_1 is not a number
        ("q2b and 3b and 2.5x", []),  # digits glued to letters are names, not numbers
        ("is 5. Then", [5]),
    ],
)
def test_numbers_in(text: str, expected: list[float]) -> None:
    assert values(text) == expected


def test_tolerance_is_half_a_unit_of_the_last_decimal() -> None:
    n1, n2, n3 = P.numbers_in("28.08 7 0.5")
    assert (n1.tolerance, n2.tolerance, n3.tolerance) == (0.005, 0.5, 0.05)


def test_number_offsets_point_at_the_text() -> None:
    text = "w = [2, -1, 3] and 120{,}847"
    for n in P.numbers_in(text, offset=10):
        assert text[n.start - 10 : n.end - 10] == n.text
    assert [n.text for n in P.numbers_in(text)] == ["2", "-1", "3", "120{,}847"]


# ---------------------------------------------------------------- tag checks
TABLE = {
    "v": [2.0, -1.0, 3.0], "big": 120847089664, "x": 28.08, "letter": "A", "m": [[1, 2], [3, 4]],
}


def span(key: str, body: str) -> str:
    return f'<span class="hw5-answer" data-key="{key}">{body}</span>'


def problems(text: str) -> list[str]:
    return [p.message for p in P.check_text(text, TABLE)]


@pytest.mark.parametrize(
    "text",
    [
        span("v", "$[2,\\ -1,\\ 3]$"),
        span("v", "[2, \u22121, 3]"),
        span("big", "120,847,089,664"),
        span("x", "28.08") + " " + span("x", "28.1") + " " + span("x", "28"),
        span("letter", "**A**") + span("letter", "$\\mathrm{A}$"),
        span("m", "$\\begin{bmatrix}1 & 2\\\\ 3 & 4\\end{bmatrix}$"),
    ],
)
def test_correct_tags_pass(text: str) -> None:
    assert problems(text) == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (span("v", "[2, -1, 4]"), "v[2]: shows '4'"),
        (span("v", "[2, 1, 3]"), "v[1]: shows '1'"),  # a lost minus sign
        (span("big", "120,847,089,665"), "big[0]"),
        (span("x", "28.09"), "x[0]"),  # off by more than half of 0.01
        (span("x", "28.2"), "x[0]"),
        (span("v", "[2, -1]"), "shows 2 number(s)"),
        (span("v", "[2, -1, 3, 0]"), "shows 4 number(s)"),
        (span("letter", "B"), "shows 'B'"),
        (span("nope", "1"), "unknown answer key 'nope'"),
        ('<span class="hw5-answer" data-key=v>2</span>', "malformed answer tag"),
        ('<span data-key="v" class="hw5-answer">2</span>', "malformed answer tag"),
    ],
)
def test_wrong_tags_fail(text: str, message: str) -> None:
    found = problems(text)
    assert len(found) == 1 and message in found[0], found


def test_a_transposed_matrix_fails_at_both_swapped_entries() -> None:
    found = problems(span("m", "$\\begin{bmatrix}1 & 3\\\\ 2 & 4\\end{bmatrix}$"))
    assert [f.split(":")[0] for f in found] == ["m[1]", "m[2]"]


def test_tags_in_code_are_examples_not_answers() -> None:
    fenced = "```html\n" + span("v", "9") + "\n```\n"
    inline = "write `" + span("v", "9") + "` to tag"
    assert problems(fenced) == [] and problems(inline) == []
    assert P.scan(fenced).tags == [] and P.scan(inline).tags == []


def test_flatten() -> None:
    assert P.flatten([[1, 2], [3, 4]]) == [1.0, 2.0, 3.0, 4.0]
    assert P.flatten(5) == [5.0]
    assert P.flatten("A") == "A"
    with pytest.raises(TypeError, match="published values"):
        P.flatten(True)


# ---------------------------------------------------------------- answer boxes
def box(*lines: str) -> str:
    return '!!! answer "Answer 9(z)"\n' + "".join(f"    {line}\n" for line in lines)


def test_box_with_tag_and_formula_passes() -> None:
    text = box(
        "The filter is $w = (w_1, w_2, w_3) =$ " + span("v", "$[2,\\ -1,\\ 3]$") + ".",
        "",
        "$$\\frac{\\partial L}{\\partial x_j} = \\gamma\\Big(g_j - \\frac{1}{n}"
        "\\sum_{i=1}^{n} g_i\\Big)$$",
        "A $3 \\times 3$ output, $p(1-p)$, $\\partial\\mu/\\partial x_j = 1/n$; see [this](#q1b).",
    )
    assert problems(text) == []


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("No tag at all here.", "no tagged span"),
        (span("x", "28.08") + " out of 100 tries", "digit in answer-box prose '100'"),
        (span("x", "28.08") + " and $-3$", "untagged number '$-3$'"),
        (span("x", "28.08") + " and $[1,\\ 2]$", "untagged number"),
        (span("x", "28.08") + " with $\\lambda = 1$", "untagged number '$\\\\lambda = 1$'"),
        (span("x", "28.08") + " and $x \\approx 2.5$", "untagged number"),
    ],
)
def test_box_rules(body: str, message: str) -> None:
    found = problems(box(body))
    assert len(found) == 1 and message in found[0], found


def test_box_ends_at_the_first_unindented_line() -> None:
    text = box(span("x", "28.08")) + "\nAfter the box, 42 is allowed in prose.\n"
    assert problems(text) == []
    (b,) = P.answer_boxes(text)
    assert "42" not in text[b.start : b.end]


def test_box_may_use_a_macro_instead_of_a_tag() -> None:
    assert problems(box("{{ q3_table() }}")) == []


def test_python_block_inside_an_admonition_is_flagged() -> None:
    text = '!!! note\n    ```python\n    assert 1 == 1\n    ```\n'
    (found,) = problems(text)
    assert "pytest-markdown-docs will not run it" in found
    assert problems(text.replace("```python", "```python notest")) == []
    assert problems("```python\nassert 1 == 1\n```\n") == []
