"""A group saved as a session file and loaded in another client is the same group: same
sandboxes, devices, states, parameters, labels and connections, rendering the same samples."""

from __future__ import annotations

import numpy as np
import pytest

import scuff
from support.sessions import BLOCK, ZAMCOMP_VST3, build_studio, render_studio, sandbox_processes
from support.waiting import wait_until


def test_a_saved_studio_loaded_in_a_new_client_renders_the_same_samples(client, test_plugins, tmp_path):
    path = tmp_path / "studio.scuff"
    group = build_studio(client, test_plugins)
    group.save_session(path)
    expected = render_studio(group)
    assert all(np.abs(y).max() > 0.01 for y in expected)

    with scuff.Client() as other:
        loaded = other.load_session(path)
        np.testing.assert_equal(render_studio(loaded), expected)


def test_a_loaded_session_has_every_sandbox_device_label_connection_and_setting(client, test_plugins, tmp_path):
    path = tmp_path / "studio.scuff"
    group = build_studio(client, test_plugins)
    group.save_session(path)

    with scuff.Client() as other:
        loaded = other.load_session(path)
        assert (loaded.sample_rate, loaded.block_size) == (48000, BLOCK)
        assert loaded.transport.tempo == 96 and loaded.transport.playing
        assert [s.restart_policy for s in loaded.sandboxes] == [s.restart_policy for s in group.sandboxes]
        assert [s.limits.memory_mb for s in loaded.sandboxes] == [None, 1024, None, None]
        before = [[(d.label, d.plugin_id, d.path, d.param_values()) for d in s.devices] for s in group.sandboxes]
        after = [[(d.label, d.plugin_id, d.path, d.param_values()) for d in s.devices] for s in loaded.sandboxes]
        assert after == before

        def described(g: scuff.Group) -> list[tuple[str, int, str, int, bool]]:
            return [(c.source.device.label, c.source.index, c.target.device.label, c.target.index, c.notes)
                    for c in g.connections]

        assert described(loaded) == described(group)
        assert len(loaded.connections) == 6


def test_a_session_saved_again_after_loading_holds_the_same_group(client, test_plugins, tmp_path):
    group = build_studio(client, test_plugins)
    group.save_session(tmp_path / "first.scuff")
    expected = render_studio(group)
    with scuff.Client() as other:
        other.load_session(tmp_path / "first.scuff").save_session(tmp_path / "second.scuff")
    with scuff.Client() as third:
        np.testing.assert_equal(render_studio(third.load_session(tmp_path / "second.scuff")), expected)


def test_saving_over_a_session_replaces_it_whole(client, tmp_path):
    path = tmp_path / "mix.scuff"
    group = client.create_group()
    comp = group.create_sandbox().create_device(ZAMCOMP_VST3)
    comp.set_param("Threshold", -10.0)
    group.save_session(path)
    comp.set_param("Threshold", -30.0)
    group.save_session(path)
    assert [p.name for p in tmp_path.iterdir()] == ["mix.scuff"]
    loaded = client.load_session(path)
    assert loaded.sandboxes[0].devices[0].get_param("Threshold") == pytest.approx(-30.0)


def test_a_session_of_a_crashed_sandbox_is_refused_until_it_restarts(client, tmp_path):
    group = client.create_group()
    sandbox = group.create_sandbox()
    sandbox.create_device(ZAMCOMP_VST3)
    sandbox._current.kill("killed by the test")
    wait_until(lambda: sandbox.state == "crashed", what="the crash")
    with pytest.raises(scuff.SessionError, match="restart"):
        group.save_session(tmp_path / "mix.scuff")
    assert not (tmp_path / "mix.scuff").exists()
    sandbox.restart()
    group.save_session(tmp_path / "mix.scuff")
    assert sandbox_processes() == 1
