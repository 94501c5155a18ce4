"""Acceptance tests against real plugins: the 17 ZAM plugins (apt package zam-plugins).

Every CLAP build in /usr/lib/clap must load in a sandbox, describe itself sensibly and
render. The VST3 build of the same DSP, hosted in process by pedalboard, is the oracle:
for the same input, parameter values and block size the sandboxed CLAP render must equal
pedalboard's render bit for bit.

Findings these tests rely on (measured with zam-plugins 4.1, pedalboard 0.9):

* pedalboard feeds only the main bus and insists on its channel count (ZamComp: 1, ZamCompX2:
  2); the VST3 sidechain bus stays inactive, i.e. silent. The CLAP sidechain port is left
  unconnected here, which scuff renders as silence, so both sides see the same sidechain.
* pedalboard compensates the reported latency (it drops the first `latency` samples); scuff
  renders raw. Both report the same latency (480 for ZaMaximX2, 0 for the rest), so the
  scuff render shifted by `dev.latency` is compared.
* pedalboard's parameter `raw_value` is the VST3 normalised value, sent as a float32; DPF maps
  it linearly onto [min, max]. Values whose normalised position is a float32 dyadic fraction
  (0.25, 0.625, ...) therefore round-trip exactly; the tweaked parameter sets use only those.
* ZAM plugins are built with -ffast-math: loading the library runs crtfastmath's constructor,
  which sets flush-to-zero and denormals-are-zero on the *loading* thread. pedalboard loads
  and processes on one thread, so its renders run with FTZ/DAZ; scuff's audio thread sets
  FTZ/DAZ itself, as audio hosts do. Without it, four plugins whose filter tails decay into
  the denormal range in the signal's silent section differ in the last bits
  (DENORMAL_SENSITIVE).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import pathlib
from collections.abc import Iterator

import numpy as np
import pytest

import scuff
from support.signals import noise
from support.zam import ZAM_CLAP_FILES, ZAM_VST3_DIR

pedalboard = pytest.importorskip("pedalboard")

pytestmark = pytest.mark.skipif(len(ZAM_CLAP_FILES) != 17, reason="zam-plugins (17 CLAP builds) not installed")

SAMPLE_RATE = 48000
BLOCK_SIZE = 512
PLUGIN_NAMES = [path.stem for path in ZAM_CLAP_FILES]

# The oracle's test signal, in sections that make dynamics processors act: (seconds, level).
# 3 s in all, which is not a whole number of blocks, so the last block is a short one.
SECTIONS = [(0.5, 0.02), (0.5, 0.3), (0.25, 0.95), (0.25, 0.0), (1.0, 0.1), (0.5, "ramp")]

# Plugins whose renders of the oracle signal reach denormal values (filter and envelope
# states decaying in the silent section), with the parameter sets where they do. Their renders
# match pedalboard's only because scuff's audio thread flushes denormals to zero.
DENORMAL_SENSITIVE = [("ZaMultiComp", "default"), ("ZaMultiComp", "tweaked"),
                      ("ZaMultiCompX2", "default"), ("ZaMultiCompX2", "tweaked"),
                      ("ZamDynamicEQ", "default"), ("ZamDynamicEQ", "tweaked"), ("ZamEQ2", "default")]

# Non-default parameter sets (plain values), chosen so that (value - min) / (max - min) is a
# float32 dyadic fraction (or, for stepped parameters, rounds back to the integer), so that
# VST3's normalised value carries exactly the same plain value as CLAP's plain value.
TWEAKED_PARAMS: dict[str, dict[str, float]] = {
    "ZaMaximX2": {"Threshold": -15.0, "Release": 25.75, "Output Ceiling": -3.75},
    "ZaMultiComp": {"ZamComp 1 ON": 1.0, "ZamComp 2 ON": 1.0, "ZamComp 3 ON": 1.0, "Threshold 1": -30.0,
                    "Threshold 2": -45.0, "Makeup 3": 7.5, "Crossover freq 1": 365.0},
    "ZaMultiCompX2": {"ZamComp 1 ON": 1.0, "ZamComp 2 ON": 1.0, "ZamComp 3 ON": 1.0, "Threshold 1": -30.0,
                      "Threshold 2": -45.0, "Makeup 3": 7.5, "Detection (MAX/avg)": 0.0},
    "ZamComp": {"Threshold": -30.0, "Ratio": 5.75, "Knee": 4.0, "Makeup": 7.5, "Release": 125.75},
    "ZamCompX2": {"Threshold": -30.0, "Ratio": 5.75, "Makeup": 7.5, "Stereo Detection": 1.0},
    "ZamDelay": {"Time": 250.96875, "LPF": 5015.0, "Output Gain": -3.75, "Dry/Wet": 0.75,
                 "Feedback": 0.5, "Invert": 1.0},
    "ZamDynamicEQ": {"Threshold": -20.0, "Ratio": 3.0, "Boost / Cut": 1.0, "Max Boost/Cut": 7.5},
    "ZamEQ2": {"Boost/Cut 1": 2.5, "Frequency 1": 893.75, "Boost/Cut 2": -15.0, "Frequency 2": 3515.0,
               "Boost/Cut L": 6.875, "Frequency L": 129.21875, "Boost/Cut H": -6.25,
               "Frequency H": 7010.0, "Master Gain": -3.0},
    "ZamGEQ31": {"Master Gain": -7.5, "100Hz": 6.0, "999Hz": -9.0, "7963Hz": 3.0},
    "ZamGate": {"Threshold": -30.0, "Makeup": 3.75, "Max gate close": -25.0},
    "ZamGateX2": {"Threshold": -30.0, "Makeup": 3.75, "Max gate close": -25.0},
    "ZamGrains": {"Grains": 4.0, "Loop time": 253.75, "Output Gain": -7.5},
    "ZamHeadX2": {"Azimuth": 45.0, "Elevation": 22.5, "Width": 1.25},
    "ZamPhono": {"Phono Filter Type": 1.0, "Reproduction/Production": 1.0},
    "ZamTube": {"Bass": 2.5, "Mids": 7.5, "Treble": 6.25, "Input level": 7.5, "Tone Stack Model": 5.0},
    "ZamVerb": {"Room": 3.0, "Wet / Dry": 75.0, "Master level": -7.5},
}

# VST3 builds whose fresh instances do not all render alike under pedalboard. ZamTube: about
# one fresh instance in seven (6 of 40 measured) starts its tube circuit from a slightly different operating point
# (a DC offset of 1e-4 to 1e-3 from sample 8 on, decaying slowly), and no two such instances
# alike. Neither MALLOC_PERTURB_ nor waiting between load and render changes that, so it is
# not plain uninitialised heap memory; the cause inside the VST3 build or its host was not
# pinned down (a guess: uninitialised stack memory in the tube warm-up, which differs from
# call to call in the Python process). The sandboxed CLAP build renders identically every
# time, in fresh sandboxes and in a reused one (checked by
# test_sandboxed_render_is_reproducible_where_the_vst3_build_is_not). The oracle uses the
# render that two fresh VST3 instances agree on, which is then compared bit for bit; with
# UNSTABLE_VST3_ATTEMPTS instances, finding no two alike has odds of about 3e-7 per render.
UNSTABLE_VST3 = {"ZamTube"}
UNSTABLE_VST3_ATTEMPTS = 10

# CLAP builds that ask the host for a restart (deactivate + activate, which clears their
# state) from their first process() call: ZaMaximX2, whose DPF wrapper then reports its
# 480-sample latency as changed. See _fresh_device.
RESTARTS_AFTER_FIRST_PROCESS = {"ZaMaximX2"}


def oracle_signal(channels: int) -> np.ndarray:
    """Noise through SECTIONS: quiet, medium, a loud burst, silence, quiet, a rising ramp."""
    envelope = []
    for seconds, level in SECTIONS:
        frames = int(seconds * SAMPLE_RATE)
        envelope.append(np.linspace(0.0, 0.8, frames) if level == "ramp" else np.full(frames, level))
    env = np.concatenate(envelope)
    return (noise(channels, env.size, seed=1, level=1.0) * env).astype(np.float32)


# --- floating-point environment (see the module docstring) ---

_libm = ctypes.CDLL(ctypes.util.find_library("m"))
_FE_DFL_ENV = ctypes.c_void_p(-1)  # glibc's FE_DFL_ENV: round to nearest, no FTZ/DAZ


def _current_fenv() -> ctypes.Array:
    env = ctypes.create_string_buffer(64)  # fenv_t is 32 bytes on x86-64
    assert _libm.fegetenv(env) == 0
    return env


@contextlib.contextmanager
def _fenv(env=None) -> Iterator[None]:
    """Runs the block in floating-point environment `env` (None: the current one) and puts
    the caller's back afterwards, whatever the block changed."""
    saved = _current_fenv()
    if env is not None:
        assert _libm.fesetenv(env) == 0
    try:
        yield
    finally:
        _libm.fesetenv(saved)


