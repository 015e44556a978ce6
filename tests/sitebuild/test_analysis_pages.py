"""sitebuild/analysis_pages.py: the model-analysis pages from the graded records: every claim
anchored, links that resolve, counts recomputed independently, and a third model that appears
everywhere (a data-only change)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from hw5ref.grading.analysis import Analysis, load_analysis
from sitebuild import analysis_pages as P

ROOT = Path(__file__).resolve().parents[2]
HAND_PAGES = ("index.md", "add-an-evaluation.md", "models.md")


def pages_of(analysis: Analysis) -> dict[str, str]:
    """Every model-analysis page as it is built: the macro pages with their macros filled."""
    pages = {f"{P.BASE}/{name}.md": getattr(P, name)(analysis)
             for name in ("scorecard", "comparison", "audit", "taxonomy")}
    pages.update({P.model_page_path(m.model): P.model_page(analysis, m.model)
                  for m in analysis.models})
    pages[f"{P.BASE}/models.md"] = P.model_list(analysis, f"{P.BASE}/models.md")
    for name in ("index.md", "add-an-evaluation.md"):
        text = (ROOT / "docs" / P.BASE / name).read_text(encoding="utf-8")
        pages[f"{P.BASE}/{name}"] = (text.replace("{{ headline() }}", P.headline(analysis))
                                     .replace("{{ model_list() }}", P.model_list(analysis))
                                     .replace("{{ taxonomy_ids() }}", P.taxonomy_ids(analysis))
                                     .replace("{{ check_kinds() }}", P.check_kinds()))
    return pages


@pytest.fixture(scope="module")
def analysis() -> Analysis:
    return load_analysis()


def test_every_claim_has_an_anchor_on_its_model_page(analysis: Analysis) -> None:
    for model in analysis.models:
        page = P.model_page(analysis, model.model)
        for claim in (*model.claims, *model.reviewer_claims):
            assert f'<a id="{claim.id}"></a>' in page


def _anchors(markdown: str) -> set[str]:
    return set(re.findall(r'<a id="([^"]+)"></a>', markdown)) | set(
        re.findall(r"\{#([^}]+)\}", markdown))


def test_links_between_the_pages_resolve(analysis: Analysis) -> None:
    pages = pages_of(analysis)
    for path, text in pages.items():
        for link, anchor in re.findall(r"\]\(([^)#]+\.md)(?:#([^)]+))?\)", text):
            parts: list[str] = []
            for piece in (Path(path).parent / link).as_posix().split("/"):
                if piece == "..":
                    parts.pop()
                else:
                    parts.append(piece)
            resolved = "/".join(parts)
            if not resolved.startswith(f"{P.BASE}/"):
                assert (ROOT / "docs" / resolved).is_file(), (path, link)
                continue
            assert resolved in pages, (path, link)
            if anchor:
                assert anchor in _anchors(pages[resolved]), (path, link, anchor)


def test_claude_q1c_evidence_shows_both_wrong_entries(analysis: Analysis) -> None:
    page = P.model_page(analysis, "claude")
    block = page.split('<a id="claude-q1c-a1-output"></a>')[1].split("<a id=")[0]
    # Claude's first matrix [[-1, 3, -2], [3, 0, -1], [0, 3, 1]] against the hand-computed
    # [[-1, 3, -2], [3, -3, 1], [0, 3, 1]]: Y_22 and Y_23 differ.
    assert "(2, 2): claimed `0`, correct `-3`" in block
    assert "(2, 3): claimed `-1`, correct `1`" in block


def test_audit_lists_every_disagreement(analysis: Analysis) -> None:
    audit = P.audit(analysis)
    for model in analysis.models:
        for part in model.parts.values():
            if not part.agrees:
                assert f"{{#{model.model}-{part.part}}}" in audit


def test_headline_counts_are_recounted_from_the_grades(analysis: Analysis) -> None:
    n = analysis.counts()
    headline = P.headline(analysis)
    claims = [c for m in analysis.models for c in m.claims]
    assert n["claims"] == len(claims) == n["computed"] + n["manual"]
    assert n["wrong"] == sum(c.grade.verdict == "wrong" for c in claims)
    assert f"**{len(claims)} claims**" in headline
    assert f"**{sum(c.grade.verdict == 'wrong' for c in claims)} claims are wrong**" in headline


def test_check_kinds_table_lists_every_declared_field() -> None:
    from hw5ref.grading.kinds import CHECK_KINDS

    table = P.check_kinds()
    for name, cls in CHECK_KINDS.items():
        row = next(line for line in table.splitlines() if line.startswith(f"| `{name}` |"))
        for field in cls.model_fields:
            if field != "kind":
                assert f"`{field}`" in row, (name, field)


def test_a_third_model_appears_on_every_page(make_evaluations: Callable[..., Path]) -> None:
    from grading_support import FAKE, FAKE_NAME

    analysis = load_analysis(make_evaluations())
    assert analysis.problems == ()
    pages = pages_of(analysis)
    assert P.model_page_path(FAKE) in pages
    for name in ("scorecard", "comparison", "audit"):
        assert FAKE_NAME in pages[f"{P.BASE}/{name}.md"], name
    assert f"models/{FAKE}.md#{FAKE}-q1c" in pages[f"{P.BASE}/scorecard.md"]
    assert f"{FAKE}-q1c-a2-y22" in pages[f"{P.BASE}/taxonomy.md"]
    assert FAKE_NAME in pages[f"{P.BASE}/models.md"]
    assert analysis.counts()["models"] == 3
    stub = P.model_page_stub(FAKE, FAKE_NAME)
    assert f'{{{{ model_page("{FAKE}") }}}}' in stub and "render_macros: true" in stub
