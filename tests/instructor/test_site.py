"""Is the reading edition complete, free of answers, and readable offline in a real browser?

The site is built once for the module (nnpractice_instructor/site.py: execute the
solution notebooks, clear answers and hidden tests with nbgrader, render).
Canary tests read every file of it; the browser test serves it on 127.0.0.1,
opens every page in headless Chromium with every request to another host
blocked and counted, and keeps screenshots in artifacts/site/.
"""

import copy
import functools
import http.server
import os
import re
import shutil
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest

from nnpractice_instructor import site as make_site
from nnpractice_instructor.course import read
from nnpractice_instructor.layout import COURSE as ROOT
from nnpractice_instructor.layout import chapters
from nnpractice_instructor.browser import CHROMIUM, CHROMIUM_ARGS
from tests.browser_util import require_browser
from tests.helpers import assert_no_secrets, reference_lines

ASSIGNMENTS = chapters()

# one group with the other tests of executed notebooks: each notebook runs once, on one worker
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("executed")]

ARTIFACTS = ROOT / "artifacts" / "site"
# Attributes and CSS that make a browser fetch something (links to read elsewhere are fine).
ASSET = re.compile(r"""<(?:script|img|link|iframe|source|video|audio|embed)\b[^>]*\b(?:src|href)\s*=\s*["']?\s*((?:https?:)?//[^"'\s>]+)"""
                   r"""|url\(\s*["']?\s*((?:https?:)?//[^"')\s]+)|@import\s+["']((?:https?:)?//[^"']+)""", re.I)


@pytest.fixture(scope="module")
def site(tmp_path_factory, executed_solution):
    """The folder of the built site, rendered from the solution notebooks the session executed once
    (benchmarks/site_build.py times a whole build, executing them itself).

    NNPRACTICE_SITE=<folder> tests an already built site instead."""
    if os.environ.get("NNPRACTICE_SITE"):
        return Path(os.environ["NNPRACTICE_SITE"])
    out = tmp_path_factory.mktemp("site") / "_site"
    make_site.build(out, executed=lambda chapter: copy.deepcopy(executed_solution(chapter)))
    return out


def pages(folder):
    return {chapter: (folder / chapter / "index.html").read_text(encoding="utf-8") for chapter in ASSIGNMENTS}


def has_math(assignment):
    return any(c.cell_type == "markdown" and "$" in c.source for c in read("solutions", assignment).cells)


def test_every_chapter_has_a_page(site):
    """Is every chapter built, with stubs and the finished notebook's figures?"""
    folder = site
    index = (folder / "index.html").read_text(encoding="utf-8")
    for chapter, page in pages(folder).items():
        assert f'href="{chapter}/index.html"' in index
        assert "NotImplementedError" in page, f"{chapter}: no stub shown"
        assert "data:image/png;base64," in page, f"{chapter}: no figure from the executed notebook"
        assert 'class="jp-OutputArea' in page
        assert 'class="ansi-red-fg">' not in page and "Traceback (most recent call last)" not in page, \
            f"{chapter}: the solution notebook raised while the site was built"


def test_chapters_link_to_each_other(site):
    """Does each page link to the contents and to its previous and next chapters?"""
    folder = site
    for i, (chapter, page) in enumerate(pages(folder).items()):
        assert 'href="../index.html"' in page
        if i > 0:
            assert f'href="../{ASSIGNMENTS[i - 1]}/index.html"' in page
        if i + 1 < len(ASSIGNMENTS):
            assert f'href="../{ASSIGNMENTS[i + 1]}/index.html"' in page


def test_every_local_image_and_script_exists(site):
    """Does every relative src (animations, MathJax) point to a file of the site?"""
    folder = site
    for chapter, page in pages(folder).items():
        for src in re.findall(r'\bsrc="([^"]+)"', page):
            if src.startswith("data:"):
                continue
            assert (folder / chapter / src.split("?")[0]).resolve().is_file(), f"{chapter}: {src} missing"
    gifs = re.findall(r'<img[^>]+src="([^"]+\.gif)"', "\n".join(pages(folder).values()))
    assert len(gifs) >= 2, "the optimizer races are not embedded"


