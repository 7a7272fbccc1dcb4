// The trajectory explorer's figure, drawn with the Canvas 2D API (loaded by anywidget; no build step,
// nothing fetched). The kernel computes; this file only draws and asks for recomputes.
//
// Left panel: the surface's contour lines (drawn once per surface into a background picture),
// the start point, one path per rule with its end, a legend. Right panel: loss against step.
// The paths arrive as binary arrays in "frame" messages, only those that changed.
// Requests: whenever a control changes, the view asks the kernel for a frame computed with the
// settings it shows, with at most MAX_IN_FLIGHT requests in flight (see `requests`); when an answer
// comes, it asks again only if the settings changed meanwhile. So a drag never leaves a backlog: the
// settings it passes through while all are in flight are never computed.
// Frames ahead of need: while nothing is in flight, the view asks for the frames of the last-moved
// (or pointed at, or focused) slider's next PREFETCH_STEPS positions on each side ("prefetch"), and keeps every frame it receives
// (`frames`). A control that moves to settings already kept is drawn at once, without waiting for the
// kernel. (In Chromium, while keys or pointer moves keep arriving, messages from the kernel are held
// back: in a 20-step drag with the keyboard, answers the kernel sent within 10 ms reached the page
// 150-190 ms later, all at once after the last key.)

const WIDTH = 820;
const HEIGHT = 340;
const SURFACE_PANEL = { left: 52, top: 24, right: 415, bottom: 298 };
const LOSS_PANEL = { left: 497, top: 24, right: 808, bottom: 298 };
const FONT = "11px sans-serif";
const TITLE_FONT = "12px sans-serif";
const HYPERPARAMETERS = ["learning_rate", "momentum", "decay_rate", "beta1", "beta2"];
// Four: the round trip to the kernel (50-200 ms while a slider is dragged on 2 busy cores) is much
// longer than a recompute of the rules that read the moved slider (about 5 ms), so with only one
// request waiting the kernel idles and a 20-step drag showed 4-7 frames.
const MAX_IN_FLIGHT = 4;
const REQUEST_TIMEOUT_MS = 10000;
const PREFETCH_STEPS = 10; // positions of the last-moved slider asked for on each side
const PREFETCH_BATCH = 4;  // frames asked for per message: a request waits behind at most these in the kernel
const KEPT_FRAMES = 256;

// A copy of a received buffer: buffers are views at any offset, typed arrays need aligned ones.
function bytes(view) {
  return view instanceof ArrayBuffer ? view : view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength);
}

function niceTicks(low, high, count = 5) {
  if (!(high > low)) return [low];
  const raw = (high - low) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const ratio = raw / magnitude;
  const step = (ratio >= 7.5 ? 10 : ratio >= 3.5 ? 5 : ratio >= 1.5 ? 2 : 1) * magnitude;
  const ticks = [];
  for (let value = Math.ceil(low / step - 1e-9) * step; value <= high + step * 1e-9; value += step) {
    ticks.push(Math.abs(value) < step * 1e-9 ? 0 : value);
  }
  return ticks;
}

function logTicks(low, high) {
  const first = Math.ceil(Math.log10(low) - 1e-9);
  const last = Math.floor(Math.log10(high) + 1e-9);
  if (last < first) return niceTicks(low, high, 3).filter((v) => v > 0);
  const every = Math.max(1, Math.ceil((last - first + 1) / 7));
  const ticks = [];
  for (let k = first; k <= last; k += every) ticks.push(10 ** k);
  return ticks;
}

function label(value, log) {
  if (value === 0) return "0";
  if (log || Math.abs(value) >= 1e5 || Math.abs(value) < 1e-3) {
    const exponent = Math.floor(Math.log10(Math.abs(value)) + 1e-9);
    const mantissa = value / 10 ** exponent;
    return (Math.abs(mantissa - 1) < 1e-6 ? "" : `${+mantissa.toPrecision(3)}×`) + `1e${exponent}`;
  }
  return `${+value.toPrecision(6)}`;
}

