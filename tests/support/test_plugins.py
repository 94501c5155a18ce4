"""Builds scuff's own CLAP and VST3 test plugins (tests/plugins) and names what they contain."""

from __future__ import annotations

import enum
import pathlib
import shutil
import subprocess

SOURCE_DIR = pathlib.Path(__file__).resolve().parent.parent / "plugins"

# Bundles, relative to the directory build_test_plugins() returns.
PLUGINS_FILE = "scuff-test-plugins.clap"
FAULTS_FILE = "scuff-test-faults.clap"
CRASH_ON_LOAD_FILE = "scuff-test-crash-on-load.clap"
HANG_ON_LOAD_FILE = "scuff-test-hang-on-load.clap"
EMPTY_FILE = "scuff-test-empty.clap"
HOSTILE_FILE = "scuff-test-hostile.clap"

# In PLUGINS_FILE.
GAIN_ID = "org.scuff.test.gain"
PASSTHROUGH_ID = "org.scuff.test.passthrough"
LATENCY_ID = "org.scuff.test.latency"
SIDECHAIN_ID = "org.scuff.test.sidechain"
MONO_ID = "org.scuff.test.mono"
INSTRUMENT_ID = "org.scuff.test.instrument"
HOST_CALLBACKS_ID = "org.scuff.test.host-callbacks"
PLUGINS_FILE_IDS = (
    GAIN_ID, PASSTHROUGH_ID, LATENCY_ID, SIDECHAIN_ID, MONO_ID, INSTRUMENT_ID, HOST_CALLBACKS_ID)

# In FAULTS_FILE.
FAULTY_ID = "org.scuff.test.faulty"
CRASH_IN_INIT_ID = "org.scuff.test.crash-in-init"
CRASH_IN_ACTIVATE_ID = "org.scuff.test.crash-in-activate"
HANG_IN_INIT_ID = "org.scuff.test.hang-in-init"
HANG_IN_ACTIVATE_ID = "org.scuff.test.hang-in-activate"
LEAK_ID = "org.scuff.test.leak"
FAULTS_FILE_IDS = (
    FAULTY_ID, CRASH_IN_INIT_ID, CRASH_IN_ACTIVATE_ID, HANG_IN_INIT_ID, HANG_IN_ACTIVATE_ID, LEAK_ID)

# In HOSTILE_FILE: each tries one thing a sandbox's limits forbid, at its first processed
# block (exec-in-init: in init, for the scanner). The target of a file or network attempt is
# the environment variable HOSTILE_TARGET_VARIABLE at the sandbox's start; the read-only
# "Result" parameter is -1 before the attempt, 0 if it succeeded, else its errno.
HOSTILE_ALLOCATE_ID = "org.scuff.test.hostile.allocate"  # 8 MiB more per step, never freed
HOSTILE_SPIN_ID = "org.scuff.test.hostile.spin"  # busy loop forever
HOSTILE_CONNECT_ID = "org.scuff.test.hostile.connect"  # TCP to 127.0.0.1, port = target
HOSTILE_CONNECT_UNIX_ID = "org.scuff.test.hostile.connect-unix"  # Unix socket, path = target
HOSTILE_WRITE_ID = "org.scuff.test.hostile.write"  # creates the target file
HOSTILE_READ_ID = "org.scuff.test.hostile.read"  # reads the target file
HOSTILE_EXEC_ID = "org.scuff.test.hostile.exec"  # execv("/bin/true")
HOSTILE_FORK_ID = "org.scuff.test.hostile.fork"  # fork() 20 times
HOSTILE_SIGNAL_ID = "org.scuff.test.hostile.signal"  # kill(1, 0)
HOSTILE_EXEC_IN_INIT_ID = "org.scuff.test.hostile.exec-in-init"
HOSTILE_FILE_IDS = (
    HOSTILE_ALLOCATE_ID, HOSTILE_SPIN_ID, HOSTILE_CONNECT_ID, HOSTILE_CONNECT_UNIX_ID, HOSTILE_WRITE_ID,
    HOSTILE_READ_ID, HOSTILE_EXEC_ID, HOSTILE_FORK_ID, HOSTILE_SIGNAL_ID, HOSTILE_EXEC_IN_INIT_ID)
HOSTILE_TARGET_VARIABLE = "SCUFF_HOSTILE_TARGET"

# Gain and faulty: "Gain" in dB, output = input * 10 ** (gain / 20).
GAIN_PARAM_ID = 0
GAIN_MIN_DB = -60.0
GAIN_MAX_DB = 24.0
GAIN_DEFAULT_DB = 0.0

# Faulty only: "Fault", stepped, not saved in the state.
FAULT_PARAM_ID = 1

LATENCY_SAMPLES = 64
LEAK_BYTES_PER_PROCESS = 1 << 20

