"""tools/guard.py: its mutations, that it catches what the checks catch, reports what they miss,
and always puts files back. The full guard over docs/ takes longer than a unit test should
(run it with `python tools/guard.py`); here it runs on a small sample page and, for tags and
answer boxes only (fast, in memory), on every page of the site.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tools import guard  # noqa: E402
from tools import published as P  # noqa: E402

SAMPLE = '''# Sample

!!! answer "Answer 1(b)"
    The filter is <span class="hw5-answer" data-key="q1b.filter">$[2,\\ -1,\\ 3]$</span>.

Batch norm is <span class="hw5-answer" data-key="q2a.batch">A</span>.

```python
import numpy as np
from hw5ref import answers

w = answers.q1b_filter()
assert w.tolist() == [2, -1, 3]
assert np.allclose(w.sum(), 4, atol=0.5)  # a tolerance keyword: not mutated
assert abs(w[0] - 2) < 1e-12  # exponent form: a tolerance, not mutated
assert len([1, 2]) == 2  # weak on purpose: changing the 1 or the first 2 keeps it true
```
'''


@pytest.mark.parametrize(
    ("token", "expected"),
    [("3", "4"), ("9", "0"), ("28.08", "28.09"), ("120,847,089,664", "120,847,089,665"),
     ("-1", "-2"), ("150_528", "150_529")],
)
def test_bump_last_digit(token: str, expected: str) -> None:
    assert guard.bump_last_digit(token) == expected


def test_bump_letter() -> None:
    assert [guard.bump_letter(t) for t in ("A", "**B**", "Z")] == ["B", "**C**", "A"]
    with pytest.raises(ValueError, match="no letter"):
        guard.bump_letter("12")
    with pytest.raises(ValueError, match="no digit"):
        guard.bump_last_digit("x")


def test_guard_on_a_sample_page(tmp_path: Path) -> None:
    page = tmp_path / "sample.md"
    page.write_text(SAMPLE, encoding="utf-8")
    report = guard.guard([page], [page])
    # tags: 3 numbers + 1 letter; one answer box: 2 planted numbers; asserts: 2, -1, 3; the
    # allclose target 4; the index 0 and the 2 in w[0] - 2; 1, 2, 2 in the weak line = 9.
    assert report.by_kind == {"tag": 4, "box prose": 1, "box math": 1, "assert": 9}
    assert report.broken == []
    survivors = [(m.kind, m.line, m.before, m.after) for m in report.survivors]
    assert survivors == [("assert", 16, "1", "2"), ("assert", 16, "2", "3")]
    assert report.caught == report.total - 2 and report.exit_code == 1
    assert "SURVIVED" in report.text() and "caught 13 of 15" in report.text()
    assert page.read_text(encoding="utf-8") == SAMPLE  # in-memory mode never writes


def test_guard_reports_a_page_that_fails_before_mutation(tmp_path: Path) -> None:
    page = tmp_path / "bad.md"
    page.write_text('<span class="hw5-answer" data-key="q1b.filter">[2, -1, 4]</span>\n')
    report = guard.guard([page], [])
    assert report.exit_code == 2 and "q1b.filter" in report.broken[0]


def test_pytest_mode_restores_the_file(tmp_path: Path) -> None:
    page = tmp_path / "one.md"
    source = "```python\nanswer = 6 * 7\nassert answer == 42\n```\n"
    page.write_text(source, encoding="utf-8")
    report = guard.guard([], [page], use_pytest=True)  # two pytest runs: clean, then 42 -> 43
    assert (report.total, report.caught, report.broken) == (1, 1, [])
    assert page.read_text(encoding="utf-8") == source


def test_file_restored_even_when_interrupted(tmp_path: Path) -> None:
    page = tmp_path / "x.md"
    page.write_text("original", encoding="utf-8")
    with pytest.raises(KeyboardInterrupt), guard.file_restored(page):
        page.write_text("mutated", encoding="utf-8")
        raise KeyboardInterrupt
    assert page.read_text(encoding="utf-8") == "original"


def test_every_tag_and_answer_box_on_the_site_is_guarded() -> None:
    pages = P.markdown_files(ROOT / "docs")
    report = guard.guard(pages, [])
    assert report.broken == [], report.broken
    assert report.survivors == [], report.text()
    assert report.by_kind is not None and report.by_kind["tag"] >= 30
