"""sitebuild/literals.py and its allowlist: no number is typed into docs/ unaccounted for, and
every edit of a typed number (or answer letter) makes the check fail.

The expected findings of the scanner are written out by hand below; the mutation test edits
every listed literal of every page, one digit at a time, and requires the check to fail.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sitebuild import literals as L  # noqa: E402
from tools import guard  # noqa: E402

SAMPLE = """---
title: "Q9 A sample"
---

# Q9 sample {#q9}

1. A list number is not a number.
2. The 1(b) and Q3 labels, 2-D, are not numbers either.

The input has 224 pixels and $y = 3x^2 + w_{11}$; `code 77` and {{ answer("q1b.filter") }}
are skipped, so is [a link](https://example.org/123) and <span data-x="99">42</span>.

| a | 16 |
|---|----|

```python
assert 5 == 5
```
"""


def test_scanner_finds_prose_formula_and_table_numbers_only() -> None:
    found = [(lit.text, lit.context) for lit in L.scan_page(SAMPLE, "solutions/q9.md")]
    # By hand: 224 (prose), 3 (formula, glued to x; the exponent 2 and the subscript 11 are
    # notation), 42 (the text inside the span), 16 (table). Not: list numbers, labels, code,
    # the macro, the link target, the attribute, the fenced block.
    assert found == [("224", "prose"), ("3", "math"), ("42", "prose"), ("16", "prose")]


def test_digits_glued_to_latex_commands_are_found() -> None:
    text = r"$\frac14 + \tfrac19 + \sqrt2$"
    assert [lit.text for lit in L.scan_page(text, "p.md")] == ["1", "4", "1", "9", "2"]


def test_answer_letters_are_found_on_the_q2_page() -> None:
    text = "Batch norm is **A**, and picture B is layer norm. A sentence."
    assert [lit.text for lit in L.scan_page(text, "solutions/q2-normalization.md")] == ["A", "B"]
    assert L.scan_page(text, "solutions/q1-convolutions.md") == []


def test_unlisted_wrongly_listed_and_miscounted_literals_are_reported() -> None:
    page = {"solutions/q9.md": "The image is $224 \\times 224$, one of $3$ and $7$."}
    listed = {"solutions/q9.md": {
        "224": {"count": 2, "stands_for": ["q1a.image"]},      # right
        "3": {"count": 2, "stands_for": ["q1b.y"]},            # q1b.y has no 3; count is 1
        "7": {"count": 1, "stands_for": ["notation"]},         # notation is only 0, 1, 2
    }}
    problems = L.problems(page, listed)
    assert len(problems) == 3, problems
    assert any("'3' occurs 1 times" in p for p in problems)
    assert any("'q1b.y', whose value does not contain it" in p for p in problems)
    assert any("'7' cannot be notation" in p for p in problems)
    assert L.problems({"solutions/q9.md": "a result: 108 weights"}, {}) != []
    # a result key is not problem data: it cannot be listed
    results = {"solutions/q9.md": {"108": {"count": 1, "stands_for": ["q3.weights_only.standard"]}}}
    assert "not a problem-data key" in L.problems({"solutions/q9.md": "108 weights"}, results)[0]


def test_every_typed_literal_in_docs_is_accounted_for() -> None:
    problems = L.problems()
    assert problems == [], "\n".join(problems)


def test_every_listed_literal_is_guarded() -> None:
    """Change each typed number (one digit) or answer letter of every page, one at a time: the
    check must fail for every one."""
    report = guard.guard_literals()
    assert report.total > 100
    assert report.survivors == [], report.text()


@pytest.mark.parametrize("text", ["1", "2", "224", "2.5", "1704.04861"])
def test_bumped_literals_differ(text: str) -> None:
    bumped = guard.bump_last_digit(text)
    assert bumped != text and re.fullmatch(r"[\d.,]+", bumped)