# Host callbacks: uses every host extension scuff offers. Stereo, delayed by its "Latency" parameter
# (stepped, 0 to HOST_CALLBACKS_MAX_LATENCY) as adopted at its last activate; a change of "Latency"
# asks for a restart. "Ping" set to 1 asks for a main-thread callback that logs HOST_CALLBACKS_PONG at
# INFO, resets Ping to 0, rescans the values and requests a flush. Read-only counters: "Timer ticks"
# (a HOST_CALLBACKS_TIMER_MS timer), "Thread violations", "Lifecycle violations", "Requested flushes"
# (flushes answering a request_flush), "Dirty marks" and "Missing host extensions". Its state is Latency.
HOST_CALLBACKS_MAX_LATENCY = 4096
HOST_CALLBACKS_TIMER_MS = 10
HOST_CALLBACKS_PONG = "pong"

# VST3 twins, bundles relative to the same folder. Class ids are the 32 hex digits of the 16-byte
# VST3 class id, as scuff's scanner reports them: 5C0FF7E5, then FA in the faults bundle (C0 for a
# controller class), then the class number. Every class but the separate-controller gain is a single
# component; none has an editor. Parameter ids, ranges, state blobs and the Fault numbering are the
# CLAP twins'; parameters travel as VST3 normalized values (plain = min + normalized * (max - min),
# rounded for stepped ones).
VST3_PLUGINS_BUNDLE = "scuff-test-plugins.vst3"
VST3_FAULTS_BUNDLE = "scuff-test-faults.vst3"
# The separate-controller gain has a bundle of its own: JUCE-based hosts hand a component without a
# controller class id the first controller class of its factory.
VST3_SEPARATE_CONTROLLER_BUNDLE = "scuff-test-separate-controller.vst3"

# In VST3_PLUGINS_BUNDLE.
VST3_GAIN_ID = "5C0FF7E5000000000000000000000001"
VST3_PASSTHROUGH_ID = "5C0FF7E5000000000000000000000002"
VST3_LATENCY_ID = "5C0FF7E5000000000000000000000003"
VST3_SIDECHAIN_ID = "5C0FF7E5000000000000000000000004"  # inputs: "main" and "sidechain" (kAux), summed
VST3_MONO_ID = "5C0FF7E5000000000000000000000005"
VST3_HOST_CALLBACKS_ID = "5C0FF7E5000000000000000000000007"
VST3_PLUGINS_BUNDLE_IDS = (
    VST3_GAIN_ID, VST3_PASSTHROUGH_ID, VST3_LATENCY_ID, VST3_SIDECHAIN_ID, VST3_MONO_ID, VST3_HOST_CALLBACKS_ID)

# In VST3_SEPARATE_CONTROLLER_BUNDLE: the gain, its controller in a class of its own (connected through
# IConnectionPoint, learning the gain from setComponentState). The controller's own state is 8 bytes.
VST3_SEPARATE_CONTROLLER_ID = "5C0FF7E5000000000000000000000006"
VST3_SEPARATE_CONTROLLER_CONTROLLER_ID = "5C0FF7E5C00000000000000000000006"

# In VST3_FAULTS_BUNDLE. Faulty's Fault is armed when process() receives it; "flush" is the next
# process() call with numSamples == 0, save is IComponent::getState, load is IComponent::setState.
VST3_FAULTY_ID = "5C0FF7E5FA0000000000000000000001"
VST3_CRASH_IN_INIT_ID = "5C0FF7E5FA0000000000000000000002"  # in IComponent::initialize
VST3_HANG_IN_INIT_ID = "5C0FF7E5FA0000000000000000000003"
VST3_CRASH_IN_ACTIVATE_ID = "5C0FF7E5FA0000000000000000000004"  # in setActive(true)
VST3_HANG_IN_ACTIVATE_ID = "5C0FF7E5FA0000000000000000000005"
VST3_FAULTS_BUNDLE_IDS = (
    VST3_FAULTY_ID, VST3_CRASH_IN_INIT_ID, VST3_HANG_IN_INIT_ID, VST3_CRASH_IN_ACTIVATE_ID, VST3_HANG_IN_ACTIVATE_ID)

# VST3 host callbacks, parameter ids 0.. in this order. "Latency" (stepped, 0 to HOST_CALLBACKS_MAX_LATENCY
# samples) is adopted at setActive(true), and a change makes the controller call
# restartComponent(kLatencyChanged). "Ping" set to 1: at the next IRunLoop timer tick the plugin calls
# beginEdit, performEdit(Ping, 0), endEdit and restartComponent(kParamValuesChanged). "Rename" set to 1
# retitles it "Renamed" (0: back) with restartComponent(kParamTitlesChanged). Read-only: "Timer ticks" (a
# HOST_CALLBACKS_TIMER_MS IRunLoop timer registered at initialize), "FD events" (an eventfd each tick
# writes, read by its IRunLoop event handler), "Peak" (input peak of the last block, also an output
# parameter change) and "Missing host interfaces" (no IRunLoop in the host context, or a refused
# registration). Counters are stepped, 0 to 1e9. Its state is Latency.
VST3_HOST_CALLBACKS_PARAMS = (
    "Latency", "Ping", "Rename", "Timer ticks", "FD events", "Peak", "Missing host interfaces")
