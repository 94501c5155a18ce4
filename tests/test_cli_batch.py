"""`scuff batch` on the command line: a folder of files through a chain, the failures named on
stderr with a non-zero exit, and `--resume` rendering only what is left."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import soundfile

from support.test_plugins import FAULTS_FILE, FAULTY_ID


def scuff_cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "scuff", *map(str, args)],
                          capture_output=True, text=True, timeout=120)


def test_a_folder_renders_with_the_same_names_and_formats_and_a_resume_skips_what_is_done(test_plugins, tmp_path):
    source = tmp_path / "in"
    (source / "drums").mkdir(parents=True)
    rng = np.random.default_rng(1)
    audio = rng.uniform(-0.5, 0.5, (2400, 2)).astype(np.float32)
    soundfile.write(source / "a.wav", audio, 48000, subtype="PCM_24")
    soundfile.write(source / "drums" / "b.flac", audio[::-1], 44100, subtype="PCM_16")
    plugin = f"{test_plugins / FAULTS_FILE}#{FAULTY_ID}"

    done = scuff_cli("batch", source, tmp_path / "out", "--plugin", plugin, "--param", "0:Gain=-6", "--jobs", "2")
    assert done.returncode == 0, done.stderr
    assert "2 rendered, 0 already done, 0 failed" in done.stdout
    a, b = soundfile.info(tmp_path / "out" / "a.wav"), soundfile.info(tmp_path / "out" / "drums" / "b.flac")
    assert (a.format, a.subtype, a.samplerate) == ("WAV", "PCM_24", 48000)
    assert (b.format, b.subtype, b.samplerate) == ("FLAC", "PCM_16", 44100)
    halved = soundfile.read(tmp_path / "out" / "a.wav", dtype="float32")[0]
    assert np.allclose(halved, audio * 10 ** (-6 / 20), atol=2 ** -22)

    resumed = scuff_cli("batch", source, tmp_path / "out", "--plugin", plugin, "--param", "0:Gain=-6", "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert "0 rendered, 2 already done, 0 failed" in resumed.stdout


def test_files_whose_plugin_crashes_are_named_with_the_reason_and_the_exit_is_1(test_plugins, tmp_path):
    (tmp_path / "in").mkdir()
    for name in ("a.wav", "b.wav"):
        soundfile.write(tmp_path / "in" / name, np.zeros((512, 2), np.float32), 48000)
    plugin = f"{test_plugins / FAULTS_FILE}#{FAULTY_ID}"
    crashing = scuff_cli("batch", tmp_path / "in", tmp_path / "out", "--plugin", plugin, "--param", "0:Fault=1",
                         "--jobs", "2")
    assert crashing.returncode == 1
    assert "0 rendered, 0 already done, 2 failed" in crashing.stdout
    assert crashing.stderr.count("failed: ") == 2 and crashing.stderr.count("SIGSEGV") >= 2
    assert not (tmp_path / "out" / "a.wav").exists()


def test_a_chain_given_twice_or_not_at_all_is_refused_in_one_line(tmp_path):
    (tmp_path / "in").mkdir()
    result = scuff_cli("batch", tmp_path / "in", tmp_path / "out")
    assert result.returncode == 1
    assert result.stderr.strip() == "scuff: give the chain as --plugin options or as --session, one of the two"
