"""hw5ref.__main__, the command line: in-process through main(argv) (many cases) and end to end
through ``python -m hw5ref`` in a subprocess (a few)."""

from __future__ import annotations

import contextlib
import functools
import io
import json
import re
import shlex
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, reject, settings
from hypothesis import strategies as st

from hw5ref import checker, variants
from hw5ref.__main__ import EXIT_MALFORMED, EXIT_OK, EXIT_WRONG, main
from hw5ref.checker import CHECK_PARTS
from hw5ref.reader import read_answer
from hw5ref.values import NOTATIONS, format_sum, format_value

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



# ----------------------------------------------------------------------------- hostile input
def _call(*argv: str) -> tuple[int, str, str]:
    """main(argv) in-process, with standard output and error captured."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def _assert_well_behaved(code: int, out: str, err: str) -> None:
    """The documented contract: 0, 1 or 2; a failure is one line on stderr and nothing else."""
    assert code in (EXIT_OK, EXIT_WRONG, EXIT_MALFORMED)
    assert "Traceback" not in err and "internal error" not in err, err
    if code == EXIT_MALFORMED:
        assert out == "" and err.startswith("hw5ref") and err.endswith("\n"), (out, err)
        assert err.count("\n") == 1, err
    else:
        assert err == "", err


@pytest.mark.parametrize(("argv", "code", "expected"), [
    # options after an answer that starts with '-' (this used to be "unrecognized arguments")
    (["check", "1b", "-2,1,3", "--json"], EXIT_WRONG, '"correct": false'),
    (["check", "1b", "-1 2 3", "--seed", "3"], EXIT_WRONG, "1b (seed 3): wrong"),
    (["check", "--seed=3", "1b", "-1,1,2"], EXIT_OK, "1b (seed 3): correct"),
    (["check", "1b", "2,-1,3", "--seed", "0003"], EXIT_WRONG, "1b (seed 3)"),  # leading zeros
])
def test_options_may_come_anywhere(argv: list[str], code: int, expected: str) -> None:
    got, out, err = _call(*argv)
    assert (got, err) == (code, ""), err
    assert expected in out


@pytest.mark.parametrize(("argv", "message"), [
    # the answer '--' is named as typed (it used to be "cannot read ''")
    (["check", "1b", "--", "--"], "cannot read '--' at column 2"),
    (["check", "1b", "--", "-"], "cannot read '-' at column 2"),
    # unknown options are named as options, with the command's real options
    (["--frob"], "unknown option '--frob'; start with a command: variant or check"),
    (["check", "1b", "--frobnicate", "1"],
     "unknown option '--frobnicate' for check; its options are --seed N, --json, --help"),
    (["variant", "1b", "--seed", "1", "--bogus"],
     "its options are --seed N, --json, --no-answer, --help (see hw5ref variant --help)"),
    (["variant", "1b", "--see", "1"], "unknown option '--see'"),  # no abbreviations
    (["check", "1b", "--no-answer", "1"], "unknown option '--no-answer' for check"),
    # an unquoted answer with spaces
    (["check", "1b", "2", "-1", "3"], "check takes PART and ANSWER, got more arguments: '-1' '3'; "
                                      "quote an answer with spaces"),
    (["variant", "1b", "2b", "--seed", "1"], "variant takes PART, got more arguments: '2b'"),
    # seeds: 300 digits, negative, not a number; shown shortened, on one line
    (["variant", "1b", "--seed", "9" * 300], "seed must be a whole number from 0 to "),
    (["check", "1b", "1", "--seed", "-3"], "seed must be a whole number"),
    (["check", "1b", "1", "--seed"], "argument --seed: expected one argument"),
    (["check", "1b"], "the following arguments are required: ANSWER"),
    # the reports: graded correct (1e999), or tracebacks (an overflowing fraction,
    # deep nesting)
    (["check", "3a", "1e999"], "cannot read '1e999' at column 1: the number is too large"),
    (["check", "3a", "9" * 400 + "/1"], "the number is too large"),
    (["check", "1b", "[" * 5_000 + "1" + "]" * 5_000], "too deeply nested"),
    (["check", "1c", "[[1, 2, 3], [4, 5, 6], [7, 8, inf]]"], "entry (3, 3) is not finite"),
])
def test_misuse_is_one_line_and_exit_2(argv: list[str], message: str) -> None:
    code, out, err = _call(*argv)
    _assert_well_behaved(code, out, err)
    assert code == EXIT_MALFORMED and message in err, err
    assert len(err) < 400


def test_an_internal_error_is_still_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("a bug\nover two lines")

    monkeypatch.setattr(checker, "check", broken)
    code, out, err = _call("check", "1b", "2,-1,3")
    assert (code, out) == (EXIT_MALFORMED, "")
    assert err == "hw5ref: internal error (RuntimeError: a bug over two lines); please report " \
                  "the command line\n"


@pytest.mark.parametrize("part", variants.VARIANT_PARTS)
def test_no_answer_leaves_the_answer_out_of_every_format(part: str) -> None:
    _, text, _ = _call("variant", part, "--seed", "7", "--no-answer", "--json")
    data = json.loads(text)
    assert set(data) == JSON_KEYS - {"answer", "checks", "solution"}
    problem = variants.variant(part, 7)
    assert data == json.loads(json.dumps(problem.to_dict(show_answer=False)))
    assert problem.solution not in text
    _, markdown, _ = _call("variant", part, "--seed", "7", "--no-answer")
    assert problem.solution not in markdown and "hw5ref check" not in markdown


_ASCII_SPELLINGS = {"×": "x", "→": "->"}  # the only non-ASCII characters variants print


@pytest.mark.parametrize("part", variants.VARIANT_PARTS)
@pytest.mark.parametrize("options", [[], ["--no-answer"], ["--json"]])
def test_an_ascii_terminal_gets_ascii_spellings(part: str, options: list[str]) -> None:
    argv = ["variant", part, "--seed", "7", *options]
    _, unicode_text, _ = _call(*argv)
    assert set(re.sub(r"[\x00-\x7f]", "", unicode_text)) <= set(_ASCII_SPELLINGS)
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="ascii", newline="\n")
    with contextlib.redirect_stdout(stream):
        code = main(argv)
    stream.flush()
    assert code == EXIT_OK
    expected = unicode_text
    for char, spelling in _ASCII_SPELLINGS.items():
        expected = expected.replace(char, spelling)
    assert raw.getvalue().decode("ascii") == expected


def test_an_ascii_stderr_gets_the_message_too() -> None:
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="ascii", newline="\n")
    with contextlib.redirect_stderr(stream), contextlib.redirect_stdout(io.StringIO()):
        code = main(["check", "1b", "2 × 3"])
    stream.flush()
    assert code == EXIT_MALFORMED
    assert raw.getvalue().decode("ascii") == ("hw5ref check: error: cannot read '2 x 3' at column "
                                              "3: unexpected character 'x' (U+00D7 MULTIPLICATION "
                                              "SIGN)\n")


# ----------------------------------------------------------------------------- properties
PROPERTY = settings(max_examples=120, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])

_VOCABULARY = ["check", "variant", "1b", "1c", "2b", "3a", "3b", "4", "4a", "4c", "5a", "--seed",
               "--json", "--no-answer", "--", "-", "-h", "--version", "3", "-1", "0", "0x1",
               "9" * 30, "27+12", "-1,3,-2; 3,-3,1; 0,3,1", "2,-1,3", "inf", "1e999", "[[1,2]",
               "--seed=4", "--bogus", "\udcff", "\x00", "×", "\n", ""]


@PROPERTY
@given(st.lists(st.one_of(st.sampled_from(_VOCABULARY), st.text(max_size=12)), max_size=6))
def test_any_command_line_exits_0_1_or_2_without_a_traceback(argv: list[str]) -> None:
    _assert_well_behaved(*_call(*argv))


@PROPERTY
@given(st.sampled_from(CHECK_PARTS), st.text(max_size=80))
def test_any_answer_text_exits_0_1_or_2_without_a_traceback(part: str, text: str) -> None:
    _assert_well_behaved(*_call("check", part, text))


_seeds = st.one_of(st.none(), st.integers(0, 10**6))


@functools.cache
def _graded(part: str, seed: int | None) -> tuple[np.ndarray, tuple[np.ndarray, ...],
                                                   tuple[tuple[float, ...], ...]]:
    """The reference answer of a sub-part, every answer the checker accepts (the reference
    first, then the other Q3 bias conventions or the other choice of Gamma, computed here from
    the problem's data), and the accepted term-by-term sums of 3a, 3b and 4a."""
    family = variants.family(part)
    problem = variants.original(family) if seed is None else variants.variant(family, seed)
    a, d = problem.answer, problem.data
    if part in ("3a", "3b"):
        c_in, c_out, k = d["c_in"], d["c_out"], d["kernel"]
        if part == "3a":
            weights = c_out * c_in * k * k
            return (np.array(weights), (np.array(weights), np.array(weights + c_out)),
                    ((weights, 0), (weights, c_out)))
        dw, pw = c_in * k * k, c_out * c_in
        stages = [(dw, pw), (dw + c_in, pw + c_out), (dw, pw + c_out)]  # ours, PyTorch, Keras
        sums = tuple(stages) + tuple((b, a_) for a_, b in stages)  # either order
        return np.array(dw + pw), tuple(np.array(a_ + b) for a_, b in stages), sums
    if part == "4a":
        fit, penalty = a["fit_term"], a["penalty_term"]
        return (np.array(a["expected_loss"]), (np.array(a["expected_loss"]),),
                ((fit, penalty), (penalty, fit)))
    if part in ("4c", "4d"):
        X, p = np.array(d["X"], dtype=float), d["p"]
        norms = np.sqrt((X * X).sum(axis=0))
        gamma = np.sqrt((1 - p) / p) * norms
        if part == "4c":
            return X / gamma, (X / gamma, X / norms), ()
        return norms / gamma, (norms / gamma, np.ones(len(norms))), ()
    key = {"1b": "filter", "1c": "output", "2b": "dL_dx", "4b": "inference_weights"}[part]
    value = np.array(a[key], dtype=float)
    if part == "2b" and seed is None:
        value = value.reshape(())  # the original 2(b) asks for one number
    return value, (value,), ()


def _check_argv(part: str, seed: int | None, text: str, seed_first: bool) -> list[str]:
    flags = [] if seed is None else ["--seed", str(seed)]
    return ["check", *flags, part, text] if seed_first else ["check", part, text, *flags]


@PROPERTY
@given(st.sampled_from(CHECK_PARTS), _seeds, st.sampled_from(NOTATIONS), st.booleans(),
       st.data())
def test_every_accepted_answer_in_every_notation_is_correct(
    part: str, seed: int | None, notation: str, seed_first: bool, data: st.DataObject
) -> None:
    _, accepted, sums = _graded(part, seed)
    value = data.draw(st.sampled_from(accepted))
    text = format_value(value, notation)  # type: ignore[arg-type]
    code, out, err = _call(*_check_argv(part, seed, text, seed_first))
    assert (code, err) == (EXIT_OK, ""), (text, out, err)
    if sums:
        terms = data.draw(st.sampled_from(sums))
        total = data.draw(st.sampled_from([None, sum(terms)]))
        text = format_sum(terms, total, spaced=data.draw(st.booleans()))
        assert _call(*_check_argv(part, seed, text, seed_first))[0] == EXIT_OK, text


@PROPERTY
@given(st.sampled_from(CHECK_PARTS), _seeds, st.sampled_from(NOTATIONS), st.data())
def test_a_changed_entry_is_wrong_unless_it_is_another_accepted_answer(
    part: str, seed: int | None, notation: str, data: st.DataObject
) -> None:
    reference, accepted, _ = _graded(part, seed)
    changed = reference.astype(float).copy()
    index = data.draw(st.integers(0, max(changed.size - 1, 0)))
    others = [float((acc - reference).flat[index]) for acc in accepted[1:]]  # hit those too
    sign = data.draw(st.sampled_from([1.0, -1.0]))
    delta = data.draw(st.one_of(st.integers(1, 5).map(lambda v: sign * v),
                                st.floats(1e-7, 3).map(lambda v: sign * v),
                                st.sampled_from([1e-6, -0.004, 0.01, *others])))
    changed.flat[index] += delta
    text = format_value(changed, notation)  # type: ignore[arg-type]
    reading = read_answer(text)
    got = reading.values.reshape(reference.shape)
    tol = reading.tolerances.reshape(reference.shape)
    should_pass = any(bool(np.all(np.abs(got - acc) <= tol)) for acc in accepted)
    event("accepted" if should_pass else "rejected")
    code, out, err = _call("check", part, text, *([] if seed is None else ["--seed", str(seed)]))
    assert err == "" and code == (EXIT_OK if should_pass else EXIT_WRONG), (text, out)


_NON_FINITE = ["inf", "-inf", "nan", "NaN", "np.inf", "Infinity", "1e999", "-1e400", "9" * 400,
               "1/0", "\\frac{1}{0}", "2e308"]
_SENTINEL = 4.125


@PROPERTY
@given(st.sampled_from(CHECK_PARTS), _seeds, st.sampled_from(NOTATIONS),
       st.sampled_from(_NON_FINITE), st.data())
def test_nothing_non_finite_is_ever_correct(
    part: str, seed: int | None, notation: str, bad: str, data: st.DataObject
) -> None:
    reference, _, _ = _graded(part, seed)
    value = reference.astype(float).copy()
    index = data.draw(st.integers(0, max(value.size - 1, 0)))
    value.flat[index] = _SENTINEL
    written = format_value(value, notation)  # type: ignore[arg-type]
    found = list(re.finditer(r"(?<![\d.])4\.125(?!\d)", written))
    if len(found) != 1:
        reject()  # the sentinel is not written as 4.125 in this notation
    text = written[:found[0].start()] + bad + written[found[0].end():]
    shape = read_answer(written).values.shape
    where = ("the number" if not shape else
             f"entry {index + 1}" if len(shape) == 1 else
             "entry ({}, {})".format(*(int(i) + 1 for i in np.unravel_index(index, shape))))
    code, out, err = _call("check", part, text, *([] if seed is None else ["--seed", str(seed)]))
    _assert_well_behaved(code, out, err)
    assert code == EXIT_MALFORMED, (text, out)
    assert f"{where} " in err and re.search(r"not finite|too large|divides by zero", err), err
