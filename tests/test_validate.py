"""scuff.validate on the project's test plugins: well-behaved ones pass every test, and each
misbehaving one fails the test that should catch it (and, where it can be told apart, only it)."""

from __future__ import annotations

import pytest

import scuff
from support.test_plugins import (
    ALLOCATES_IN_PROCESS_ID,
    AUDIO_PORTS_FAIL_ID,
    CRASH_IN_ACTIVATE_ID,
    CRASH_IN_INIT_ID,
    CRASH_ON_LOAD_FILE,
    CREATION_FAULTS_FILE,
    DENORMALS_ID,
    EMPTY_FILE,
    FAULTY_ID,
    FORGETS_STATE_ID,
    GAIN_ID,
    HANG_IN_INIT_ID,
    HOST_CALLBACKS_ID,
    HOSTILE_EXEC_ID,
    HOSTILE_FILE,
    HOSTILE_SPIN_ID,
    INSTRUMENT_ID,
    LATENCY_ID,
    LEAK_ID,
    LYING_LATENCY_ID,
    NONDETERMINISTIC_ID,
    PLUGINS_FILE,
    TOO_MANY_PARAMS_ID,
    VST3_HOST_CALLBACKS_ID,
    VST3_PLUGINS_BUNDLE,
    WRONG_THREAD_ID,
    twin,
)

SEED = 1234
SECONDS = 0.2


def failed(report: scuff.ValidationReport) -> set[str]:
    return {result.name for result in report.failures}


def explain(report: scuff.ValidationReport) -> str:
    return report.table()


@pytest.mark.parametrize("plugin_id", [GAIN_ID, INSTRUMENT_ID])
def test_well_behaved_plugins_pass_every_test_in_both_formats(test_plugins, plugin_format, plugin_id):
    file, twin_id = twin(plugin_id, plugin_format)
    report = scuff.validate(test_plugins / file, plugin_id=twin_id, seed=SEED, seconds=SECONDS)
    assert report.passed, explain(report)
    assert report.plugin_id == twin_id and report.format == plugin_format
    names = [result.name for result in report.results]
    assert names[:2] == ["load", "descriptor"] and "realtime" in names and "state-round-trip" in names
    notes = report.result("notes")
    assert notes.skipped == (plugin_id != INSTRUMENT_ID), notes.detail
    assert all(result.seed == SEED and f"--seed {SEED}" in result.reproduce for result in report.results)


def test_a_plugin_with_latency_passes_every_test(test_plugins, plugin_format):
    file, twin_id = twin(LATENCY_ID, plugin_format)
    report = scuff.validate(test_plugins / file, plugin_id=twin_id, seed=SEED, seconds=SECONDS)
    assert report.passed, explain(report)
    assert "reports 64 samples and delays by 64" in report.result("latency").detail


def test_a_plugin_using_every_host_extension_keeps_the_thread_rules(test_plugins):
    report = scuff.validate(test_plugins / PLUGINS_FILE, plugin_id=HOST_CALLBACKS_ID, seed=SEED, seconds=SECONDS,
                            tests=["thread-rules", "realtime"])
    assert report.passed, explain(report)


def test_a_vst3_plugin_using_every_host_interface_keeps_the_thread_rules(test_plugins):
    # Its edits, restarts and run-loop calls are all made from the main thread (IRunLoop timer ticks).
    report = scuff.validate(test_plugins / VST3_PLUGINS_BUNDLE, plugin_id=VST3_HOST_CALLBACKS_ID, seed=SEED,
                            seconds=SECONDS, tests=["thread-rules", "realtime"])
    assert report.passed, explain(report)
    assert report.result("thread-rules").checked, explain(report)


# Each plugin (named by its CLAP id) that breaks one rule, and the tests that must catch it in both
# formats: exactly those when `only`.
CAUGHT = [
    (LYING_LATENCY_ID, {"latency"}, True),
    (ALLOCATES_IN_PROCESS_ID, {"realtime"}, True),
    (DENORMALS_ID, {"finite-output"}, True),
    (FORGETS_STATE_ID, {"state-round-trip", "state-fresh-instance"}, True),
    (WRONG_THREAD_ID, {"thread-rules"}, True),
    (NONDETERMINISTIC_ID, {"determinism"}, True),
    # Grows by 1 MiB per process call: an allocation in process, wherever else it runs out.
    (LEAK_ID, {"realtime"}, False),
    # Its faults are armed by a parameter: setting every parameter finds them.
    (FAULTY_ID, {"param-values"}, False),
]


