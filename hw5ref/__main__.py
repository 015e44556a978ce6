"""Command line for instructors: fresh problem variants and an answer checker.

    python -m hw5ref variant PART --seed N [--json] [--no-answer]
    python -m hw5ref check PART [--seed N] [--json] [--] ANSWER

``variant`` prints a new instance of a sub-part (1b, 1c, 2b, 3a, 3b, 4) with its verified
answer, as Markdown or, with ``--json``, as JSON with stable keys; ``--no-answer`` leaves the
answer out of either. ``check`` grades ANSWER for a sub-part (1b, 1c, 2b, 3a, 3b, 4a, 4b, 4c,
4d) of the original problem, or of the variant with that seed, and says what is wrong. ANSWER
notations: see :mod:`hw5ref.reader`. Options may come anywhere after the command; an argument
that starts with ``-`` but is no option (``-1,3``, ``-``) is read as PART or ANSWER, and
everything after ``--`` is too. An unknown ``--word`` is reported as an unknown option.

Exit status: 0 = printed / correct, 1 = wrong answer, 2 = usage error or malformed answer
(with a one-line message on standard error, and nothing on standard output). No input gives a
traceback (an unexpected internal error is reported in one line, with status 2). Output that
the terminal cannot encode (a Windows console, a redirect under a legacy locale) is written
with ASCII spellings (``x`` for ``×``, ``->`` for ``→``, ``gamma`` for ``γ``).
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any, NoReturn, TextIO

from hw5ref import __version__, checker, parts, variants

__all__ = ["EXIT_MALFORMED", "EXIT_OK", "EXIT_WRONG", "main"]

EXIT_OK = 0
EXIT_WRONG = 1
EXIT_MALFORMED = 2

#: Largest seed accepted: numpy's generators take any integer, but a seed no one can type back
#: is a mistake, and huge integers slow everything that prints them.
MAX_SEED = 2**64 - 1
#: Each command's options (True: takes a value) and positional arguments.
_COMMANDS: dict[str, tuple[dict[str, bool], tuple[str, ...]]] = {
    "variant": ({"--seed": True, "--json": False, "--no-answer": False, "--help": False,
                 "-h": False}, ("PART",)),
    "check": ({"--seed": True, "--json": False, "--help": False, "-h": False},
              ("PART", "ANSWER")),
}
_TOP_OPTIONS = ("-h", "--help", "--version")
_ANSWER_PLACEHOLDER = "ANSWER"  # what argparse sees in place of the answer (kept aside)
_ASCII = {"×": "x", "→": "->", "←": "<-", "−": "-", "–": "-", "—": "-", "…": "...", "≈": "~",
          "≤": "<=", "≥": ">=", "≠": "!=", "·": "*", "γ": "gamma", "β": "beta", "Γ": "Gamma",
          "λ": "lambda", "α": "alpha", "μ": "mu", "σ": "sigma", "∂": "d", "√": "sqrt",
          "‖": "||", "“": '"', "”": '"', "‘": "'", "’": "'"}


class UsageError(Exception):
    """The command line is misused; the message is one line."""


class _Parser(argparse.ArgumentParser):
    """argparse that raises :class:`UsageError` instead of printing and exiting."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def _part_type(allowed: Sequence[str]) -> Callable[[str], str]:
    def parse(text: str) -> str:
        try:
            return parts.normalize(text, allowed)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"unknown part {_shown(text)}; choose one of {', '.join(allowed)}") from None

    return parse


def _shown(text: str) -> str:
    """``text`` quoted for a message: repr (escapes, one line), at most 40 characters."""
    return repr(text) if len(text) <= 40 else repr(text[:37]) + "..."


def _seed(text: str) -> int:
    digits = text.strip().lstrip("0") or "0"
    if not digits.isascii() or not digits.isdigit() or len(digits) > 20:
        raise argparse.ArgumentTypeError(
            f"seed must be a whole number from 0 to {MAX_SEED}, got {_shown(text)}")
    value = int(digits)
    if value > MAX_SEED:
        raise argparse.ArgumentTypeError(f"seed must be at most {MAX_SEED}, got {digits}")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="hw5ref",
        allow_abbrev=False,
        description="Fresh HW5 problem variants with verified answers, and an answer checker.",
        epilog="Exit status: 0 printed/correct, 1 wrong answer, 2 usage error or malformed answer.",
    )
    parser.add_argument("--version", action="version", version=f"hw5ref {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND",
                                parser_class=_Parser)
    sub_options: dict[str, Any] = {"allow_abbrev": False}
    var = sub.add_parser(
        "variant", **sub_options,
        help="print a new instance of a sub-part with its answer",
        description="Print a new instance of a sub-part, with its verified answer. The same "
        "seed always gives the same instance; 3a and 3b share the layer, 4 covers 4(a)-4(d).",
    )
    var.add_argument("part", metavar="PART", type=_part_type(variants.ACCEPTED_PARTS),
                     help=f"one of {', '.join(variants.VARIANT_PARTS)}")
    var.add_argument("--seed", type=_seed, required=True, metavar="N",
                     help=f"whole number from 0 to {MAX_SEED} selecting the instance")
    var.add_argument("--json", action="store_true", help="print JSON instead of Markdown")
    var.add_argument("--no-answer", action="store_true",
                     help="leave the answer out (for handing out), in Markdown or JSON")
    chk = sub.add_parser(
        "check", **sub_options,
        help="grade an answer and say what is wrong",
        description="Grade ANSWER for a sub-part of the original problem (no --seed) or of "
        "the variant with --seed N. Numbers (3, -1.5, 2/3), vectors (2,-1,3 or [2 -1 3]), "
        "matrices (-1,3,-2; 3,-3,1; 0,3,1, numpy's or MATLAB's printout, JSON, a LaTeX "
        "bmatrix), and for 3a, 3b and 4a sums such as 27+12 or 27+12=39.",
    )
    chk.add_argument("part", metavar="PART", type=_part_type(checker.CHECK_PARTS),
                     help=f"one of {', '.join(checker.CHECK_PARTS)}")
    chk.add_argument("answer", metavar="ANSWER", help="the answer to grade (quote it)")
    chk.add_argument("--seed", type=_seed, default=None, metavar="N",
                     help="grade against the variant with this seed (default: original)")
    chk.add_argument("--json", action="store_true", help="print the verdict as JSON")
    return parser


