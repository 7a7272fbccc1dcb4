"""Does the trajectory explorer render and react in a real JupyterLab, in headless Chromium?

A finished notebook (the student release with every answer filled in) is
opened in JupyterLab 4 served on 127.0.0.1 from this environment; all cells
are run; a slider is moved, the contour plot clicked, another slider pointed
at (its neighbours' frames are asked for), a rule redefined as a stub: the
figure, the start point, the kept frames and the status must follow (behaviour only,
no timed assertion: benchmarks/explorer_browser.py measures the speed). Screenshots are kept in
artifacts/browser/. Without /usr/bin/chromium the test is skipped, except in
CI (CI=true), where it fails: .ci/run installs chromium.
"""

import shutil
import time

import nbformat
import pytest

from nnpractice_instructor.browser import ALL_CELLS_RUN, CHROMIUM, CHROMIUM_ARGS, KERNEL_IDLE, jupyter_lab
from tests.browser_util import require_browser
from nnpractice_instructor.course import submission
from nnpractice_instructor.layout import COURSE as ROOT
from nnpractice_instructor.layout import notebook_path

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("browser")]

ARTIFACTS = ROOT / "artifacts" / "browser"
NOTEBOOK = "02_optimizers.ipynb"


def wait_until(page, script, timeout_s, what):
    try:
        page.wait_for_function(script, timeout=timeout_s * 1000)
    except Exception as error:  # playwright's TimeoutError: say what we were waiting for
        page.screenshot(path=str(ARTIFACTS / "timeout.png"), full_page=True)
        raise AssertionError(f"timed out after {timeout_s} s waiting for {what}") from error

def status_text(page):
    return page.locator(".nnpractice-explorer .nnpractice-status").all_inner_texts()


def status_of(page, label):
    row = page.locator(".nnpractice-explorer tr", has_text=label).first
    return row.locator(".nnpractice-status").inner_text()


