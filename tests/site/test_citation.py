"""The version and citation agree everywhere: pyproject.toml, hw5ref.__version__, CITATION.cff,
the site footer and the Cite page; CITATION.cff has the structure CFF 1.2.0 requires."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from bs4 import BeautifulSoup

import hw5ref

ROOT = Path(__file__).resolve().parents[2]

# The parts of the CFF 1.2.0 schema this file uses: the required keys (cff-version, message,
# title, authors; version is required here too) and the shape of each key we set. Unknown
# keys are rejected so a misspelt key cannot slip through.
CFF_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["cff-version", "message", "title", "authors", "version", "date-released"],
    "additionalProperties": False,
    "properties": {
        "cff-version": {"const": "1.2.0"},
        "message": {"type": "string", "minLength": 1},
        "title": {"type": "string", "minLength": 1},
        "abstract": {"type": "string", "minLength": 1},
        "type": {"enum": ["software", "dataset"]},
        "version": {"type": "string", "pattern": r"^\d+\.\d+\.\d+"},
        "date-released": {"type": "string", "format": "date",
                          "pattern": r"^\d{4}-\d{2}-\d{2}$"},
        "license": {
            "oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"},
                                           "minItems": 1, "uniqueItems": True}]
        },
        "repository-code": {"type": "string", "pattern": "^https://"},
        "url": {"type": "string", "pattern": "^https://"},
        "keywords": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        "authors": {
            "type": "array",
            "minItems": 1,
            "items": {
                "oneOf": [
                    {"type": "object", "required": ["family-names", "given-names"],
                     "properties": {"family-names": {"type": "string"},
                                    "given-names": {"type": "string"},
                                    "orcid": {"type": "string"},
                                    "affiliation": {"type": "string"}}},
                    {"type": "object", "required": ["name"],
                     "properties": {"name": {"type": "string", "minLength": 1}}},
                ]
            },
        },
    },
}
SPDX_IDS = {"CC-BY-4.0", "MIT"}


def load_cff() -> dict[str, Any]:
    data = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    # YAML reads an unquoted date as datetime.date; CFF's schema describes it as a string.
    if isinstance(data.get("date-released"), dt.date):
        data["date-released"] = data["date-released"].isoformat()
    return data


def test_citation_cff_matches_the_cff_1_2_0_structure() -> None:
    cff = load_cff()
    jsonschema.validate(cff, CFF_SCHEMA)
    licenses = cff["license"] if isinstance(cff["license"], list) else [cff["license"]]
    assert set(licenses) <= SPDX_IDS


@pytest.mark.parametrize(
    "mutation",
    [
        {"cff-version": "1.1.0"},
        {"authors": []},
        {"date-released": "23/11/2026"},
        {"titel": "misspelt key"},
    ],
    ids=["old-version", "no-authors", "bad-date", "unknown-key"],
)
def test_cff_schema_rejects_broken_files(mutation: dict[str, Any]) -> None:
    broken = {**load_cff(), **mutation}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, CFF_SCHEMA)


def test_cff_schema_requires_each_required_key() -> None:
    for key in CFF_SCHEMA["required"]:
        broken = {k: v for k, v in load_cff().items() if k != key}
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(broken, CFF_SCHEMA)


def test_one_version_everywhere() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["version"] == hw5ref.__version__ == str(load_cff()["version"])
    # the url is this version's own address, where tools/deploy.py publishes it
    assert load_cff()["url"] == f"https://hw5ref.github.io/hw5ref/{hw5ref.__version__}/"


def test_footer_shows_the_package_version(built_site: Path) -> None:
    footer = BeautifulSoup((built_site / "index.html").read_text("utf-8"), "html.parser")
    version = footer.select_one(".md-copyright__version")
    assert version is not None
    assert f"hw5ref {hw5ref.__version__}." in version.get_text()


def test_cite_page_renders_version_bibtex_and_every_subpart_anchor(built_site: Path) -> None:
    soup = BeautifulSoup((built_site / "cite" / "index.html").read_text("utf-8"), "html.parser")
    text = soup.get_text()
    assert f"hw5ref {hw5ref.__version__}" in text
    assert "hw5ref_version" not in text and "citation.bibtex" not in text  # macros rendered
    bibtex = soup.select_one("code.language-bibtex, .language-bibtex code, pre code")
    assert bibtex is not None
    entry = bibtex.get_text()
    cff = load_cff()
    assert re.search(r"@misc\{hw5ref-" + hw5ref.__version__.replace(".", "-") + ",", entry)
    assert re.search(r"version\s*=\s*\{" + re.escape(hw5ref.__version__) + r"\}", entry)
    assert re.search(r"year\s*=\s*\{" + cff["date-released"][:4] + r"\}", entry)
    anchors = {
        a["href"].split("solutions/", 1)[1]
        for a in soup.select("article a[href*='solutions/']")
        if "#" in a["href"]
    }
    expected = {f"q1-convolutions/#q1{c}" for c in "abc"}
    expected |= {f"q2-normalization/#q2{c}" for c in "ab"}
    expected |= {f"q3-depthwise-separable/#q3{c}" for c in "ab"}
    expected |= {f"q4-dropout/#q4{c}" for c in "abcd"}
    assert anchors == expected
