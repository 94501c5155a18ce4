"""Shared fixtures: the project's test plugins, a client, a group."""

from __future__ import annotations

import pathlib
from collections.abc import Iterator

import numpy as np
import pytest

import scuff
from support.test_plugins import PASSTHROUGH_ID, PLUGINS_FILE, build_test_plugins

REPO_ROOT = pathlib.Path(__file__).resolve().parent.parent
ZAM_CLAP_DIR = pathlib.Path("/usr/lib/clap")
ZAM_VST3_DIR = pathlib.Path("/usr/lib/vst3")
ZAM_CLAP_FILES = sorted(ZAM_CLAP_DIR.glob("Za*.clap"))
ZAM_VST3_BUNDLES = sorted(ZAM_VST3_DIR.glob("Za*.vst3"))


@pytest.fixture(scope="session", autouse=True)
def private_scan_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[pathlib.Path]:
    """Every client of the run keeps its scan cache in a temporary folder, never in the
    user's cache folder."""
    folder = tmp_path_factory.mktemp("scan-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SCUFF_CACHE_DIR", str(folder))
        yield folder


@pytest.fixture(scope="session")
def test_plugins() -> pathlib.Path:
    """The folder holding the project's own .clap test plugins and .vst3 bundles, built once per run."""
    return build_test_plugins(REPO_ROOT / "build" / "test-plugins")


@pytest.fixture
def client() -> Iterator[scuff.Client]:
    with scuff.Client() as client:
        yield client


@pytest.fixture
def group(client: scuff.Client) -> scuff.Group:
    return client.create_group(sample_rate=48000, block_size=512)


@pytest.fixture
def make(test_plugins):
    """Creates one of the project's test plugins (passthrough unless told) in a sandbox."""

    def create(sandbox: scuff.Sandbox, plugin_id: str = PASSTHROUGH_ID) -> scuff.Device:
        return sandbox.create_device(test_plugins / PLUGINS_FILE, plugin_id=plugin_id)

    return create


def noise(channels: int, frames: int, seed: int = 0, level: float = 0.5) -> np.ndarray:
    """Reproducible float32 test signal shaped (channels, frames)."""
    rng = np.random.default_rng(seed)
    return (rng.uniform(-level, level, size=(channels, frames))).astype(np.float32)
