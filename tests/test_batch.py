"""scuff.batch: a batch of files through plugins, where a plugin that crashes or hangs on some
files costs only those files, outputs do not depend on how many workers render them, and a
rerun resumes."""

from __future__ import annotations

import hashlib
import json
import os
import pathlib
import signal
import threading
import time
from collections.abc import Callable

import numpy as np
import pytest
import soundfile

import scuff
from scuff import batch
from support.test_plugins import FAULTS_FILE, FAULTY_ID, GAIN_ID, INSTRUMENT_ID, PLUGINS_FILE, Fault

RATE = 48000
FRAMES = 4800  # 0.1 s
# The files the faulty plugin is told to crash or hang on, by their index.
FAULTS = {9: Fault.CRASH_IN_PROCESS, 23: Fault.HANG_IN_PROCESS, 41: Fault.ABORT_IN_PROCESS}
# Long enough that no block of a well-behaved job misses it on a loaded machine.
BLOCK_TIMEOUT = 1.0


def write_inputs(folder: pathlib.Path, count: int, frames: int = FRAMES) -> list[pathlib.Path]:
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(7)
    paths = []
    for index in range(count):
        path = folder / f"take-{index:02}.wav"
        soundfile.write(path, rng.uniform(-0.5, 0.5, (frames, 2)).astype(np.float32), RATE, subtype="FLOAT")
        paths.append(path)
    return paths


def direct_render(plugin: pathlib.Path, plugin_id: str, audio: np.ndarray, params: dict[str, float]) -> np.ndarray:
    """What the job should give: the same plugin in a fresh client, sandbox and device."""
    with scuff.Client() as client:
        group = client.create_group(sample_rate=RATE, block_size=512)
        device = group.create_sandbox().create_device(plugin, plugin_id=plugin_id)
        for key, value in params.items():
            device.set_param(batch.parse_key(key)[1], value)
        return group.render({device.input(0): audio}, device.output(0))


def read(path: pathlib.Path) -> np.ndarray:
    return soundfile.read(path, dtype="float32", always_2d=True)[0].T