_MXCSR_OFFSET = 28  # of fenv_t's __mxcsr on x86-64 glibc
_MXCSR_FTZ_DAZ = 0x8040


def _flushing_fenv() -> ctypes.Array:
    """The default environment with FTZ/DAZ on: what a ZAM library's constructor leaves on
    the thread that loads it. Built here rather than read after a load, since only a
    library's first load in this process runs the constructor, and another test may have
    made it (the library then stays loaded while pedalboard holds it)."""
    saved = _current_fenv()
    assert _libm.fesetenv(_FE_DFL_ENV) == 0
    env = _current_fenv()
    _libm.fesetenv(saved)
    mxcsr = ctypes.c_uint32.from_buffer(env, _MXCSR_OFFSET)
    mxcsr.value |= _MXCSR_FTZ_DAZ
    return env


# --- pedalboard, the oracle ---

class Pedalboard:
    """In-process VST3 instances, one per plugin, loaded on first use and reused.

    A render with parameters applies them (as normalised raw values) to an instance that
    has not been changed yet; a render without uses an instance still at its defaults,
    reloading one that was changed (setting a default back through its normalised value is
    not exact: ZamEQ2's 0 dB comes back as 1.2e-6 dB).
    """

    def __init__(self) -> None:
        self._plugins: dict[str, object] = {}
        self._tweaked: set[str] = set()

    def plugin(self, name: str, raw_params: dict[str, float] | None = None, *, reload: bool = False):
        """An instance at its defaults, or with `raw_params` applied."""
        if reload or name not in self._plugins or name in self._tweaked:
            self._load(name)
        plugin = self._plugins[name]
        if raw_params:
            for param_name, raw in raw_params.items():
                plugin._get_parameter(param_name).raw_value = raw
            self._tweaked.add(name)
        return plugin

    def render(self, name: str, x: np.ndarray, raw_params: dict[str, float] | None = None, *,
               flush_to_zero: bool = True, block_size: int = BLOCK_SIZE) -> np.ndarray:
        """pedalboard's render, in the floating-point environment the plugin's library leaves
        on the thread that loads it (flush_to_zero) or in the default one.

        For UNSTABLE_VST3 plugins, fresh instances render until two agree bit for bit.
        """
        attempts = UNSTABLE_VST3_ATTEMPTS if name in UNSTABLE_VST3 else 1
        renders: list[np.ndarray] = []
        for attempt in range(attempts):
            plugin = self.plugin(name, raw_params, reload=attempt > 0)
            with _fenv(_flushing_fenv() if flush_to_zero else _FE_DFL_ENV):
                z = plugin.process(x, sample_rate=SAMPLE_RATE, buffer_size=block_size, reset=True)
            if attempts == 1 or any(np.array_equal(z, earlier) for earlier in renders):
                return z
            renders.append(z)
        raise AssertionError(f"no two of {attempts} fresh {name} VST3 instances rendered alike")

    def _load(self, name: str) -> None:
        from pedalboard._pedalboard import _PythonExternalPluginMixin

        self._plugins.pop(name, None)
        path = ZAM_VST3_DIR / f"{name}.vst3"
        with pytest.MonkeyPatch.context() as patch, _fenv():
            # pedalboard's Python wrapper probes every parameter ~1000 times while loading to
            # guess its range; ZamVerb reloads and resamples its impulse response on each
            # probe (52 s). The probe only serves pedalboard's attribute API, which these
            # tests do not use: parameters are set through their raw (normalised) values.
            patch.setattr(_PythonExternalPluginMixin, "__set_initial_parameter_values__",
                          lambda self, values: None)
            # _fenv restores the caller's environment: what a first load leaves must not
            # leak into other tests.
            plugin = pedalboard.load_plugin(str(path))
        self._plugins[name] = plugin
        self._tweaked.discard(name)


