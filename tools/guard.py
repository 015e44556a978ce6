"""Mutation guard: change each typed number of the docs, and each literal a code block asserts,
and confirm that some check fails.

    .venv/bin/python tools/guard.py                 # every page under docs/
    .venv/bin/python tools/guard.py docs/solutions/q1-convolutions.md
    .venv/bin/python tools/guard.py --pytest        # run mutated code blocks through pytest

Mutants (each applied alone to an in-memory copy of one page):

* **literal**: every number (last digit changed) and answer letter (next letter) typed in the
  prose, formulas and tables of a page, that is every literal ``sitebuild/literals.yaml``
  accounts for: the check of ``sitebuild.literals`` (run by tests/sitebuild/test_literals.py)
  must report the page. Results are not typed at all: they are rendered by macros.
* **assert**: in the Python blocks of the Markdown pages, every numeric literal inside an
  ``assert`` statement gets its last digit changed, and the block must then fail. Tolerances
  are skipped: literals written in exponent form (``1e-9``) and keyword arguments named
  ``atol``, ``rtol``, ``abs``, ``rel``, ``abs_tol``, ``rel_tol``. By default a block runs
  in-process exactly as pytest-markdown-docs runs it; ``--pytest`` instead writes the mutated
  file, runs ``pytest --markdown-docs`` on it and restores the file (also on Ctrl-C or SIGTERM).

Prints "caught X of Y" and every surviving mutant; exits 0 only if every mutant was caught,
1 if some survived, 2 if a page is not clean before any mutation.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import io
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sitebuild import literals as L  # noqa: E402

DOCS = ROOT / "docs"
TOLERANCE_KEYWORDS = {"atol", "rtol", "abs", "rel", "abs_tol", "rel_tol"}


@dataclass(frozen=True)
class Mutant:
    path: str
    line: int
    kind: str  # "literal" or "assert"
    before: str
    after: str
    text: str  # the whole mutated page

    def describe(self) -> str:
        return f"{self.path}:{self.line}: [{self.kind}] {self.before!r} -> {self.after!r}"


# ------------------------------------------------------------------ mutation helpers
def bump_last_digit(token: str) -> str:
    """Change the last digit of ``token`` by one (9 wraps to 0): '28.08' -> '28.09'."""
    for i in range(len(token) - 1, -1, -1):
        if token[i].isdigit():
            return token[:i] + str((int(token[i]) + 1) % 10) + token[i + 1 :]
    raise ValueError(f"no digit in {token!r}")


def bump_letter(token: str) -> str:
    """Change the last letter of ``token`` to the next one ('A' -> 'B', 'Z' -> 'A')."""
    for i in range(len(token) - 1, -1, -1):
        ch = token[i]
        if ch.isalpha():
            base = "A" if ch.isupper() else "a"
            return token[:i] + chr((ord(ch) - ord(base) + 1) % 26 + ord(base)) + token[i + 1 :]
    raise ValueError(f"no letter in {token!r}")


def _replace(text: str, start: int, end: int, new: str) -> str:
    return text[:start] + new + text[end:]


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


# ------------------------------------------------------------------ code-block mutants
def _fence_tests(text: str, path: Path) -> list[Any]:
    """The code blocks exactly as pytest-markdown-docs extracts them (same parser, same options)."""
    from markdown_it import MarkdownIt
    from pytest_markdown_docs.plugin import extract_fence_tests

    return list(extract_fence_tests(MarkdownIt("commonmark"), text, 0, path,
                                    markdown_type=path.suffix.lstrip(".")))


def _literal_nodes(tree: ast.AST) -> Iterator[ast.Constant]:
    """Numeric literals inside assert statements, minus tolerances."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Assert):
            continue
        skip: set[int] = set()
        for sub in ast.walk(node):
            if isinstance(sub, ast.keyword) and sub.arg in TOLERANCE_KEYWORDS:
                skip.update(id(n) for n in ast.walk(sub.value))
        for sub in ast.walk(node):
            if (
                isinstance(sub, ast.Constant)
                and isinstance(sub.value, int | float)
                and not isinstance(sub.value, bool)
                and id(sub) not in skip
            ):
                yield sub


