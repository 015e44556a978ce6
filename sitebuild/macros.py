"""Every macro a page can call (mkdocs-macros-plugin, ``module_name: sitebuild/macros``).

Macros run only on pages whose front matter says ``render_macros: true``. What a macro returns
is computed while the site builds, so no copy of it exists in the Markdown to drift out of date:
values (``{{ answer("q3.weights_only.standard") }}``), tables, derivations, figures from the
executed notebooks, command-line runs, and the model-analysis pages. Jinja comments use
``{## ... ##}`` (set in mkdocs.yml) so that heading anchors like ``{#q2a}`` stay Markdown.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import re
import shlex
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from hw5ref import parts  # noqa: E402
from sitebuild import analysis_pages, notebooks  # noqa: E402
from sitebuild import changelog as changes  # noqa: E402
from sitebuild.render import answer  # noqa: E402

NOTEBOOKS = ROOT / "docs" / "notebooks"
_analysis_memo: dict[str, Any] = {}


def graded_analysis() -> Any:
    """The graded records, graded again only when a file of the evaluations folder changed."""
    from hw5ref.grading.analysis import analyse
    from hw5ref.grading.records import evaluations_dir, load_evaluations

    directory = evaluations_dir()
    digest = hashlib.sha256()
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    key = digest.hexdigest()
    if key not in _analysis_memo:
        analysis = analyse(load_evaluations(directory))
        if analysis.problems:
            raise ValueError("inconsistent evaluation records:\n  "
                             + "\n  ".join(analysis.problems))
        _analysis_memo.clear()
        _analysis_memo[key] = analysis
    return _analysis_memo[key]


# ------------------------------------------------------------------ solutions
def changed(part: str) -> str:
    """The version in which a sub-part's published answers last changed, linked to the
    changelog (placed under each sub-part's heading)."""
    return changes.part_note(part)


def changelog() -> str:
    """The changelog's versions: changed keys computed, reasons from hw5ref/released/."""
    return changes.page()


def premise(premise_id: str) -> str:
    """What the homework states or asks, from ``hw5ref.parts.PREMISES``, with the anchor that
    the model-analysis pages link to (so the two cannot differ)."""
    item = parts.premise(premise_id)
    return f'<span id="premise-{item.id}"></span>{item.text}'


def _tex(x: Any) -> str:
    from fractions import Fraction

    from hw5ref.values import format_value

    if isinstance(x, Fraction) and x.denominator != 1:  # exact arithmetic stays a fraction
        return ("-" if x < 0 else "") + f"\\tfrac{{{abs(x.numerator)}}}{{{x.denominator}}}"
    return format_value(float(x) if isinstance(x, Fraction) else x, "tex")


def _term(coef: Any, name: str, first: bool) -> str:
    """``coef * name`` as a term of a sum: ``4w_2``, ``- w_3``, ``+ \\tfrac{13}{4} w_3``."""
    size = abs(coef)
    factor = "" if size == 1 else _tex(size) + ("\\," if "frac" in _tex(size) else "")
    if first:
        return f"{'-' if coef < 0 else ''}{factor}{name}"
    return f"{'-' if coef < 0 else '+'} {factor}{name}"


def _combination(coefs: Any, names: list[str]) -> str:
    terms = [(c, n) for c, n in zip(coefs, names, strict=True) if c != 0]
    return " ".join(_term(c, n, i == 0) for i, (c, n) in enumerate(terms)) or "0"


def elimination(matrix: str, rhs: str, unknown: str = "w") -> str:
    """The elimination of ``A w = y`` (``A``, ``y`` the values of two answer keys), as the
    triangular system it produces with each row operation beside its row
    (``hw5ref.derivations.eliminate``)."""
    from hw5ref import answers, derivations

    e = derivations.eliminate(answers.value(matrix), answers.value(rhs))
    n = len(e.rows)
    names = [f"{unknown}_{i + 1}" for i in range(n)]
    notes: dict[int, str] = {}
    for i, f, j in e.operations:
        notes[i] = (f"R_{i} \\leftrightarrow R_{j}" if f is None
                    else f"R_{i} - {'' if f == 1 else _tex(f)}R_{j}")
    lines = [f"{_combination(row[:n], names)} &= {_tex(row[n])}"
             + (f" && ({notes[i + 1]})" if i + 1 in notes else "")
             for i, row in enumerate(e.rows)]
    return "$$\n\\begin{aligned}\n" + "\\\\\n".join(lines) + "\n\\end{aligned}\n$$"


def _placed(x: Any, w: Any, i: int, j: int) -> Any:
    """The filter ``w`` placed where input entry (i, j) (from 0) sends it, scale 1."""
    import numpy as np

    from hw5ref import conv

    one = np.zeros_like(np.asarray(x, dtype=float))
    one[i, j] = 1.0
    return conv.conv_transpose2d(one, w)


def scatter_sum(input_key: str, filter_key: str) -> str:
    """``Y`` written as the sum of scaled, placed copies of the filter, one per input entry."""
    import numpy as np

    from hw5ref import answers

    x = np.asarray(answers.value(input_key), dtype=float)
    w = answers.value(filter_key)
    terms: list[str] = []
    for i, j in np.ndindex(x.shape):
        coef = _tex(x[i, j])
        sign = "" if not terms else ("" if coef.startswith("-") else "+ ")
        terms.append(f"{sign}{coef}{_tex(_placed(x, w, i, j))}")
    return "Y = " + "\n  ".join(terms)


def scatter_entry(input_key: str, filter_key: str, row: int, col: int) -> str:
    """Entry (row, col) of a transposed convolution (stride 1, from 1) as the sum of what each
    input entry's copy of the filter puts there: symbols, values, total."""
    import numpy as np

    from hw5ref import answers

    x = np.asarray(answers.value(input_key), dtype=float)
    w = np.asarray(answers.value(filter_key), dtype=float)
    symbols, values = [], []
    for i, j in np.ndindex(x.shape):
        a, b = row - 1 - i, col - 1 - j  # filter entry (from 0) that copy (i, j) puts there
        if 0 <= a < w.shape[0] and 0 <= b < w.shape[1]:
            symbols.append(f"X_{{{i + 1}{j + 1}}}W_{{{a + 1}{b + 1}}}")
            values.append(x[i, j] * w[a, b])
    total = _tex(sum(values))
    shown = " ".join(_tex(v) if k == 0 else (f"- {_tex(-v)}" if v < 0 else f"+ {_tex(v)}")
                     for k, v in enumerate(values))
    return f"Y_{{{row}{col}}} = " + " + ".join(symbols) + f" = {shown} = {total}"


def claim(claim_id: str, field: str = "claimed", style: str = "text") -> str:
    """A value a model claimed, from its record (``evaluations/``): the check's ``field``,
    written as ``style`` (``"text"``, ``"tex"``, or ``"sum"`` for a list of summands)."""
    from hw5ref.values import format_value

    analysis = graded_analysis()
    value = getattr(analysis.claim(claim_id).claim.check, field)
    if style == "sum":
        parts = [_tex(v) for v in value]
        return " + ".join(p if k == 0 or not p.startswith("-") else f"({p})"
                          for k, p in enumerate(parts))
    return format_value(value, "tex" if style == "tex" else "answer" if style == "answer"
                        else "text")


def q3_table(used_by: dict[str, str] | None = None) -> str:
    """Q3 parameter counts, one row per convention of ``hw5ref.answers.Q3_BIAS_CONVENTIONS``;
    ``used_by`` maps a convention to Markdown for a "Used by" column."""
    from hw5ref import answers

    used_by = used_by or {}
    unknown = set(used_by) - {c.name for c in answers.Q3_BIAS_CONVENTIONS}
    if unknown:
        raise ValueError(f"q3_table: unknown conventions {sorted(unknown)}")
    columns = (("standard", "Standard conv"), ("depthwise", "Depthwise"),
               ("pointwise", "Pointwise"), ("separable", "Separable total"))
    header = ["Convention", *(label for _, label in columns)] + (["Used by"] if used_by else [])
    rows = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for convention in answers.Q3_BIAS_CONVENTIONS:
        if used_by and convention.name not in used_by:
            continue
        cells = [convention.label] + [answer(f"q3.{convention.name}.{part}")
                                      for part, _ in columns]
        if used_by:
            cells.append(used_by[convention.name])
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def q4a_derivation() -> str:
    """Q4(a): one numbered block per line of ``hw5ref.derivations.DROPOUT_DERIVATION`` (the
    lines the tests evaluate against exact enumeration of the masks)."""
    from hw5ref import derivations

    blocks = []
    for i, step in enumerate(derivations.DROPOUT_DERIVATION, start=1):
        lhs = r"\mathcal{L}(\tilde w) = " if i == 1 else "= "
        blocks.append(f"**Line {i} ({step.label}).** {step.reason}\n\n$$\n{lhs}{step.latex}\n$$")
    return "\n\n".join(blocks)


def notebook_list() -> str:
    """A Markdown list linking every docs/notebooks/*.py by its title, in question order (the
    first "Q<n>(<part>)" its first cell mentions)."""
    import jupytext

    entries = []
    for path in NOTEBOOKS.glob("*.py"):
        source = jupytext.read(path).cells[0].source
        title = source.splitlines()[0].lstrip("#").strip()
        match = re.search(r"Q(\d)\(?([a-d])?", source)
        order = (match.group(1), match.group(2) or "") if match else ("9", "")
        entries.append((order, path.name, f"- [{title}]({path.name})"))
    return "\n".join(line for *_, line in sorted(entries))


def notebook_figure(notebook: str, caption: str = "") -> str:
    """The figure of docs/notebooks/``notebook``.py's cell tagged ``site-figure``, from this
    build's run of the notebook, with ``caption`` below it."""
    try:
        return notebooks.figure(notebook, caption)
    except (RuntimeError, ValueError) as exc:
        raise ValueError(f"notebook_figure({notebook!r}): {exc}") from exc


# ------------------------------------------------------------------ instructors page
def hw5ref_cli(command: str) -> str:
    """Run ``python -m hw5ref COMMAND`` in-process at build time and show the command, what it
    printed (standard output, then standard error) and its exit status as a text block."""
    from hw5ref.__main__ import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(shlex.split(command))
    printed = (out.getvalue() + err.getvalue()).rstrip("\n")
    return f"```text\n$ python -m hw5ref {command}\n{printed}\n[exit status {status}]\n```"


def variant_range(name: str) -> str:
    """What a variant generator draws, from ``hw5ref.variants.RANGES``: ``2–4`` for a range,
    ``3, 5 or 7`` for choices."""
    from hw5ref.values import format_number
    from hw5ref.variants import RANGES

    values = [format_number(v) for v in RANGES[name]]
    if name in ("3.kernel", "4.keep_probability"):
        return ", ".join(values[:-1]) + " or " + values[-1]
    return "–".join(values)


def check_parts() -> str:
    """The sub-parts the checker grades, as inline code."""
    from hw5ref.checker import CHECK_PARTS

    names = [f"`{p}`" for p in CHECK_PARTS]
    return ", ".join(names[:-1]) + " and " + names[-1]


def exit_codes() -> str:
    """The command line's exit statuses, from ``hw5ref.__main__``."""
    from hw5ref import __main__ as cli

    return (f"`{cli.EXIT_OK}` means the answer is correct (or the variant was printed), "
            f"`{cli.EXIT_WRONG}` that it is wrong, and `{cli.EXIT_MALFORMED}` that the answer is "
            "malformed or the command is misused (unknown part, unreadable number, rows of "
            "different lengths, wrong shape, negative seed, missing argument), always with a "
            "one-line message on standard error.")


def answer_notations(what: str = "table") -> str:
    """A table: each notation the checker reads, with a reference answer written in it by a
    writer of :mod:`hw5ref.values` and the checker's verdict on it, run now; with
    ``what="limits"``, the limits on answers and on the library, from the constants that
    enforce them."""
    if what == "limits":
        return _answer_limits()
    if what != "table":
        raise ValueError(f"answer_notations: what must be 'table' or 'limits', got {what!r}")
    from hw5ref import checker

    out = ["| notation | part | answer | verdict |", "|---|---|---|---|"]
    for label, part, text in _notation_rows():
        if "\n" in text:  # a table cell holds one line
            raise ValueError(f"answer_notations: the {label} example spans several lines")
        verdict = checker.check(part, text)
        word = "correct" if verdict.correct else "wrong"
        shown = text.replace("|", "\\|")
        out.append(f"| {label} | `{part}` | `{shown}` | {word} |")
    return "\n".join(out)


def _notation_rows() -> list[tuple[str, str, str]]:
    """(label, part, answer text) for each notation :mod:`hw5ref.reader` reads, every answer
    a reference answer of the original problem written by a writer of :mod:`hw5ref.values`."""
    from hw5ref import variants
    from hw5ref.values import format_sum, format_value

    def ref(part: str) -> Any:
        answer = variants.original(part).answer
        key = {"1b": "filter", "1c": "output", "4b": "inference_weights", "4c": "ridge_matrix"}
        return answer[key[part]]

    q3b = variants.original("3b").answer
    dw, pw, total = q3b["depthwise"]["weights"], q3b["pointwise"]["weights"], q3b["total"]
    return [
        ("a number", "3b", format_value(total, "answer")),
        ("a vector", "1b", format_value(ref("1b"), "answer")),
        ("a vector, spaces", "1b", format_value(ref("1b"), "answer").replace(",", " ")),
        ("a matrix, rows separated by `;`", "1c", format_value(ref("1c"), "answer")),
        ("fractions", "4c", format_value(ref("4c"), "answer")),
        ("numpy's printout (`print(w)`)", "4b", format_value(ref("4b"), "numpy")),
        ("numpy's `repr`", "1b", format_value(ref("1b"), "numpy-repr")),
        ("MATLAB", "1c", format_value(ref("1c"), "matlab")),
        ("LaTeX, a `bmatrix`", "1c", format_value(ref("1c"), "latex")),
        ("LaTeX fractions", "4c", format_value(ref("4c"), "latex")),
        ("JSON", "1c", format_value(ref("1c"), "json")),
        ("nested tuples (Python)", "1c", format_value(ref("1c"), "tuples")),
        ("trailing commas", "1c", format_value(ref("1c"), "trailing-commas")),
        ("Unicode minus signs (U+2212, as copied from a web page)", "1c",
         format_value(ref("1c"), "unicode-minus")),
        ("a count term by term (3a: weights + biases; 3b: depthwise + pointwise; 4a: fit + "
         "penalty)", "3b", format_sum([dw, pw])),
        ("the same with its total", "3b", format_sum([dw, pw], total)),
    ]


def _answer_limits() -> str:
    """The limits on an answer (:mod:`hw5ref.reader`), the seed and the library functions."""
    from hw5ref import __main__ as cli
    from hw5ref import _validate, derivations, dropout, reader

    n = derivations.MAX_ELIMINATION_SIZE
    return (
        f"**Limits.** An answer has at most {reader.MAX_LENGTH:,} characters, "
        f"{reader.MAX_DEPTH} nested brackets, {reader.MAX_ENTRIES:,} numbers and "
        f"{reader.MAX_DIGITS} characters per number. A number that is not finite (`inf`, "
        "`nan`) or overflows (`1e999`, a fraction or sum beyond float64) makes the answer "
        "malformed, naming the entry; it is never graded correct. A seed is a whole number "
        f"from 0 to {cli.MAX_SEED:,}. The library functions refuse, before allocating "
        f"anything, arrays of more than {_validate.MAX_ELEMENTS:,} entries (read or created), "
        f"more than {_validate.MAX_WORK:,} multiply-adds in one call, more than "
        f"{dropout.MAX_SAMPLES:,} Monte Carlo samples, more than {dropout.MAX_MASK_ENTRIES} "
        f"mask entries to enumerate and exact elimination beyond {n} × {n}; a result that "
        "overflows float64 is an error naming the arguments, never an inf or a NaN."
    )


def example_mistake(part: str) -> str:
    """A classic wrong answer, computed from the problem data: 3b with one depthwise filter
    instead of one per input channel; 4b with the weights divided by p instead of multiplied."""
    import numpy as np

    from hw5ref import answers
    from hw5ref.values import format_value

    if part == "3b":
        k, c_in, c_out = (answers.value(f"q3.{n}") for n in ("kernel", "c_in", "c_out"))
        return f"{k * k}+{c_out * c_in}"
    if part == "4b":
        w, p = np.asarray(answers.value("q4.w_tilde"), dtype=float), answers.value("q4.p")
        return format_value(w / p, "answer")
    raise ValueError(f"example_mistake: no example for part {part!r}")


def variant_markdown(part: str, seed: int, level: int = 3) -> str:
    """A generated variant (``hw5ref.variants.variant``) as Markdown, its heading at ``level``."""
    from hw5ref import variants

    text = variants.variant(part, seed).to_markdown()
    return "#" * level + text.removeprefix("##")


# ------------------------------------------------------------------ model analysis
def _with_analysis(fn: Callable[..., str]) -> Callable[..., str]:
    def macro(*args: Any) -> str:
        return fn(graded_analysis(), *args)

    macro.__name__ = fn.__name__
    macro.__doc__ = fn.__doc__
    return macro


MACROS: tuple[Callable[..., str], ...] = (
    answer, premise, changed, changelog, elimination, scatter_sum, scatter_entry, claim,
    q3_table, q4a_derivation,
    notebook_list, notebook_figure, hw5ref_cli, variant_range, check_parts, exit_codes,
    answer_notations, example_mistake, variant_markdown,
    analysis_pages.check_kinds, analysis_pages.record_fields, analysis_pages.premise_list,
    *(_with_analysis(fn) for fn in (
        analysis_pages.headline, analysis_pages.model_list, analysis_pages.taxonomy_ids,
        analysis_pages.download_list,
        analysis_pages.scorecard, analysis_pages.comparison, analysis_pages.audit,
        analysis_pages.taxonomy, analysis_pages.model_page)),
)


def define_env(env: Any) -> None:
    """Register every macro (called by mkdocs-macros-plugin)."""
    for macro in MACROS:
        env.macro(macro)
