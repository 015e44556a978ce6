"""hw5ref.__main__, the command line: in-process through main(argv) (many cases) and end to end
through ``python -m hw5ref`` in a subprocess (a few)."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys

import pytest

from hw5ref import variants
from hw5ref.__main__ import EXIT_MALFORMED, EXIT_OK, EXIT_WRONG, main

JSON_KEYS = {"part", "seed", "title", "data", "answer", "checks", "conventions", "statement",
             "solution"}


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# ----------------------------------------------------------------------------- variant
@pytest.mark.parametrize("part", variants.VARIANT_PARTS)
def test_variant_markdown_has_statement_answer_and_working_check_commands(
    capsys: pytest.CaptureFixture[str], part: str
) -> None:
    code, out, err = _run(capsys, "variant", part, "--seed", "11")
    assert code == EXIT_OK and err == ""
    assert out.startswith("## ") and "(seed 11)" in out.splitlines()[0]
    assert "**Answer.**" in out
    commands = [line.strip() for line in out.splitlines() if "python -m hw5ref check" in line]
    assert commands, out
    for command in commands:  # each printed command, run as written, accepts the answer
        argv = shlex.split(command)[3:]
        assert main(argv) == EXIT_OK, command
    capsys.readouterr()


@pytest.mark.parametrize("part", variants.VARIANT_PARTS)
def test_variant_no_answer_hides_the_answer(capsys: pytest.CaptureFixture[str], part: str) -> None:
    code, out, _ = _run(capsys, "variant", part, "--seed", "11", "--no-answer")
    assert code == EXIT_OK
    assert "**Answer.**" not in out and "hw5ref check" not in out
    problem = variants.variant(part, 11)
    assert problem.statement in out and problem.solution not in out


@pytest.mark.parametrize("part", variants.VARIANT_PARTS)
def test_variant_json_has_stable_keys_and_round_trips(
    capsys: pytest.CaptureFixture[str], part: str
) -> None:
    code, out, _ = _run(capsys, "variant", part, "--seed", "5", "--json")
    assert code == EXIT_OK
    data = json.loads(out)
    assert set(data) == JSON_KEYS
    assert data["part"] == part and data["seed"] == 5
    assert data == json.loads(json.dumps(variants.variant(part, 5).to_dict()))


def test_variant_accepts_part_spellings(capsys: pytest.CaptureFixture[str]) -> None:
    _, canonical, _ = _run(capsys, "variant", "1b", "--seed", "3")
    _, spelled, _ = _run(capsys, "variant", "Q1(b)", "--seed", "3")
    assert spelled == canonical
    _, four, _ = _run(capsys, "variant", "4", "--seed", "3")
    _, four_c, _ = _run(capsys, "variant", "4c", "--seed", "3")
    assert four_c == four


# ----------------------------------------------------------------------------- check
def test_check_correct_wrong_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "check", "1c", "--", "-1,3,-2; 3,-3,1; 0,3,1")
    assert code == EXIT_OK and out == "1c (original problem): correct - all 9 entries match\n"
    code, out, _ = _run(capsys, "check", "1c", "--", "-1,3,-2; 3,0,-1; 0,3,1")
    assert code == EXIT_WRONG
    assert out.splitlines()[1:] == [
        "  entry (2, 2): got 0, expected -3",
        "  entry (2, 3): got -1, expected 1",
    ]
    code, out, _ = _run(capsys, "check", "3b", "46", "--json")
    assert code == EXIT_OK
    verdict = json.loads(out)
    assert verdict["correct"] is True
    assert verdict["notes"][0].startswith("counted with PyTorch's biases (every layer) (30 + 16")
    code, out, _ = _run(capsys, "check", "--seed", "4", "3b", "1", "--json")
    assert code == EXIT_WRONG and json.loads(out)["seed"] == 4


@pytest.mark.parametrize("argv", [
    ["check", "1c", "-1,3,-2; 3,-3,1; 0,3,1"],            # with spaces
    ["check", "1c", "-1,3,-2;3,-3,1;0,3,1"],              # without: still the answer
    ["check", "1c", "--", "-1,3,-2;3,-3,1;0,3,1"],        # '--' is accepted too
])
def test_an_answer_starting_with_a_minus_is_an_answer(
    capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    code, out, err = _run(capsys, *argv)
    assert (code, err) == (EXIT_OK, ""), err
    assert ": correct - " in out


def test_a_negative_answer_after_the_seed_option(capsys: pytest.CaptureFixture[str]) -> None:
    # 4(b) of the first variant whose w~ starts negative: w = p w~, computed here
    seed = next(s for s in range(100) if variants.variant("4", s).data["w_tilde"][0] < 0)
    data = variants.variant("4", seed).data
    answer = ",".join(repr(data["p"] * v) for v in data["w_tilde"])
    assert answer.startswith("-")
    code, out, err = _run(capsys, "check", "--seed", str(seed), "4b", answer)
    assert (code, err) == (EXIT_OK, ""), err
    assert out.startswith(f"4b (seed {seed}): correct - ")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["variant", "5a", "--seed", "1"], "unknown part '5a'"),
        (["check", "5a", "1"], "unknown part '5a'"),
        (["check", "4", "1"], "unknown part '4'"),
        (["variant", "1b", "--seed", "-3"], "seed must be"),
        (["check", "1b", "2,-1,3", "--seed=-1"], "seed must be"),
        (["variant", "1b", "--seed", "abc"], "seed must be"),
        (["variant", "1b", "--seed", "1.5"], "seed must be"),
        ([], "required: COMMAND"),
        (["variant"], "required: PART"),
        (["variant", "1b"], "required: --seed"),
        (["check", "1b"], "required: ANSWER"),
        (["frobnicate"], "invalid choice"),
        # malformed answers: the reader's or the checker's message
        (["check", "1b", "2,x,3"], "cannot read"),
        (["check", "1c", "1,2;3"], "row 1 has 2, row 2 has 1"),
        (["check", "1c", "1,2;3,4"], "1c expects a 3x3 matrix"),
        (["check", "1c", "-1,3,-2"], "1c expects a 3x3 matrix"),
        (["check", "1b", "2,-1"], "1b expects a vector of 3 numbers"),
        (["check", "1b", ""], "the answer is empty"),
        (["check", "1b", "{\"a\": 1}"], "cannot read"),
    ],
)
def test_bad_input_exits_2_with_a_message(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, out, err = _run(capsys, *argv)
    assert code == EXIT_MALFORMED
    assert out == ""
    assert message in err


def test_help_and_version_exit_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "--help")
    assert code == EXIT_OK and "variant" in out and "check" in out and "Exit status" in out
    code, out, _ = _run(capsys, "check", "--help")
    assert code == EXIT_OK and "27+12=39" in out
    code, out, _ = _run(capsys, "--version")
    assert code == EXIT_OK and out.startswith("hw5ref ")


# ----------------------------------------------------------------------------- end to end
def _python_m(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hw5ref", *args], capture_output=True, text=True, timeout=60,
        check=False,
    )


def test_subprocess_variant_json() -> None:
    done = _python_m("variant", "1c", "--seed", "8", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data == json.loads(json.dumps(variants.variant("1c", 8).to_dict()))


def test_subprocess_check_wrong_answer_exits_1() -> None:
    done = _python_m("check", "3b", "9+12")
    assert done.returncode == 1
    assert "depthwise stage: got 9, expected 27" in done.stdout


def test_subprocess_malformed_answer_exits_2() -> None:
    done = _python_m("check", "1c", "--", "-1,3,-2; 3,-3")
    assert done.returncode == 2
    assert "rows have different lengths" in done.stderr and done.stdout == ""


def test_main_docstring_example_runs() -> None:
    # pytest --doctest-modules never collects a __main__.py, so its example is run here
    import doctest

    import hw5ref.__main__ as cli

    result = doctest.testmod(cli, report=False)
    assert result.attempted > 0 and result.failed == 0
