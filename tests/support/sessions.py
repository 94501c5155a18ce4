"""Helpers for tests of session and preset files: a group that uses every kind of
connection, rewriting a session file, and counting the sandbox processes a client holds."""

from __future__ import annotations

import json
import os
import pathlib
import zipfile
from collections.abc import Callable

import numpy as np

import scuff
from support.signals import noise
from support.test_plugins import GAIN_ID, INSTRUMENT_ID, NOTE_GENERATOR_ID, SIDECHAIN_ID, twin

BLOCK = 64
FRAMES = 40 * BLOCK
ZAMCOMPX2_CLAP = "/usr/lib/clap/ZamCompX2.clap"
ZAMCOMP_VST3 = "/usr/lib/vst3/ZamComp.vst3"


def sandbox_processes() -> int:
    """How many scuff-sbox processes are children of this process."""
    count = 0
    for entry in pathlib.Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name, _, rest = stat.partition(") ")
        if name.endswith("(scuff-sbox") and int(rest.split()[1]) == os.getpid():
            count += 1
    return count


def build_studio(client: scuff.Client, test_plugins: pathlib.Path) -> scuff.Group:
    """Four sandboxes: a note generator (VST3) playing an instrument (CLAP) in another
    sandbox, a mixer (CLAP) whose output loops back through a quieter gain (VST3) in another
    sandbox, a ZamCompX2 (CLAP) keyed through its sidechain from the instrument, and a
    ZamComp (VST3) after the mixer. Labels, limits, a restart policy and the transport are set."""

    def make(sandbox: scuff.Sandbox, plugin: str, plugin_format: str) -> scuff.Device:
        file, plugin_id = twin(plugin, plugin_format)
        return sandbox.create_device(test_plugins / file, plugin_id=plugin_id)

    group = client.create_group(sample_rate=48000, block_size=BLOCK)
    # Each sandbox is made just before its first device: one started before a plugin folder
    # was first used may not read it.
    notes = group.create_sandbox(restart_policy=scuff.RestartPolicy(max_restarts=2, window=30.0))
    generator = make(notes, NOTE_GENERATOR_ID, "vst3")
    music = group.create_sandbox(limits=scuff.SandboxLimits(memory_mb=1024))
    synth = make(music, INSTRUMENT_ID, "clap")
    mixer = make(music, SIDECHAIN_ID, "clap")
    quieter = make(group.create_sandbox(), GAIN_ID, "vst3")
    dynamics = group.create_sandbox()
    keyed = dynamics.create_device(ZAMCOMPX2_CLAP)
    comp = dynamics.create_device(ZAMCOMP_VST3)
    synth.set_param("Volume", 0.7)
    quieter.set_param("Gain", -6.0)
    keyed.set_param("Sidechain", 1.0)
    keyed.set_param("Threshold", -30.0)
    comp.set_param("Threshold", -20.0)
    comp.set_param("Ratio", 6.0)
    group.connect(generator.note_output(0), synth.note_input(0))
    group.connect(synth, mixer)
    group.connect(mixer, quieter)
    group.connect(quieter, mixer.input(1))
    group.connect(synth, keyed.input(1))
    group.connect(mixer, comp)
    for device, label in ((generator, "arp"), (synth, "lead"), (mixer, "bus"), (quieter, "echo"),
                          (keyed, "ducker"), (comp, "glue")):
        device.label = label
    group.transport.tempo = 96
    group.transport.playing = True
    return group


def render_studio(group: scuff.Group) -> list[np.ndarray]:
    """Every device's output for the same input, in the order of their labels."""
    devices = {device.label: device for sandbox in group.sandboxes for device in sandbox.devices}
    keyed = devices["ducker"]
    ordered = [devices[label] for label in sorted(devices) if devices[label].outputs]
    return group.render({keyed.input(0): noise(2, FRAMES, seed=3, level=0.3)},
                        [device.output(0) for device in ordered], frames=FRAMES)


def rewrite_session(path: pathlib.Path, change: Callable[[dict[str, object], dict[str, bytes]], None]) -> None:
    """Rewrites a session file with `change(manifest, files)` applied to its content."""
    with zipfile.ZipFile(path) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    manifest = json.loads(files.pop("manifest.json"))
    change(manifest, files)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("manifest.json", json.dumps(manifest))
        for name, data in files.items():
            archive.writestr(name, data)