// Map data to pixels inside a panel; log on y when asked.
function scale(panel, xlim, ylim, logY) {
  const ty = logY ? Math.log10 : (v) => v;
  const y0 = ty(ylim[0]);
  const y1 = ty(ylim[1]);
  const sx = (panel.right - panel.left) / (xlim[1] - xlim[0]);
  const sy = (panel.bottom - panel.top) / (y1 - y0);
  return {
    x: (v) => panel.left + (v - xlim[0]) * sx,
    y: (v) => panel.bottom - (ty(v) - y0) * sy,
    dataX: (px) => xlim[0] + (px - panel.left) / sx,
    dataY: (py) => y0 + (panel.bottom - py) / sy,
  };
}

// Liang-Barsky: the part of segment (x0, y0)-(x1, y1) inside the box, or null. Keeps the canvas away
// from coordinates like 1e13 px (a run flying out of view), which it does not draw faithfully.
function clip(x0, y0, x1, y1, box) {
  let t0 = 0;
  let t1 = 1;
  const dx = x1 - x0;
  const dy = y1 - y0;
  for (const [p, q] of [[-dx, x0 - box.left], [dx, box.right - x0], [-dy, y0 - box.top], [dy, box.bottom - y0]]) {
    if (p === 0) {
      if (q < 0) return null;
    } else {
      const t = q / p;
      if (p < 0) {
        if (t > t1) return null;
        if (t > t0) t0 = t;
      } else {
        if (t < t0) return null;
        if (t < t1) t1 = t;
      }
    }
  }
  return [x0 + t0 * dx, y0 + t0 * dy, x0 + t1 * dx, y0 + t1 * dy];
}

function polyline(ctx, xs, ys, panel) {
  const box = { left: panel.left - 4, right: panel.right + 4, top: panel.top - 4, bottom: panel.bottom + 4 };
  ctx.beginPath();
  let lastX = NaN;
  let lastY = NaN;
  for (let i = 1; i < xs.length; i++) {
    const part = clip(xs[i - 1], ys[i - 1], xs[i], ys[i], box);
    if (!part) continue;
    if (part[0] !== lastX || part[1] !== lastY) ctx.moveTo(part[0], part[1]);
    ctx.lineTo(part[2], part[3]);
    lastX = part[2];
    lastY = part[3];
  }
  ctx.stroke();
}

function inside(px, py, panel) {
  return px >= panel.left && px <= panel.right && py >= panel.top && py <= panel.bottom;
}

function star(ctx, x, y, radius) {
  ctx.beginPath();
  for (let i = 0; i < 10; i++) {
    const r = i % 2 ? radius * 0.4 : radius;
    const angle = -Math.PI / 2 + (i * Math.PI) / 5;
    ctx.lineTo(x + r * Math.cos(angle), y + r * Math.sin(angle));
  }
  ctx.closePath();
  ctx.fill();
}

