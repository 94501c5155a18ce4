"""Shared fixtures: the project's test plugins, a client, a group."""

from __future__ import annotations

import logging
import os
import pathlib
import subprocess
from collections.abc import Iterator

import pytest

import scuff
from support.repo import REPO_ROOT
from support.test_plugins import FORMATS, PASSTHROUGH_ID, build_test_plugins, twin


@pytest.fixture(scope="session", autouse=True)
def private_scan_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[pathlib.Path]:
    """Every client of the run keeps its scan cache in a temporary folder, never in the
    user's cache folder."""
    folder = tmp_path_factory.mktemp("scan-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SCUFF_CACHE_DIR", str(folder))
        yield folder


@pytest.fixture(autouse=True)
def private_data_folder(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> pathlib.Path:
    """Every test keeps presets, and the settings homes that confined sandboxes show as the
    home folder, in a data folder of its own (XDG_DATA_HOME), never in the user's."""
    folder = tmp_path_factory.mktemp("data-home")
    monkeypatch.setenv("XDG_DATA_HOME", str(folder))
    return folder


# Lines of a sanitizer report, and the exit code the sanitize session gives it.
SANITIZER_MARKS = ("ERROR: AddressSanitizer", "runtime error:", "SUMMARY: UndefinedBehaviorSanitizer",
                   "ERROR: LeakSanitizer")


class SanitizerReports(logging.Handler):
    """Collects what sandboxes printed or how they ended that shows a sanitizer report."""

    def __init__(self, exit_code: str) -> None:
        super().__init__(logging.DEBUG)
        self.ending = f"exited with code {exit_code}"
        self.found: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if any(mark in message for mark in SANITIZER_MARKS) or self.ending in message:
            self.found.append(message)


@pytest.fixture(autouse=True)
def no_sanitizer_report() -> Iterator[None]:
    """Under `nox -s sanitize` (SCUFF_SANITIZE holds the sanitizers' exit code), a test fails
    when a sandbox printed a sanitizer report or ended with that code. The client's own
    process stops at its first report."""
    exit_code = os.environ.get("SCUFF_SANITIZE")
    if not exit_code:
        yield
        return
    logger = logging.getLogger("scuff")
    handler = SanitizerReports(exit_code)
    level = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    assert not handler.found, "sanitizer report:\n" + "\n".join(handler.found)


@pytest.fixture(autouse=True)
def pure_tests_start_no_process(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """A test marked `pure` that starts a process fails: the mark stays true."""
    if request.node.get_closest_marker("pure") is None:
        return

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"{request.node.name} is marked pure but starts a process")

    monkeypatch.setattr(subprocess.Popen, "_execute_child", refuse)


@pytest.fixture(scope="session")
def test_plugins() -> pathlib.Path:
    """The folder holding the project's own .clap test plugins and .vst3 bundles, built once per run,
    or already built in SCUFF_TEST_PLUGINS (the wheel smoke test runs with no compiler)."""
    if prebuilt := os.environ.get("SCUFF_TEST_PLUGINS"):
        return pathlib.Path(prebuilt)
    return build_test_plugins(REPO_ROOT / "build" / "test-plugins")


@pytest.fixture
def client() -> Iterator[scuff.Client]:
    with scuff.Client() as client:
        yield client


@pytest.fixture
def group(client: scuff.Client) -> scuff.Group:
    return client.create_group(sample_rate=48000, block_size=512)


@pytest.fixture(params=FORMATS)
def plugin_format(request) -> str:
    """Each test that uses the project's test plugins runs with the CLAP builds and again
    with their VST3 twins."""
    return request.param


@pytest.fixture
def make(test_plugins, plugin_format):
    """Creates one of the project's test plugins, named by its CLAP id (passthrough unless
    told), in a sandbox: the CLAP build, or its VST3 twin."""

    def create(sandbox: scuff.Sandbox, plugin_id: str = PASSTHROUGH_ID) -> scuff.Device:
        file, twin_id = twin(plugin_id, plugin_format)
        return sandbox.create_device(test_plugins / file, plugin_id=twin_id)

    return create


# Whatever renders through the graph runs twice: block by block, and chunked with chunks of
# 3 blocks, so every render crosses chunk boundaries and every chain of sandboxes pipelines.
RENDER_MODE_FILES = {"test_render.py", "test_render_dependencies.py", "test_graph_scenarios.py",
                     "test_graph_changes.py", "test_graph_latency.py", "test_notes.py", "test_transport.py",
                     "test_recovery.py", "test_faults.py", "test_zam_plugins.py", "test_mixed_formats.py"}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if metafunc.definition.path.name in RENDER_MODE_FILES:
        metafunc.parametrize("render_mode", ["lockstep", "chunked"], indirect=True)


@pytest.fixture(autouse=True)
def render_mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """How Group.render runs in this test: as groups choose by default, or as its file's
    parametrization says (groups read the setting when they are created)."""
    mode = getattr(request, "param", "default")
    if mode == "lockstep":
        monkeypatch.setenv("SCUFF_RENDER_CHUNKED", "0")
    elif mode == "chunked":
        monkeypatch.setenv("SCUFF_RENDER_CHUNKED", "1")
        monkeypatch.setenv("SCUFF_CHUNK_BLOCKS", "3")
    return str(mode)
