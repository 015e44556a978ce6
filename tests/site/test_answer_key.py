"""The published answer key (answers.json) and the changelog, as the built site serves them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sitecheck import parsed_page

from hw5ref import __version__, answers
from hw5ref.parts import SUBPARTS, SubPart
from sitebuild import changelog


def test_answers_json_is_the_key_of_this_version(built_site: Path) -> None:
    data = json.loads((built_site / "answers.json").read_text(encoding="utf-8"))
    assert data["version"] == __version__
    assert {k: v["text"] for k, v in data["answers"].items()} == {
        k: answers.published_text(k) for k in answers.ENTRIES}


@pytest.mark.parametrize("part", SUBPARTS, ids=[p.id for p in SUBPARTS])
def test_each_sub_part_says_when_its_answers_last_changed(built_site: Path,
                                                          part: SubPart) -> None:
    soup = parsed_page(built_site / part.question.page.removesuffix(".md") / "index.html")
    note = soup.find(id=part.id).find_next("em")
    text = " ".join(note.get_text(" ").split())
    assert f"last changed in version {changelog.last_changed(part.id)}" in text
    target = note.find("a")["href"]
    anchor = target.split("#")[1]
    assert parsed_page(built_site / "changelog" / "index.html").find(id=anchor) is not None