function axes(ctx, panel, xticks, yticks, to, { title, xlabel, ylabel, log = false, grid = false }) {
  ctx.save();
  ctx.font = FONT;
  ctx.fillStyle = "#000";
  ctx.strokeStyle = "#000";
  ctx.lineWidth = 1;
  if (grid) {
    ctx.strokeStyle = "rgba(176, 176, 176, 0.5)";
    ctx.beginPath();
    for (const v of xticks) { ctx.moveTo(Math.round(to.x(v)) + 0.5, panel.top); ctx.lineTo(Math.round(to.x(v)) + 0.5, panel.bottom); }
    for (const v of yticks) { ctx.moveTo(panel.left, Math.round(to.y(v)) + 0.5); ctx.lineTo(panel.right, Math.round(to.y(v)) + 0.5); }
    ctx.stroke();
    ctx.strokeStyle = "#000";
  }
  ctx.strokeRect(panel.left + 0.5, panel.top + 0.5, panel.right - panel.left, panel.bottom - panel.top);
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  ctx.beginPath();
  for (const v of xticks) {
    const px = Math.round(to.x(v)) + 0.5;
    ctx.moveTo(px, panel.bottom);
    ctx.lineTo(px, panel.bottom + 4);
    ctx.fillText(label(v, false), px, panel.bottom + 6);
  }
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  for (const v of yticks) {
    const py = Math.round(to.y(v)) + 0.5;
    ctx.moveTo(panel.left, py);
    ctx.lineTo(panel.left - 4, py);
    ctx.fillText(label(v, log), panel.left - 6, py);
  }
  ctx.stroke();
  ctx.textAlign = "center";
  ctx.textBaseline = "alphabetic";
  ctx.fillText(xlabel, (panel.left + panel.right) / 2, panel.bottom + 32);
  ctx.font = TITLE_FONT;
  ctx.fillText(title, (panel.left + panel.right) / 2, panel.top - 8);
  ctx.font = FONT;
  ctx.translate(panel.left - 40, (panel.top + panel.bottom) / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText(ylabel, 0, 0);
  ctx.restore();
}

// The surface panel without the runs: drawn once per surface, then copied under every frame.
function drawBackground(ctx, surface) {
  const [xMin, xMax, yMin, yMax] = surface.box;
  const to = scale(SURFACE_PANEL, [xMin, xMax], [yMin, yMax], false);
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, WIDTH, HEIGHT);
  const lengths = new Int32Array(bytes(surface.contours.lengths));
  const xy = new Float32Array(bytes(surface.contours.xy));
  ctx.save();
  ctx.beginPath();
  ctx.rect(SURFACE_PANEL.left, SURFACE_PANEL.top, SURFACE_PANEL.right - SURFACE_PANEL.left,
    SURFACE_PANEL.bottom - SURFACE_PANEL.top);
  ctx.clip();
  ctx.lineWidth = 0.9;
  ctx.globalAlpha = 0.7;
  let line = 0;
  let offset = 0;
  for (const level of surface.contours.levels) {
    ctx.strokeStyle = level.color;
    ctx.beginPath();
    for (let k = 0; k < level.lines; k++, line++) {
      for (let i = 0; i < lengths[line]; i++, offset += 2) {
        const px = to.x(xy[offset]);
        const py = to.y(xy[offset + 1]);
        if (i === 0) ctx.moveTo(px, py);
        else ctx.lineTo(px, py);
      }
    }
    ctx.stroke();
  }
  ctx.globalAlpha = 1;
  if (surface.minimum) {
    ctx.fillStyle = "#000";
    star(ctx, to.x(surface.minimum[0]), to.y(surface.minimum[1]), 7);
  }
  ctx.restore();
  axes(ctx, SURFACE_PANEL, niceTicks(xMin, xMax), niceTicks(yMin, yMax), to,
    { title: surface.title, xlabel: "x", ylabel: "y" });
}

function endMarker(ctx, kind, x, y) {
  ctx.beginPath();
  if (kind === "x") {
    ctx.lineWidth = 2.2;
    ctx.moveTo(x - 4, y - 4); ctx.lineTo(x + 4, y + 4);
    ctx.moveTo(x - 4, y + 4); ctx.lineTo(x + 4, y - 4);
    ctx.stroke();
  } else {
    ctx.arc(x, y, 3, 0, 2 * Math.PI);
    ctx.fill();
  }
}

function drawLegend(ctx, rules) {
  ctx.save();
  ctx.font = FONT;
  const width = 18 + Math.max(...rules.map((rule) => ctx.measureText(rule.label).width)) + 14;
  const left = SURFACE_PANEL.left + 6;
  const top = SURFACE_PANEL.top + 6;
  ctx.fillStyle = "rgba(255, 255, 255, 0.8)";
  ctx.strokeStyle = "rgba(200, 200, 200, 0.8)";
  ctx.fillRect(left, top, width, 6 + 14 * rules.length);
  ctx.strokeRect(left + 0.5, top + 0.5, width, 6 + 14 * rules.length);
  ctx.textBaseline = "middle";
  ctx.lineWidth = 1.8;
  rules.forEach((rule, i) => {
    const y = top + 10 + 14 * i;
    ctx.strokeStyle = rule.color;
    ctx.beginPath();
    ctx.moveTo(left + 5, y);
    ctx.lineTo(left + 19, y);
    ctx.stroke();
    ctx.fillStyle = "#000";
    ctx.fillText(rule.label, left + 24, y);
  });
  ctx.restore();
}