@pytest.fixture(scope="module")
def oracle() -> Pedalboard:
    return Pedalboard()


@pytest.fixture(scope="module")
def zam_client() -> Iterator[scuff.Client]:
    """One client for the module; each test still gets its own group, because a group
    processes all of its devices on every cycle."""
    with scuff.Client() as client:
        yield client


@pytest.fixture
def zam_group(zam_client: scuff.Client) -> Iterator[scuff.Group]:
    group = zam_client.create_group(sample_rate=SAMPLE_RATE, block_size=BLOCK_SIZE)
    yield group
    group.close()


def _clap(name: str) -> pathlib.Path:
    return next(path for path in ZAM_CLAP_FILES if path.stem == name)


def _build(name: str, plugin_format: str) -> pathlib.Path:
    return _clap(name) if plugin_format == "clap" else ZAM_VST3_DIR / f"{name}.vst3"


def _fresh_device(group: scuff.Group, name: str, plugin_format: str = "clap") -> scuff.Device:
    """A device whose next render starts from a freshly activated plugin, as pedalboard's
    `reset=True` render does.

    ZaMaximX2 asks for a restart during its first process() call. scuff honours it on the
    sandbox's main thread while the render goes on, so which block the restart lands on
    varies from run to run (every block is processed, before or after it). So the device
    gets one block of silence first and the restart is waited for: the request is raised
    before process() returns, and the sandbox's main loop has acted on it before it answers
    the second of two requests that follow.
    """
    dev = group.create_sandbox().create_device(_build(name, plugin_format))
    if name in RESTARTS_AFTER_FIRST_PROCESS:
        group.process({dev.input(0): np.zeros((dev.inputs[0], group.block_size), np.float32)}, dev.output(0))
        for _ in range(2):
            dev.get_param(dev.params[0])
    return dev


