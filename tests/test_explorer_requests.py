"""Does the explorer's view ask the kernel for recomputes without building a backlog? (explorer.js, in Chromium)

The view's request policy (`requests` in nnpractice/explorer.js) is loaded as a
module into an empty page of headless Chromium and driven with made-up settings
and answers: no JupyterLab, no kernel, no timed assertion.
"""

import json
from pathlib import Path

import pytest

import nnpractice
from nnpractice_instructor.browser import CHROMIUM, CHROMIUM_ARGS
from tests.browser_util import require_browser

pytestmark = [pytest.mark.browser]

SCRIPT = Path(nnpractice.__file__).with_name("explorer.js")

# Loads explorer.js as a module; `settings(m)` makes the settings of a view whose momentum slider shows m.
LOAD = """async (source) => {
  window.explorer = await import(URL.createObjectURL(new Blob([source], {type: "text/javascript"})));
  window.settings = (m) => ({surface: "ravine", steps: 100, learning_rate: 0.01, momentum: m, decay_rate: 0.99,
                             beta1: 0.9, beta2: 0.999, start: [1, 1], chosen: ["SGD", "momentum"]});
}"""


@pytest.fixture(scope="module")
def page():
    """An empty Chromium page with explorer.js loaded as `window.explorer`."""
    sync_api = require_browser()
    with sync_api.sync_playwright() as play:
        browser = play.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.evaluate(LOAD, SCRIPT.read_text())
            yield page
        finally:
            browser.close()


def run(page, body):
    """Run JS `body` with `asked` = requests(...) recording what is sent in `sent` (momenta); returns its value."""
    return page.evaluate("""(body) => {
      const sent = [];
      let clock = 0;
      const asked = window.explorer.requests((id, s) => sent.push({id, m: s.momentum}),
                                              {limit: 2, timeoutMs: 1000, now: () => clock});
      const tick = (ms) => { clock += ms; };
      return new Function("asked", "sent", "settings", "tick", body)(asked, sent, window.settings, tick);
    }""", body)


def test_a_drag_asks_for_the_latest_settings_only(page):
    """With two requests in flight, are the settings passed meanwhile dropped and the latest asked for next?"""
    sent = run(page, """
      const shown = settings(0.0);
      for (const m of [0.1, 0.2, 0.3, 0.4]) asked.ask(settings(m), shown);
      asked.answered(sent[0].id);
      asked.ask(settings(0.5), settings(0.1));
      asked.ask(settings(0.6), settings(0.1));
      return sent.map((s) => s.m);""")
    assert sent == [0.1, 0.2, 0.5], "0.3 and 0.4 were stale when a request could leave; 0.6 must wait"


def test_settings_asked_for_or_shown_are_not_asked_again(page):
    """Is a request left out when the newest request, or the frame shown, has the same settings?"""
    result = run(page, """
      const first = asked.ask(settings(0.5), settings(0.5));
      const second = asked.ask(settings(0.6), settings(0.5));
      const third = asked.ask(settings(0.6), settings(0.5));
      asked.answered(sent[0].id);
      const fourth = asked.ask(settings(0.6), settings(0.6));
      return [first, second, third, fourth, asked.inFlight()];""")
    assert result == [False, True, False, False, 0]


def test_a_later_answer_clears_the_older_requests(page):
    """Answers come in order: does the answer to the newest request free every slot?"""
    result = run(page, """
      asked.ask(settings(0.1), settings(0.0));
      asked.ask(settings(0.2), settings(0.0));
      asked.answered(sent[1].id);
      return [asked.inFlight(), asked.ask(settings(0.3), settings(0.2)), asked.ask(settings(0.4), settings(0.2))];""")
    assert result == [0, True, True]


def test_a_lost_answer_does_not_block_the_view(page):
    """After the timeout, can requests leave again though two were never answered?"""
    result = run(page, """
      asked.ask(settings(0.1), settings(0.0));
      asked.ask(settings(0.2), settings(0.0));
      const blocked = asked.ask(settings(0.3), settings(0.0));
      tick(1500);
      return [blocked, asked.ask(settings(0.3), settings(0.0))];""")
    assert result == [False, True]


def test_every_request_has_its_own_id(page):
    """Are the ids of the requests distinct (an answer names the one it answers)?"""
    ids = run(page, """
      for (let i = 0; i < 6; i++) { asked.ask(settings(i / 10), settings(-1)); asked.answered(sent[sent.length - 1].id); }
      return sent.map((s) => s.id);""")
    assert len(ids) == 6 and len(set(ids)) == 6, json.dumps(ids)


def test_a_slider_value_reached_by_steps_finds_the_frame_kept_for_it(page):
    """0.53 and 0.5300000000000001 (a value reached by adding steps) are the same frame; 0.54 is another."""
    keys = page.evaluate("""() => [0.53, 0.5 + 3 * 0.01, 0.54].map(m => window.explorer.frameKey(settings(m)))""")
    assert keys[0] == keys[1] != keys[2]


def test_neighbours_are_the_next_steps_nearest_first_within_the_range(page):
    """On a linear slider and on a log slider (min, max, step are exponents there)."""
    linear, log = page.evaluate("""() => [
      window.explorer.neighbours({value: 0.97, min: 0, max: 0.99, step: 0.01}, 3),
      window.explorer.neighbours({value: 0.01, min: -5, max: 0, step: 0.5, base: 10}, 2)]""")
    assert linear == [0.98, 0.96, 0.99, 0.95, 0.94]
    assert log == pytest.approx([10 ** -1.5, 10 ** -2.5, 10 ** -1, 10 ** -3])


def test_kept_frames_drop_the_least_recently_used(page):
    kept = page.evaluate("""() => {
      const frames = window.explorer.keptFrames(2);
      frames.set("a", 1); frames.set("b", 2);
      frames.get("a");          // a is used again: b is now the oldest
      frames.set("c", 3);
      return {a: frames.has("a"), b: frames.has("b"), c: frames.has("c"), size: frames.size};
    }""")
    assert kept == {"a": True, "b": False, "c": True, "size": 2}