async function controlModels(model) {
  const resolve = (ref) => model.widget_manager.get_model(ref.slice("IPY_MODEL_".length));
  const refs = model.get("controls");
  const sliders = {};
  const checkboxes = {};
  for (const [name, ref] of Object.entries(refs.sliders)) sliders[name] = await resolve(ref);
  for (const [name, ref] of Object.entries(refs.checkboxes)) checkboxes[name] = await resolve(ref);
  return { surface: await resolve(refs.surface), sliders, checkboxes };
}

function sameSettings(a, b) {
  if (!a || !b) return false;
  const keys = ["surface", "steps", ...HYPERPARAMETERS];
  return keys.every((key) => a[key] === b[key]) && a.start[0] === b.start[0] && a.start[1] === b.start[1]
    && a.chosen.join("\u0000") === b.chosen.join("\u0000");
}

// The requests of one view: at most `limit` in flight (while one is computed, the next ones already
// wait in the kernel's queue, so the kernel need not wait a whole round trip between two frames). A request leaves only when the settings
// differ from the newest asked for (or, with none in flight, from those shown): settings that were
// changed again before a request could leave are never asked for, so a drag never leaves a backlog
// longer than `limit`. `send(id, settings)` sends one; answered(id) is told of each answer.
export function requests(send, { limit = MAX_IN_FLIGHT, timeoutMs = REQUEST_TIMEOUT_MS, now = () => performance.now() } = {}) {
  const viewId = Math.random().toString(36).slice(2);
  let count = 0;
  let pending = []; // [{id, sent, settings}], oldest first
  return {
    // Ask for `wanted` if it is new and a request may leave; `shown`: the settings of the frame shown.
    ask(wanted, shown) {
      const time = now();
      pending = pending.filter((p) => time - p.sent < timeoutMs); // a lost answer must not block
      if (pending.length >= limit) return false;
      const newest = pending.length ? pending[pending.length - 1].settings : shown;
      if (sameSettings(wanted, newest)) return false;
      const id = `${viewId}-${count++}`;
      pending.push({ id, sent: time, settings: wanted });
      send(id, wanted);
      return true;
    },
    // The answer to request `id` came; the older ones are answered too (answers come in order).
    answered(id) {
      const index = pending.findIndex((p) => p.id === id);
      if (index >= 0) pending = pending.slice(index + 1);
    },
    inFlight: () => pending.length,
  };
}

// The key of a frame's settings; numbers to 10 significant digits, so that a slider's value reached by
// steps (0.53 or 0.5300000000000001) finds the frame computed for it.
export function frameKey(settings) {
  const round = (value) => (typeof value === "number" ? +value.toPrecision(10) : value);
  return JSON.stringify(settings, (key, value) => (Array.isArray(value) ? value.map(round) : round(value)));
}

// The values a slider shows after 1, 2, ... `count` steps each way, nearest first, within its range.
// slider: {value, min, max, step, base}; with a base (a log slider), min, max and step are exponents.
export function neighbours({ value, min, max, step, base }, count) {
  const log = base ? Math.log(value) / Math.log(base) : value;
  const found = [];
  for (let i = 1; i <= count; i++) {
    for (const at of [log + i * step, log - i * step]) {
      if (at >= min - 1e-9 && at <= max + 1e-9) found.push(+(base ? base ** at : at).toPrecision(10));
    }
  }
  return found;
}

