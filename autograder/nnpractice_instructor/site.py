"""Build the reading edition: a static HTML site of the course that needs no kernel and no network.

    nnpractice-site [OUT]     (default: _site/; `make site`)

For every chapter in solutions/, in parallel:
1. execute the SOLUTION notebook with nbclient (in a temporary copy of its
   folder; its hidden checks run on its own answers, judge.run_here), so every
   figure and printed result is the one the finished notebook produces;
2. clear the answers and the hidden tests with nbgrader's own preprocessors
   (ClearSolutions, ClearHiddenTests), keeping the outputs: readers see the
   stubs of the student release next to the results;
3. render it with nbconvert's `lab` template, with local MathJax (from the
   jupyter-server-mathjax package) in place of the CDN, no require.js and no
   widget manager, and links to the index and the previous and next chapters.
Files next to a chapter's notebook (chapter 02's animations/) are copied
beside its page. tests/test_site.py proves no reference code, no hidden test
and no network address reach the site, and opens every page in Chromium.

nbconvert rather than Jupyter Book or mkdocs-jupyter: it is already a
dependency (nbgrader renders feedback with it), its templates ship with the
package, and its CDN assets are three template blocks we override; the book
tools add a Sphinx or mkdocs stack whose themes fetch fonts and scripts
from the network by default.
"""

import html
import os
import re
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from nnpractice_instructor.judge import run_here
from nnpractice_instructor.kernels import execute as execute_notebook
from nnpractice_instructor.layout import COURSE, chapters

MATHJAX_CONFIG = "TeX-AMS-MML_HTMLorMML-full,Safe"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
WIDGET_NOTE = ('<p class="widget-note"><em>An interactive widget is here: open the notebook in '
               'JupyterLab (<code>make course</code>) to use it.</em></p>')
NOT_COPIED = shutil.ignore_patterns("*.ipynb", ".ipynb_checkpoints", "__pycache__")

