"""The generated model-analysis pages: content, links, a fake third model, and the MkDocs hook."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from grading_support import EVALUATIONS, FAKE, FAKE_NAME, ROOT

from hw5ref.grading.analysis import load_analysis
from hw5ref.grading.pages import (
    BASE,
    MARKERS,
    fill_markers,
    generated_pages,
    model_page_path,
    nav_entries,
)

HAND_PAGES = ("index.md", "add-an-evaluation.md")


@pytest.fixture(scope="module")
def real_pages() -> dict[str, str]:
    return generated_pages(load_analysis(EVALUATIONS))


def test_expected_pages_are_generated(real_pages: dict[str, str]) -> None:
    assert set(real_pages) == {
        f"{BASE}/scorecard.md", f"{BASE}/comparison.md", f"{BASE}/audit.md",
        f"{BASE}/taxonomy.md", model_page_path("claude"), model_page_path("gemini-2.5-flash"),
    }


def test_every_claim_has_an_anchor_on_its_model_page(real_pages: dict[str, str]) -> None:
    analysis = load_analysis(EVALUATIONS)
    for model in analysis.models:
        page = real_pages[model_page_path(model.model)]
        for claim in (*model.claims, *model.reviewer_claims):
            assert f'<a id="{claim.id}"></a>' in page


def _anchors(markdown: str) -> set[str]:
    return set(re.findall(r'<a id="([^"]+)"></a>', markdown)) | set(
        re.findall(r"\{#([^}]+)\}", markdown))


def test_links_between_generated_pages_resolve(real_pages: dict[str, str]) -> None:
    pages = dict(real_pages)
    for name in HAND_PAGES:
        pages[f"{BASE}/{name}"] = (ROOT / "docs" / BASE / name).read_text(encoding="utf-8")
    for path, text in pages.items():
        for target in re.findall(r"\]\(([^)#]+\.md)(?:#([^)]+))?\)", text):
            link, anchor = target
            resolved = (Path(path).parent / link).as_posix()
            parts: list[str] = []
            for piece in resolved.split("/"):
                if piece == "..":
                    parts.pop()
                else:
                    parts.append(piece)
            resolved = "/".join(parts)
            if not resolved.startswith(f"{BASE}/"):
                assert (ROOT / "docs" / resolved).is_file(), (path, link)
                continue
            assert resolved in pages, (path, link)
            if anchor:
                assert anchor in _anchors(pages[resolved]), (path, link, anchor)


def test_claude_q1c_evidence_shows_both_wrong_entries(real_pages: dict[str, str]) -> None:
    page = real_pages[model_page_path("claude")]
    block = page.split('<a id="claude-q1c-a1-output"></a>')[1].split("<a id=")[0]
    assert "(1, 1): claimed `0`, correct `-3`" in block
    assert "(1, 2): claimed `-1`, correct `1`" in block


def test_audit_lists_every_disagreement(real_pages: dict[str, str]) -> None:
    analysis = load_analysis(EVALUATIONS)
    audit = real_pages[f"{BASE}/audit.md"]
    for model in analysis.models:
        for part in model.parts.values():
            if not part.agrees:
                assert f"{{#{model.model}-{part.part}}}" in audit


def test_markers_are_all_replaced() -> None:
    analysis = load_analysis(EVALUATIONS)
    for name in HAND_PAGES:
        text = (ROOT / "docs" / BASE / name).read_text(encoding="utf-8")
        filled = fill_markers(text, analysis)
        assert "<!-- hw5ref:" not in filled
    assert set(MARKERS) == {m for name in HAND_PAGES for m in MARKERS
                            if m in (ROOT / "docs" / BASE / name).read_text(encoding="utf-8")}


def test_headline_counts_are_computed_from_the_records() -> None:
    analysis = load_analysis(EVALUATIONS)
    n = analysis.counts()
    headline = fill_markers("<!-- hw5ref:headline -->", analysis)
    assert f"**{n['claims']} claims**" in headline
    assert f"**{n['computed']} checked by computation**" in headline
    assert f"**{n['wrong']} claims are wrong**" in headline
    # independent recount from the raw grades
    claims = [c for m in analysis.models for c in m.claims]
    assert n["claims"] == len(claims) == n["computed"] + n["manual"]
    assert n["wrong"] == sum(c.grade.verdict == "wrong" for c in claims)
    assert n["disagreements"] == sum(
        not p.agrees for m in analysis.models for p in m.parts.values())


def test_a_third_model_appears_on_every_generated_page(
        make_evaluations: Callable[..., Path]) -> None:
    analysis = load_analysis(make_evaluations())
    assert analysis.problems == ()
    pages = generated_pages(analysis)
    assert model_page_path(FAKE) in pages
    for name in ("scorecard", "comparison", "audit"):
        assert FAKE_NAME in pages[f"{BASE}/{name}.md"], name
    assert f"models/{FAKE}.md#{FAKE}-q1c" in pages[f"{BASE}/scorecard.md"]
    assert f"{FAKE}-q4a" in pages[f"{BASE}/audit.md"]
    assert f"{FAKE}-q1c-a2-y11" in pages[f"{BASE}/taxonomy.md"]
    assert {FAKE_NAME: model_page_path(FAKE)} in nav_entries(analysis)[1]["Models"]
    assert analysis.counts()["models"] == 3
    assert FAKE_NAME in fill_markers("<!-- hw5ref:model-list -->", analysis)


STUB_SOLUTIONS = {
    "q1-convolutions": ("q1a", "q1b", "q1c"),
    "q2-normalization": ("q2a", "q2b"),
    "q3-depthwise-separable": ("q3a", "q3b"),
    "q4-dropout": ("q4a", "q4b", "q4c", "q4d"),
}


def test_hook_builds_the_pages_strictly_with_a_third_model(
        tmp_path: Path, make_evaluations: Callable[..., Path]) -> None:
    """A minimal MkDocs site with only this section, built with the real hook and --strict
    (link and anchor validation on), and a fake third model in the evaluations."""
    evaluations = make_evaluations()
    docs = tmp_path / "docs"
    (docs / BASE).mkdir(parents=True)
    (docs / "solutions").mkdir()
    (docs / "index.md").write_text("# Home\n", encoding="utf-8")
    for name in HAND_PAGES:
        (docs / BASE / name).write_text(
            (ROOT / "docs" / BASE / name).read_text(encoding="utf-8"), encoding="utf-8")
    for page, parts in STUB_SOLUTIONS.items():
        (docs / "solutions" / f"{page}.md").write_text(
            "# Stub\n\n" + "".join(f"## {p} {{#{p}}}\n\n" for p in parts), encoding="utf-8")
    config = {
        "site_name": "model pages test",
        "docs_dir": str(docs),
        "site_dir": str(tmp_path / "site"),
        "strict": True,
        "theme": {"name": "mkdocs"},
        "validation": {"links": {"anchors": "warn", "unrecognized_links": "warn"}},
        "nav": [{"Home": "index.md"}, {"Model analysis": [f"{BASE}/index.md"]}],
        "markdown_extensions": ["admonition", "attr_list", "md_in_html", "tables", "def_list",
                                "toc", "pymdownx.superfences"],
        "hooks": [str(ROOT / "tools" / "model_pages.py")],
    }
    config_path = tmp_path / "mkdocs.yml"
    config_path.write_text(yaml.safe_dump(config), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config_path)],
        capture_output=True, text=True, cwd=tmp_path, timeout=300,
        env={**os.environ, "HW5REF_EVALUATIONS": str(evaluations)},
    )
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    site = tmp_path / "site" / BASE
    fake_page = (site / "models" / FAKE / "index.html").read_text(encoding="utf-8")
    assert FAKE_NAME in fake_page
    for name in ("scorecard", "comparison", "audit", "taxonomy"):
        html = (site / name / "index.html").read_text(encoding="utf-8")
        assert FAKE_NAME in html or name == "taxonomy", name
        assert f"models/{FAKE}/" in html, name  # linked, hence also in the navigation
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "hw5ref:headline" not in index
    assert "checked by computation</strong>" in index