def _arrange(argv: list[str]) -> tuple[list[str], str | None]:
    """``argv`` rearranged for argparse, and the ``check`` ANSWER, kept apart.

    Options may come anywhere after the command; any other argument (also one that starts
    with ``-``, such as ``-1,3``, and everything after ``--``) is positional.  argparse then
    sees ``COMMAND OPTIONS -- PART [ANSWER]`` with the answer replaced by a placeholder, so
    that no answer, however it is spelled, is ever read as an option.  Raises UsageError for an
    option before the command, an unknown option, and a positional argument too many.
    """
    for i, token in enumerate(argv):
        if token in _TOP_OPTIONS:
            return argv, None  # argparse prints the help or the version
        if token.startswith("-") and token != "-":
            raise UsageError(f"unknown option {_shown(token)}; start with a command: variant "
                             "or check")
        command, rest = token, argv[i + 1:]
        break
    else:
        return argv, None  # no command: argparse says it is required
    if command not in _COMMANDS:
        return argv, None  # argparse: invalid choice
    options, names = _COMMANDS[command]
    arranged: list[str] = []
    positional: list[str] = []
    tokens = iter(rest)
    for token in tokens:
        name, equals, _ = token.partition("=")
        if token == "--":
            positional += tokens
        elif name in options:
            if options[name] and not equals:  # --seed N, whatever N looks like
                value = next(tokens, None)
                arranged.append(token if value is None else f"{token}={value}")
            else:
                arranged.append(token)
        elif token.startswith("--") and token[2:3].isalpha():
            listed = ", ".join(o + (" N" if v else "") for o, v in options.items() if o != "-h")
            raise UsageError(f"unknown option {_shown(token)} for {command}; its options are "
                             f"{listed}")
        else:
            positional.append(token)
    if len(positional) > len(names):
        extra = " ".join(_shown(t) for t in positional[len(names):])
        hint = "; quote an answer with spaces, as in '2 -1 3'" if command == "check" else ""
        raise UsageError(f"{command} takes {' and '.join(names)}, got more arguments: {extra}"
                         f"{hint}")
    answer = positional[1] if command == "check" and len(positional) == 2 else None
    if answer is not None:
        positional[1] = _ANSWER_PLACEHOLDER
    return [command, *arranged, "--", *positional], answer


def _ascii(text: str) -> str:
    """``text`` with ASCII spellings for what a legacy terminal cannot show."""
    spelled = "".join(_ASCII.get(ch, ch) for ch in text)
    folded = unicodedata.normalize("NFKD", spelled)
    return folded.encode("ascii", "replace").decode("ascii")


def _write(stream: TextIO, text: str) -> None:
    try:
        stream.write(text)
    except UnicodeEncodeError:
        stream.write(_ascii(text))


def _dump(data: object) -> str:
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _run(argv: list[str]) -> int:
    arranged, answer = _arrange(argv)
    args = _parser().parse_args(arranged)
    if args.command == "variant":
        problem = variants.variant(args.part, args.seed)
        if args.json:
            _write(sys.stdout, _dump(problem.to_dict(show_answer=not args.no_answer)))
        else:
            _write(sys.stdout, problem.to_markdown(show_answer=not args.no_answer))
        return EXIT_OK
    assert answer is not None  # argparse requires ANSWER, and _arrange kept it
    verdict = checker.check(args.part, answer, args.seed)
    _write(sys.stdout, _dump(verdict.to_dict()) if args.json else verdict.render())
    return EXIT_OK if verdict.correct else EXIT_WRONG


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default ``sys.argv[1:]``); return the exit status.

    >>> main(["check", "3b", "27+12"])
    3b (original problem): correct - depthwise 27 + pointwise 12 = 39
    0
    """
    args = list(sys.argv[1:] if argv is None else argv)
    command = args[0] if args and args[0] in _COMMANDS else None  # _arrange's rule
    try:
        return _run(args)
    except SystemExit as exc:  # --help and --version print and exit with status 0
        return exc.code if isinstance(exc.code, int) else EXIT_MALFORMED
    except UsageError as exc:
        helps = f"hw5ref {command} --help" if command else "hw5ref --help"
        _write(sys.stderr, f"hw5ref: error: {_one_line(exc)} (see {helps})\n")
        return EXIT_MALFORMED
    except ValueError as exc:  # a malformed answer (ReadError) or a wrong shape
        _write(sys.stderr, f"hw5ref{' ' + command if command else ''}: error: {_one_line(exc)}\n")
        return EXIT_MALFORMED
    except Exception as exc:  # a bug: still one line, never a traceback
        _write(sys.stderr, f"hw5ref: internal error ({type(exc).__name__}: {_one_line(exc)}); "
                           "please report the command line\n")
        return EXIT_MALFORMED


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:2000]


if __name__ == "__main__":
    sys.exit(main())
