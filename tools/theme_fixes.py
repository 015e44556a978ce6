"""MkDocs hook: small fixes to Material's HTML that the site's offline and accessibility tests
require, made by substitution so they follow theme upgrades (a substitution that stops
matching makes tests/site fail rather than silently leaving the problem).

* The repository link in the header carries ``data-md-component="source"``, which makes
  Material fetch star and fork counts from the GitHub API on every visit; the site must make
  no request outside itself, so the attribute is removed (the link itself stays).
* The search overlay has ``role="dialog"`` without an accessible name (axe rule
  aria-dialog-name); it gets ``aria-label="Search"``.
"""

from __future__ import annotations

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page

SUBSTITUTIONS = (
    (' class="md-source" data-md-component="source"', ' class="md-source"'),
    (
        '<div class="md-search" data-md-component="search" role="dialog">',
        '<div class="md-search" data-md-component="search" role="dialog" aria-label="Search">',
    ),
)


def fix_theme_html(html: str) -> str:
    for old, new in SUBSTITUTIONS:
        html = html.replace(old, new)
    return html


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    return fix_theme_html(output)


def on_post_template(output: str, template_name: str, config: MkDocsConfig) -> str:
    # Static templates such as 404.html do not pass through on_post_page.
    return fix_theme_html(output) if template_name.endswith(".html") else output
