/* Render every formula on the page with the vendored KaTeX (docs/assets/vendor/katex/).
 *
 * - Markdown pages: pymdownx.arithmatex (generic mode) wraps each formula in an element with
 *   class "arithmatex" holding \( ... \) or \[ ... \]; only those elements are rendered, so a
 *   dollar sign in prose or code is never mistaken for math.
 * - Notebook pages (mkdocs-jupyter): markdown cells keep Jupyter's $...$ / $$...$$ syntax and
 *   LaTeX outputs (e.g. sympy) are text/latex; both are rendered inside .jupyter-wrapper.
 *
 * A formula KaTeX cannot parse stays as text and is reported with console.error, which the
 * browser tests (tests/site/test_browser.py) turn into a failure.
 */
(function () {
  "use strict";

  var ARITHMATEX_DELIMITERS = [
    { left: "\\(", right: "\\)", display: false },
    { left: "\\[", right: "\\]", display: true },
  ];
  var NOTEBOOK_DELIMITERS = [
    { left: "$$", right: "$$", display: true },
    { left: "\\[", right: "\\]", display: true },
    { left: "\\(", right: "\\)", display: false },
    { left: "$", right: "$", display: false },
  ];
  var NOTEBOOK_SELECTOR =
    ".jupyter-wrapper .jp-RenderedMarkdown, .jupyter-wrapper .jp-RenderedLatex";

  function renderAll(root) {
    if (typeof renderMathInElement !== "function") {
      console.error("katex-init: KaTeX auto-render is not loaded");
      return;
    }
    root.querySelectorAll(".arithmatex").forEach(function (el) {
      renderMathInElement(el, { delimiters: ARITHMATEX_DELIMITERS });
    });
    root.querySelectorAll(NOTEBOOK_SELECTOR).forEach(function (el) {
      renderMathInElement(el, { delimiters: NOTEBOOK_DELIMITERS });
    });
    // A display formula wider than the column scrolls sideways (extra.css); keyboard users
    // must be able to focus it to scroll it.
    root.querySelectorAll("div.arithmatex, .katex-display").forEach(function (el) {
      if (el.scrollWidth > el.clientWidth) {
        el.setAttribute("tabindex", "0");
      }
    });
    // Signal for tests and tools that every formula on the page has been processed.
    document.documentElement.setAttribute("data-math-rendered", "true");
  }

  if (typeof document$ !== "undefined") {
    // Material for MkDocs: fires on first load and after every instant navigation.
    document$.subscribe(function () {
      renderAll(document.body);
    });
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      renderAll(document.body);
    });
  } else {
    renderAll(document.body);
  }
})();
