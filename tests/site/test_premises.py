"""What the homework states, where a verdict on a model rests on it, is one text
(``hw5ref.parts.PREMISES``) shown in two places: restated on its solutions page, and cited on
the model-analysis pages that depend on it. These tests keep the two in step."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from grading_support import EVALUATIONS, claims_of, load_yaml
from sitecheck import parsed_page

from hw5ref.parts import PREMISES, Premise

RECORDS = [load_yaml(p) for p in sorted(EVALUATIONS.glob("*.yaml")) if p.name != "taxonomy.yaml"]


def _page(site: Path, docs_path: str) -> Path:
    return site / docs_path.removesuffix(".md") / "index.html"


def _words(text: str) -> str:
    """Plain words of a premise, without its Markdown and math, for finding it in a page."""
    plain = re.sub(r"\$[^$]*\$|\*\*", " ", text)
    return " ".join(plain.split()[:6])


def _cited(premise: Premise) -> bool:
    for record in RECORDS:
        notes = [n for part in record["parts"].values()
                 for n in (*part.get("findings", []), *part.get("audit", []))]
        if any(premise.id in item.get("premises", []) for item in (*claims_of(record), *notes)):
            return True
    return False


@pytest.mark.parametrize("premise", PREMISES, ids=[p.id for p in PREMISES])
def test_each_premise_is_restated_on_its_solutions_page(built_site: Path,
                                                        premise: Premise) -> None:
    page_path, anchor = premise.link.split("#")
    soup = parsed_page(_page(built_site, page_path))
    marks = soup.find_all(id=anchor)
    assert len(marks) == 1, f"{anchor} is not on {page_path} exactly once"
    assert _words(premise.text) in " ".join(marks[0].parent.get_text(" ").split())


@pytest.mark.parametrize("premise", PREMISES, ids=[p.id for p in PREMISES])
def test_each_premise_is_cited_by_a_record_and_linked_from_its_page(built_site: Path,
                                                                    premise: Premise) -> None:
    assert _cited(premise), f"{premise.id} is cited by no record: remove it"
    pages = [_page(built_site, f"model-analysis/models/{r['model']}.md") for r in RECORDS]
    hrefs = [a["href"] for p in pages for a in parsed_page(p).find_all("a", href=True)]
    assert any(h.endswith(f"#premise-{premise.id}") for h in hrefs)