def _normalised(param: scuff.Param, value: float) -> float:
    """The VST3 normalised value standing for `value`, checked to round-trip exactly."""
    raw = (value - param.min) / (param.max - param.min)
    if param.is_stepped:
        assert value == round(value)
        assert round(param.min + float(np.float32(raw)) * (param.max - param.min)) == value
    else:
        assert float(np.float32(raw)) == raw, f"{param.name}={value} is not exact as a float32 normalised value"
        assert param.min + raw * (param.max - param.min) == value
    return raw


def _assert_matches_oracle(name: str, case: str, dev: scuff.Device, y: np.ndarray, z: np.ndarray) -> None:
    assert y.shape == z.shape
    latency = dev.latency
    if latency:
        # pedalboard dropped the plugin's first `latency` samples; scuff's render has them,
        # and a freshly activated plugin outputs silence there.
        assert not y[:, :latency].any()
    ours, theirs = y[:, latency:], z[:, : z.shape[1] - latency]
    mismatch = np.flatnonzero((ours != theirs).any(axis=0))
    assert mismatch.size == 0, (
        f"{name} ({case}): {mismatch.size} samples differ, first at {mismatch[0] + latency}, "
        f"max {np.abs(ours - theirs).max():.3g}")


# --- 1. every CLAP build loads, describes itself and renders ---