// Frames kept by key, the least recently used dropped past `limit`.
export function keptFrames(limit = KEPT_FRAMES) {
  const frames = new Map();
  return {
    get(key) {
      const frame = frames.get(key);
      if (frame) { frames.delete(key); frames.set(key, frame); }
      return frame;
    },
    has: (key) => frames.has(key),
    set(key, frame) {
      frames.delete(key);
      frames.set(key, frame);
      if (frames.size > limit) frames.delete(frames.keys().next().value);
    },
    get size() { return frames.size; },
  };
}

async function render({ model, el }) {
  const ratio = window.devicePixelRatio || 1;
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(WIDTH * ratio);
  canvas.height = Math.round(HEIGHT * ratio);
  canvas.style.width = `${WIDTH}px`;
  canvas.style.height = `${HEIGHT}px`;
  canvas.style.cursor = "crosshair";
  canvas.title = "click or drag on the contour plot to move the start point";
  el.appendChild(canvas);
  const ctx = canvas.getContext("2d");
  const background = document.createElement("canvas");
  background.width = canvas.width;
  background.height = canvas.height;

  const mirror = {}; // label -> {points, losses, status, end}: the kernel's current frame (frames send changes)
  let latest = null; // the kernel's current frame: {runs, start, loss_axis, settings}
  let frame = null; // the frame drawn: kept for the settings the controls show, else the latest
  let frames = keptFrames();
  let generation = null; // the kernel's generation of the frames kept (raised when a function is redefined)
  const asking = new Set(); // keys of frames asked for ahead of need and not received yet
  let moved = null; // name of the slider moved (or pointed at) last: its neighbours are asked for ahead of need
  let backgroundOf = null; // the surface picture drawn into `background`
  const controls = await controlModels(model);
  const context = {}; // to remove this view's listeners from the control models

  function settings() {
    const value = (name) => controls.sliders[name].get("value");
    return {
      // a Dropdown's model holds the index of the choice; its value lives in the kernel
      surface: controls.surface.get("_options_labels")[controls.surface.get("index")],
      ...Object.fromEntries(HYPERPARAMETERS.map((key) => [key, value(key)])),
      steps: value("steps"),
      start: [value("start_x"), value("start_y")],
      chosen: Object.keys(controls.checkboxes).filter((name) => controls.checkboxes[name].get("value")),
    };
  }

  function draw() {
    const surface = model.get("surface");
    if (!surface || !surface.box) return;
    if (backgroundOf !== surface) {
      const bctx = background.getContext("2d");
      bctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      drawBackground(bctx, surface);
      backgroundOf = surface;
    }
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.drawImage(background, 0, 0);
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    const rules = model.get("rules");
    const [xMin, xMax, yMin, yMax] = surface.box;
    const to = scale(SURFACE_PANEL, [xMin, xMax], [yMin, yMax], false);
    const sameSurface = frame && frame.settings.surface === surface.name;

    ctx.save();
    ctx.beginPath();
    ctx.rect(SURFACE_PANEL.left, SURFACE_PANEL.top, SURFACE_PANEL.right - SURFACE_PANEL.left,
      SURFACE_PANEL.bottom - SURFACE_PANEL.top);
    ctx.clip();
    ctx.lineJoin = "round";
    for (const rule of rules) {
      const run = sameSurface && frame.runs[rule.label];
      if (!run || run.n === 0) continue;
      const xs = new Float64Array(run.n);
      const ys = new Float64Array(run.n);
      for (let i = 0; i < run.n; i++) { xs[i] = to.x(run.points[2 * i]); ys[i] = to.y(run.points[2 * i + 1]); }
      ctx.strokeStyle = rule.color;
      ctx.fillStyle = rule.color;
      ctx.lineWidth = 1.8;
      polyline(ctx, xs, ys, SURFACE_PANEL);
      if (run.end && inside(xs[run.n - 1], ys[run.n - 1], SURFACE_PANEL)) endMarker(ctx, run.end, xs[run.n - 1], ys[run.n - 1]);
    }
    // the start follows the sliders at once, before the kernel answers
    const start = settings().start;
    ctx.fillStyle = "#000";
    ctx.beginPath();
    ctx.arc(to.x(start[0]), to.y(start[1]), 3.5, 0, 2 * Math.PI);
    ctx.fill();
    ctx.restore();
    drawLegend(ctx, rules);
    drawLoss(rules, sameSurface);
  }

  function drawLoss(rules, sameSurface) {
    const axis = frame && sameSurface ? frame.loss_axis : null;
    const log = axis ? axis.log : false;
    const xlim = axis ? axis.xlim : [0, 10];
    const ylim = axis && axis.ylim ? axis.ylim : log ? [0.1, 10] : [0, 1];
    const to = scale(LOSS_PANEL, xlim, ylim, log);
    axes(ctx, LOSS_PANEL, niceTicks(xlim[0], xlim[1]), log ? logTicks(ylim[0], ylim[1]) : niceTicks(ylim[0], ylim[1]),
      to, { title: "loss against step", xlabel: "step", ylabel: "loss", log, grid: true });
    if (!axis || !axis.ylim) return;
    ctx.save();
    ctx.beginPath();
    ctx.rect(LOSS_PANEL.left, LOSS_PANEL.top, LOSS_PANEL.right - LOSS_PANEL.left, LOSS_PANEL.bottom - LOSS_PANEL.top);
    ctx.clip();
    ctx.lineWidth = 1.6;
    ctx.lineJoin = "round";
    for (const rule of rules) {
      const run = frame.runs[rule.label];
      if (!run || run.n === 0) continue;
      const xs = new Float64Array(run.n);
      const ys = new Float64Array(run.n);
      for (let i = 0; i < run.n; i++) { xs[i] = to.x(i); ys[i] = to.y(run.losses[i]); }
      ctx.strokeStyle = rule.color;
      polyline(ctx, xs, ys, LOSS_PANEL);
    }
    ctx.restore();
  }

  const asked = requests((id, wanted) => model.send({ type: "request", id, settings: wanted }));
  let scheduled = false;
  function request() {
    asked.ask(settings(), latest && latest.settings);
  }
  // The frame to draw: the one kept for the settings the controls show, else the kernel's latest.
  function choose() {
    frame = frames.get(frameKey(settings())) || latest;
  }
  const sliderNames = new Map(Object.entries(controls.sliders).map(([name, control]) => [control, name]));
  function changed(control) {
    moved = sliderNames.get(control) || moved;
    choose();
    draw();
    if (scheduled) return;
    // once the task that changed a control is over: after the control has sent its own value, and
    // after the other controls changed with it (a click moves x and y)
    scheduled = true;
    queueMicrotask(() => { scheduled = false; request(); });
  }

  // While nothing is in flight: ask for a few of the frames the last-moved slider would show next.
  function prefetch() {
    if (!HYPERPARAMETERS.includes(moved) || asked.inFlight() > 0 || asking.size > 0) return;
    const control = controls.sliders[moved];
    const now = settings();
    const slider = { value: control.get("value"), min: control.get("min"), max: control.get("max"),
      step: control.get("step"), base: control.get("base") };
    const items = [];
    for (const value of neighbours(slider, PREFETCH_STEPS)) {
      const wanted = { ...now, [moved]: value };
      const key = frameKey(wanted);
      if (frames.has(key)) continue;
      items.push({ key, settings: JSON.parse(key) });
      asking.add(key);
      if (items.length === PREFETCH_BATCH) break;
    }
    if (items.length) model.send({ type: "prefetch", items });
  }

  // A run of a message: its arrays from the buffers.
  const received = (run, buffers) => ({ n: run.n, status: run.status, end: run.end,
    points: new Float64Array(bytes(buffers[run.points])), losses: new Float64Array(bytes(buffers[run.losses])) });

  function onMessage(message, buffers) {
    if (!message || (message.type !== "frame" && message.type !== "prefetched")) return;
    if (message.skipped) { // the kernel did not compute it (another surface, a function redefined)
      asking.delete(message.key);
      return;
    }
    if (message.generation !== generation) {
      if (message.type === "prefetched") { // computed with functions replaced since
        asking.delete(message.key);
        return;
      }
      frames = keptFrames();
      asking.clear();
      generation = message.generation;
    }
    if (message.type === "frame") {
      for (const [name, run] of Object.entries(message.runs)) mirror[name] = received(run, buffers);
      latest = { runs: { ...mirror }, start: message.start, loss_axis: message.loss_axis, settings: message.settings };
      frames.set(frameKey(message.settings), latest);
      asked.answered(message.answers);
    } else if (message.type === "prefetched") {
      // the runs that differ from the kernel's current frame, which `mirror` holds as this message arrives
      const runs = { ...mirror };
      for (const [name, run] of Object.entries(message.runs)) runs[name] = received(run, buffers);
      frames.set(message.key, { runs, start: message.start, loss_axis: message.loss_axis, settings: message.settings });
      asking.delete(message.key);
    }
    canvas.dataset.keptFrames = frames.size; // for tests: how many frames this view keeps
    choose();
    draw();
    request();
    prefetch();
  }

  // Pointing at a slider, or focusing it, makes it the one whose neighbours are asked for: a drag
  // starts with a press on it. (Its label names it: the sliders are the explorer's own ipywidgets.)
  const byLabel = new Map(Object.entries(controls.sliders).map(([name, control]) => [control.get("description"), name]));
  function aimed(event) {
    const box = event.target.closest && event.target.closest(".nnpractice-explorer");
    if (!box || !box.contains(el)) return;
    const label = event.target.closest(".widget-slider")?.querySelector(".widget-label");
    const name = label && byLabel.get(label.textContent.trim());
    if (name && name !== moved) {
      moved = name;
      prefetch();
    }
  }
  document.addEventListener("pointerover", aimed, true);
  document.addEventListener("focusin", aimed, true);

  model.on("msg:custom", onMessage);
  model.on("change:surface", draw);
  controls.surface.on("change:index", changed, context);
  for (const control of [...Object.values(controls.sliders), ...Object.values(controls.checkboxes)]) {
    control.on("change:value", changed, context);
  }

  function moveStart(event) {
    const surface = model.get("surface");
    const rect = canvas.getBoundingClientRect();
    const px = ((event.clientX - rect.left) * WIDTH) / rect.width;
    const py = ((event.clientY - rect.top) * HEIGHT) / rect.height;
    if (!surface || !inside(px, py, SURFACE_PANEL)) return false;
    const [xMin, xMax, yMin, yMax] = surface.box;
    const to = scale(SURFACE_PANEL, [xMin, xMax], [yMin, yMax], false);
    const x = Math.min(xMax, Math.max(xMin, to.dataX(px)));
    const y = Math.min(yMax, Math.max(yMin, to.dataY(py)));
    for (const [name, value] of [["start_x", x], ["start_y", y]]) {
      controls.sliders[name].set("value", +value.toFixed(3));
      controls.sliders[name].save_changes();
    }
    return true;
  }
  let dragging = false;
  const onDown = (event) => {
    dragging = moveStart(event);
    if (dragging) canvas.setPointerCapture(event.pointerId);
  };
  const onMove = (event) => { if (dragging) moveStart(event); };
  const onUp = () => { dragging = false; };
  canvas.addEventListener("pointerdown", onDown);
  canvas.addEventListener("pointermove", onMove);
  canvas.addEventListener("pointerup", onUp);

  draw();
  model.send({ type: "hello" });
  return () => {
    model.off("msg:custom", onMessage);
    model.off("change:surface", draw);
    for (const control of [controls.surface, ...Object.values(controls.sliders), ...Object.values(controls.checkboxes)]) {
      control.off(null, null, context);
    }
    canvas.removeEventListener("pointerdown", onDown);
    canvas.removeEventListener("pointermove", onMove);
    canvas.removeEventListener("pointerup", onUp);
    document.removeEventListener("pointerover", aimed, true);
    document.removeEventListener("focusin", aimed, true);
  };
}

export default { render };
