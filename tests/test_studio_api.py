"""scuff studio's server without a browser: the token on every request, the command's
first line, clear errors for bad requests, moving devices between sandboxes, broken
plugins listed with their reason."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request

import pytest

import scuff
from support.studio import STUDIO_PLUGINS, request, studio

websockets_sync = pytest.importorskip("websockets.sync.client", reason="the test extra installs websockets")

ZAMCOMP = "com.zamaudio.ZamComp"
ZAMEQ2 = "com.zamaudio.ZamEQ2"


def scanned(server) -> dict:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        status, plugins = request(server, "/api/plugins")
        assert status == 200
        if not plugins["scanning"]:
            return plugins
        time.sleep(0.05)
    raise AssertionError("the studio's scan did not finish")


def test_every_request_without_the_token_is_refused():
    with studio() as server:
        for path in ("/", "/static/studio.js", "/api/group", "/api/health", "/api/plugins"):
            assert request(server, path, token=None)[0] == 403, path
            assert request(server, path, token="not-the-token")[0] == 403, path
        status, reply = request(server, "/api/devices", {"plugin": ZAMCOMP}, token=None)
        assert status == 403 and "token" in reply["error"]
        assert request(server, "/api/session/save", {"path": "/tmp/x.scuff"}, token=None)[0] == 403
        # A name other than the loopback's: a page of another site resolving its own name here.
        assert request(server, "/api/group", host=f"attacker.example:{server.port}")[0] == 403
        assert not server.rack.group.sandboxes

        with pytest.raises(Exception, match="403"):
            websockets_sync.connect(f"ws://127.0.0.1:{server.port}/api/feed", open_timeout=10)
        with urllib.request.urlopen(server.url, timeout=30) as page:
            assert page.status == 200 and b"scuff studio" in page.read()
            cookie = page.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
        with websockets_sync.connect(f"ws://127.0.0.1:{server.port}/api/feed?token={server.token}",
                                     open_timeout=10) as feed:
            kinds = [json.loads(feed.recv(timeout=30))["type"] for _ in range(3)]
        assert kinds == ["plugins", "group", "health"]


def test_scuff_studio_prints_its_address_first_and_loads_a_session(tmp_path):
    session = tmp_path / "one.scuff"
    with scuff.Client() as client:
        group = client.create_group()
        device = group.create_sandbox().create_device(STUDIO_PLUGINS[0])
        device.label = "bus compressor"
        group.save_session(session)
    command = [sys.executable, "-m", "scuff", "studio", str(session), "--port", "0", "--no-browser"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        first = process.stdout.readline().strip()
        assert first.startswith("http://127.0.0.1:") and "/?token=" in first, first
        port = int(first.split(":")[2].split("/")[0])
        token = first.split("token=")[1]
        assert port > 0 and len(token) >= 24
        call = urllib.request.Request(f"http://127.0.0.1:{port}/api/group", headers={"x-scuff-token": token})
        with urllib.request.urlopen(call, timeout=30) as reply:
            described = json.loads(reply.read())
        assert [d["label"] for d in described["devices"]] == ["bus compressor"]
        assert described["session_path"] == str(session)
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    # Ctrl+C ends it as it ends every scuff command, after the server and sandboxes stopped.
    assert process.returncode == 130 and err.strip().endswith("scuff: interrupted"), err


def test_bad_requests_get_clear_errors_and_change_nothing(tmp_path):
    with studio() as server:
        scanned(server)
        status, reply = request(server, "/api/devices", {"plugin": "org.example.none"})
        assert status == 400 and "org.example.none" in reply["error"]
        assert not server.rack.group.sandboxes, "a failed add leaves no sandbox behind"
        assert request(server, "/api/devices", b"{not json")[0] == 400
        assert request(server, "/api/devices", {"nothing": 1})[0] == 400
        status, reply = request(server, "/api/devices/999/params/0", {"value": 1.0})
        assert status == 400 and "no device 999" in reply["error"]
        status, reply = request(server, "/api/devices", {"plugin": ZAMCOMP})
        assert status == 200
        device = reply["id"]
        status, reply = request(server, f"/api/devices/{device}/params/0", {"value": "loud"})
        assert status == 400 and "malformed" in reply["error"]
        status, reply = request(server, "/api/connections", {"source": {"device": device, "index": 5},
                                                             "target": {"device": device, "index": 0}})
        assert status == 400 and reply["error"]
        not_a_session = tmp_path / "noise.scuff"
        not_a_session.write_bytes(b"\x00" * 100)
        status, reply = request(server, "/api/session/load", {"path": str(not_a_session)})
        assert status == 400 and "noise.scuff" in reply["error"]
        status, reply = request(server, "/api/render", {"output_path": str(tmp_path / "out.wav"),
                                                        "input_path": str(tmp_path / "missing.wav")})
        assert status == 400 and "missing.wav" in reply["error"]
        assert [d["id"] for d in request(server, "/api/group")[1]["devices"]] == [device]


def test_moving_a_device_to_another_sandbox_keeps_its_state_label_and_connections():
    with studio() as server:
        scanned(server)
        comp = request(server, "/api/devices", {"plugin": ZAMCOMP})[1]["id"]
        first_sandbox = request(server, "/api/group")[1]["sandboxes"][0]["id"]
        eq = request(server, "/api/devices", {"plugin": ZAMEQ2, "sandbox": first_sandbox})[1]["id"]
        assert request(server, "/api/connections", {"source": {"device": comp, "index": 0},
                                                    "target": {"device": eq, "index": 0}})[0] == 200
        assert request(server, f"/api/devices/{eq}/params/0", {"value": -6.0})[1]["text"]
        assert request(server, f"/api/devices/{eq}/label", {"label": "tone"})[0] == 200
        described = request(server, "/api/group")[1]
        assert described["connections"][0]["latency"] == 0, "inside one sandbox: the same cycle"

        status, reply = request(server, f"/api/devices/{eq}/move", {"sandbox": None})
        assert status == 200
        moved = reply["id"]
        described = request(server, "/api/group")[1]
        assert len(described["sandboxes"]) == 2
        view = next(d for d in described["devices"] if d["id"] == moved)
        assert view["label"] == "tone" and view["sandbox"] != first_sandbox
        assert next(p for p in view["params"] if p["id"] == 0)["value"] == -6.0
        [connection] = described["connections"]
        assert connection["source"] == {"device": comp, "index": 0}
        assert connection["target"] == {"device": moved, "index": 0}
        assert connection["crosses_sandboxes"] and connection["latency"] == server.rack.group.block_size

        # Moved back into the first sandbox, the emptied one goes.
        status, reply = request(server, f"/api/devices/{moved}/move", {"sandbox": first_sandbox})
        assert status == 200
        described = request(server, "/api/group")[1]
        assert [s["id"] for s in described["sandboxes"]] == [first_sandbox]
        assert described["connections"][0]["latency"] == 0


def test_broken_plugins_are_listed_with_their_reason(tmp_path):
    broken = tmp_path / "Broken.clap"
    broken.write_bytes(b"not a shared library")
    with studio(extra_paths=[str(broken)]) as server:
        plugins = scanned(server)
    assert sorted((p["name"], p["format"]) for p in plugins["plugins"]) == [
        ("ZamComp", "clap"), ("ZamEQ2", "clap"), ("ZamEQ2", "vst3")]
    [listed] = plugins["broken"]
    assert listed["path"] == str(broken) and listed["error"]


def test_a_devices_plugin_is_inspected_and_validated_beside_the_rack():
    with studio() as server:
        scanned(server)
        device = request(server, "/api/devices", {"plugin": ZAMCOMP})[1]["id"]
        rack_pids = [sandbox.pid for sandbox in server.rack.group.sandboxes]
        status, report = request(server, f"/api/devices/{device}/inspect", {})
        assert status == 200, report
        assert report["kind"] == "inspection" and report["report"]["health"] == "ok"
        assert "process time" in report["text"] and report["report"]["plugin_id"] == ZAMCOMP
        status, report = request(server, f"/api/devices/{device}/validate",
                                 {"strictness": 1, "tests": ["state-round-trip"]})
        assert status == 200, report
        assert report["kind"] == "validation" and report["passed"]
        assert [r["name"] for r in report["report"]["results"]] == ["load", "state-round-trip"]
        status, reply = request(server, f"/api/devices/{device}/validate", {"tests": ["no-such-test"]})
        assert status == 400 and "no-such-test" in reply["error"]
        # Neither ran in the rack's sandbox, which was never restarted.
        assert [sandbox.pid for sandbox in server.rack.group.sandboxes] == rack_pids
        assert server.rack.group.sandboxes[0].restarts == 0
        assert [r["kind"] for r in request(server, "/api/reports")[1]["reports"]] == ["inspection", "validation"]