@pytest.mark.parametrize("path", ZAM_CLAP_FILES, ids=PLUGIN_NAMES)
def test_clap_plugin_loads_describes_itself_and_renders_noise(zam_group: scuff.Group, path: pathlib.Path) -> None:
    dev = zam_group.create_sandbox().create_device(path)

    assert dev.name == path.stem
    assert dev.plugin_id == f"com.zamaudio.{path.stem}"
    assert len(dev.outputs) >= 1
    assert all(channels in (1, 2) for channels in dev.inputs + dev.outputs)
    assert dev.latency >= 0
    for param in dev.params:
        assert param.name.strip()
        assert param.min <= param.default <= param.max, param
    assert len({param.id for param in dev.params}) == len(dev.params)

    # 1 s of noise through every input port, main and sidechain alike.
    inputs = {dev.input(i): noise(channels, SAMPLE_RATE, seed=10 + i) for i, channels in enumerate(dev.inputs)}
    outputs = zam_group.render(inputs, [dev.output(i) for i in range(len(dev.outputs))])

    for port, y in enumerate(outputs):
        assert y.shape == (dev.outputs[port], SAMPLE_RATE)
        assert y.dtype == np.float32
        assert np.isfinite(y).all()
    if dev.inputs:
        assert np.abs(outputs[0]).max() > 1e-3, "an effect fed with noise output silence"


@pytest.mark.parametrize("name, sidechain_shapes_output", [
    ("ZamComp", "compress"), ("ZamCompX2", "compress"), ("ZamGate", "open"), ("ZamGateX2", "open")])
def test_sidechain_port_drives_the_detector_when_sidechain_is_enabled(
        zam_group: scuff.Group, name: str, sidechain_shapes_output: str) -> None:
    """Port 1 really reaches the plugin as its sidechain: with Sidechain on, the same main
    signal comes out at a level set by what the sidechain port carries."""
    main = noise(2, SAMPLE_RATE, seed=3, level=0.3)
    levels = {}
    for sidechain_level in (0.0, 0.9):
        dev = zam_group.create_sandbox().create_device(_clap(name))
        dev.set_param("Sidechain", 1.0)
        dev.set_param("Threshold", -40.0)
        if sidechain_shapes_output == "compress":
            dev.set_param("Ratio", 20.0)
        x = main[: dev.inputs[0]]
        sidechain = noise(dev.inputs[1], SAMPLE_RATE, seed=4, level=sidechain_level)
        y = zam_group.render({dev.input(0): x, dev.input(1): sidechain}, dev.output(0))
        half = SAMPLE_RATE // 2  # after the attack has settled
        levels[sidechain_level] = np.sqrt(np.mean(y[:, half:] ** 2) / np.mean(x[:, half:] ** 2))

    if sidechain_shapes_output == "compress":
        assert levels[0.0] == pytest.approx(1.0, abs=1e-3)  # silent key: no gain reduction
        assert levels[0.9] < 0.1                            # loud key: heavy reduction
    else:
        assert levels[0.0] < 0.01                           # silent key: gate closed
        assert levels[0.9] == pytest.approx(1.0, abs=1e-3)  # loud key: gate open


# --- 2. the oracle: pedalboard hosting the VST3 build of the same DSP ---

