"""The build-time macros behind the Q3 table and the Q4(a) derivation.

* ``q3_table`` must show, in every cell, an answer tag whose number matches a count derived
  here by hand from the layer shapes, and its output must pass the site's answer checker.
* ``q4a_derivation`` must render every checked line of ``hw5ref.derivations`` (its LaTeX and
  its reason) in order and nothing else as a numbered line, so the page shows exactly the
  lines that tests/docs/test_q4_derivation.py verifies.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hw5ref import answers
from hw5ref.derivations import DROPOUT_DERIVATION
from tools import macros, published  # the repository root is on sys.path (pytest)

ROOT = Path(__file__).resolve().parents[2]



SPAN = re.compile(r'<span class="hw5-answer" data-key="(?P<key>[^"]+)">(?P<text>[^<]*)</span>')

# By hand: c_in = 3, c_out = 4, k = 3. Standard weight (4, 3, 3, 3) = 108, bias 4;
# depthwise (3, 1, 3, 3) = 27, bias 3; pointwise (4, 3, 1, 1) = 12, bias 4.
HAND = {
    "weights_only": {"standard": 108, "depthwise": 27, "pointwise": 12, "separable": 39},
    "all_biases": {"standard": 112, "depthwise": 30, "pointwise": 16, "separable": 46},
    "pointwise_biases_only": {"standard": 108, "depthwise": 27, "pointwise": 16, "separable": 43},
}


def test_q3_table_cells_match_hand_counts() -> None:
    table = macros.q3_table()
    cells = {m["key"]: int(m["text"]) for m in SPAN.finditer(table)}
    expected = {f"q3.{c}.{part}": n for c, parts in HAND.items() for part, n in parts.items()}
    assert cells == expected
    lines = table.splitlines()
    assert len(lines) == 2 + len(HAND)  # header, separator, one row per convention
    assert all(line.count("|") == lines[0].count("|") for line in lines)


def test_q3_table_used_by_column() -> None:
    table = macros.q3_table(used_by={"pointwise_biases_only": "a reviewer"})
    assert table.splitlines()[0].rstrip().endswith("Used by |")
    assert "| a reviewer |" in table.splitlines()[-1]
    with pytest.raises(ValueError, match="unknown conventions"):
        macros.q3_table(used_by={"no_such_convention": "x"})


def test_q3_table_passes_the_answer_checker() -> None:
    table = macros.q3_table()
    assert published.check_text(table, answers.published(), path="<q3_table>") == []
    # and the checker bites on a doctored copy
    doctored = table.replace(">46<", ">47<")
    assert doctored != table
    assert published.check_text(doctored, answers.published(), path="<doctored>") != []


def test_answer_span_defaults_to_the_published_integer() -> None:
    assert macros.answer_span("q3.all_biases.separable") == (
        '<span class="hw5-answer" data-key="q3.all_biases.separable">46</span>'
    )
    with pytest.raises(ValueError, match="explicit text"):
        macros.answer_span("q4.expected_loss")  # 39.28: no silent rounding


def test_q4a_derivation_renders_exactly_the_checked_lines() -> None:
    text = macros.q4a_derivation()
    displays = re.findall(r"\$\$\n(.*?)\n\$\$", text, re.S)
    assert len(displays) == len(DROPOUT_DERIVATION)
    for i, (display, step) in enumerate(zip(displays, DROPOUT_DERIVATION, strict=True)):
        lhs = r"\mathcal{L}(\tilde w) = " if i == 0 else "= "
        assert display == lhs + step.latex
    headings = re.findall(r"\*\*Line (\d+) \(([^)]*)\)\.\*\* (.*?)\n\n", text, re.S)
    assert [(int(n), label) for n, label, _ in headings] == [
        (i, s.label) for i, s in enumerate(DROPOUT_DERIVATION, start=1)
    ]
    assert [reason for _, _, reason in headings] == [s.reason for s in DROPOUT_DERIVATION]


def test_q4_page_uses_the_macro() -> None:
    page = (ROOT / "docs" / "solutions" / "q4-dropout.md").read_text(encoding="utf-8")
    assert page.startswith("---\nrender_macros: true\n")
    assert page.count("{{ q4a_derivation() }}") == 1
