"""The site build: everything that writes Markdown or HTML or talks to MkDocs.

``hooks.py`` is the one MkDocs hook module (listed in mkdocs.yml); it hands each build event to
the module that does that job: :mod:`sitebuild.notebooks` (runs the notebooks),
:mod:`sitebuild.notebook_html` (fixes rendered notebook pages), :mod:`sitebuild.theme` (site
metadata, Material HTML fixes, the Jinja cache) and :mod:`sitebuild.analysis_pages` (the
per-model pages). ``macros.py`` is the one mkdocs-macros module: every computed value, table,
figure and listing reaches a page through a macro registered there. Nothing here computes a
result: values come from :mod:`hw5ref`.
"""
