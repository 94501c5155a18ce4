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
from support.studio import STUDIO_PLUGINS, first_rack, request, studio
from support.waiting import wait_until

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
        for path in ("/", "/static/studio.js", "/api/racks", "/api/health", "/api/plugins"):
            assert request(server, path, token=None)[0] == 403, path
            assert request(server, path, token="not-the-token")[0] == 403, path
        status, reply = request(server, "/api/devices", {"plugin": ZAMCOMP}, token=None)
        assert status == 403 and "token" in reply["error"]
        assert request(server, "/api/session/save", {"path": "/tmp/x.scuff"}, token=None)[0] == 403
        # A name other than the loopback's: a page of another site resolving its own name here.
        assert request(server, "/api/racks", host=f"attacker.example:{server.port}")[0] == 403
        assert not server.studio.racks[0].group.sandboxes

        with pytest.raises(Exception, match="403"):
            websockets_sync.connect(f"ws://127.0.0.1:{server.port}/api/feed", open_timeout=10)
        with urllib.request.urlopen(server.url, timeout=30) as page:
            assert page.status == 200 and b"scuff studio" in page.read()
            cookie = page.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
        with websockets_sync.connect(f"ws://127.0.0.1:{server.port}/api/feed?token={server.token}",
                                     open_timeout=10) as feed:
            kinds = [json.loads(feed.recv(timeout=30))["type"] for _ in range(3)]
        assert kinds == ["plugins", "racks", "health"]


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
        call = urllib.request.Request(f"http://127.0.0.1:{port}/api/racks", headers={"x-scuff-token": token})
        with urllib.request.urlopen(call, timeout=30) as reply:
            [described] = json.loads(reply.read())["racks"]
        assert [d["label"] for d in described["devices"]] == ["bus compressor"]
        assert described["session_path"] == str(session)
        pids = [sandbox["pid"] for sandbox in described["sandboxes"]]
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    # Ctrl+C is how a studio is stopped, as `scuff play` is: it exits cleanly, its sandboxes gone.
    assert process.returncode == 0, err
    wait_until(lambda: not any(alive(pid) for pid in pids), timeout=10, what="the sandboxes to be gone")


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_bad_requests_get_clear_errors_and_change_nothing(tmp_path):
    with studio() as server:
        scanned(server)
        status, reply = request(server, "/api/devices", {"plugin": "org.example.none"})
        assert status == 400 and "org.example.none" in reply["error"]
        assert not server.studio.racks[0].group.sandboxes, "a failed add leaves no sandbox behind"
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
        assert [d["id"] for d in first_rack(server)["devices"]] == [device]
        status, reply = request(server, "/api/racks/1/close", {})
        assert status == 400 and "last" in reply["error"]


def test_moving_a_device_to_another_sandbox_keeps_its_state_label_and_connections():
    with studio() as server:
        scanned(server)
        comp = request(server, "/api/devices", {"plugin": ZAMCOMP})[1]["id"]
        first_sandbox = first_rack(server)["sandboxes"][0]["id"]
        eq = request(server, "/api/devices", {"plugin": ZAMEQ2, "sandbox": first_sandbox})[1]["id"]
        assert request(server, "/api/connections", {"source": {"device": comp, "index": 0},
                                                    "target": {"device": eq, "index": 0}})[0] == 200
        assert request(server, f"/api/devices/{eq}/params/0", {"value": -6.0})[1]["text"]
        assert request(server, f"/api/devices/{eq}/label", {"label": "tone"})[0] == 200
        described = first_rack(server)
        assert described["connections"][0]["latency"] == 0, "inside one sandbox: the same cycle"

        status, reply = request(server, f"/api/devices/{eq}/move", {"sandbox": None})
        assert status == 200
        moved = reply["id"]
        described = first_rack(server)
        assert len(described["sandboxes"]) == 2
        view = next(d for d in described["devices"] if d["id"] == moved)
        assert view["label"] == "tone" and view["sandbox"] != first_sandbox
        assert next(p for p in view["params"] if p["id"] == 0)["value"] == -6.0
        [connection] = described["connections"]
        assert connection["source"] == {"device": comp, "index": 0}
        assert connection["target"] == {"device": moved, "index": 0}
        assert connection["crosses_sandboxes"] and connection["latency"] == server.studio.racks[0].group.block_size

        # Moved back into the first sandbox, the emptied one goes.
        status, reply = request(server, f"/api/devices/{moved}/move", {"sandbox": first_sandbox})
        assert status == 200
        described = first_rack(server)
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
        rack_pids = [sandbox.pid for sandbox in server.studio.racks[0].group.sandboxes]
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
        assert [sandbox.pid for sandbox in server.studio.racks[0].group.sandboxes] == rack_pids
        assert server.studio.racks[0].group.sandboxes[0].restarts == 0
        assert [r["kind"] for r in request(server, "/api/reports")[1]["reports"]] == ["inspection", "validation"]


