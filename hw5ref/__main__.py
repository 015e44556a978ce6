"""Command line for instructors: fresh problem variants and an answer checker.

    python -m hw5ref variant PART --seed N [--json] [--no-answer]
    python -m hw5ref check PART [--seed N] [--json] [--] ANSWER

``variant`` prints a new instance of a sub-part (1b, 1c, 2b, 3a, 3b, 4) with its verified
answer, as Markdown or, with ``--json``, as JSON with stable keys.  ``check`` grades ANSWER for
a sub-part (1b, 1c, 2b, 3a, 3b, 4a, 4b, 4c, 4d) of the original problem, or of the variant
with that seed, and says what is wrong.  ANSWER syntax: see :mod:`hw5ref.checker`; put ``--``
before an answer that starts with ``-``.

Exit status: 0 = printed / correct, 1 = wrong answer, 2 = usage error or malformed answer.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

from hw5ref import __version__, checker, variants

__all__ = ["EXIT_MALFORMED", "EXIT_OK", "EXIT_WRONG", "main"]

EXIT_OK = 0
EXIT_WRONG = 1
EXIT_MALFORMED = 2

_VARIANT_CHOICES = (*variants.VARIANT_PARTS, "4a", "4b", "4c", "4d")


class _Parser(argparse.ArgumentParser):
    """argparse with a hint for the most common slip: an answer such as ``-1,3`` without ``--``."""

    def error(self, message: str) -> NoReturn:
        if "ANSWER" in message or "unrecognized arguments: -" in message:
            message += (
                "\nhint: an ANSWER that starts with '-' must come after '--', "
                "e.g. hw5ref check 1c -- '-1,3,-2; 3,-3,1; 0,3,1'"
            )
        super().error(message)


def _part_type(allowed: Sequence[str]) -> Callable[[str], str]:
    def parse(text: str) -> str:
        try:
            return variants.normalize_part(text, allowed)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"unknown part {text!r}; choose one of {', '.join(allowed)}"
            ) from None

    return parse


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"seed must be a non-negative integer, got {text!r}"
        ) from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"seed must be a non-negative integer, got {value}")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="hw5ref",
        description="Fresh HW5 problem variants with verified answers, and an answer checker.",
        epilog="Exit status: 0 printed/correct, 1 wrong answer, 2 usage error or malformed answer.",
    )
    parser.add_argument("--version", action="version", version=f"hw5ref {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    var = sub.add_parser(
        "variant",
        help="print a new instance of a sub-part with its answer",
        description="Print a new instance of a sub-part, with its verified answer. The same "
        "seed always gives the same instance; 3a and 3b share the layer, 4 covers 4(a)-4(d).",
    )
    var.add_argument("part", metavar="PART", type=_part_type(_VARIANT_CHOICES),
                     help=f"one of {', '.join(variants.VARIANT_PARTS)}")
    var.add_argument("--seed", type=_seed, required=True, metavar="N",
                     help="non-negative integer selecting the instance")
    var.add_argument("--json", action="store_true", help="print JSON instead of Markdown")
    var.add_argument("--no-answer", action="store_true",
                     help="Markdown without the answer (for handing out)")

    chk = sub.add_parser(
        "check",
        help="grade an answer and say what is wrong",
        description="Grade ANSWER for a sub-part of the original problem (no --seed) or of "
        "the variant with --seed N. Numbers: 3, -1.5, 2/3. Vectors: '2,-1,3'. Matrices: rows "
        "separated by ';': '-1,3,-2; 3,-3,1; 0,3,1'. JSON lists work too. Counts and the loss "
        "of 4a may be written as sums: '27+12' or '27+12=39'.",
    )
    chk.add_argument("part", metavar="PART", type=_part_type(variants.CHECK_PARTS),
                     help=f"one of {', '.join(variants.CHECK_PARTS)}")
    chk.add_argument("answer", metavar="ANSWER", help="the answer to grade (quote it)")
    chk.add_argument("--seed", type=_seed, default=None, metavar="N",
                     help="grade against the variant with this seed (default: original)")
    chk.add_argument("--json", action="store_true", help="print the verdict as JSON")
    return parser


def _dump(data: object) -> str:
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default ``sys.argv[1:]``); return the exit status.

    >>> main(["check", "3b", "27+12"])
    3b (original problem): correct - depthwise 27 + pointwise 12 = 39
    0
    """
    parser = _parser()
    try:
        args = parser.parse_args(None if argv is None else list(argv))
    except SystemExit as exc:  # argparse has printed the usage error (or --help / --version)
        return exc.code if isinstance(exc.code, int) else EXIT_MALFORMED
    if args.command == "variant":
        problem = variants.variant(args.part, args.seed)
        if args.json:
            sys.stdout.write(_dump(problem.to_dict()))
        else:
            sys.stdout.write(problem.to_markdown(show_answer=not args.no_answer))
        return EXIT_OK
    try:
        verdict = checker.check(args.part, args.answer, args.seed)
    except ValueError as exc:
        sys.stderr.write(f"hw5ref check: error: {exc}\n")
        return EXIT_MALFORMED
    sys.stdout.write(_dump(verdict.to_dict()) if args.json else verdict.render())
    return EXIT_OK if verdict.correct else EXIT_WRONG


if __name__ == "__main__":
    sys.exit(main())
