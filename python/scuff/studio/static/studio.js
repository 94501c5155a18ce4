// scuff studio's page: the plugin browser, the racks (one group each) with their routing
// views, and the health of each sandbox, kept current by the server's feed. Every change goes through the JSON API;
// the page shows what the server then describes, never what it hoped for.
"use strict";

// changedAt: when the server saw each sandbox's last change of state.
const state = { plugins: [], broken: [], scanning: true, racks: [], health: new Map(), changedAt: new Map() };
// Each rack's section, made once, so what the user typed in its forms stays.
const sections = new Map();
const allDevices = () => state.racks.flatMap((rack) => rack.devices);
const allSandboxes = () => state.racks.flatMap((rack) => rack.sandboxes);
const $ = (id) => document.getElementById(id);
window.studioLags = [];

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (value !== undefined && value !== null && value !== false) node.setAttribute(key, value);
  }
  node.append(...children.filter((child) => child !== null && child !== undefined));
  return node;
}

// --- the API ---

async function call(path, body) {
  const response = await fetch(path, {
    method: body === undefined ? "GET" : "POST",
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const reply = await response.json().catch(() => ({ error: `${response.status} ${response.statusText}` }));
  if (!response.ok) throw new Error(reply.error || `${response.status}`);
  return reply;
}

async function attempt(what, work) {
  try {
    return await work();
  } catch (error) {
    notice("error", `${what}: ${error.message}`);
    return undefined;
  }
}

function notice(level, text, actions = []) {
  const close = element("button", { onclick: () => box.remove() }, "dismiss");
  const box = element("div", { class: `notice ${level}`, "data-testid": `notice-${level}` },
                      element("span", {}, text), ...actions, close);
  $("notices").append(box);
  return box;
}

// --- the feed ---

function connectFeed() {
  const socket = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/api/feed`);
  socket.onopen = () => { $("connection").textContent = "connected"; $("connection").className = "online"; };
  socket.onclose = () => {
    $("connection").textContent = "disconnected"; $("connection").className = "offline";
    setTimeout(connectFeed, 1000);
  };
  socket.onmessage = (event) => received(JSON.parse(event.data));
}

function received(message) {
  switch (message.type) {
    case "plugins":
      Object.assign(state, { plugins: message.plugins, broken: message.broken, scanning: message.scanning });
      showBrowser(message.error);
      break;
    case "racks":
      state.racks = message.racks;
      showRacks();
      break;
    case "sandbox":
      state.changedAt.set(message.id, message.at);
      showSandboxState(message);
      clearRecovered(message);
      // How long a change of state took from the server seeing it to the page showing it.
      window.studioLags.push(Date.now() / 1000 - message.at);
      break;
    case "health":
      state.health = new Map(message.sandboxes.map((sandbox) => [sandbox.id, { ...sandbox, at: message.at }]));
      showHealth();
      for (const [id, live] of Object.entries(message.live)) {
        if (sections.has(Number(id))) showLive(sections.get(Number(id)), live);
      }
      break;
    case "param":
      showParam(message.device, message.param, message.value, message.text);
      break;
    case "notice":
      crashNotice(message);
      break;
    case "report":
      showReport(message);
      break;
  }
}

// --- the plugin browser ---

function showBrowser(error) {
  $("scan-status").textContent = error ? `scan failed: ${error}`
    : state.scanning ? "scanning…" : `${state.plugins.length} plugins`;
  const words = $("plugin-search").value.toLowerCase().split(/\s+/).filter(Boolean);
  const list = $("plugin-list");
  list.replaceChildren();
  for (const plugin of state.plugins) {
    const haystack = [plugin.name, plugin.vendor, plugin.format, plugin.id, ...plugin.features].join(" ").toLowerCase();
    if (!words.every((word) => haystack.includes(word))) continue;
    list.append(element("li", { "data-testid": "plugin", "data-plugin-id": plugin.id, "data-format": plugin.format },
      element("div", { class: "what" },
        element("div", {}, plugin.name, " ", element("span", { class: "badge" }, plugin.format)),
        element("div", { class: "vendor" }, `${plugin.vendor} ${plugin.version}`),
        element("div", { class: "features" }, plugin.features.join(", "))),
      element("button", { "data-testid": "add-plugin", onclick: () => addDevice(plugin.id) }, "Add")));
  }
  $("broken-count").textContent = state.broken.length;
  $("broken-list").replaceChildren(...state.broken.map((broken) =>
    element("li", {}, element("div", {}, broken.plugin_id || broken.path), element("div", { class: "reason" }, broken.error))));
}

// "rack:N" adds in a new sandbox of rack N, "sandbox:K" in sandbox K.
function addDevice(pluginId) {
  const [kind, id] = $("add-target").value.split(":");
  const body = kind === "sandbox" ? { plugin: pluginId, sandbox: Number(id) } : { plugin: pluginId, rack: Number(id) };
  return attempt("adding the plugin", () => call("/api/devices", body));
}

function addTargets() {
  const select = $("add-target");
  const previous = select.value;
  const options = [];
  for (const rack of state.racks) {
    options.push(element("option", { value: `rack:${rack.id}` }, state.racks.length > 1 ? `a new sandbox in rack ${rack.id}` : "a new sandbox"));
    for (const sandbox of rack.sandboxes) {
      options.push(element("option", { value: `sandbox:${sandbox.id}` }, `sandbox ${sandbox.id}` + (state.racks.length > 1 ? ` (rack ${rack.id})` : "")));
    }
  }
  select.replaceChildren(...options);
  if ([...select.options].some((option) => option.value === previous)) select.value = previous;
}

// A device moves only between sandboxes of its own rack.
function moveTargets(select, rack, current) {
  select.replaceChildren(element("option", { value: "" }, "a new sandbox"), ...rack.sandboxes.map((sandbox) =>
    element("option", { value: sandbox.id, selected: sandbox.id === current }, `sandbox ${sandbox.id}`)));
}

// --- the racks ---

function rackSection(rack) {
  if (sections.has(rack.id)) return sections.get(rack.id);
  const section = $("rack-template").content.firstElementChild.cloneNode(true);
  section.dataset.rack = rack.id;
  const find = (id) => section.querySelector(`[data-testid="${id}"]`);
  find("session-path").value = rack.session_path || "";
  find("session-save").addEventListener("click", () => saveSession(rack.id, section));
  find("session-load").addEventListener("click", () => loadSession(rack.id, section));
  find("rack-close").addEventListener("click", () => attempt("closing the rack", () => call(`/api/racks/${rack.id}/close`, {})));
  find("render-button").addEventListener("click", () => render(rack.id, section));
  find("live-play").addEventListener("click", () => attempt("playing",
    () => call("/api/play", { rack: rack.id, server: find("live-server").value })));
  find("live-stop").addEventListener("click", () => attempt("stopping", () => call("/api/stop", { rack: rack.id })));
  sections.set(rack.id, section);
  $("racks").append(section);
  return section;
}

function showRacks() {
  addTargets();
  const shown = new Set(state.racks.map((rack) => rack.id));
  for (const [id, section] of sections) {
    if (!shown.has(id)) { section.remove(); sections.delete(id); }
  }
  for (const rack of state.racks) {
    const section = rackSection(rack);
    section.querySelector(".rack-title").textContent =
      `Rack ${rack.id} · ${rack.sample_rate} Hz · ${rack.block_size} frames${rack.playing ? " · playing" : ""}`;
    const path = section.querySelector('[data-testid="session-path"]');
    if (rack.session_path && !path.value) path.value = rack.session_path;
    showSandboxes(rack, section.querySelector(".sandboxes"));
    showRouting(rack, section.querySelector(".routing"));
  }
  showHealth();
}

function showSandboxes(group, container) {
  container.replaceChildren();
  const devices = new Map(group.devices.map((device) => [device.id, device]));
  for (const sandbox of group.sandboxes) {
    const box = element("div", { class: `sandbox ${sandbox.state}`, "data-testid": "sandbox", "data-sandbox": sandbox.id },
      element("header", {},
        element("strong", {}, `Sandbox ${sandbox.id}`),
        element("span", { class: `state ${sandbox.state}`, "data-testid": "sandbox-state" }, sandbox.state),
        element("span", { class: "pid", "data-testid": "sandbox-pid" }, `pid ${sandbox.pid}`),
        element("button", { "data-testid": "sandbox-restart",
                            onclick: () => attempt("restarting", () => call(`/api/sandboxes/${sandbox.id}/restart`, {})) },
                "Restart"),
        element("button", { "data-testid": "sandbox-close",
                            onclick: () => attempt("closing", () => call(`/api/sandboxes/${sandbox.id}/close`, {})) },
                "Close")),
      element("div", { class: "health", "data-testid": "sandbox-health" }, ""),
      element("div", { class: "reason", "data-testid": "sandbox-reason" }, sandbox.reason || ""));
    for (const id of sandbox.devices) {
      if (devices.has(id)) box.append(deviceCard(devices.get(id), group));
    }
    acceptDevices(box, sandbox);
    container.append(box);
  }
}

function deviceCard(device, rack) {
  const move = element("select", { "data-testid": "device-move", title: "move to another sandbox of this rack" });
  moveTargets(move, rack, device.sandbox);
  move.addEventListener("change", () => attempt("moving the device",
    () => call(`/api/devices/${device.id}/move`, { sandbox: move.value || null })));
  const params = element("div", { class: "params" });
  for (const param of device.params) params.append(...paramRow(device, param));
  const card = element("div", { class: "device", "data-testid": "device", "data-device": device.id, "data-plugin-id": device.plugin_id,
                                draggable: "true", title: "drag onto another sandbox to move it there" },
    element("div", { class: "title" },
      element("strong", { "data-testid": "device-name" }, device.label),
      element("span", { class: "badge" }, device.format),
      element("span", { class: "latency", "data-testid": "device-latency" }, `latency ${device.latency}`),
      device.has_editor ? element("button", { "data-testid": "device-editor",
        onclick: () => attempt("the editor", () => call(`/api/devices/${device.id}/editor`, { visible: !device.editor_visible })) },
        device.editor_visible ? "Hide editor" : "Editor") : null,
      move,
      element("button", { "data-testid": "device-inspect", title: "measure latency, process time and health in a sandbox of its own",
        onclick: () => runReport(device, "inspect", {}) }, "Inspect"),
      element("button", { "data-testid": "device-validate", title: "the validation tests of strictness 5, each in fresh sandboxes",
        onclick: () => runReport(device, "validate", { strictness: 5 }) }, "Validate"),
      element("button", { "data-testid": "device-remove",
        onclick: () => attempt("removing", () => call(`/api/devices/${device.id}/remove`, {})) }, "Remove")),
    element("div", { class: "health", "data-testid": "device-health" }, ""),
    params);
  card.addEventListener("dragstart", (event) => {
    event.dataTransfer.setData("application/x-scuff-device", String(device.id));
    event.dataTransfer.effectAllowed = "move";
  });
  return card;
}

// A device card dropped on another sandbox's box moves the device there.
function acceptDevices(box, sandbox) {
  box.addEventListener("dragover", (event) => {
    if (event.dataTransfer.types.includes("application/x-scuff-device")) {
      event.preventDefault();
      box.classList.add("drop-target");
    }
  });
  box.addEventListener("dragleave", () => box.classList.remove("drop-target"));
  box.addEventListener("drop", (event) => {
    box.classList.remove("drop-target");
    const id = Number(event.dataTransfer.getData("application/x-scuff-device"));
    if (!id || sandbox.devices.includes(id)) return;
    event.preventDefault();
    attempt("moving the device", () => call(`/api/devices/${id}/move`, { sandbox: sandbox.id }));
  });
}

function paramRow(device, param) {
  const step = param.stepped ? 1 : "any";
  const slider = element("input", { type: "range", min: param.min, max: param.max, step, value: param.value,
    disabled: param.readonly, "data-testid": "param", "data-param": param.id, "data-device": device.id,
    "aria-label": param.name });
  const text = element("span", { class: "param-text", "data-testid": "param-text", "data-param": param.id,
    "data-device": device.id }, param.text);
  slider.addEventListener("change", async () => {
    const reply = await attempt(`setting ${param.name}`,
      () => call(`/api/devices/${device.id}/params/${param.id}`, { value: Number(slider.value) }));
    if (reply) showParam(device.id, param.id, reply.value, reply.text);
  });
  return [element("label", { title: param.module }, param.name), slider, text];
}

function showParam(deviceId, paramId, value, text) {
  const selector = `[data-device="${deviceId}"][data-param="${paramId}"]`;
  const slider = document.querySelector(`input${selector}`);
  if (slider && value !== null && document.activeElement !== slider) slider.value = value;
  const label = document.querySelector(`.param-text${selector}`);
  if (label) label.textContent = text;
  const device = allDevices().find((d) => d.id === deviceId);
  const param = device && device.params.find((p) => p.id === paramId);
  if (param) Object.assign(param, { value, text });
}

function showSandboxState(sandbox) {
  const box = document.querySelector(`.sandbox[data-sandbox="${sandbox.id}"]`);
  if (!box) return;
  box.className = `sandbox ${sandbox.state}`;
  const label = box.querySelector("[data-testid=sandbox-state]");
  label.textContent = sandbox.state;
  label.className = `state ${sandbox.state}`;
  box.querySelector("[data-testid=sandbox-pid]").textContent = `pid ${sandbox.pid}`;
  box.querySelector("[data-testid=sandbox-reason]").textContent = sandbox.reason || "";
  const known = allSandboxes().find((s) => s.id === sandbox.id);
  if (known) Object.assign(known, sandbox);
}

function megabytes(bytes) { return `${(bytes / 1048576).toFixed(1)} MB`; }

function showHealth() {
  for (const box of document.querySelectorAll(".sandbox")) {
    const health = state.health.get(Number(box.dataset.sandbox));
    if (!health) continue;
    // A reading begun before the last change the page was sent is older than what it shows.
    const current = health.at >= (state.changedAt.get(health.id) || 0);
    if (current && (health.state !== box.querySelector("[data-testid=sandbox-state]").textContent ||
        `pid ${health.pid}` !== box.querySelector("[data-testid=sandbox-pid]").textContent)) showSandboxState(health);
    const enforced = health.confinement.filter((item) => item.enforced).map((item) => item.what);
    box.querySelector("[data-testid=sandbox-health]").textContent =
      `CPU ${health.cpu_percent === null ? "?" : health.cpu_percent.toFixed(1)}% · memory ${megabytes(health.memory_bytes)}` +
      ` · missed cycles ${health.missed_cycles} · restarts ${health.restarts} · refusals ${health.refusals}` +
      ` · confined: ${health.confined ? enforced.join(", ") : "no"}`;
    for (const card of box.querySelectorAll(".device")) {
      const stats = health.devices[card.dataset.device];
      const line = card.querySelector("[data-testid=device-health]");
      if (!stats || !stats.blocks) { line.textContent = "not processed yet"; continue; }
      const over = stats.p99_us !== null && stats.p99_us > stats.budget_us;
      line.replaceChildren(`process time p50 ${stats.p50_us.toFixed(0)} µs · `,
        element("span", { class: over ? "over" : "" }, `p99 ${stats.p99_us.toFixed(0)} µs`),
        ` of ${stats.budget_us.toFixed(0)} µs per block · ${stats.blocks} blocks`);
    }
  }
}

// One notice per sandbox: the newest replaces the one before. An unresponsive sandbox's
// notice goes when it answers again; a crash's stays until dismissed or restarted.
function crashNotice(message) {
  for (const old of document.querySelectorAll(`.notice[data-sandbox="${message.sandbox}"]`)) old.remove();
  const restart = element("button", { "data-testid": "notice-restart", onclick: async () => {
    if (await attempt("restarting", () => call(`/api/sandboxes/${message.sandbox}/restart`, {})) !== undefined) box.remove();
  } }, "Restart");
  const box = notice(message.level, message.text, [restart]);
  box.dataset.sandbox = message.sandbox;
  box.dataset.state = message.state;
}

function clearRecovered(sandbox) {
  if (sandbox.state !== "running") return;
  for (const old of document.querySelectorAll(`.notice[data-sandbox="${sandbox.id}"][data-state="unresponsive"]`)) old.remove();
}

// --- reports ---

async function runReport(device, kind, body) {
  const pending = element("div", { class: "report", "data-testid": "report-pending" }, `${kind === "inspect" ? "inspecting" : "validating"} ${device.label}…`);
  $("reports").prepend(pending);
  await attempt(`${kind === "inspect" ? "inspecting" : "validating"} ${device.label}`,
    () => call(`/api/devices/${device.id}/${kind}`, body));
  pending.remove();
}

function showReport(report) {
  if (document.querySelector(`.report[data-number="${report.number}"]`)) return;
  const verdict = report.kind === "validation" ? (report.passed ? "passed" : "FAILED") : `health ${report.report.health}`;
  $("reports").prepend(element("div", { class: `report ${report.passed ? "" : "failed"}`, "data-testid": "report",
      "data-number": report.number, "data-kind": report.kind, "data-device": report.device },
    element("strong", {}, `${report.kind} of ${report.label}: ${verdict}`), ` (${report.seconds} s)`,
    element("pre", {}, report.text)));
}

// --- playing live ---

function showLive(section, live) {
  const status = section.querySelector('[data-testid="live-status"]');
  const meters = section.querySelector(".meters");
  if (!live || !live.playing) {
    status.textContent = "stopped";
    meters.replaceChildren();
    return;
  }
  status.textContent = `playing as ${live.client}: ${live.cycles} cycles · DSP ${live.cpu_load === null ? "?" : live.cpu_load.toFixed(1)}%` +
    ` · xruns ${live.xruns} · late cycles ${live.late_cycles} · busy ${live.busy_cycles} · refused ${live.refused_cycles}` +
    (live.server_gone ? " · the JACK server is gone" : "");
  while (meters.children.length > live.peaks.length) meters.lastChild.remove();
  live.peaks.forEach((peak, channel) => {
    let meter = meters.children[channel];
    if (!meter) {
      meter = element("div", { class: "meter", "data-testid": "meter" }, element("span", {}, `out ${channel + 1}`),
        element("div", { class: "bar" }, element("div", { class: "level" })), element("span", { class: "db" }, ""));
      meters.append(meter);
    }
    const level = peak === null ? 0 : peak;
    const decibels = level > 0 ? 20 * Math.log10(level) : -Infinity;
    // -60 dB to 0 dB across the bar.
    meter.querySelector(".level").style.width = `${Math.max(0, Math.min(100, (decibels + 60) / 60 * 100))}%`;
    meter.querySelector(".level").classList.toggle("clip", level >= 1);
    meter.querySelector(".db").textContent = decibels === -Infinity ? "-inf dB" : `${decibels.toFixed(1)} dB`;
    meter.dataset.peak = level;
  });
}

// --- rendering and sessions ---

async function render(rackId, section) {
  const find = (id) => section.querySelector(`[data-testid="${id}"]`);
  find("render-result").textContent = "rendering…";
  const reply = await attempt("rendering", () => call("/api/render", {
    rack: rackId, input_path: find("render-input").value, output_path: find("render-output").value,
    seconds: Number(find("render-seconds").value) }));
  find("render-result").textContent = reply
    ? `wrote ${reply.path}: ${reply.frames} frames, ${reply.channels} channels, peak ${reply.peak.toFixed(3)}` : "failed";
}

async function saveSession(rackId, section) {
  const path = section.querySelector('[data-testid="session-path"]').value;
  const reply = await attempt("saving the session", () => call("/api/session/save", { rack: rackId, path }));
  if (reply) notice("info", `saved rack ${rackId} to ${reply.path}`);
}

async function loadSession(rackId, section) {
  const path = section.querySelector('[data-testid="session-path"]').value;
  const reply = await attempt("loading the session", () => call("/api/session/load", { rack: rackId, path }));
  if (reply) notice("info", `loaded ${path} into rack ${reply.rack}`);
}

async function loadNewRack() {
  const path = $("session-new-path").value;
  const reply = await attempt("loading the session", () => call("/api/session/load", { path }));
  if (reply) notice("info", `loaded ${path} into rack ${reply.rack}`);
}

window.addEventListener("DOMContentLoaded", () => {
  $("plugin-search").addEventListener("input", () => showBrowser());
  $("session-load-new").addEventListener("click", loadNewRack);
  $("rack-new").addEventListener("click", () => attempt("making a rack", () => call("/api/racks/new",
    { sample_rate: Number($("rack-rate").value), block_size: Number($("rack-block").value) })));
  connectFeed();
});
