"""`scuff render`, `info`, `inspect` and `diff` on the command line: real audio files through
plugin chains, and one clear line with a non-zero exit for bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile

import scuff
from support.repo import REPO_ROOT
from support.signals import noise
from support.test_plugins import (
    FAULTS_FILE,
    FAULTY_ID,
    GAIN_ID,
    LATENCY_ID,
    LATENCY_SAMPLES,
    PLUGINS_FILE,
    VST3_LATENCY_ID,
    VST3_PLUGINS_BUNDLE,
    Fault,
)
from support.zam import ZAM_CLAP_DIR

ARTIFACTS = REPO_ROOT / "build" / "artifacts"


def scuff_cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "scuff", *map(str, args)],
                          capture_output=True, text=True, timeout=120)


def write(path: Path, audio: np.ndarray, rate: int = 48000, **options) -> Path:
    soundfile.write(path, audio.T, rate, **options)
    return path


def assert_one_line_error(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("scuff: "), result.stderr
    for word in words:
        assert word in lines[0]


def test_render_equals_group_render_bit_for_bit(tmp_path, test_plugins):
    gain = f"{test_plugins / PLUGINS_FILE}#{GAIN_ID}"
    delay = f"{test_plugins / VST3_PLUGINS_BUNDLE}#{VST3_LATENCY_ID}"
    x = noise(2, 3 * 48000 + 77)
    source = write(tmp_path / "in.wav", x, subtype="FLOAT")
    result = scuff_cli("render", source, tmp_path / "out.wav", "--plugin", gain, "--plugin", delay,
                       "--param", "0:Gain=-6", "--block-size", "256", "--sandbox-per-plugin")
    assert result.returncode == 0, result.stderr
    rendered, rate = soundfile.read(tmp_path / "out.wav", dtype="float32", always_2d=True)
    with scuff.Client() as client:
        group = client.create_group(sample_rate=48000, block_size=256)
        first = group.create_sandbox().create_device(test_plugins / PLUGINS_FILE, plugin_id=GAIN_ID)
        second = group.create_sandbox().create_device(test_plugins / VST3_PLUGINS_BUNDLE, plugin_id=VST3_LATENCY_ID)
        first.set_param("Gain", -6.0)
        group.connect(first.output(0), second.input(0))
        expected = group.render({first.input(0): x}, second.output(0))
    assert rate == 48000
    np.testing.assert_array_equal(rendered.T, expected)
    # Raw, not compensated: the delay and the hop between sandboxes are in the file.
    assert not rendered[: LATENCY_SAMPLES + 256].any() and rendered[LATENCY_SAMPLES + 256:].any()


@pytest.mark.parametrize(("suffix", "subtype"), [(".wav", "PCM_16"), (".wav", "PCM_24"), (".flac", "PCM_16"),
                                                  (".ogg", "VORBIS")])
def test_each_format_comes_out_in_the_format_it_came_in(tmp_path, test_plugins, suffix, subtype):
    source = write(tmp_path / f"in{suffix}", noise(2, 48000), subtype=subtype)
    target = tmp_path / f"out{suffix}"
    result = scuff_cli("render", source, target, "--plugin", f"{test_plugins / PLUGINS_FILE}#{GAIN_ID}")
    assert result.returncode == 0, result.stderr
    source_info, target_info = soundfile.info(source), soundfile.info(target)
    assert (target_info.format, target_info.subtype, target_info.channels, target_info.samplerate) == \
        (source_info.format, source_info.subtype, 2, 48000)
    assert target_info.frames == source_info.frames
    if subtype != "VORBIS":
        # Unity gain on integer samples gives the same samples back.
        np.testing.assert_array_equal(soundfile.read(target)[0], soundfile.read(source)[0])


def test_bad_input_gets_one_clear_line_and_a_non_zero_exit(tmp_path, test_plugins):
    gain = f"{test_plugins / PLUGINS_FILE}#{GAIN_ID}"
    out = tmp_path / "out.wav"
    assert_one_line_error(scuff_cli("render", tmp_path / "missing.wav", out, "--plugin", gain),
                          "no such file", "missing.wav")
    not_audio = tmp_path / "notes.wav"
    not_audio.write_text("these are not samples\n")
    assert_one_line_error(scuff_cli("render", not_audio, out, "--plugin", gain), "cannot read", "as audio")
    mono = write(tmp_path / "mono.wav", noise(1, 4800))
    assert_one_line_error(scuff_cli("render", mono, out, "--plugin", gain), "1 channel", "takes 2")
    stereo = write(tmp_path / "stereo.wav", noise(2, 4800))
    assert_one_line_error(scuff_cli("render", stereo, out, "--plugin", gain, "--param", "0:Loudness=3"),
                          "no parameter 'Loudness'")
    assert_one_line_error(scuff_cli("render", stereo, out, "--plugin", gain, "--param", "Gain=3"),
                          "INDEX:NAME=VALUE")
    assert_one_line_error(scuff_cli("render", stereo, out, "--plugin", tmp_path / "nothing.clap"),
                          "no such plugin file")
    assert not out.exists()


def test_a_sample_rate_mismatch_is_refused_unless_resampling(tmp_path, test_plugins):
    gain = f"{test_plugins / PLUGINS_FILE}#{GAIN_ID}"
    source = write(tmp_path / "in.wav", noise(2, 44100), rate=44100)
    out = tmp_path / "out.wav"
    assert_one_line_error(scuff_cli("render", source, out, "--plugin", gain, "--sample-rate", "48000"),
                          "44100 Hz", "--resample")
    result = scuff_cli("render", source, out, "--plugin", gain, "--sample-rate", "48000", "--resample")
    assert result.returncode == 0, result.stderr
    assert soundfile.info(out).samplerate == 48000 and soundfile.info(out).frames == 48000


def test_a_crashing_chain_says_where_and_leaves_no_file(tmp_path, test_plugins):
    source = write(tmp_path / "in.wav", noise(2, 48000 * 3))
    out = tmp_path / "out.wav"
    result = scuff_cli("render", source, out, "--plugin", f"{test_plugins / PLUGINS_FILE}#{GAIN_ID}",
                       "--plugin", f"{test_plugins / FAULTS_FILE}#{FAULTY_ID}",
                       "--param", f"1:Fault={int(Fault.CRASH_IN_PROCESS)}", "--sandbox-per-plugin")
    assert_one_line_error(result, "plugin 1 (Test Faulty) crashed", "nothing written")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["in.wav"]


def test_info_lists_ports_parameters_latency_and_features(test_plugins):
    result = scuff_cli("info", test_plugins / PLUGINS_FILE)
    assert result.returncode == 0, result.stderr
    assert "Test Gain (org.scuff.test.gain)" in result.stdout
    assert "audio in:  2 channels" in result.stdout and "latency:   0 samples" in result.stdout
    assert "Gain: -60 to 24, default 0" in result.stdout and "features:  audio-effect" in result.stdout


def test_inspect_prints_json_and_plots(tmp_path, test_plugins):
    pytest.importorskip("matplotlib")
    result = scuff_cli("inspect", test_plugins / VST3_PLUGINS_BUNDLE / "", "--json", "--seconds", "0.2",
                       "--plot", tmp_path / "report.png")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["health"] == "ok"
    assert (tmp_path / "report.png").read_bytes().startswith(b"\x89PNG")


@pytest.mark.skipif(not (ZAM_CLAP_DIR / "ZamComp.clap").exists(), reason="zam-plugins not installed")
def test_diff_of_two_builds_of_one_plugin_is_a_null(tmp_path):
    result = scuff_cli("diff", ZAM_CLAP_DIR / "ZamComp.clap", "/usr/lib/vst3/ZamComp.vst3")
    assert result.returncode == 0, result.stderr
    assert "peak -inf dBFS" in result.stdout and "significance none" in result.stdout


def test_diff_of_a_delay_against_no_delay_nulls_once_aligned_and_its_latency_change_is_major(test_plugins):
    result = scuff_cli("diff", f"{test_plugins / PLUGINS_FILE}#{LATENCY_ID}", test_plugins / PLUGINS_FILE)
    assert result.returncode == 0, result.stderr
    assert "peak -inf dBFS" in result.stdout
    assert "latency: -1333 us (-100.0%), significance major" in result.stdout
