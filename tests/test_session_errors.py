"""Session files that cannot be loaded: each gets an error that names what is wrong, and
the client is left as it was, with no extra group, sandbox or device."""

from __future__ import annotations

import hashlib
import pathlib
import zipfile

import pytest

import scuff
from support.sessions import ZAMCOMP_VST3, ZAMCOMPX2_CLAP, rewrite_session, sandbox_processes


@pytest.fixture
def saved(client: scuff.Client, tmp_path: pathlib.Path) -> pathlib.Path:
    """A session of two sandboxes: a ZamCompX2 (CLAP) and a ZamComp (VST3), connected."""
    group = client.create_group(sample_rate=48000, block_size=256)
    keyed = group.create_sandbox().create_device(ZAMCOMPX2_CLAP)
    comp = group.create_sandbox().create_device(ZAMCOMP_VST3)
    comp.set_param("Threshold", -25.0)
    group.connect(keyed, comp)
    path = tmp_path / "mix.scuff"
    group.save_session(path)
    group.close()
    return path


def refused(client: scuff.Client, path: pathlib.Path, error: type[Exception], match: str) -> None:
    """Loading `path` raises `error` and leaves no group or sandbox process behind."""
    groups, processes = len(client.groups), sandbox_processes()
    with pytest.raises(error, match=match):
        client.load_session(path)
    assert len(client.groups) == groups
    assert sandbox_processes() == processes


def test_a_session_from_a_newer_scuff_names_its_format_version(client, saved):
    rewrite_session(saved, lambda manifest, files: manifest.update(version=7, scuff_version="9.0"))
    refused(client, saved, scuff.SessionVersionError, "session format 7 .*scuff 9.0.*upgrade")


def test_a_missing_plugin_is_named_with_its_path(client, saved):
    def move(manifest, files):
        manifest["sandboxes"][1]["devices"][0]["path"] = "/nowhere/ZamComp.vst3"

    rewrite_session(saved, move)
    refused(client, saved, scuff.MissingPluginError, "ZamComp.*/nowhere/ZamComp.vst3.*skip_missing")


def test_a_missing_plugin_can_be_left_out_and_the_rest_loaded(client, saved):
    def move(manifest, files):
        manifest["sandboxes"][1]["devices"][0]["path"] = "/nowhere/ZamComp.vst3"

    rewrite_session(saved, move)
    group = client.load_session(saved, skip_missing=True)
    assert [len(s.devices) for s in group.sandboxes] == [1, 0]
    assert group.sandboxes[0].devices[0].name == "ZamCompX2"
    assert [(m.label, m.path) for m in group.missing_plugins] == [("ZamComp", "/nowhere/ZamComp.vst3")]
    assert group.connections == []


def test_a_plugin_id_the_file_does_not_hold_is_a_missing_plugin(client, saved):
    def rename(manifest, files):
        manifest["sandboxes"][0]["devices"][0]["plugin_id"] = "com.example.gone"

    rewrite_session(saved, rename)
    refused(client, saved, scuff.MissingPluginError, "com.example.gone")


def test_a_state_that_does_not_match_its_checksum_is_damaged(client, saved):
    def damage(manifest, files):
        files["states/d2.bin"] = files["states/d2.bin"][:-3] + b"xyz"

    rewrite_session(saved, damage)
    refused(client, saved, scuff.SessionStateError, "device d2 .*damaged")


def test_a_state_the_plugin_refuses_is_named_with_its_device(client, saved):
    def replace(manifest, files):
        files["states/d2.bin"] = b"not a state at all"
        manifest["sandboxes"][1]["devices"][0]["state_sha256"] = hashlib.sha256(b"not a state at all").hexdigest()

    rewrite_session(saved, replace)
    refused(client, saved, scuff.SessionStateError, "refused the state of device d2")


def test_a_state_file_that_is_gone_is_named(client, saved):
    rewrite_session(saved, lambda manifest, files: files.pop("states/d1.bin"))
    refused(client, saved, scuff.SessionFormatError, "lacks states/d1.bin")


def test_a_truncated_session_file_is_not_a_whole_zip(client, saved):
    data = saved.read_bytes()
    saved.write_bytes(data[: len(data) // 2])
    refused(client, saved, scuff.SessionFormatError, "not a whole zip file")


def test_a_file_that_is_no_zip_is_refused(client, tmp_path):
    path = tmp_path / "notes.scuff"
    path.write_text("just some text\n")
    refused(client, path, scuff.SessionFormatError, "not a session file")


def test_a_manifest_with_an_impossible_block_size_names_the_field(client, saved):
    rewrite_session(saved, lambda manifest, files: manifest.update(block_size=0))
    refused(client, saved, scuff.SessionFormatError, "block_size is 0")


def test_a_connection_to_a_port_the_plugin_lacks_is_refused_whole(client, saved):
    def widen(manifest, files):
        manifest["connections"][0]["target"] = ["d2", 5]

    rewrite_session(saved, widen)
    refused(client, saved, scuff.SessionFormatError, "connection from d1 to d2 cannot be made")


def test_a_zip_that_is_no_session_is_refused(client, tmp_path):
    path = tmp_path / "photos.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("photo.jpg", b"\xff\xd8")
    refused(client, path, scuff.SessionFormatError, "lacks manifest.json")
