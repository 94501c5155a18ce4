// scuff studio's routing view: a node per device with its audio and note ports, curved
// connections labelled with the frames they add, and connections made by dragging from an
// output to an input. It uses studio.js's helpers (call, attempt, notice), loaded after it.
"use strict";

const NODE_WIDTH = 170, NODE_HEIGHT = 58, COLUMN = 230, ROW = 80, PORT_RADIUS = 6;

function layout(group) {
  // Columns by the longest chain of same-cycle connections reaching each device, so a
  // chain reads left to right; loops are cut where they close.
  const depth = new Map(group.devices.map((device) => [device.id, 0]));
  for (let pass = 0; pass < group.devices.length; pass++) {
    for (const connection of group.connections) {
      const next = depth.get(connection.source.device) + 1;
      if (!connection.feedback && next > depth.get(connection.target.device) && next < group.devices.length) {
        depth.set(connection.target.device, next);
      }
    }
  }
  const rows = new Map();
  const places = new Map();
  for (const device of group.devices) {
    const column = depth.get(device.id);
    const row = rows.get(column) || 0;
    rows.set(column, row + 1);
    places.set(device.id, { x: 20 + column * COLUMN, y: 20 + row * ROW });
  }
  return places;
}

function portPosition(place, side, kind, index, device) {
  const audio = side === "in" ? device.inputs.length : device.outputs.length;
  const slot = kind === "audio" ? index : audio + index;
  return { x: place.x + (side === "in" ? 0 : NODE_WIDTH), y: place.y + 16 + slot * 14 };
}

function svg(tag, attributes = {}) {
  const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  return node;
}

function curve(from, to) {
  const bend = Math.max(40, Math.abs(to.x - from.x) / 2);
  return `M ${from.x} ${from.y} C ${from.x + bend} ${from.y}, ${to.x - bend} ${to.y}, ${to.x} ${to.y}`;
}

function showRouting(group, view) {
  view.replaceChildren();
  const places = layout(group);
  const devices = new Map(group.devices.map((device) => [device.id, device]));
  let height = 120, width = 400;
  for (const device of group.devices) {
    const place = places.get(device.id);
    const ports = Math.max(device.inputs.length + device.note_inputs, device.outputs.length + device.note_outputs);
    const nodeHeight = Math.max(NODE_HEIGHT, 24 + ports * 14);
    height = Math.max(height, place.y + nodeHeight + 20);
    width = Math.max(width, place.x + NODE_WIDTH + 20);
    const node = svg("g", { class: "node", "data-testid": "node", "data-device": device.id });
    node.append(svg("rect", { x: place.x, y: place.y, width: NODE_WIDTH, height: nodeHeight, rx: 5 }));
    const name = svg("text", { x: place.x + 12, y: place.y + nodeHeight - 22 });
    name.textContent = device.label;
    const where = svg("text", { x: place.x + 12, y: place.y + nodeHeight - 8, class: "sandbox-name" });
    where.textContent = `sandbox ${device.sandbox} · latency ${device.latency}`;
    node.append(name, where);
    const addPorts = (side, kind, count) => {
      for (let index = 0; index < count; index++) {
        const at = portPosition(place, side, kind, index, device);
        const port = svg("circle", { cx: at.x, cy: at.y, r: PORT_RADIUS, class: `port ${kind}`,
          "data-testid": `port-${side}`, "data-device": device.id, "data-index": index, "data-kind": kind });
        const title = svg("title");
        title.textContent = `${kind === "audio" ? "audio" : "note"} ${side === "in" ? "input" : "output"} ${index}` +
          (kind === "audio" ? ` (${(side === "in" ? device.inputs : device.outputs)[index]} ch)` : "");
        port.append(title);
        if (side === "out") port.addEventListener("pointerdown", (event) => startWire(event, view, device.id, index, kind, at));
        node.append(port);
      }
    };
    addPorts("in", "audio", device.inputs.length);
    addPorts("in", "notes", device.note_inputs);
    addPorts("out", "audio", device.outputs.length);
    addPorts("out", "notes", device.note_outputs);
    view.append(node);
  }
  for (const connection of group.connections) {
    const source = devices.get(connection.source.device), target = devices.get(connection.target.device);
    if (!source || !target) continue;
    const kind = connection.notes ? "notes" : "audio";
    const from = portPosition(places.get(source.id), "out", kind, connection.source.index, source);
    const to = portPosition(places.get(target.id), "in", kind, connection.target.index, target);
    const classes = ["wire", connection.notes ? "notes" : "", connection.feedback ? "feedback" : ""].join(" ");
    const wire = svg("path", { d: curve(from, to), class: classes, "data-testid": "wire",
      "data-source": source.id, "data-target": target.id });
    const title = svg("title");
    title.textContent = "click to remove";
    wire.append(title);
    wire.addEventListener("click", () => attempt("disconnecting",
      () => call("/api/connections/remove", { source: connection.source, target: connection.target, notes: connection.notes })));
    view.prepend(wire);
    if (connection.latency) {
      const label = svg("text", { x: (from.x + to.x) / 2, y: (from.y + to.y) / 2 - 6, class: "wire-label",
        "data-testid": "wire-label" });
      label.textContent = `${connection.feedback ? "feedback, " : connection.crosses_sandboxes ? "between sandboxes, " : ""}` +
        `+${connection.latency} frames`;
      view.append(label);
    }
  }
  view.setAttribute("height", height);
  view.setAttribute("width", width);
}

function startWire(event, view, deviceId, index, kind, from) {
  event.preventDefault();
  const line = svg("path", { class: "dragging" });
  view.append(line);
  const point = (moveEvent) => {
    const box = view.getBoundingClientRect();
    return { x: moveEvent.clientX - box.left, y: moveEvent.clientY - box.top };
  };
  const move = (moveEvent) => line.setAttribute("d", curve(from, point(moveEvent)));
  const finish = (upEvent) => {
    view.removeEventListener("pointermove", move);
    window.removeEventListener("pointerup", finish);
    line.remove();
    const target = document.elementFromPoint(upEvent.clientX, upEvent.clientY);
    if (!target || target.dataset.testid !== "port-in") return;
    if (target.dataset.kind !== kind) {
      notice("error", "connecting: an audio output connects to an audio input, a note output to a note input");
      return;
    }
    attempt("connecting", () => call("/api/connections", {
      source: { device: deviceId, index }, target: { device: Number(target.dataset.device), index: Number(target.dataset.index) },
      notes: kind === "notes" }));
  };
  view.addEventListener("pointermove", move);
  window.addEventListener("pointerup", finish);
}