@pytest.mark.parametrize("name", PLUGIN_NAMES)
def test_clap_params_and_latency_agree_with_the_vst3_build(
        zam_group: scuff.Group, oracle: Pedalboard, name: str) -> None:
    """Every settable CLAP parameter exists under the same name in the VST3 build and holds
    the same current value; both builds report the same latency."""
    dev = zam_group.create_sandbox().create_device(_clap(name))
    plugin = oracle.plugin(name)
    assert plugin.reported_latency_samples == dev.latency
    for param in dev.params:
        if param.is_readonly:
            continue  # meters: their values depend on what each instance processed
        vst3 = plugin._get_parameter(param.name)
        assert vst3 is not None, f"the VST3 build has no parameter {param.name!r}"
        vst3_value = param.min + vst3.raw_value * (param.max - param.min)
        # VST3 holds the value normalised in a float32: allow that much.
        assert dev.get_param(param) == pytest.approx(vst3_value, abs=(param.max - param.min) * 2.0**-22), param.name


# (format, block size) of the sandboxed renders compared with pedalboard's.
RENDER_CASES = [("clap", 512), ("vst3", 64), ("vst3", 512)]
RENDER_CASE_IDS = [f"{plugin_format}-{block}" for plugin_format, block in RENDER_CASES]
# The VST3 builds rendered through scuff with non-default parameters as well.
VST3_TWEAKED = ["ZamComp", "ZamDelay", "ZamEQ2"]


@pytest.fixture
def sized_group(zam_client: scuff.Client, request) -> Iterator[scuff.Group]:
    group = zam_client.create_group(sample_rate=SAMPLE_RATE, block_size=request.param)
    yield group
    group.close()


@pytest.mark.parametrize(("plugin_format", "sized_group"), RENDER_CASES, ids=RENDER_CASE_IDS,
                         indirect=["sized_group"])
@pytest.mark.parametrize("name", PLUGIN_NAMES)
def test_sandboxed_render_matches_pedalboard_vst3_with_default_params(
        sized_group: scuff.Group, oracle: Pedalboard, name: str, plugin_format: str) -> None:
    dev = _fresh_device(sized_group, name, plugin_format)
    x = oracle_signal(dev.inputs[0])
    # Only the main input: the sidechain port stays unconnected (silent), like the inactive
    # VST3 sidechain bus pedalboard leaves alone.
    y = sized_group.render({dev.input(0): x}, dev.output(0))
    z = oracle.render(name, x, block_size=sized_group.block_size)
    _assert_matches_oracle(name, "default", dev, y, z)


def _set_tweaked_params(dev: scuff.Device) -> dict[str, float]:
    """Sets the plugin's TWEAKED_PARAMS on the device; returns their normalised values."""
    raw_params = {}
    for param_name, value in TWEAKED_PARAMS[dev.name].items():
        param = dev.param(param_name)
        raw_params[param_name] = _normalised(param, value)
        dev.set_param(param, value)
    return raw_params


@pytest.mark.parametrize("name", sorted(TWEAKED_PARAMS))
def test_clap_render_matches_pedalboard_vst3_with_tweaked_params(
        zam_group: scuff.Group, oracle: Pedalboard, name: str) -> None:
    dev = _fresh_device(zam_group, name)
    raw_params = _set_tweaked_params(dev)
    x = oracle_signal(dev.inputs[0])
    y = zam_group.render({dev.input(0): x}, dev.output(0))
    z = oracle.render(name, x, raw_params)

    # Both builds hold exactly the plain values asked for.
    vst3 = oracle.plugin(name, raw_params)
    for param_name, value in TWEAKED_PARAMS[name].items():
        assert dev.get_param(param_name) == value
        text = vst3._get_parameter(param_name).string_value
        with contextlib.suppress(ValueError):  # enumerated values show as labels
            assert float(text) == value, f"pedalboard shows {param_name}={text}, not {value}"
    _assert_matches_oracle(name, "tweaked", dev, y, z)
    # The parameters must have changed what the plugin does, or the comparison shows little.
    default_dev = _fresh_device(zam_group, name)
    untweaked = zam_group.render({default_dev.input(0): x}, default_dev.output(0))
    assert np.abs(y - untweaked).max() > 1e-3