def test_no_asset_comes_from_the_network(site):
    """Does any page or stylesheet load a script, style, font or image from another host (a CDN)?"""
    folder = site
    files = [p for p in folder.rglob("*") if p.suffix in (".html", ".css")]
    assert len(files) > len(ASSIGNMENTS)
    for path in files:
        found = [m.group(0)[:120] for m in ASSET.finditer(path.read_text(encoding="utf-8", errors="replace"))]
        assert not found, f"{path.relative_to(folder)} loads from the network: {found[:3]}"
    for page in pages(folder).values():
        assert 'src="../mathjax/MathJax.js' in page


def test_site_holds_no_reference_code_and_no_hidden_test(site):
    """Does any file of the site carry a canary, an nbgrader marker or a line of reference code?"""
    folder = site
    secrets = reference_lines()
    files = [p for p in folder.rglob("*") if p.is_file()]
    for path in files:
        text = path.read_bytes().decode("utf-8", errors="replace")
        assert_no_secrets(path, text, secrets)
        for marker in ("### BEGIN", "### END", "BEGIN HIDDEN TESTS", "load_reference"):
            assert marker not in text, f"{path} contains {marker!r}"
    hidden = {line.strip() for a in ASSIGNMENTS for c in read("solutions", a).cells
              for line in c.source.split("### BEGIN HIDDEN TESTS")[-1].split("### END HIDDEN TESTS")[0].splitlines()
              if "### BEGIN HIDDEN TESTS" in c.source and len(line.strip()) > 30}
    for page in pages(folder).values():
        leaked = [line for line in hidden if line in page or line.replace('"', "&quot;") in page]
        assert not leaked, f"hidden test lines in the site: {leaked[:3]}"


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.mark.browser
def test_every_page_renders_offline_in_chromium(site):
    """In headless Chromium, does every page show its headings, images, animations and typeset math,
    with zero requests leaving 127.0.0.1?"""
    sync_api = require_browser()
    folder = site
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    blocked = []

    def route(request_route):
        if urlparse(request_route.request.url).hostname == "127.0.0.1":
            request_route.continue_()
        else:
            blocked.append(request_route.request.url)
            request_route.abort()

    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                context.route("**/*", route)
                page = context.new_page()
                page.goto(f"{base}/index.html")
                assert page.locator("h1").count() == 1
                assert page.locator("ol a").count() == len(ASSIGNMENTS)
                page.screenshot(path=str(ARTIFACTS / "index.png"))
                for chapter in ASSIGNMENTS:
                    page.goto(f"{base}/{chapter}/index.html", wait_until="load")
                    assert page.locator("h1").count() >= 1, f"{chapter}: no heading"
                    assert page.locator("h2").count() >= 1, f"{chapter}: no section headings"
                    page.wait_for_function("() => [...document.images].every(i => i.complete)", timeout=20000)
                    images = page.evaluate("() => [...document.images].map(i => [i.getAttribute('src').slice(0, 40), i.naturalWidth])")
                    assert images, f"{chapter}: no image"
                    broken = [src for src, width in images if width == 0]
                    assert not broken, f"{chapter}: images did not render: {broken}"
                    if has_math(chapter):
                        page.wait_for_function(
                            "() => document.querySelector('.MathJax, .MathJax_Display, .MathJax_CHTML, mjx-container')",
                            timeout=30000)
                    page.screenshot(path=str(ARTIFACTS / f"{chapter}.png"))
                    gifs = page.locator("img[src$='.gif']")
                    for i in range(gifs.count()):
                        gif = gifs.nth(i)
                        assert gif.evaluate("g => g.naturalWidth") > 0
                        gif.scroll_into_view_if_needed()
                        gif.screenshot(path=str(ARTIFACTS / f"{chapter}-animation-{i}.png"))
                    nav = page.locator("nav.site a.index")
                    assert nav.count() >= 1
            finally:
                browser.close()
    finally:
        server.shutdown()
        server.server_close()
    assert blocked == [], f"{len(blocked)} requests left the machine: {blocked[:5]}"
    assert (ARTIFACTS / f"{ASSIGNMENTS[0]}.png").is_file()