def test_racks_are_groups_of_their_own_and_a_session_loads_into_a_new_one(tmp_path):
    with studio() as server:
        scanned(server)
        status, reply = request(server, "/api/racks/new", {"sample_rate": 44100, "block_size": 128})
        assert status == 200
        second = reply["id"]
        first_device = request(server, "/api/devices", {"plugin": ZAMCOMP})[1]["id"]
        second_device = request(server, "/api/devices", {"plugin": ZAMEQ2, "rack": second})[1]["id"]
        racks = request(server, "/api/racks")[1]["racks"]
        assert [(r["sample_rate"], r["block_size"]) for r in racks] == [(48000, 512), (44100, 128)]
        assert [[d["id"] for d in r["devices"]] for r in racks] == [[first_device], [second_device]]
        # Connections and moves stay inside a rack: a group is what is processed together.
        status, reply = request(server, "/api/connections", {"source": {"device": first_device, "index": 0},
                                                             "target": {"device": second_device, "index": 0}})
        assert status == 400 and "one rack" in reply["error"]
        first_sandbox = racks[0]["sandboxes"][0]["id"]
        status, reply = request(server, f"/api/devices/{second_device}/move", {"sandbox": first_sandbox})
        assert status == 400 and "its rack" in reply["error"]

        session = tmp_path / "second.scuff"
        assert request(server, "/api/session/save", {"path": str(session), "rack": second})[0] == 200
        status, reply = request(server, "/api/session/load", {"path": str(session)})
        assert status == 200
        third = reply["rack"]
        racks = request(server, "/api/racks")[1]["racks"]
        assert [r["id"] for r in racks] == [1, second, third]
        assert racks[2]["session_path"] == str(session) and racks[2]["sample_rate"] == 44100
        assert [d["plugin_id"] for d in racks[2]["devices"]] == [ZAMEQ2]

        assert request(server, f"/api/racks/{second}/close", {})[0] == 200
        assert [r["id"] for r in request(server, "/api/racks")[1]["racks"]] == [1, third]
        assert len(server.studio.client.groups) == 2


def test_note_connections_and_feedback_are_described_as_the_graph_compiled_them(test_plugins):
    from support.test_plugins import GAIN_ID, INSTRUMENT_ID, NOTE_GENERATOR_ID

    with studio(extra_paths=[str(test_plugins / "scuff-test-plugins.clap")]) as server:
        scanned(server)
        generator = request(server, "/api/devices", {"plugin": NOTE_GENERATOR_ID})[1]["id"]
        sandbox = first_rack(server)["sandboxes"][0]["id"]
        synth = request(server, "/api/devices", {"plugin": INSTRUMENT_ID, "sandbox": sandbox})[1]["id"]
        gain = request(server, "/api/devices", {"plugin": GAIN_ID, "sandbox": sandbox})[1]["id"]
        echo = request(server, "/api/devices", {"plugin": GAIN_ID, "sandbox": sandbox})[1]["id"]

        def connect(source: int, target: int, notes: bool = False) -> None:
            status, reply = request(server, "/api/connections", {"source": {"device": source, "index": 0},
                                                                 "target": {"device": target, "index": 0},
                                                                 "notes": notes})
            assert status == 200, reply

        connect(generator, synth, notes=True)
        connect(synth, gain)
        connect(gain, echo)
        # Back into the gain: a loop inside one sandbox, which one connection must close.
        connect(echo, gain)
        rack = first_rack(server)
        by_ends = {(c["source"]["device"], c["target"]["device"], c["notes"]): c for c in rack["connections"]}
        notes = by_ends[(generator, synth, True)]
        assert not notes["delayed"] and not notes["crosses_sandboxes"] and notes["latency"] == 0
        assert not by_ends[(synth, gain, False)]["delayed"]
        loop = [by_ends[(gain, echo, False)], by_ends[(echo, gain, False)]]
        [closing] = [c for c in loop if c["feedback"]]
        assert closing["delayed"] and closing["latency"] == server.studio.racks[0].group.block_size
        assert not any(c["crosses_sandboxes"] for c in rack["connections"])
        assert [d["note_outputs"] for d in rack["devices"] if d["id"] == generator] == [1]