# nbconvert's lab template without its three network assets (require.js,
# the widget manager, mermaid) and with MathJax from the site, plus navigation.
TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{% block jupyter_widgets %}{% endblock jupyter_widgets %}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block html_head_js_mathjax -%}{{ mathjax(resources.site_mathjax_url) }}{%- endblock html_head_js_mathjax -%}
{%- block extra_css -%}<style>{{ resources.site_css }}</style>{%- endblock extra_css -%}
{%- block body_header -%}{{ super() }}{{ resources.site_nav }}{%- endblock body_header -%}
{% block body_footer %}{{ resources.site_nav }}{{ super() }}{% endblock body_footer %}
"""

CSS = """
nav.site { font-family: system-ui, sans-serif; display: flex; justify-content: space-between;
           max-width: 1100px; margin: 0.5em auto; padding: 0.4em 1em; background: #f3f4f6; border-radius: 6px; }
nav.site a { text-decoration: none; color: #1d4ed8; }
"""

INDEX = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Training Neural Networks in Practice: reading edition</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 760px; margin: 2em auto; padding: 0 1em; line-height: 1.5; }}
li {{ margin: 0.8em 0; }} a {{ color: #1d4ed8; }} .summary {{ color: #444; }}
</style>
</head>
<body>
<h1>Training Neural Networks in Practice</h1>
<p>The reading edition: every chapter with the figures and results of the finished notebook, and the
exercises as stubs. To do the exercises, open <code>notebooks/</code> in JupyterLab (<code>make course</code>);
to grade your own work, run <code>make check</code>.</p>
<ol>
{items}
</ol>
</body>
</html>
"""


def title_and_summary(nb, fallback):
    """The chapter's first heading and the first sentence after it without math."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            lines = cell.source.strip().splitlines()
            if lines and lines[0].startswith("#"):
                title = lines[0].lstrip("#").strip()
                rest = " ".join(line for line in lines[1:] if line.strip() and not line.startswith(("#", "!", "|")))
                rest = re.sub(r"[*_`]", "", rest)
                # the first sentence without math: the index page has no MathJax
                sentence = next((s for s in re.split(r"(?<=[.?!])\s+", rest) if "$" not in s and "\\" not in s), "")
                return title, sentence[:240]
    return fallback, ""


def execute(chapter, root, timeout):
    """The solution notebook of `chapter`, executed in a scratch copy of its folder."""
    import nbformat


    source = root / "solutions" / chapter
    nb = run_here(nbformat.read(source / f"{chapter}.ipynb", as_version=4))
    with tempfile.TemporaryDirectory(prefix=f"site-{chapter}-") as tmp:
        folder = Path(tmp) / chapter
        shutil.copytree(source, folder, ignore=NOT_COPIED)
        os.environ.pop("NBGRADER_EXECUTION", None)  # the full experiments, as a reader would run them
        os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
        execute_notebook(nb, folder, timeout=timeout)
    return nb


def student_view(nb):
    """Clear answers and hidden tests with nbgrader's preprocessors; keep the outputs."""
    from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions

    nb, _ = ClearSolutions().preprocess(nb, {})
    nb, _ = ClearHiddenTests().preprocess(nb, {})
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("nbgrader", None)
        for output in cell.get("outputs", []):
            if WIDGET_MIME in output.get("data", {}):  # its text fallback is a repr: say what it is instead
                output.data = {"text/html": WIDGET_NOTE}
    return nb


def nav(chapter, titles):
    names = list(titles)
    i = names.index(chapter)
    prev = (f'<a class="prev" href="../{names[i - 1]}/index.html">&larr; {html.escape(titles[names[i - 1]])}</a>'
            if i > 0 else "<span></span>")
    nxt = (f'<a class="next" href="../{names[i + 1]}/index.html">{html.escape(titles[names[i + 1]])} &rarr;</a>'
           if i + 1 < len(names) else "<span></span>")
    return f'<nav class="site">{prev}<a class="index" href="../index.html">Contents</a>{nxt}</nav>'


def build_chapter(chapter, root, out, titles, timeout=600, executed=None):
    """Execute, clear, render one chapter into out/<chapter>/index.html; returns seconds taken.

    executed: the chapter's solution notebook already executed (as `execute` does it), or None
    to execute it here."""
    import jinja2
    from nbconvert import HTMLExporter

    start = time.perf_counter()
    nb = student_view(executed if executed is not None else execute(chapter, root, timeout))
    exporter = HTMLExporter(template_name="lab", template_file="site.html.j2",
                            extra_loaders=[jinja2.DictLoader({"site.html.j2": TEMPLATE})])
    resources = {"site_nav": nav(chapter, titles), "site_css": CSS,
                 "site_mathjax_url": f"../mathjax/MathJax.js?config={MATHJAX_CONFIG}",
                 "metadata": {"name": titles[chapter]}}
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    page = out / chapter
    shutil.copytree(root / "solutions" / chapter, page, ignore=NOT_COPIED, dirs_exist_ok=True)
    (page / "index.html").write_text(body, encoding="utf-8")
    return time.perf_counter() - start


def copy_mathjax(out):
    import jupyter_server_mathjax
    static = Path(jupyter_server_mathjax.__file__).parent / "static"
    # English only; the SVG output is not used (HTML-CSS is)
    shutil.copytree(static, out / "mathjax", ignore=shutil.ignore_patterns("localization", "SVG"))


def build(out=COURSE / "_site", root=COURSE, jobs=None, executed=None):
    """Build the whole site into `out` (replaced); returns {chapter: seconds}.

    executed: a function chapter -> that chapter's solution notebook already executed headless
    with NBGRADER_EXECUTION unset (e.g. shared with other work); the chapters are then only
    rendered, one after another. None: execute them here, in parallel processes."""
    import nbformat

    out, root = Path(out), Path(root)
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    names = chapters(root)
    titles, summaries = {}, {}
    for chapter in names:
        nb = nbformat.read(root / "solutions" / chapter / f"{chapter}.ipynb", as_version=4)
        titles[chapter], summaries[chapter] = title_and_summary(nb, chapter)
    copy_mathjax(out)
    if executed is not None:
        seconds = {c: build_chapter(c, root, out, titles, executed=executed(c)) for c in names}
    else:
        with ProcessPoolExecutor(max_workers=jobs or min(len(names), os.cpu_count() or 2)) as pool:
            futures = {c: pool.submit(build_chapter, c, root, out, titles) for c in names}
            seconds = {c: f.result() for c, f in futures.items()}
    items = "\n".join(f'<li><a href="{c}/index.html">{html.escape(titles[c])}</a>'
                      f'<div class="summary">{html.escape(summaries[c])}</div></li>' for c in names)
    (out / "index.html").write_text(INDEX.format(items=items), encoding="utf-8")
    return seconds


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    out = Path(argv[0]) if argv else COURSE / "_site"
    start = time.perf_counter()
    seconds = build(out)
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    for chapter, s in seconds.items():
        print(f"  {chapter}: {s:.1f} s")
    print(f"site built in {time.perf_counter() - start:.1f} s: {out}/index.html ({size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
