"""How fast does chapter 02's explorer answer a slider in a real browser? Key press to changed pixels.

Chapter 02's notebook, with every answer filled in from the solutions, is run
in JupyterLab (served on 127.0.0.1 from this environment) in headless Debian
Chromium, as a student would run it. Then the momentum slider of the
trajectory explorer is moved with the keyboard, as a student would move it:

- one step: ArrowLeft on the slider's handle, then wait until the figure has
  been still for a while; repeated TRIES times. Latency = from the keydown
  event to the first animation frame at which the pixels of the figure's
  canvas differ from the frame before.
- a drag: DRAG_STEPS ArrowRight presses spread evenly over DRAG_SECONDS, back
  over the steps just taken and beyond. Reported: how many distinct pictures
  the canvas showed from the first key until it settled, and when it settled
  (its last change), counted from the first key and from the last key.
- a first drag: the same on the β₁ slider, never moved before, at once after
  focusing it, so that none of the frames it passes through were kept or
  asked for ahead of need;
- a pointed drag: the same on the decay-rate slider, never moved before,
  after the pointer rested on it for POINTED_S (the view asks for the
  neighbours of the slider pointed at, as a hand points before it drags).

A probe in the page hashes the pixels of every canvas of the explorer at every
animation frame (requestAnimationFrame, the display rate: what the eye can
see) and records the time of each change, with performance.now(), the clock
of the keydown events. Times are therefore quantized to frames (about 17 ms).

First, the kernel's side without a browser, per surface: recompute (`race`
of the 6 reference rules x 500 steps) and the update after a momentum change
(the rules that read the momentum run again, statuses, and the frame of changed
runs prepared and handed to the widget), medians of 15.

Run from the repository root (needs /usr/bin/chromium):

    .venv/bin/python -m benchmarks.explorer_browser [--tries 12] [--save artifacts/explorer_browser.json]
"""

import argparse
import json
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import nbformat

from nnpractice_instructor.browser import ALL_CELLS_RUN, CHROMIUM, CHROMIUM_ARGS, KERNEL_IDLE, jupyter_lab
from nnpractice_instructor.course import submission
from nnpractice_instructor.layout import notebook_path

NOTEBOOK = "02_optimizers.ipynb"
DRAG_STEPS = 20
DRAG_SECONDS = 0.29
POINTED_S = 0.5  # the pointer rests on a slider this long before its drag starts
QUIET_S = 0.6  # the figure counts as settled after this long without a change

# Records every keydown and, at every animation frame, whether the explorer's pixels changed.
PROBE = """() => {
  const root = document.querySelector('.nnpractice-explorer');
  const probe = window.__probe = {keys: [], changes: []};
  document.addEventListener('keydown', () => probe.keys.push(performance.now()), true);
  const hash = () => {
    let h = 2166136261;
    for (const canvas of root.querySelectorAll('canvas')) {
      if (!canvas.width || !canvas.height) continue;
      const pixels = new Uint32Array(canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data.buffer);
      for (let i = 0; i < pixels.length; i++) h = Math.imul(h ^ pixels[i], 16777619);
    }
    return h >>> 0;
  };
  let last = hash();
  const tick = () => {
    const h = hash();
    if (h !== last) { probe.changes.push([performance.now(), h]); last = h; }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}"""


def wait_until(page, script, timeout_s, what):
    try:
        page.wait_for_function(script, timeout=timeout_s * 1000)
    except Exception as error:  # playwright's TimeoutError: say what we were waiting for
        raise RuntimeError(f"timed out after {timeout_s} s waiting for {what}") from error


def probe(page):
    return page.evaluate("() => window.__probe")