def wait_for_change(read, before, what, timeout_s=30):
    """Poll read() until it differs from before; returns the new value (a wait, not a timed assertion)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = read()
        if value != before:
            return value
        time.sleep(0.25)
    raise AssertionError(f"{what} did not change within {timeout_s} s")


def readout(explorer, description):
    """The number a slider shows (ipywidgets writes minus signs as U+2212)."""
    text = explorer.locator(".widget-slider", has_text=description).first.locator(".widget-readout").inner_text()
    return float(text.replace("\u2212", "-"))


def test_explorer_renders_and_reacts_in_jupyterlab(tmp_path):
    """After Run All, is the explorer drawn; do a slider, a click and a redefined stub change what it shows?"""
    sync_api = require_browser()
    if ARTIFACTS.exists():
        shutil.rmtree(ARTIFACTS)
    ARTIFACTS.mkdir(parents=True)
    root = tmp_path / "course"
    root.mkdir()
    nbformat.write(submission("02_optimizers"), root / NOTEBOOK)
    shutil.copytree(notebook_path("02_optimizers", "notebooks").parent / "animations", root / "animations")

    with jupyter_lab(root, ARTIFACTS / "jupyterlab.log") as (base, token), sync_api.sync_playwright() as play:
        browser = play.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            browser_errors = []
            page.on("pageerror", lambda error: browser_errors.append(str(error)))
            page.goto(f"{base}/lab/tree/{NOTEBOOK}?token={token}", timeout=90_000)
            wait_until(page, KERNEL_IDLE, 120, "the notebook's kernel to start")
            started = time.monotonic()
            page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
            wait_until(page, ALL_CELLS_RUN, 300, "every cell to run")
            wait_until(page, KERNEL_IDLE, 120, "the kernel to finish")
            run_all_s = time.monotonic() - started
            (ARTIFACTS / "run_all_seconds.txt").write_text(f"{run_all_s:.1f}\n")

            errors = page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')
            assert errors.count() == 0, "cells printed errors: " + " | ".join(errors.all_inner_texts())[:2000]

            images = page.locator('.jp-OutputArea-output[data-mime-type="image/png"] img')
            assert images.count() >= 4, f"only {images.count()} inline figures: did the explorer change the backend?"

            explorer = page.locator(".nnpractice-explorer")
            explorer.wait_for(state="attached", timeout=60_000)
            explorer.scroll_into_view_if_needed()
            canvas = explorer.locator(".nnpractice-view canvas").first
            try:
                canvas.wait_for(state="visible", timeout=60_000)
            except Exception as error:
                page.screenshot(path=str(ARTIFACTS / "no_canvas.png"), full_page=True)
                raise AssertionError("the explorer's figure (its canvas) did not render") from error
            explorer.scroll_into_view_if_needed()
            wait_until(page, "() => document.querySelectorAll('.nnpractice-explorer .nnpractice-status').length == 6",
                       60, "the explorer's status table")
            before_status = status_text(page)
            assert not any("not implemented" in s for s in before_status), before_status
            box = canvas.bounding_box()
            assert box and box["width"] > 300 and box["height"] > 150, f"canvas not drawn: {box}"
            blank = page.evaluate("""() => {
              const canvas = document.querySelector('.nnpractice-view canvas');
              const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
              return pixels.every((v, i) => i % 4 == 3 || v == 255);
            }""")
            assert not blank, "the explorer's canvas is blank"

            # a slider: the step size, typed into its readout
            before = canvas.screenshot()
            page.screenshot(path=str(ARTIFACTS / "page_before.png"))
            canvas.screenshot(path=str(ARTIFACTS / "explorer_before.png"))
            slider = explorer.locator(".widget-slider", has_text="step size").first
            slider.locator(".widget-readout").click()
            page.keyboard.press("Control+A")
            page.keyboard.type("1e-1")
            page.keyboard.press("Enter")
            after_status = wait_for_change(lambda: status_text(page), before_status, "the status after a slider move")
            after = wait_for_change(canvas.screenshot, before, "the plot after a slider move")
            canvas.screenshot(path=str(ARTIFACTS / "explorer_after_slider.png"))
            assert after_status != before_status

            # a click on the contour plot: a quarter from its left and from its top
            start = (readout(explorer, "start x"), readout(explorer, "start y"))
            left, top, right, bottom = 52, 24, 415, 298  # SURFACE_PANEL in nnpractice/explorer.js
            canvas.click(position={"x": left + 0.25 * (right - left), "y": top + 0.25 * (bottom - top)})
            moved = wait_for_change(lambda: (readout(explorer, "start x"), readout(explorer, "start y")), start,
                                    "the start point after a click")
            assert moved == (pytest.approx(-0.75, abs=0.02), pytest.approx(0.75, abs=0.02)), moved
            wait_for_change(canvas.screenshot, after, "the plot after a click")
            canvas.screenshot(path=str(ARTIFACTS / "explorer_after_click.png"))

            # pointing at a slider asks the kernel for its next positions' frames, which the view keeps
            kept = int(canvas.get_attribute("data-kept-frames") or 0)
            explorer.locator(".widget-slider", has_text="β₂").locator(".noUi-handle").first.hover()
            wait_until(page, "() => +document.querySelector('.nnpractice-view canvas').dataset.keptFrames >= "
                             f"{kept + 10}", 60, "the frames of the pointed slider's next positions")

            # the student puts Adam back to a stub: after the next change it is listed as not implemented
            page.evaluate("""() => window.jupyterapp.shell.currentWidget.sessionContext.session.kernel
                .requestExecute({code: 'def adam(w, dw, config=None):\\n    raise NotImplementedError()'}).done""")
            adam = status_of(page, "Adam")
            explorer.locator(".widget-slider", has_text="momentum").locator(".noUi-handle").first.press("ArrowLeft")
            adam = wait_for_change(lambda: status_of(page, "Adam"), adam, "Adam's status after it became a stub")
            canvas.screenshot(path=str(ARTIFACTS / "explorer_after_stub.png"))
            page.screenshot(path=str(ARTIFACTS / "page_after.png"))
            assert adam == "not implemented yet", adam
            assert not browser_errors, browser_errors
        finally:
            browser.close()