VST3_HOST_CALLBACKS_RENAMED = "Renamed"


# Each CLAP test plugin and its VST3 twin, as (file, plugin id): a test written for one runs for both.
TWINS = {
    GAIN_ID: ((PLUGINS_FILE, GAIN_ID), (VST3_PLUGINS_BUNDLE, VST3_GAIN_ID)),
    PASSTHROUGH_ID: ((PLUGINS_FILE, PASSTHROUGH_ID), (VST3_PLUGINS_BUNDLE, VST3_PASSTHROUGH_ID)),
    LATENCY_ID: ((PLUGINS_FILE, LATENCY_ID), (VST3_PLUGINS_BUNDLE, VST3_LATENCY_ID)),
    SIDECHAIN_ID: ((PLUGINS_FILE, SIDECHAIN_ID), (VST3_PLUGINS_BUNDLE, VST3_SIDECHAIN_ID)),
    MONO_ID: ((PLUGINS_FILE, MONO_ID), (VST3_PLUGINS_BUNDLE, VST3_MONO_ID)),
    FAULTY_ID: ((FAULTS_FILE, FAULTY_ID), (VST3_FAULTS_BUNDLE, VST3_FAULTY_ID)),
    CRASH_IN_INIT_ID: ((FAULTS_FILE, CRASH_IN_INIT_ID), (VST3_FAULTS_BUNDLE, VST3_CRASH_IN_INIT_ID)),
    CRASH_IN_ACTIVATE_ID: ((FAULTS_FILE, CRASH_IN_ACTIVATE_ID), (VST3_FAULTS_BUNDLE, VST3_CRASH_IN_ACTIVATE_ID)),
    HANG_IN_INIT_ID: ((FAULTS_FILE, HANG_IN_INIT_ID), (VST3_FAULTS_BUNDLE, VST3_HANG_IN_INIT_ID)),
    HANG_IN_ACTIVATE_ID: ((FAULTS_FILE, HANG_IN_ACTIVATE_ID), (VST3_FAULTS_BUNDLE, VST3_HANG_IN_ACTIVATE_ID)),
}
FORMATS = ("clap", "vst3")


def twin(plugin_id: str, plugin_format: str) -> tuple[str, str]:
    """The file and id of CLAP test plugin `plugin_id` in `plugin_format`."""
    return TWINS[plugin_id][FORMATS.index(plugin_format)]


class Fault(enum.IntEnum):
    """Values of the faulty plugin's Fault parameter and the call that misbehaves once armed."""

    NONE = 0
    CRASH_IN_PROCESS = 1  # SIGSEGV
    HANG_IN_PROCESS = 2  # sleeps forever
    EXIT_IN_PROCESS = 3  # _exit(3)
    ABORT_IN_PROCESS = 4  # abort(), SIGABRT
    SPIN_IN_PROCESS = 5  # busy loop forever
    NAN_IN_PROCESS = 6  # NaN on every output, every block while armed
    CRASH_IN_SAVE = 7
    HANG_IN_SAVE = 8
    CRASH_IN_LOAD = 9
    HANG_IN_LOAD = 10
    CRASH_IN_FLUSH = 11  # at the flush after the one that armed it
    HANG_IN_FLUSH = 12  # likewise


def build_test_plugins(build_dir: pathlib.Path) -> pathlib.Path:
    """Configures (once) and builds the test plugins in build_dir; returns the folder of the .clap files
    and .vst3 bundles."""
    build_dir = pathlib.Path(build_dir).resolve()
    cache = build_dir / "CMakeCache.txt"
    if not cache.exists():
        command = ["cmake", "-S", str(SOURCE_DIR), "-B", str(build_dir), "-DCMAKE_BUILD_TYPE=Release"]
        if shutil.which("ninja"):
            command += ["-G", "Ninja"]
        try:
            _run(command)
        except RuntimeError:
            # A half-written cache would make the next call skip configuring and fail obscurely.
            cache.unlink(missing_ok=True)
            raise
    _run(["cmake", "--build", str(build_dir)])
    return build_dir


def _run(command: list[str]) -> None:
    try:
        result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    except FileNotFoundError as error:
        raise RuntimeError(f"cannot run {command[0]}: {error}") from error
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed with exit code {result.returncode}:\n{result.stdout}")
