"""sitebuild/macros.py: the macros behind tables, derivations and examples, checked against
values worked out by hand in this file (never against hw5ref's own numbers)."""

from __future__ import annotations

import re

import pytest

from hw5ref import checker
from hw5ref.derivations import DROPOUT_DERIVATION
from sitebuild import macros


def test_every_macro_is_registered_once() -> None:
    names: list[str] = []

    class Env:
        def macro(self, fn: object) -> None:
            names.append(getattr(fn, "__name__", ""))

    macros.define_env(Env())
    assert len(names) == len(set(names))
    assert {"answer", "q3_table", "scorecard", "model_page", "notebook_figure"} <= set(names)


def test_q3_table_rows_are_the_counts_by_hand() -> None:
    # c_in = 3, c_out = 4, k = 3: standard weights 4*3*3*3 = 108 (+4 biases); depthwise 3*9 = 27
    # (+3); pointwise 4*3 = 12 (+4). PyTorch: every layer; Keras: standard and pointwise only.
    rows = [line.split("|")[2:6] for line in macros.q3_table().splitlines()[2:]]
    assert [[cell.strip() for cell in row] for row in rows] == [
        ["108", "27", "12", "39"], ["112", "30", "16", "46"], ["112", "27", "16", "43"]]
    with pytest.raises(ValueError, match="unknown conventions"):
        macros.q3_table({"nobody": "x"})


def test_q4a_derivation_shows_every_checked_line_in_order() -> None:
    text = macros.q4a_derivation()
    lines = re.findall(r"\*\*Line (\d+) \((.*?)\)\.\*\*", text)
    assert lines == [(str(i), s.label) for i, s in enumerate(DROPOUT_DERIVATION, start=1)]
    for step in DROPOUT_DERIVATION:
        assert step.latex in text and step.reason in text


def test_elimination_is_the_system_reduced_by_hand() -> None:
    # [1 4 0 | -2], [4 0 -2 | 2], [0 -2 3 | 11]: R2 - 4 R1 = [0 -16 -2 | 10];
    # R3 - (1/8) R2 = [0 0 13/4 | 39/4].
    text = macros.elimination("q1b.windows", "q1b.y")
    assert r"w_1 + 4w_2 &= -2" in text
    assert r"-16w_2 - 2w_3 &= 10 && (R_2 - 4R_1)" in text
    assert r"\tfrac{13}{4}\,w_3 &= \tfrac{39}{4} && (R_3 - \tfrac{1}{8}R_2)" in text


def test_scatter_sum_and_entry_by_hand() -> None:
    # X = [[-1, 2], [3, 1]], W = [[1, -1], [0, 1]]; Y_22 gets X11 W22 + X12 W21 + X21 W12 + X22 W11
    # = -1*1 + 2*0 + 3*(-1) + 1*1 = -3, and Y_23 gets X12 W22 + X22 W12 = 2 - 1 = 1.
    assert macros.scatter_entry("q1c.input", "q1c.filter", 2, 2) == (
        "Y_{22} = X_{11}W_{22} + X_{12}W_{21} + X_{21}W_{12} + X_{22}W_{11} = -1 + 0 - 3 + 1 = -3")
    assert macros.scatter_entry("q1c.input", "q1c.filter", 2, 3) == (
        "Y_{23} = X_{12}W_{22} + X_{22}W_{12} = 2 - 1 = 1")
    text = macros.scatter_sum("q1c.input", "q1c.filter")
    assert text.startswith(
        r"Y = -1\begin{bmatrix} 1 & -1 & 0 \\ 0 & 1 & 0 \\ 0 & 0 & 0 \end{bmatrix}")
    assert r"+ 3\begin{bmatrix} 0 & 0 & 0 \\ 1 & -1 & 0 \\ 0 & 1 & 0 \end{bmatrix}" in text


def test_claims_come_from_the_records() -> None:
    # Gemini's report: "Y_{2,2} = -1 + (-3) + 2 + 1 = -1"; Claude's: "(1,1): -1 + 0 + 1 = 0".
    assert macros.claim("gemini-2.5-flash-q1c-y22", "terms", "sum") == "-1 + (-3) + 2 + 1"
    assert macros.claim("claude-q1c-a2-y22", "terms", "sum") == "-1 + 0 + 1"
    assert macros.claim("claude-q1c-a1-output", style="answer") == "-1,3,-2; 3,0,-1; 0,3,1"
    assert macros.claim("claude-q2a-bn-letter") == "B"


def test_variant_ranges_read_as_the_generators_draw() -> None:
    assert macros.variant_range("1b.filter_length") == "2–4"
    assert macros.variant_range("3.kernel") == "3, 5 or 7"
    assert macros.variant_range("4.keep_probability") == "0.5, 0.8 or 0.9"


def test_every_documented_notation_is_accepted_and_mistakes_are_not() -> None:
    table = macros.answer_notations().splitlines()[2:]
    assert table and all(row.endswith("| correct |") for row in table), table
    # 3b with one 3x3 filter instead of one per input channel: 9 + 12; 4b divided by p = 0.8.
    assert macros.example_mistake("3b") == "9+12"
    assert macros.example_mistake("4b") == "1.25,-1.25,2.5"
    assert not checker.check("3b", macros.example_mistake("3b")).correct
    assert not checker.check("4b", macros.example_mistake("4b")).correct


def test_cli_output_is_what_main_prints() -> None:
    block = macros.hw5ref_cli("check 3b 27+12")
    assert block.splitlines() == [
        "```text", "$ python -m hw5ref check 3b 27+12",
        "3b (original problem): correct - depthwise 27 + pointwise 12 = 39",
        "[exit status 0]", "```"]


def test_notebook_list_is_in_question_order() -> None:
    links = re.findall(r"\]\((\w+)\.py\)", macros.notebook_list())
    assert links.index("transposed_conv_scatter") < links.index("normalization_diagrams")
    assert links.index("q2b_large_batch") < links.index("dropout_monte_carlo")


def test_hw5ref_cli_matches_a_real_run_in_a_separate_process() -> None:
    import subprocess
    import sys

    command = ["check", "1c", "--", "-1,3,-2; 3,0,-1; 0,3,1"]
    block = macros.hw5ref_cli("check 1c -- '-1,3,-2; 3,0,-1; 0,3,1'")
    done = subprocess.run([sys.executable, "-m", "hw5ref", *command], capture_output=True,
                          text=True, check=False, timeout=60)
    assert block.splitlines() == [
        "```text", "$ python -m hw5ref check 1c -- '-1,3,-2; 3,0,-1; 0,3,1'",
        *done.stdout.splitlines(), f"[exit status {done.returncode}]", "```"]
    assert done.returncode == 1


def test_hw5ref_cli_shows_errors_and_their_exit_status() -> None:
    block = macros.hw5ref_cli("check 1c '1,2; 3,4'")
    assert "1c expects a 3x3 matrix" in block and block.endswith("[exit status 2]\n```")


def test_variant_markdown_demotes_the_heading() -> None:
    text = macros.variant_markdown("3b", 2025)
    assert text.startswith("### 3(b) Parameters of a depthwise-separable convolution (seed 2025)")
    assert "python -m hw5ref check 3b --seed 2025" in text
    assert macros.variant_markdown("1b", 5, level=4).startswith("#### 1(b)")