@pytest.mark.parametrize("sized_group", [64, 512], indirect=True)
@pytest.mark.parametrize("name", VST3_TWEAKED)
def test_vst3_render_matches_pedalboard_with_the_same_plain_values(
        sized_group: scuff.Group, oracle: Pedalboard, name: str) -> None:
    dev = _fresh_device(sized_group, name, "vst3")
    raw_params = _set_tweaked_params(dev)
    for param_name, value in TWEAKED_PARAMS[name].items():
        assert dev.get_param(param_name) == value
    x = oracle_signal(dev.inputs[0])
    y = sized_group.render({dev.input(0): x}, dev.output(0))
    z = oracle.render(name, x, raw_params, block_size=sized_group.block_size)
    _assert_matches_oracle(name, "tweaked", dev, y, z)
    untweaked = oracle.render(name, x, block_size=sized_group.block_size)
    assert np.abs(y[:, dev.latency:] - untweaked[:, : untweaked.shape[1] - dev.latency]).max() > 1e-3


@pytest.mark.parametrize(("name", "case"), DENORMAL_SENSITIVE)
def test_sandbox_audio_thread_flushes_denormals_like_an_in_process_host(
        zam_group: scuff.Group, oracle: Pedalboard, name: str, case: str) -> None:
    """These renders reach denormals: pedalboard without flush-to-zero differs from the
    sandboxed render, pedalboard with it (its own environment) equals it bit for bit."""
    dev = _fresh_device(zam_group, name)
    raw_params = _set_tweaked_params(dev) if case == "tweaked" else None
    x = oracle_signal(dev.inputs[0])
    y = zam_group.render({dev.input(0): x}, dev.output(0))
    assert not np.array_equal(y, oracle.render(name, x, raw_params, flush_to_zero=False))
    assert np.array_equal(y, oracle.render(name, x, raw_params))


@pytest.mark.parametrize("name", sorted(UNSTABLE_VST3))
def test_sandboxed_render_is_reproducible_where_the_vst3_build_is_not(zam_group: scuff.Group, name: str) -> None:
    """Fresh devices, in fresh sandboxes or one after another in the same sandbox, render
    the same signal identically."""
    x = oracle_signal(1)
    renders = []
    for _ in range(2):
        # Created just before its render: a group processes all its devices every cycle.
        dev = _fresh_device(zam_group, name)
        renders.append(zam_group.render({dev.input(0): x}, dev.output(0)))
        dev.sandbox.remove_device(dev)
    sandbox = zam_group.create_sandbox()
    for _ in range(3):
        dev = sandbox.create_device(_clap(name))
        renders.append(zam_group.render({dev.input(0): x}, dev.output(0)))
        sandbox.remove_device(dev)
    for render in renders[1:]:
        assert np.array_equal(render, renders[0])


# --- 3. the CLAP and VST3 builds side by side in one group ---

@pytest.mark.parametrize("name", PLUGIN_NAMES)
def test_clap_and_vst3_builds_in_one_group_render_alike(zam_group: scuff.Group, name: str) -> None:
    """Each build in a sandbox of its own, fed the same signal in the same cycles."""
    clap, vst3 = (_fresh_device(zam_group, name, plugin_format) for plugin_format in ("clap", "vst3"))
    assert (clap.inputs, clap.outputs, clap.latency) == (vst3.inputs, vst3.outputs, vst3.latency)
    x = oracle_signal(clap.inputs[0])
    y_clap, y_vst3 = zam_group.render({clap.input(0): x, vst3.input(0): x}, [clap.output(0), vst3.output(0)])
    mismatch = np.flatnonzero((y_clap != y_vst3).any(axis=0))
    assert mismatch.size == 0, f"{name}: {mismatch.size} samples differ, first at {mismatch[0]}"