def assert_mutants(path: Path, text: str, rel: str) -> Iterator[tuple[Mutant, int]]:
    """Mutants of assert literals, each with the file line of its block's first code line."""
    lines = text.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    for test in _fence_tests(text, path):
        tree = ast.parse(test.source)
        src_lines = test.source.splitlines()
        for node in sorted(_literal_nodes(tree), key=lambda n: (n.lineno, n.col_offset)):
            if node.lineno != node.end_lineno:
                continue
            src_line = src_lines[node.lineno - 1]
            file_line = lines[node.lineno - 1].rstrip("\n") if node.lineno <= len(lines) else ""
            if src_line != file_line:  # indented fence: columns would not match; skip it
                continue
            raw = src_line.encode("utf-8")
            start_col = len(raw[: node.col_offset].decode("utf-8"))
            end_col = len(raw[: node.end_col_offset].decode("utf-8"))
            token = src_line[start_col:end_col]
            if re.search(r"[eE]", token) or not re.search(r"\d", token):
                continue  # exponent form = tolerance; hex/other forms are not published numbers
            new = bump_last_digit(token)
            start = offsets[node.lineno - 1] + start_col
            mutated = _replace(text, start, start + len(token), new)
            yield Mutant(rel, node.lineno, "assert", token, new, mutated), test.start_line


def run_block_in_process(text: str, path: Path, start_line: int) -> bool:
    """Run the block starting at ``start_line`` as pytest-markdown-docs would; True if it passes."""
    from pytest_markdown_docs._runners import get_runner

    tests = [t for t in _fence_tests(text, path) if t.start_line == start_line]
    if len(tests) != 1:
        return False
    runner = get_runner(tests[0].runner_name)
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            runner.runtest(tests[0], {"__name__": "fence"})
    except Exception:
        return False
    return True


@contextlib.contextmanager
def file_restored(path: Path) -> Iterator[None]:
    """Put ``path`` back byte for byte afterwards, even on Ctrl-C or SIGTERM."""
    original = path.read_bytes()

    def on_term(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, on_term)
    try:
        yield
    finally:
        path.write_bytes(original)
        signal.signal(signal.SIGTERM, previous)


def run_file_with_pytest(text: str, path: Path) -> bool:
    """Write ``text`` to ``path``, run pytest-markdown-docs on it, restore; True if it passes."""
    with file_restored(path):
        path.write_text(text, encoding="utf-8")
        proc = subprocess.run(
            # Hypothesis's pytest plugin costs over a second of imports per run and no code
            # block in docs/ uses it.
            [sys.executable, "-m", "pytest", "--markdown-docs", "-q", "-x",
             "-p", "no:cacheprovider", "-p", "no:hypothesispytest", "--rootdir", str(ROOT),
             str(path)],
            cwd=ROOT, capture_output=True, text=True, env={**os.environ, "MPLBACKEND": "Agg"},
        )
    return proc.returncode == 0


# ------------------------------------------------------------------ driver
@dataclass
class Report:
    total: int = 0
    caught: int = 0
    survivors: list[Mutant] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)
    seconds: float = 0.0
    by_kind: dict[str, int] = field(default_factory=dict)

    def record(self, mutant: Mutant, caught: bool) -> None:
        self.by_kind[mutant.kind] = self.by_kind.get(mutant.kind, 0) + 1
        self.total += 1
        if caught:
            self.caught += 1
        else:
            self.survivors.append(mutant)

    def merge(self, other: Report) -> None:
        self.total += other.total
        self.caught += other.caught
        self.survivors += other.survivors
        self.broken += other.broken
        self.seconds += other.seconds
        for kind, n in other.by_kind.items():
            self.by_kind[kind] = self.by_kind.get(kind, 0) + n

    @property
    def exit_code(self) -> int:
        if self.broken:
            return 2
        return 0 if self.caught == self.total else 1

    def text(self) -> str:
        kinds = ", ".join(f"{k}: {v}" for k, v in sorted(self.by_kind.items()))
        out = [f"caught {self.caught} of {self.total} mutants in {self.seconds:.1f} s ({kinds})"]
        out += [f"  not clean before mutation: {b}" for b in self.broken]
        out += [f"  SURVIVED {m.describe()}" for m in self.survivors]
        return "\n".join(out)