def wait_still(page, since_ms, timeout_s=10.0):
    """Wait until the canvas has been unchanged for QUIET_S (and changed at least once after since_ms)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        time.sleep(0.1)
        state = page.evaluate("""(since) => {
          const after = window.__probe.changes.filter(c => c[0] > since);
          return {now: performance.now(), last: after.length ? after[after.length - 1][0] : null};
        }""", since_ms)
        if state["last"] is not None and state["now"] - state["last"] > 1000 * QUIET_S:
            return
    raise RuntimeError(f"the figure did not change, or did not settle, within {timeout_s} s")


def one_step(page, handle):
    """Press ArrowLeft once; returns (latency ms, settled ms) from the keydown."""
    before = probe(page)
    handle.press("ArrowLeft")
    key = probe(page)["keys"][len(before["keys"])]
    wait_still(page, key)
    changes = [t for t, _ in probe(page)["changes"] if t > key]
    return changes[0] - key, changes[-1] - key


def drag(page, handle, key="ArrowRight"):
    """DRAG_STEPS presses of `key` over DRAG_SECONDS; returns a dict of what the canvas showed."""
    before = probe(page)
    handle.focus()
    started = time.perf_counter()
    for i in range(DRAG_STEPS):
        pause = started + i * DRAG_SECONDS / (DRAG_STEPS - 1) - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
        page.keyboard.press(key)
    keys = probe(page)["keys"][len(before["keys"]):]
    wait_still(page, keys[0])
    changes = [(t, h) for t, h in probe(page)["changes"] if t > keys[0]]
    return {"keys": len(keys), "key_span_ms": keys[-1] - keys[0],
            "distinct_frames": len({h for _, h in changes}), "changes": len(changes),
            "settled_after_first_key_ms": changes[-1][0] - keys[0],
            "settled_after_last_key_ms": changes[-1][0] - keys[-1]}


def kernel_side(steps=500, repeats=15):
    """{surface: (recompute ms, update ms after a momentum change)}, medians, for the 6 reference rules."""
    from nnpractice_instructor.animation import RULE_NAMES
    from nnpractice_instructor.references import load_reference
    from nnpractice.surfaces import SURFACES
    from nnpractice.trajectories import race
    from nnpractice.widgets import TrajectoryExplorer

    reference = load_reference("02_optimizers")
    rules = {label: getattr(reference, name) for label, name in RULE_NAMES.items()}
    explorer = TrajectoryExplorer(rules, steps=steps)
    times = {}
    for name, surface in SURFACES.items():
        explorer.set_surface(name)
        config = explorer.config()
        compute, update = [], []
        for i in range(repeats):
            started = time.perf_counter()
            race(rules, surface, surface.start, steps, config)
            compute.append(1e3 * (time.perf_counter() - started))
            # a new momentum each time, so that the runs which read it are sent again
            explorer.sliders["momentum"].value = 0.5 + 0.01 * (i % 2)
            update.append(explorer.timings["compute_ms"] + explorer.timings["update_ms"])
        times[name] = (statistics.median(compute), statistics.median(update))
    return times


def measure(tries):
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        raise SystemExit(f"{CHROMIUM} not found (apt-get install chromium)")
    with tempfile.TemporaryDirectory(prefix="explorer-browser-") as tmp:
        root = Path(tmp) / "course"
        root.mkdir()
        nbformat.write(submission("02_optimizers"), root / NOTEBOOK)
        shutil.copytree(notebook_path("02_optimizers", "notebooks").parent / "animations", root / "animations")
        with jupyter_lab(root, Path(tmp) / "jupyterlab.log") as (base, token), sync_playwright() as play:
            browser = play.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page.goto(f"{base}/lab/tree/{NOTEBOOK}?token={token}", timeout=90_000)
                wait_until(page, KERNEL_IDLE, 120, "the notebook's kernel to start")
                page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
                wait_until(page, ALL_CELLS_RUN, 600, "every cell to run")
                wait_until(page, KERNEL_IDLE, 120, "the kernel to finish")
                explorer = page.locator(".nnpractice-explorer")
                explorer.scroll_into_view_if_needed()
                explorer.locator("canvas >> visible=true").first.wait_for(state="visible", timeout=60_000)
                time.sleep(2.0)  # the first picture
                handle = explorer.locator(".widget-slider", has_text="momentum").locator(".noUi-handle").first
                handle.scroll_into_view_if_needed()
                handle.focus()
                page.evaluate(PROBE)
                time.sleep(0.5)
                steps = [one_step(page, handle) for _ in range(tries)]
                dragged = drag(page, handle)
                time.sleep(1.0)
                # a slider not moved before: none of its frames are kept yet
                other = explorer.locator(".widget-slider", has_text="β₁").locator(".noUi-handle").first
                other.scroll_into_view_if_needed()
                first_drag = drag(page, other, "ArrowLeft")
                time.sleep(1.0)
                # another slider never moved, pointed at half a second before the drag, as a hand does
                pointed = explorer.locator(".widget-slider", has_text="decay rate").locator(".noUi-handle").first
                pointed.scroll_into_view_if_needed()
                pointed.hover()
                time.sleep(POINTED_S)
                pointed_drag = drag(page, pointed, "ArrowLeft")
                return {"tries": tries, "latency_ms": [s[0] for s in steps], "settled_ms": [s[1] for s in steps],
                        "drag": dragged, "first_drag": first_drag, "pointed_drag": pointed_drag,
                        "settings": {"drag_steps": DRAG_STEPS, "drag_seconds": DRAG_SECONDS}}
            finally:
                browser.close()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tries", type=int, default=12, help="single steps to time (at least 12)")
    parser.add_argument("--save", type=Path, help="also write the raw numbers to this JSON file")
    args = parser.parse_args(argv)
    kernel = kernel_side()
    print(f"kernel side, 6 rules x 500 steps (ms, median of 15): {'surface':>12} {'recompute':>10} {'update μ':>8}")
    for name, (compute, update) in kernel.items():
        print(f"{'':50} {name:>12} {compute:10.1f} {update:8.1f}")
    result = measure(args.tries)
    result["kernel_ms"] = kernel
    latency = result["latency_ms"]
    print("chapter 02 explorer in JupyterLab, headless Chromium: momentum slider moved with the keyboard")
    print(f"  slider to pixels, one step ({len(latency)} tries): median {statistics.median(latency):.0f} ms, "
          f"min {min(latency):.0f} ms, max {max(latency):.0f} ms")
    for name, what in (("drag", "a drag back over the steps"), ("first_drag", "a first drag of the β₁ slider"),
                       ("pointed_drag", f"a first drag of ρ, pointed at {POINTED_S} s before")):
        dragged = result[name]
        print(f"  {dragged['keys']} quick steps in {dragged['key_span_ms'] / 1000:.2f} s ({what}): "
              f"{dragged['distinct_frames']} distinct frames; settled "
              f"{dragged['settled_after_first_key_ms'] / 1000:.2f} s after the first key, "
              f"{dragged['settled_after_last_key_ms']:.0f} ms after the last")
    if args.save:
        args.save.parent.mkdir(parents=True, exist_ok=True)
        args.save.write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
