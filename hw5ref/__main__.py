"""Command line for instructors: fresh problem variants and an answer checker.

    python -m hw5ref variant PART --seed N [--json] [--no-answer]
    python -m hw5ref check PART [--seed N] [--json] [--] ANSWER

``variant`` prints a new instance of a sub-part (1b, 1c, 2b, 3a, 3b, 4) with its verified
answer, as Markdown or, with ``--json``, as JSON with stable keys; ``--no-answer`` leaves the
answer out of either. ``check`` grades ANSWER for a sub-part (1b, 1c, 2b, 3a, 3b, 4a, 4b, 4c,
4d) of the original problem, or of the variant with that seed, and says what is wrong. ANSWER
notations: see :mod:`hw5ref.reader`. An ANSWER that starts with ``-`` is read as an answer,
not an option (``--`` before it is accepted too).

Exit status: 0 = printed / correct, 1 = wrong answer, 2 = usage error or malformed answer
(with a one-line message on standard error). No input gives a traceback. Output that the
terminal cannot encode (a Windows console, a redirect under a legacy locale) is written with
ASCII spellings (``x`` for ``×``, ``->`` for ``→``, ``gamma`` for ``γ``).
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from collections.abc import Callable, Sequence
from typing import NoReturn, TextIO

from hw5ref import __version__, checker, parts, variants

__all__ = ["EXIT_MALFORMED", "EXIT_OK", "EXIT_WRONG", "main"]

EXIT_OK = 0
EXIT_WRONG = 1
EXIT_MALFORMED = 2

#: Largest seed accepted: numpy's generators take any integer, but a seed no one can type back
#: is a mistake, and huge integers slow everything that prints them.
MAX_SEED = 2**64 - 1
_VARIANT_CHOICES = (*variants.VARIANT_PARTS, "4a", "4b", "4c", "4d")
_OPTIONS = {"--seed", "--json", "--no-answer", "--help", "-h", "--version"}
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
                f"unknown part {text[:40]!r}; choose one of {', '.join(allowed)}") from None

    return parse


def _seed(text: str) -> int:
    digits = text.strip()
    if not digits.isascii() or not digits.isdigit() or len(digits) > 20:
        raise argparse.ArgumentTypeError(
            f"seed must be a whole number from 0 to {MAX_SEED}, got {text[:40]!r}")
    value = int(digits)
    if value > MAX_SEED:
        raise argparse.ArgumentTypeError(f"seed must be at most {MAX_SEED}, got {digits}")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="hw5ref",
        description="Fresh HW5 problem variants with verified answers, and an answer checker.",
        epilog="Exit status: 0 printed/correct, 1 wrong answer, 2 usage error or malformed answer.",
    )
    parser.add_argument("--version", action="version", version=f"hw5ref {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND",
                                parser_class=_Parser)
    var = sub.add_parser(
        "variant",
        help="print a new instance of a sub-part with its answer",
        description="Print a new instance of a sub-part, with its verified answer. The same "
        "seed always gives the same instance; 3a and 3b share the layer, 4 covers 4(a)-4(d).",
    )
    var.add_argument("part", metavar="PART", type=_part_type(_VARIANT_CHOICES),
                     help=f"one of {', '.join(variants.VARIANT_PARTS)}")
    var.add_argument("--seed", type=_seed, required=True, metavar="N",
                     help=f"whole number from 0 to {MAX_SEED} selecting the instance")
    var.add_argument("--json", action="store_true", help="print JSON instead of Markdown")
    var.add_argument("--no-answer", action="store_true",
                     help="leave the answer out (for handing out), in Markdown or JSON")
    chk = sub.add_parser(
        "check",
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


def _answers_are_positional(argv: list[str]) -> list[str]:
    """Put ``--`` before a ``check`` ANSWER that starts with ``-`` (such as ``-1,3``), so that
    argparse reads it as the answer whatever it contains; an unknown ``--word`` stays an
    option, and is reported as one."""
    if "check" not in argv or "--" in argv:
        return argv
    start = argv.index("check") + 1
    out = argv[:start]
    positional = 0
    i = start
    while i < len(argv):
        token = argv[i]
        if token in _OPTIONS or (token.startswith("--") and len(token) > 2):
            out.append(token)
            if token == "--seed" and i + 1 < len(argv):
                out.append(argv[i + 1])
                i += 1
        elif token.startswith("-") and positional == 1:
            out += ["--", *argv[i:]]  # the answer, and anything after it, positional
            return out
        else:
            positional += 1
            out.append(token)
        i += 1
    return out


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
    args = _parser().parse_args(_answers_are_positional(argv))
    if args.command == "variant":
        problem = variants.variant(args.part, args.seed)
        if args.json:
            data = problem.to_dict()
            if args.no_answer:
                for key in ("answer", "checks", "solution"):
                    del data[key]
            _write(sys.stdout, _dump(data))
        else:
            _write(sys.stdout, problem.to_markdown(show_answer=not args.no_answer))
        return EXIT_OK
    answer = args.answer
    if isinstance(answer, list):  # argparse keeps a lone "--" after "--" as a list
        answer = " ".join(answer)
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
    try:
        return _run(args)
    except SystemExit as exc:  # --help and --version print and exit with status 0
        return exc.code if isinstance(exc.code, int) else EXIT_MALFORMED
    except UsageError as exc:
        message = " ".join(str(exc).split())
        _write(sys.stderr, f"hw5ref: error: {message} (see hw5ref --help)\n")
        return EXIT_MALFORMED
    except ValueError as exc:  # a malformed answer (ReadError) or a wrong shape
        message = " ".join(str(exc).split())
        _write(sys.stderr, f"hw5ref check: error: {message}\n")
        return EXIT_MALFORMED


if __name__ == "__main__":
    sys.exit(main())