def digest(path: pathlib.Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def faulty_jobs(test_plugins: pathlib.Path, inputs: pathlib.Path, outputs: pathlib.Path,
                faults: dict[int, Fault]) -> list[batch.Job]:
    draws = batch.random_params({"0:Gain": (-12.0, 6.0)}, 50, seed=2026)
    plugin = batch.Plugin(test_plugins / FAULTS_FILE, plugin_id=FAULTY_ID)
    params = [batch.Draw({**d.values, "0:Fault": float(faults.get(i, Fault.NONE))}, d.seed, d.index)
              for i, d in enumerate(draws)]
    return batch.jobs_from_folder(inputs, outputs, plugins=[plugin], params=params)


def test_a_batch_where_three_of_fifty_files_crash_or_hang_finishes_the_other_47_bit_exact(test_plugins, tmp_path):
    inputs = write_inputs(tmp_path / "in", 50)
    jobs = faulty_jobs(test_plugins, tmp_path / "in", tmp_path / "out", FAULTS)

    manifest = batch.render_many(jobs, workers=2, block_timeout=BLOCK_TIMEOUT)

    failed = {pathlib.Path(r.key).name: r for r in manifest.failed}
    assert sorted(failed) == [f"take-{i:02}.wav" for i in sorted(FAULTS)]
    assert len(manifest.done) == 47 and manifest.skipped == []
    assert all(r.attempts == 2 and len(r.errors) == 2 for r in failed.values())
    assert "SIGSEGV" in failed["take-09.wav"].error
    assert "SIGABRT" in failed["take-41.wav"].error
    assert "unresponsive" in failed["take-23.wav"].error
    for index, job in enumerate(jobs):
        if index in FAULTS:
            assert not job.output.exists()
            continue
        record = manifest.records[job.key]
        assert record.attempts == 1 and record.errors == []
        assert record.chain["plugins"][0] | {"params": None} == {
            "path": str(test_plugins / FAULTS_FILE), "plugin_id": FAULTY_ID, "name": "Test Faulty",
            "version": "1.0.0", "format": "clap", "params": None}
        assert record.input_sha256 == digest(inputs[index]) and record.seconds > 0
        assert record.output_sha256 == digest(job.output)
        assert record.draw == [2026, index] and record.params["0:Gain"] == job.params["0:Gain"]
        expected = direct_render(test_plugins / FAULTS_FILE, FAULTY_ID, read(inputs[index]),
                                 {"0:Gain": job.params["0:Gain"]})
        assert np.array_equal(read(job.output), expected)
    # The manifest on disk holds the same records, one line per job after the header.
    lines = manifest.path.read_text().splitlines()
    assert json.loads(lines[0])["format"] == "scuff-batch-manifest" and len(lines) == 51

    stamps = {job.key: job.output.stat().st_mtime_ns for job in jobs if job.output.exists()}
    resumed = batch.render_many(jobs, workers=2, resume=True, block_timeout=BLOCK_TIMEOUT)
    assert sorted(r.key for r in resumed.rendered) == sorted(jobs[i].key for i in FAULTS)
    assert len(resumed.skipped) == 47 and len(resumed.failed) == 3
    assert {key: pathlib.Path(key).stat().st_mtime_ns for key in stamps} == stamps

    # Told not to misbehave, the three render, and only they.
    mended = faulty_jobs(test_plugins, tmp_path / "in", tmp_path / "out", {})
    final = batch.render_many(mended, workers=2, resume=True)
    assert sorted(r.key for r in final.rendered) == sorted(jobs[i].key for i in FAULTS)
    assert len(final.done) == 50 and final.failed == []


def gain_jobs(test_plugins: pathlib.Path, inputs: pathlib.Path, outputs: pathlib.Path) -> list[batch.Job]:
    draws = batch.random_params({"0:Gain": (-24.0, 12.0)}, 8, seed=5)
    return batch.jobs_from_folder(inputs, outputs, plugins=[batch.Plugin(test_plugins / PLUGINS_FILE, GAIN_ID),
                                                            "/usr/lib/clap/ZamCompX2.clap"],
                                  params=draws, block_size=256)


def test_outputs_are_the_same_with_one_worker_two_workers_and_ray(test_plugins, tmp_path):
    import ray  # in the test extra: a missing Ray fails the test rather than skipping it
    write_inputs(tmp_path / "in", 8, frames=12000)
    digests = {}
    for label, options in (("one", {"workers": 1}), ("two", {"workers": 2}),
                           ("ray", {"workers": 2, "backend": "ray"})):
        jobs = gain_jobs(test_plugins, tmp_path / "in", tmp_path / label)
        if label == "ray":
            ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
            try:
                manifest = batch.render_many(jobs, **options)
            finally:
                ray.shutdown()
            assert {r.worker.split(":")[0] for r in manifest.done} == {"ray"}
        else:
            manifest = batch.render_many(jobs, **options)
        assert len(manifest.done) == 8
        digests[label] = [(digest(job.output), manifest.records[job.key].samples_sha256) for job in jobs]
    assert digests["one"] == digests["two"] == digests["ray"]
    assert len(set(digests["one"])) == 8


def sandboxes_holding(library: pathlib.Path) -> dict[int, int]:
    """Every scuff-sbox process on this machine that has `library` mapped: its pid and its
    parent's pid."""
    found = {}
    for entry in pathlib.Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text()
            if stat[stat.index("(") + 1:stat.rindex(")")] != "scuff-sbox":
                continue
            if str(library) in (entry / "maps").read_text():
                found[int(entry.name)] = int(stat[stat.rindex(")") + 2:].split()[1])
        except (OSError, ValueError):
            continue
    return found


def cmdline(pid: int) -> bytes:
    try:
        return pathlib.Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def is_ray_worker(pid: int) -> bool:
    """Whether `pid` is a Ray worker process (Ray names them "ray::..."), not another client."""
    return cmdline(pid).startswith(b"ray::")


def parent_of(pid: int) -> int:
    try:
        stat = pathlib.Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0
    return int(stat[stat.rindex(")") + 2:].split()[1])


def is_local_worker(pid: int) -> bool:
    """Whether `pid` is a worker process of this test process's batches: forked from the fork
    server this process started, it has the server's command line."""
    return b"scuff.batch.fork_server" in cmdline(pid) and parent_of(parent_of(pid)) == os.getpid()


def kill_the_workers_loading(library: pathlib.Path, is_worker: Callable[[int], bool], times: int,
                             stop: threading.Event, killed: list[int], outlived: list[int]) -> None:
    """Kills (SIGKILL), `times` over, the worker process whose sandbox has loaded `library`.
    A sandbox still there 10 s after its worker died goes in `outlived`."""
    while len(killed) < times and not stop.wait(0.05):
        for pid, parent in sandboxes_holding(library).items():
            if parent not in killed and is_worker(parent):
                os.kill(parent, signal.SIGKILL)
                killed.append(parent)
                deadline = time.monotonic() + 10
                while pid in sandboxes_holding(library) and time.monotonic() < deadline:
                    time.sleep(0.05)
                if pid in sandboxes_holding(library):
                    outlived.append(pid)


def jobs_whose_first_spins(test_plugins: pathlib.Path, folder: pathlib.Path) -> tuple[list[batch.Job], dict]:
    """Eight jobs, the first with a plugin that would spin in its first block (the block
    timeout is long: what ends the job is its worker's death); and what the other seven give
    rendered alone."""
    inputs = write_inputs(folder / "in", 8, frames=12000)
    alone = batch.render_many(gain_jobs(test_plugins, folder / "in", folder / "alone")[1:])
    expected = {pathlib.Path(r.key).name: r.samples_sha256 for r in alone.done}
    jobs = gain_jobs(test_plugins, folder / "in", folder / "out")
    jobs[0] = batch.Job(output=jobs[0].output, input=inputs[0],
                        chain=[batch.Plugin(test_plugins / FAULTS_FILE, plugin_id=FAULTY_ID)],
                        params={"0:Fault": float(Fault.SPIN_IN_PROCESS)})
    return jobs, expected


def test_a_ray_actor_that_dies_costs_its_job_one_try_and_a_new_actor_takes_its_queue(test_plugins, tmp_path):
    import ray
    jobs, expected = jobs_whose_first_spins(test_plugins, tmp_path)
    # The faulty job's actor is killed as soon as its sandbox has loaded the plugin, twice:
    # the try and the retry.
    stop, killed, outlived = threading.Event(), [], []
    killer = threading.Thread(target=kill_the_workers_loading,
                              args=((test_plugins / FAULTS_FILE).resolve(), is_ray_worker, 2, stop, killed, outlived))
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    killer.start()
    try:
        manifest = batch.render_many(jobs, workers=2, backend="ray", block_timeout=120)
    finally:
        stop.set()
        killer.join()
        ray.shutdown()
    assert len(killed) == 2
    lost = manifest.records[jobs[0].key]
    assert lost.status == "failed" and lost.attempts == 2 and not jobs[0].output.exists()
    assert len(lost.errors) == 2 and all(e.startswith("the Ray actor died") for e in lost.errors), lost.errors
    # The other seven, some of them queued behind the lost job on the actor that died, render
    # on the actors left and the new ones, as they render alone.
    assert len(expected) == 7
    assert {pathlib.Path(r.key).name: r.samples_sha256 for r in manifest.done} == expected
    # The second job waited behind the first on the actor that died, then on its replacement,
    # which died too: a third actor rendered it, not the one that had the third job all along.
    worker = {r.key: int(r.worker.rsplit(":", 1)[1]) for r in manifest.done}
    assert worker[jobs[1].key] not in killed and worker[jobs[1].key] != worker[jobs[2].key]
    assert outlived == []  # a sandbox dies with its actor


def test_a_local_worker_process_that_dies_costs_its_job_one_try_and_the_batch_goes_on(test_plugins, tmp_path):
    jobs, expected = jobs_whose_first_spins(test_plugins, tmp_path)
    stop, killed, outlived = threading.Event(), [], []
    killer = threading.Thread(target=kill_the_workers_loading, args=(
        (test_plugins / FAULTS_FILE).resolve(), is_local_worker, 2, stop, killed, outlived))
    killer.start()
    try:
        manifest = batch.render_many(jobs, workers=2, block_timeout=120)
    finally:
        stop.set()
        killer.join()
    assert len(killed) == 2
    lost = manifest.records[jobs[0].key]
    assert lost.status == "failed" and lost.attempts == 2 and not jobs[0].output.exists()
    assert lost.errors == [f"the worker process {pid} died rendering {jobs[0].key}" for pid in killed]
    assert {pathlib.Path(r.key).name: r.samples_sha256 for r in manifest.done} == expected
    # Rendered by worker processes, none of them one that was killed; and the next batch
    # forks its workers from the same server.
    workers = {int(r.worker.rsplit(":", 1)[1]) for r in manifest.done}
    assert os.getpid() not in workers and not workers & set(killed)
    again = batch.render_many(gain_jobs(test_plugins, tmp_path / "in", tmp_path / "again")[1:], workers=2)
    assert {pathlib.Path(r.key).name: r.samples_sha256 for r in again.done} == expected
    assert outlived == []  # a sandbox dies with its worker


def test_a_session_renders_like_the_plugins_it_was_saved_from(test_plugins, tmp_path):
    write_inputs(tmp_path / "in", 3)
    with scuff.Client() as client:
        group = client.create_group(sample_rate=RATE, block_size=512)
        gain = group.create_sandbox().create_device(test_plugins / PLUGINS_FILE, plugin_id=GAIN_ID)
        gain.set_param("Gain", -9.0)
        group.save_session(tmp_path / "chain.scuff")
    from_session = batch.render_many(batch.jobs_from_folder(tmp_path / "in", tmp_path / "s",
                                                            session=tmp_path / "chain.scuff"))
    plugin = batch.Plugin(test_plugins / PLUGINS_FILE, GAIN_ID, {"Gain": -9.0})
    from_plugins = batch.render_many(batch.jobs_from_folder(tmp_path / "in", tmp_path / "p", plugins=[plugin]))
    assert len(from_session.done) == len(from_plugins.done) == 3
    assert from_session.done[0].chain["session_sha256"] == digest(tmp_path / "chain.scuff")
    assert [r.output_sha256 for r in from_session.done] == [r.output_sha256 for r in from_plugins.done]


def test_an_instrument_plays_each_jobs_midi_file_with_its_own_parameters(test_plugins, tmp_path):
    mido = pytest.importorskip("mido")
    jobs = []
    for index, volume in enumerate(batch.grid({"0:Volume": [0.25, 0.5, 1.0]})):
        song = mido.MidiFile(ticks_per_beat=480)
        track = mido.MidiTrack([mido.Message("note_on", note=60 + index, velocity=127, time=0),
                                mido.Message("note_off", note=60 + index, velocity=0, time=480)])
        song.tracks.append(track)
        song.save(tmp_path / f"{index}.mid")
        jobs.append(batch.Job(output=tmp_path / "out" / f"{index}.flac", midi=tmp_path / f"{index}.mid",
                              chain=batch.Chain.of([batch.Plugin(test_plugins / PLUGINS_FILE, INSTRUMENT_ID)]),
                              params=volume, sample_rate=RATE))
    manifest = batch.render_many(jobs, workers=2)
    assert len(manifest.done) == 3
    for job, volume in zip(jobs, (0.25, 0.5, 1.0), strict=True):
        audio, rate = soundfile.read(job.output, dtype="float32", always_2d=True)
        # Half a second of note at 120 bpm, then the second of tail a MIDI job gets.
        assert rate == RATE and audio.shape == (RATE // 2 + RATE, 2)
        peak = np.abs(audio[: RATE // 2]).max()
        assert peak == pytest.approx(0.25 * volume, abs=1e-4)
        assert np.abs(audio[RATE // 2:]).max() == 0


def test_a_resumed_batch_renders_again_a_job_whose_output_changed_or_whose_parameters_did(test_plugins, tmp_path):
    write_inputs(tmp_path / "in", 3)
    plugin = batch.Plugin(test_plugins / PLUGINS_FILE, GAIN_ID)
    first = batch.jobs_from_folder(tmp_path / "in", tmp_path / "out", plugins=[plugin],
                                   params=[{"Gain": -3.0}, {"Gain": -3.0}, {"Gain": -3.0}])
    batch.render_many(first)
    first[0].output.write_bytes(b"edited")
    changed = batch.jobs_from_folder(tmp_path / "in", tmp_path / "out", plugins=[plugin],
                                     params=[{"Gain": -3.0}, {"Gain": -3.0}, {"Gain": -6.0}])
    resumed = batch.render_many(changed, resume=True)
    assert sorted(r.key for r in resumed.rendered) == [changed[0].key, changed[2].key]
    assert resumed.skipped == [changed[1].key] and len(resumed.done) == 3


def test_a_job_is_given_its_chain_as_a_chain_or_a_list_of_plugins(test_plugins, tmp_path):
    plugin = batch.Plugin(test_plugins / PLUGINS_FILE, GAIN_ID)
    listed = batch.Job(output=tmp_path / "out.wav", chain=[plugin], seconds=1.0)
    assert listed.chain == batch.Chain.of([plugin])
    with pytest.raises(scuff.ScuffError, match="a chain is a scuff.batch.Chain or a list of plugins, not str"):
        batch.Job(output=tmp_path / "out.wav", chain=str(test_plugins / PLUGINS_FILE), seconds=1.0)


def test_a_job_that_cannot_be_set_up_fails_once_with_the_reason_and_the_others_render(test_plugins, tmp_path):
    write_inputs(tmp_path / "in", 2)
    (tmp_path / "in" / "broken.wav").write_bytes(b"not audio")
    plugin = batch.Plugin(test_plugins / PLUGINS_FILE, GAIN_ID)
    jobs = batch.jobs_from_folder(tmp_path / "in", tmp_path / "out", plugins=[plugin])
    jobs.append(batch.Job(output=tmp_path / "out" / "wrong.wav", chain=jobs[0].chain, input=jobs[1].input,
                          params={"Gain": float("nan")}))
    manifest = batch.render_many(jobs, workers=2)
    assert len(manifest.done) == 2
    failed = {pathlib.Path(r.key).name: r for r in manifest.failed}
    assert "cannot read" in failed["broken.wav"].error and failed["broken.wav"].attempts == 0
    assert "not a finite number" in failed["wrong.wav"].error and failed["wrong.wav"].attempts == 1


@pytest.mark.pure
def test_random_draws_depend_on_the_seed_and_the_index_alone():
    space = {"0:Threshold": (-40.0, 0.0), "1:Room": [1, 2, 3], "Mode": ["soft", "hard"]}
    ten = batch.random_params(space, 10, seed=3)
    assert batch.random_params(space, 4, seed=3) == ten[:4]
    assert batch.random_params(space, 10, seed=4) != ten
    assert all(-40.0 <= d.values["0:Threshold"] < 0.0 and d.values["1:Room"] in (1, 2, 3) for d in ten)
    assert [(d.seed, d.index) for d in ten] == [(3, i) for i in range(10)]
    assert batch.grid({"a": [1, 2], "b": [3, 4]}) == [{"a": 1, "b": 3}, {"a": 1, "b": 4}, {"a": 2, "b": 3},
                                                       {"a": 2, "b": 4}]
    assert batch.parse_key("1:Room") == (1, "Room") and batch.parse_key("Gain") == (0, "Gain")
    assert batch.parse_key("2:5") == (2, 5)
    for wrong in ("1:", "", "0:Gain=3"):
        with pytest.raises(scuff.ParamError):
            batch.parse_key(wrong)
