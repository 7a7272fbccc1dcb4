"""Does the trajectory explorer render and react in a real JupyterLab, in headless Chromium?

A finished notebook (the student release with every answer filled in) is
opened in JupyterLab 4 served on 127.0.0.1 from this environment; all cells
are run; a slider is moved; the plot must change. Screenshots are kept in
artifacts/browser/. Without /usr/bin/chromium the test is skipped, except in
CI (CI=true), where it fails: .ci/run installs chromium.
"""

import shutil
import time

import nbformat
import pytest

from tests.browser_util import CHROMIUM, CHROMIUM_ARGS, jupyter_lab, require_browser
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


KERNEL_IDLE = """() => {
  const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const kernel = panel && panel.sessionContext && panel.sessionContext.session
                 && panel.sessionContext.session.kernel;
  return kernel && kernel.status === 'idle';
}"""

ALL_CELLS_RUN = """() => {
  const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].map(p => p.textContent.trim());
  return prompts.length > 0 && prompts.every(p => /^\\[\\d+\\]:$/.test(p));
}"""


def status_text(page):
    return page.locator(".nnpractice-explorer .nnpractice-status").all_inner_texts()


def test_explorer_renders_and_reacts_in_jupyterlab(tmp_path):
    """After Run All, is the explorer drawn, and does moving the step-size slider redraw the plot?"""
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
            canvas = explorer.locator("canvas >> visible=true").first
            try:
                canvas.wait_for(state="visible", timeout=60_000)
            except Exception as error:
                page.screenshot(path=str(ARTIFACTS / "no_canvas.png"), full_page=True)
                raise AssertionError("the explorer's figure (ipympl canvas) did not render") from error
            explorer.scroll_into_view_if_needed()
            wait_until(page, "() => document.querySelectorAll('.nnpractice-explorer .nnpractice-status').length == 6",
                       60, "the explorer's status table")
            time.sleep(1.0)  # let ipympl paint its first picture
            before_status = status_text(page)
            assert not any("not implemented" in s for s in before_status), before_status
            before = canvas.screenshot(path=str(ARTIFACTS / "explorer_before.png"))
            page.screenshot(path=str(ARTIFACTS / "page_before.png"))
            box = canvas.bounding_box()
            assert box and box["width"] > 300 and box["height"] > 150, f"canvas not drawn: {box}"

            slider = explorer.locator(".widget-slider", has_text="step size").first
            readout = slider.locator(".widget-readout")
            readout.click()
            page.keyboard.press("Control+A")
            page.keyboard.type("1e-1")
            page.keyboard.press("Enter")

            after, after_status = before, before_status
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and (after == before or after_status == before_status):
                time.sleep(0.5)
                after = canvas.screenshot()
                after_status = status_text(page)
            canvas.screenshot(path=str(ARTIFACTS / "explorer_after.png"))
            page.screenshot(path=str(ARTIFACTS / "page_after.png"))
            assert after_status != before_status, f"status did not change: {after_status}"
            assert after != before, "the plot did not change after moving the slider"
        finally:
            browser.close()
