"""sitebuild/formulas.py: every formula rendered at build time by the vendored KaTeX, where the
browser-side auto-render used to find it; a bad formula names its page; nothing else moves."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sitebuild import formulas as rm

PAGE = """<html><head>
<link rel="stylesheet" href="../../assets/vendor/katex/katex.min.css">
</head><body><article>
<p>Inline <span class="arithmatex">\\(a &lt; b\\)</span> and
<span class="hw5-answer"><span class="arithmatex">\\(0\\)</span></span>.</p>
<div class="arithmatex">\\[\\mathbb{E}\\,\\lVert y\\rVert_2^2\\]</div>
<pre><code>cost = "$5" + r"\\(x\\)"</code></pre>
</article></body></html>"""

NOTEBOOK = """<html><body><div class="jupyter-wrapper">
<div class="jp-Cell"><div class="jp-RenderedHTMLCommon jp-RenderedMarkdown jp-MarkdownOutput">
<p>Mask $R$ and $$\\tilde\\Gamma = \\operatorname{diag}(a)$$ and <code>$x$</code>
<em>$y_i$</em> &amp; $a&lt;b$.</p>
<div><div>nested $\\tfrac12$</div></div>
</div><div class="jp-InputArea"><pre>$not math$</pre></div>
<div class="jp-RenderedLatex">$\\displaystyle x^2$</div></div></div></body></html>"""


def test_arithmatex_inline_display_and_nested_spans() -> None:
    out = rm.render_html(PAGE, "solutions/x.md")
    assert out.count('class="katex"') == 3
    assert "\\(" not in out.split("<pre>")[0]
    assert '<div class="arithmatex" tabindex="0"><span><span class="katex-display">' in out
    assert 'annotation encoding="application/x-tex">a &lt; b</annotation>' in out
    # code blocks untouched
    assert '<pre><code>cost = "$5" + r"\\(x\\)"</code></pre>' in out


def test_notebook_dollars_follow_auto_render_rules() -> None:
    out = rm.render_html(NOTEBOOK, "notebooks/n.py")
    # $R$, $$...$$, $y_i$ (inside <em>), $a<b$, $\tfrac12$ (nested div), $\displaystyle x^2$
    assert "<code>$x$</code>" in out           # code is ignored
    assert "<pre>$not math$</pre>" in out      # outside .jp-RenderedMarkdown
    assert 'class="katex-display" tabindex="0"' in out
    assert "&amp;" in out                       # text around formulas is re-escaped
    tex = [s for f in rm.iter_formulas(NOTEBOOK) for kind, s, _ in f.parts if kind == "math"]
    assert tex == ["R", "\\tilde\\Gamma = \\operatorname{diag}(a)", "y_i", "a<b", "\\tfrac12",
                   "\\displaystyle x^2"]


def test_same_split_as_auto_render() -> None:
    parts = rm.split_at_delimiters("a $x$ b $$y$$ c $unclosed", rm.NOTEBOOK_DELIMITERS)
    assert parts == [("text", "a ", False), ("math", "x", False), ("text", " b ", False),
                     ("math", "y", True), ("text", " c ", False), ("text", "$unclosed", False)]
    # braces: a $ inside {...} does not close the formula
    parts = rm.split_at_delimiters("$\\text{a $ b}$", rm.NOTEBOOK_DELIMITERS)
    assert parts == [("math", "\\text{a $ b}", False)]


@pytest.mark.parametrize("bad", ["\\frac{a}{b", "\\undefinedmacro{x}", "x^"])
def test_error_names_page_and_formula(bad: str) -> None:
    html = f'<p><span class="arithmatex">\\({bad}\\)</span></p>'
    with pytest.raises(rm.MathRenderError) as e:
        rm.render_html(html, "solutions/q9.md")
    assert "solutions/q9.md" in str(e.value) and repr(bad) in str(e.value)


def test_error_in_notebook_names_page_and_formula() -> None:
    html = NOTEBOOK.replace("$R$", "$\\nope$")
    with pytest.raises(rm.MathRenderError) as e:
        rm.render_html(html, "notebooks/n.py")
    assert "notebooks/n.py" in str(e.value) and "\\\\nope" in str(e.value)


def test_page_without_formulas_is_unchanged() -> None:
    html = "<html><body><p>No math, $5 only.</p></body></html>"
    assert rm.render_html(html, "index.md") == html


def test_katex_css_dropped_only_where_unused() -> None:
    plain = ('<head>\n<link rel="stylesheet" href="assets/vendor/katex/katex.min.css">\n'
             "</head><p>x</p>")
    assert "katex.min.css" not in rm.drop_unused_katex_css(plain)
    out = rm.render_html(PAGE, "x.md")
    assert rm.drop_unused_katex_css(out) == out


def test_the_renderer_lets_python_exit() -> None:
    # mini-racer can hang at interpreter exit when its isolate is freed only by __del__;
    # KatexRenderer closes it at exit (an atexit hook).
    code = ("from sitebuild import formulas; "
            "print(formulas.render_html('<span class=\"arithmatex\">\\\\(x\\\\)</span>', 'p')"
            ".count('katex'))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0 and int(done.stdout) > 0, done.stderr