@pytest.mark.parametrize(("plugin_id", "catchers", "only"), CAUGHT, ids=[c[0] for c in CAUGHT])
def test_each_misbehaving_plugin_fails_the_test_that_catches_it(test_plugins, plugin_format, plugin_id, catchers,
                                                               only):
    file, twin_id = twin(plugin_id, plugin_format)
    report = scuff.validate(test_plugins / file, plugin_id=twin_id, seed=SEED, seconds=SECONDS)
    assert not report.passed
    assert report.format == plugin_format
    if only:
        assert failed(report) == catchers, explain(report)
    else:
        assert catchers <= failed(report), explain(report)
    for name in catchers:
        result = report.result(name)
        assert result.detail and result.checked and f"--only {name}" in result.reproduce


# What the thread-rules test names for the wrong-thread plugin: each host function it called from
# process, once each.
WRONG_THREAD_CALLS = {
    "clap": ["clap.params.rescan", "clap.state.mark_dirty"],
    "vst3": ["IComponentHandler::restartComponent", "IComponentHandler2::setDirty", "IRunLoop::registerTimer"],
}


def test_each_host_function_called_from_the_wrong_thread_is_named_once(test_plugins, plugin_format):
    file, twin_id = twin(WRONG_THREAD_ID, plugin_format)
    report = scuff.validate(test_plugins / file, plugin_id=twin_id, seed=SEED, seconds=SECONDS,
                            tests=["thread-rules"])
    result = report.result("thread-rules")
    assert not result.passed, explain(report)
    for call in WRONG_THREAD_CALLS[plugin_format]:
        assert result.detail.count(f"called {call} from the audio thread; it belongs to the main thread") == 1, \
            result.detail


def test_findings_name_what_was_seen(test_plugins, plugin_format):
    file, twin_id = twin(ALLOCATES_IN_PROCESS_ID, plugin_format)
    report = scuff.validate(test_plugins / file, plugin_id=twin_id, seed=SEED, seconds=SECONDS, tests=["realtime"])
    detail = report.result("realtime").detail
    # The call site is the plugin's own library, not the host's allocator.
    library = "scuff-test-validation.clap" if plugin_format == "clap" else "scuff-test-validation.so"
    assert "allocated memory" in detail and f"{library}+0x" in detail, detail
    file, twin_id = twin(LYING_LATENCY_ID, plugin_format)
    report = scuff.validate(test_plugins / file, plugin_id=twin_id, seed=SEED, seconds=SECONDS, tests=["latency"])
    assert "reports a latency of 16 samples but delays by 64" in report.result("latency").detail


@pytest.mark.parametrize("plugin_id", [CRASH_IN_INIT_ID, CRASH_IN_ACTIVATE_ID, HANG_IN_INIT_ID])
def test_a_plugin_that_dies_or_hangs_while_loading_fails_the_load_test_alone(test_plugins, plugin_format,
                                                                           plugin_id):
    file, twin_id = twin(plugin_id, plugin_format)
    # A short load timeout: a plugin that hangs while loading costs that long.
    with scuff.Client(load_timeout=3.0) as client:
        report = scuff.validate(test_plugins / file, plugin_id=twin_id, seed=SEED, seconds=SECONDS, client=client)
    assert [(r.name, r.passed) for r in report.results] == [("load", False)], explain(report)
    detail = report.result("load").detail
    assert ("stopped answering" if plugin_id == HANG_IN_INIT_ID else "crashed") in detail, detail


# Plugins that cannot be used at all: each fails loading (which creates, activates and processes
# one block), the only test that can run.
UNUSABLE = [
    (CREATION_FAULTS_FILE, TOO_MANY_PARAMS_ID, "100,001"),
    (CREATION_FAULTS_FILE, AUDIO_PORTS_FAIL_ID, "audio port"),
    (CRASH_ON_LOAD_FILE, None, "crashed"),
    (EMPTY_FILE, None, "holds no plugins"),
    (HOSTILE_FILE, HOSTILE_EXEC_ID, "crashed"),
    (HOSTILE_FILE, HOSTILE_SPIN_ID, "missed an audio cycle"),
]


@pytest.mark.parametrize(("file", "plugin_id", "said"), UNUSABLE, ids=[f"{u[0]}:{u[1]}" for u in UNUSABLE])
def test_a_plugin_that_cannot_be_used_fails_loading_alone(test_plugins, file, plugin_id, said):
    with scuff.Client(load_timeout=3.0) as client:
        report = scuff.validate(test_plugins / file, plugin_id=plugin_id, seed=SEED, seconds=SECONDS, client=client)
    assert [(r.name, r.passed) for r in report.results] == [("load", False)], explain(report)
    assert said in report.result("load").detail, report.result("load").detail
