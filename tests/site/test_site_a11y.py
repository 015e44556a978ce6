"""Accessibility: axe-core (pinned in tests/site/package-lock.json) finds no serious or critical
violation on any page of the built site."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sitecheck import AXE_JS, generated_pages

pytestmark = pytest.mark.browser

OpenPage = Callable[..., tuple[Any, Any]]
SEVERE = {"serious", "critical"}


def summarize(violations: list[dict[str, Any]]) -> list[str]:
    out = []
    for v in violations:
        if v.get("impact") not in SEVERE:
            continue
        targets = ["".join(map(str, n["target"])) for n in v["nodes"][:3]]
        more = f" (+{len(v['nodes']) - 3} more)" if len(v["nodes"]) > 3 else ""
        out.append(f"{v['impact']} {v['id']}: {v['help']} at {targets}{more}")
    return out


def test_summarize_keeps_only_serious_and_critical() -> None:
    node = {"target": ["#a"]}
    violations = [
        {"id": "x", "impact": "minor", "help": "h", "nodes": [node]},
        {"id": "color-contrast", "impact": "serious", "help": "Contrast", "nodes": [node] * 5},
        {"id": "image-alt", "impact": "critical", "help": "Alt", "nodes": [node]},
    ]
    assert summarize(violations) == [
        "serious color-contrast: Contrast at ['#a', '#a', '#a'] (+2 more)",
        "critical image-alt: Alt at ['#a']",
    ]


def severe_violations(open_page: OpenPage, rel: str, scheme: str = "light") -> list[str]:
    if not AXE_JS.is_file():
        pytest.fail(f"{AXE_JS} missing: run `npm ci` in tests/site (tools/dev.py test does it)")
    page, _ = open_page(rel, scheme)
    if scheme == "dark":
        assert page.evaluate("document.body.dataset.mdColorScheme") == "slate"
    # Long pages skip laying out off-screen blocks (content-visibility: auto, extra.css); axe
    # cannot measure colours or scroll areas the browser has not rendered, so render all of it,
    # as a reader scrolling through the page would.
    page.add_style_tag(content="* { content-visibility: visible !important; }")
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return summarize(result["violations"])


def test_no_serious_accessibility_violations(site_page: str, open_page: OpenPage) -> None:
    severe = severe_violations(open_page, site_page)
    assert not severe, "\n".join(severe)


def test_generated_pages_have_no_serious_accessibility_violations(
    built_site: Path, open_page: OpenPage
) -> None:
    problems = {rel: v for rel in generated_pages(built_site)
                if (v := severe_violations(open_page, rel))}
    assert not problems, "\n\n".join(f"{rel}\n" + "\n".join(v) for rel, v in problems.items())


#: Pages checked in the dark scheme too: one of each kind (prose and figures, the scorecard's
#: coloured badges, a generated claim page, a notebook).
DARK = ["", "solutions/q2-normalization/", "model-analysis/scorecard/",
        "model-analysis/models/gemini-2.5-flash/", "notebooks/normalization_diagrams/"]


@pytest.mark.parametrize("rel", DARK, ids=[r or "home" for r in DARK])
def test_no_serious_accessibility_violations_in_the_dark_scheme(rel: str,
                                                                open_page: OpenPage) -> None:
    severe = severe_violations(open_page, rel, "dark")
    assert not severe, "\n".join(severe)
