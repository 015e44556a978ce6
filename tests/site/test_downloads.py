"""The analysis as data: the downloads of the model-analysis pages, read back from the built
site and recounted against the numbers those pages show."""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml
from grading_support import EVALUATIONS
from sitecheck import parsed_page

DATA = "model-analysis/data"


@pytest.fixture(scope="module")
def rows(built_site: Path) -> list[dict[str, str]]:
    with (built_site / DATA / "analysis.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def headline(built_site: Path) -> str:
    soup = parsed_page(built_site / "model-analysis" / "index.html")
    section = soup.find(id="headline-findings").find_next("ul")
    return " ".join(section.get_text(" ").split())


def _number(text: str, pattern: str) -> int:
    found = re.search(pattern, text)
    assert found, f"{pattern!r} not on the page: {text[:300]}"
    return int(found.group(1))


def test_the_csv_recounts_the_headline(rows: list[dict[str, str]], headline: str) -> None:
    own = [r for r in rows if r["attempt"] != "reviewer"]
    wrong = [r for r in own if r["grade"] == "wrong"]
    severity = Counter(r["severity"] for r in wrong)
    outcomes = Counter(o for (_, _), o in {(r["model"], r["part"]): r["outcome"]
                                            for r in rows}.items())
    assert _number(headline, r"(\d+) claims recorded") == len(own)
    assert _number(headline, r"(\d+) checked by computation") == sum(
        r["computed"] == "True" for r in own)
    assert _number(headline, r"(\d+) judged by hand") == sum(r["computed"] == "False" for r in own)
    assert _number(headline, r"(\d+) of these are our judgement") == sum(
        r["basis"] == "judgement" for r in own)
    assert _number(headline, r"(\d+) claims are wrong") == len(wrong)
    for name in ("substantive", "minor", "terminology"):
        assert _number(headline, rf"(\d+) {name}") == severity[name]
    assert _number(headline, r"(\d+) may be conversion artifacts") == sum(
        r["possible_artifact"] == "True" for r in wrong)
    assert _number(headline, r"(\d+) are correct") == outcomes["correct"]
    assert _number(headline, r"(\d+) incomplete") == outcomes["incomplete"]
    assert _number(headline, r"(\d+) flawed") == outcomes["flawed"]
    assert _number(headline, r"(\d+) wrong \(") == outcomes["wrong"]
    # only substantive errors decide outcomes
    assert {r["severity"] for r in own if r["decides_outcome"] == "True"} == {"substantive"}


def test_the_json_holds_the_same_rows_and_the_outcomes(built_site: Path,
                                                       rows: list[dict[str, str]]) -> None:
    data = json.loads((built_site / DATA / "analysis.json").read_text(encoding="utf-8"))
    assert [c["claim"] for c in data["claims"]] == [r["claim"] for r in rows]
    assert data["counts"]["claims"] == sum(r["attempt"] != "reviewer" for r in rows)
    assert len(data["outcomes"]) == data["counts"]["subparts"]
    assert sum(not o["agrees"] for o in data["outcomes"]) == data["counts"]["disagreements"]


def test_the_records_and_their_schema_are_downloadable(built_site: Path) -> None:
    for source in [*EVALUATIONS.glob("*.yaml"), EVALUATIONS / "schema.json"]:
        assert (built_site / DATA / source.name).read_bytes() == source.read_bytes()
    records = [yaml.safe_load(p.read_text(encoding="utf-8"))
               for p in (built_site / DATA).glob("*.yaml") if p.name != "taxonomy.yaml"]
    assert {r["model"] for r in records} == {
        p.stem for p in EVALUATIONS.glob("*.yaml") if p.name != "taxonomy.yaml"}


def test_the_index_links_every_download(built_site: Path) -> None:
    soup = parsed_page(built_site / "model-analysis" / "index.html")
    hrefs = {a["href"] for a in soup.find_all("a", href=True)}
    for name in ("analysis.csv", "analysis.json", "schema.json", "taxonomy.yaml"):
        assert f"data/{name}" in hrefs