def literal_mutants(page: str, text: str) -> Iterator[Mutant]:
    """One mutant per typed literal of ``page``: its last digit (or its letter) changed."""
    for lit in L.scan_page(text, page):
        new = bump_letter(lit.text) if lit.text.isalpha() else bump_last_digit(lit.text)
        yield Mutant(page, lit.line, "literal", lit.text, new,
                     _replace(text, lit.offset, lit.offset + len(lit.text), new))


def guard_literals(pages: dict[str, str] | None = None) -> Report:
    """Mutate every typed literal of every page (default: all of docs/, notebooks' Markdown
    included) and require :func:`sitebuild.literals.problems` to report the page."""
    t0 = time.perf_counter()
    report = Report()
    pages = pages if pages is not None else L.sources()
    listed = L.allowlist()
    for page, text in pages.items():
        baseline = L.problems({page: text}, {page: listed.get(page, {})})
        if baseline:
            report.broken.append(f"{page}: {baseline[0]}")
            continue
        for mutant in literal_mutants(page, text):
            caught = bool(L.problems({page: mutant.text}, {page: listed.get(page, {})}))
            report.record(mutant, caught)
    report.seconds = time.perf_counter() - t0
    return report


def guard_asserts(code_pages: Iterable[Path], use_pytest: bool = False,
                  progress: Callable[[str], None] | None = None) -> Report:
    """Mutate every literal the Python blocks of ``code_pages`` assert; each block must fail."""
    t0 = time.perf_counter()
    report = Report()
    for path in code_pages:
        rel = path.relative_to(DOCS).as_posix() if path.is_relative_to(DOCS) else str(path)
        text = path.read_text(encoding="utf-8")
        mutants = list(assert_mutants(path, text, rel))
        if not mutants:
            continue
        if progress:
            progress(f"{rel}: {len(mutants)} assert literals")
        if use_pytest:
            if not run_file_with_pytest(text, path):
                report.broken.append(f"{rel}: code blocks fail before mutation")
                continue
            for mutant, _ in mutants:
                report.record(mutant, not run_file_with_pytest(mutant.text, path))
            continue
        starts = sorted({s for _, s in mutants})
        failing = [s for s in starts if not run_block_in_process(text, path, s)]
        if failing:
            report.broken.append(f"{rel}: block at line {failing[0]} fails before mutation")
            continue
        for mutant, start in mutants:
            report.record(mutant, not run_block_in_process(mutant.text, path, start))
    report.seconds = time.perf_counter() - t0
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("paths", nargs="*", type=Path,
                        help="Markdown pages (default: every page under docs/)")
    parser.add_argument("--pytest", action="store_true",
                        help="run mutated code blocks with pytest --markdown-docs (slower)")
    args = parser.parse_args(argv)
    os.environ.setdefault("MPLBACKEND", "Agg")
    chosen = {p.resolve() for p in args.paths}
    pages = {name: text for name, text in L.sources().items()
             if not chosen or (DOCS / name).resolve() in chosen}
    code_pages = sorted(p for p in (chosen or set(DOCS.rglob("*.md"))) if p.suffix == ".md")
    try:
        report = guard_literals(pages)
        report.merge(guard_asserts(code_pages, use_pytest=args.pytest,
                                   progress=lambda s: print(s, file=sys.stderr)))
    except KeyboardInterrupt:
        print("interrupted; every file was restored", file=sys.stderr)
        return 130
    print(report.text())
    return report.exit_code


if __name__ == "__main__":
    sys.exit(main())
