"""Builds scuff's own CLAP and VST3 test plugins (tests/plugins) and names what they contain; the
same build makes the C++ tests that need no plugin and the benchmark's raw round trip (tests/native)."""

from __future__ import annotations

import enum
import fcntl
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
CREATION_FAULTS_FILE = "scuff-test-creation-faults.clap"
PRESETS_FILE = "scuff-test-presets.clap"
VALIDATION_FILE = "scuff-test-validation.clap"

# Executables, in the same directory: C++ tests that print one line per case and exit with 0 when
# every case passed, and the raw round trip (`scuff-ping-pong spin|futex ROUNDS`, one ns per line).
VST3_PARAM_SYNC_TEST = "scuff-vst3-param-sync-test"
PLUGIN_FORMAT_TEST = "scuff-plugin-format-test"
PING_PONG = "scuff-ping-pong"

# In PLUGINS_FILE.
GAIN_ID = "org.scuff.test.gain"
PASSTHROUGH_ID = "org.scuff.test.passthrough"
LATENCY_ID = "org.scuff.test.latency"
SIDECHAIN_ID = "org.scuff.test.sidechain"
MONO_ID = "org.scuff.test.mono"
INSTRUMENT_ID = "org.scuff.test.instrument"
HOST_CALLBACKS_ID = "org.scuff.test.host-callbacks"
NOTE_GENERATOR_ID = "org.scuff.test.note-generator"
MIDI_EFFECT_ID = "org.scuff.test.midi-effect"
TRANSPORT_PROBE_ID = "org.scuff.test.transport-probe"
LYING_LATENCY_ID = "org.scuff.test.lying-latency"  # delays by LATENCY_SAMPLES, reports LYING_LATENCY_REPORTED
PLUGINS_FILE_IDS = (
    GAIN_ID, PASSTHROUGH_ID, LATENCY_ID, SIDECHAIN_ID, MONO_ID, INSTRUMENT_ID, HOST_CALLBACKS_ID,
    NOTE_GENERATOR_ID, MIDI_EFFECT_ID, TRANSPORT_PROBE_ID, LYING_LATENCY_ID)

# In PRESETS_FILE: the gain, loading presets of its own format through clap.preset-load (the stable id;
# the draft one's copy answers only to clap.preset-load.draft/2). A file holds PRESET_FILE_MAGIC and
# "gain=<dB>" on two lines; the built-in presets are PRESET_BUILT_INS by load key, and the load key
# "crash" of kind "plugin" crashes it (SIGSEGV). Each calls the host's on_error with its reason when it fails.
PRESET_GAIN_ID = "org.scuff.test.preset-gain"
DRAFT_PRESET_GAIN_ID = "org.scuff.test.draft-preset-gain"
PRESET_FILE_MAGIC = "scuff-test-gain-preset"
PRESET_BUILT_INS = {"unity": 0.0, "quiet": -20.0, "loud": 12.0}

# In FAULTS_FILE.
FAULTY_ID = "org.scuff.test.faulty"
CRASH_IN_INIT_ID = "org.scuff.test.crash-in-init"
CRASH_IN_ACTIVATE_ID = "org.scuff.test.crash-in-activate"
HANG_IN_INIT_ID = "org.scuff.test.hang-in-init"
HANG_IN_ACTIVATE_ID = "org.scuff.test.hang-in-activate"
LEAK_ID = "org.scuff.test.leak"
EDITOR_FAULTS_ID = "org.scuff.test.editor-faults"
FLOATING_EDITOR_ID = "org.scuff.test.floating-editor"  # its editor only floats, in a window of its own
FAULTS_FILE_IDS = (
    FAULTY_ID, CRASH_IN_INIT_ID, CRASH_IN_ACTIVATE_ID, HANG_IN_INIT_ID, HANG_IN_ACTIVATE_ID, LEAK_ID,
    EDITOR_FAULTS_ID, FLOATING_EDITOR_ID)

# In CREATION_FAULTS_FILE: plugins a sandbox refuses once it has created them, and a census of them.
# Each is a stereo copy. The census's read-only "Created" and "Destroyed" (stepped, 0 to 1e9) count
# the instances of the file's other plugins since the file was loaded: a device of it keeps the file
# loaded while a test makes the others.
CREATION_CENSUS_ID = "org.scuff.test.creation-census"
TOO_MANY_PARAMS_ID = "org.scuff.test.too-many-params"  # declares TOO_MANY_PARAMS parameters
AUDIO_PORTS_FAIL_ID = "org.scuff.test.audio-ports-fail"  # initialises, then cannot describe its audio ports
CREATION_FAULTS_FILE_IDS = (CREATION_CENSUS_ID, TOO_MANY_PARAMS_ID, AUDIO_PORTS_FAIL_ID)
# One more than a sandbox hosts (scuff._native.MAX_PARAMS).
TOO_MANY_PARAMS = 100_001

# In HOSTILE_FILE: each tries one thing a sandbox's limits forbid, at its first processed
# block (exec-in-init: in init, for the scanner). The target of a file, network or signal
# attempt is the environment variable HOSTILE_TARGET_VARIABLE at the sandbox's start; the
# read-only "Result" parameter is -1 before the attempt, 0 if it succeeded, else its errno.
HOSTILE_ALLOCATE_ID = "org.scuff.test.hostile.allocate"  # 8 MiB more per step, never freed
HOSTILE_SPIN_ID = "org.scuff.test.hostile.spin"  # busy loop forever
HOSTILE_CONNECT_ID = "org.scuff.test.hostile.connect"  # TCP to 127.0.0.1, port = target
HOSTILE_CONNECT_UNIX_ID = "org.scuff.test.hostile.connect-unix"  # Unix socket, path = target (@name: abstract)
HOSTILE_WRITE_ID = "org.scuff.test.hostile.write"  # creates the target file ("planted\n")
HOSTILE_WRITE_DEEP_ID = "org.scuff.test.hostile.write-deep"  # makes the target's folders, then the file
HOSTILE_READ_ID = "org.scuff.test.hostile.read"  # reads the target file
HOSTILE_READ_MANY_ID = "org.scuff.test.hostile.read-many"  # reads target/0 to target/999
HOSTILE_EXEC_ID = "org.scuff.test.hostile.exec"  # execv("/bin/true")
HOSTILE_FORK_ID = "org.scuff.test.hostile.fork"  # fork() 20 times
HOSTILE_SIGNAL_ID = "org.scuff.test.hostile.signal"  # kill(1, 0)
HOSTILE_SIGNAL_HOST_ID = "org.scuff.test.hostile.signal-host"  # kill(target, SIGUSR1)
HOSTILE_EXEC_IN_INIT_ID = "org.scuff.test.hostile.exec-in-init"
# Opens an X connection of its own and reads a pixel of the window whose id is the target:
# "Result" 0 when it read it, 1 when the server refused, 4095 when no display would open.
HOSTILE_X11_SNOOP_ID = "org.scuff.test.hostile.x11-snoop"
HOSTILE_X11_GRAB_ID = "org.scuff.test.hostile.x11-grab"
X11_SNOOP_READ, X11_SNOOP_REFUSED, X11_SNOOP_OTHER_WINDOW, X11_SNOOP_NO_DISPLAY = 0, 1, 2, 4095
# The pixel (0xRRGGBB) the snooping plugin expects to read; another one means another window.
HOSTILE_PIXEL_VARIABLE = "SCUFF_HOSTILE_PIXEL"
# Also in HOSTILE_FILE, plugins that keep a setting as plugins do: at init each reads the number in
# ~/.config/scuff-test-settings/value into its read-only "Stored" (-1 when none); at its first block
# it writes the target (a number) there, making the folder ("Result" as above). The first's vendor is
# "scuff", like every test plugin's; the second's is "Other Vendor".
KEEP_SETTINGS_ID = "org.scuff.test.keep-settings"
KEEP_SETTINGS_OTHER_VENDOR_ID = "org.scuff.test.keep-settings-other-vendor"
KEEP_SETTINGS_FILE = ".config/scuff-test-settings/value"  # in the home folder
HOSTILE_FILE_IDS = (
    HOSTILE_ALLOCATE_ID, HOSTILE_SPIN_ID, HOSTILE_CONNECT_ID, HOSTILE_CONNECT_UNIX_ID, HOSTILE_WRITE_ID,
    HOSTILE_READ_ID, HOSTILE_EXEC_ID, HOSTILE_FORK_ID, HOSTILE_SIGNAL_ID, HOSTILE_EXEC_IN_INIT_ID,
    HOSTILE_WRITE_DEEP_ID, HOSTILE_SIGNAL_HOST_ID, HOSTILE_READ_MANY_ID, HOSTILE_X11_SNOOP_ID, HOSTILE_X11_GRAB_ID,
    KEEP_SETTINGS_ID, KEEP_SETTINGS_OTHER_VENDOR_ID)
HOSTILE_TARGET_VARIABLE = "SCUFF_HOSTILE_TARGET"

# In VALIDATION_FILE: stereo copies that each break one rule scuff.validate checks.
ALLOCATES_IN_PROCESS_ID = "org.scuff.test.allocates-in-process"  # malloc and free in every process call
DENORMALS_ID = "org.scuff.test.denormals"  # frame 0 of every channel of every block is 1e-40
FORGETS_STATE_ID = "org.scuff.test.forgets-state"  # the gain, whose load accepts and ignores any state
WRONG_THREAD_ID = "org.scuff.test.wrong-thread"  # calls params.rescan and state.mark_dirty from process
NONDETERMINISTIC_ID = "org.scuff.test.nondeterministic"  # each frame scaled by a random factor in [0.999, 1.001]
VALIDATION_FILE_IDS = (ALLOCATES_IN_PROCESS_ID, DENORMALS_ID, FORGETS_STATE_ID, WRONG_THREAD_ID, NONDETERMINISTIC_ID)

# Gain and faulty: "Gain" in dB, output = input * 10 ** (gain / 20).
GAIN_PARAM_ID = 0
GAIN_MIN_DB = -60.0
GAIN_MAX_DB = 24.0
GAIN_DEFAULT_DB = 0.0

# Faulty only: "Fault", stepped, not saved in the state.
FAULT_PARAM_ID = 1

LATENCY_SAMPLES = 64
LYING_LATENCY_REPORTED = 16
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

# The event plugins. Each has one source of its behaviour (tests/plugins/dsp) shared by its CLAP and VST3
# builds, which therefore give the same samples and events. Parameters are automatable; stepped ones take
# integers; each change takes effect at its frame. Their states are 8 + 8 * (parameter count) bytes,
# little-endian: a magic ("SCIN", "SCNG", "SCMF"), uint32 version 1, each parameter as float64 by id;
# the probe's state is empty.
#
# Instrument: no audio input; one stereo output, both channels equal; one note input (CLAP: CLAP and MIDI
# dialects, preferring CLAP; VST3: event bus "notes", kMain). Up to 16 voices, one per (channel, key); a
# note-on for a sounding (channel, key) restarts that voice, a 17th replaces the oldest, a note-on with
# velocity 0 is a note-off. A voice started at frame f with velocity v (clamped to 1) outputs at frame
# f + n: v * 0.25 * Volume * cos(phase_n), with phase_0 = 0, phase_{n+1} = phase_n + 2 * pi * freq /
# sample_rate accumulated in double (freq = 440 * 2 ** ((key - 69 + 2 * Pitch Bend) / 12), as Pitch
# Bend is at each frame). A sample is the double sum of the voices, oldest first, rounded once to
# float32; the first sample of a note is exactly float32(v * 0.25 * Volume) at its note-on frame. A
# note-off or choke silences the voice from its frame on (no release); -1 in its channel, key or
# (CLAP) note id matches every voice. Voices stop at activation, CLAP reset() and VST3
# setProcessing(true). CLAP MIDI dialect: 0x9n note on (velocity / 127), 0x8n or velocity 0 note off,
# CC 7 sets Volume = value / 127, pitch bend sets Pitch Bend = (value14 - 8192) / 8192, CC 123 ends
# every note of that channel; a MIDI change of a parameter is also output as a CLAP_EVENT_PARAM_VALUE at
# its frame. VST3: noteOn (float velocity) and noteOff at their sampleOffset, and IMidiMapping maps
# kPitchBend to Pitch Bend (normalized 0.5 = 0) and CC 7 to Volume, on any channel of bus 0.
INSTRUMENT_VOLUME_PARAM_ID = 0  # "Volume", 0..1, default 1
INSTRUMENT_BEND_PARAM_ID = 1  # "Pitch Bend", -1..1 (semitones / 2), default 0
INSTRUMENT_MAX_VOICES = 16
INSTRUMENT_AMPLITUDE = 0.25
# Note generator: no audio; one note output (CLAP dialect; VST3 event output bus). With t the frames
# processed since activation (0 at the first, never reset by transport, reset(), or setProcessing), it
# outputs at every t with t % Interval == 0 a note-on (channel 0, key Key, velocity Velocity, note id /
# VST3 noteId = the note's index counted from 0 since activation), and at every t with t % Interval ==
# Length the note-off (velocity 0) of the most recent note-on, same key and note id, unless already
# ended. Length >= Interval means no note-offs; Length 0 ends each note at its own frame, after its
# note-on. Events are in time order within the block.
NOTE_GENERATOR_INTERVAL_PARAM_ID = 0  # "Interval", stepped, 1..48000 samples, default 1000
NOTE_GENERATOR_LENGTH_PARAM_ID = 1  # "Length", stepped, 0..48000 samples, default 500
NOTE_GENERATOR_KEY_PARAM_ID = 2  # "Key", stepped, 0..127, default 60
NOTE_GENERATOR_VELOCITY_PARAM_ID = 3  # "Velocity", 0..1, default 0.8
# MIDI effect: no audio; one note input and one note output. Every note-on, note-off and choke goes out
# at its own frame with its key + Transpose (as Transpose is at that frame), dropped if that leaves
# 0..127; key -1 passes unchanged, everything else about the note is kept; other events are dropped.
# CLAP: the input takes CLAP and MIDI dialects and prefers MIDI, so a host must convert for it; a MIDI
# note becomes a CLAP note event with note id -1 and velocity / 127; the output is CLAP dialect. VST3:
# event buses "notes in" and "notes out" (kMain), noteOn and noteOff events.
MIDI_EFFECT_TRANSPOSE_PARAM_ID = 0  # "Transpose", stepped, -24..24 semitones, default 12
# Transport probe: no inputs, no parameters; one audio output of 8 channels (VST3: 7.1 cinema, and any
# 8-speaker arrangement is accepted). At each frame n of the block, each value in double rounded to
# float32: 0 tempo (bpm; 0 when unknown), 1 position in beats (the block's start + n * (tempo / 60 /
# sample_rate) while playing, the start when stopped, 0 when unknown), 2 position in seconds (start +
# n / sample_rate while playing, likewise), 3 1.0 while playing else 0.0, 4 and 5 time signature
# numerator and denominator (0 when unknown), 6 loop start in beats while a loop is active else -1, 7
# 1.0 when rendering offline else 0.0. CLAP: process->transport (fixed point song_pos_beats /
# CLAP_BEATTIME_FACTOR, song_pos_seconds / CLAP_SECTIME_FACTOR, loop_start_beats, tsig_num/denom, with
# the HAS_* flags saying what is known) for the block's first frame, a CLAP_EVENT_TRANSPORT in the block
# from its own frame on (n counting from there); offline is the clap.render extension's last set()
# (CLAP_RENDER_OFFLINE). VST3: ProcessContext (kTempoValid tempo, kProjectTimeMusicValid
# projectTimeMusic, projectTimeSamples / sampleRate for seconds, kPlaying, kTimeSigValid, kCycleActive
# cycleStartMusic; no context: all unknown), offline when processMode == kOffline.
TRANSPORT_PROBE_CHANNELS = 8

# VST3 twins, bundles relative to the same folder. Class ids are the 32 hex digits of the 16-byte
# VST3 class id, as scuff's scanner reports them: 5C0FF7E5, then FA in the faults bundle, CF in the
# creation-faults bundle, DE in the validation bundle (C0 for a controller class), then the class
# number. Every class but the separate-controller gain is a single component; none has an editor.
# Parameter ids, ranges, state blobs and the Fault numbering are the CLAP twins'; parameters travel
# as VST3 normalized values (plain = min + normalized * (max - min), rounded for stepped ones).
VST3_PLUGINS_BUNDLE = "scuff-test-plugins.vst3"
VST3_FAULTS_BUNDLE = "scuff-test-faults.vst3"
# The separate-controller gain has a bundle of its own: JUCE-based hosts hand a component without a
# controller class id the first controller class of its factory.
VST3_SEPARATE_CONTROLLER_BUNDLE = "scuff-test-separate-controller.vst3"

VST3_CREATION_FAULTS_BUNDLE = "scuff-test-creation-faults.vst3"
VST3_VALIDATION_BUNDLE = "scuff-test-validation.vst3"

# In VST3_PLUGINS_BUNDLE.
VST3_GAIN_ID = "5C0FF7E5000000000000000000000001"
VST3_PASSTHROUGH_ID = "5C0FF7E5000000000000000000000002"
VST3_LATENCY_ID = "5C0FF7E5000000000000000000000003"
VST3_SIDECHAIN_ID = "5C0FF7E5000000000000000000000004"  # inputs: "main" and "sidechain" (kAux), summed
VST3_MONO_ID = "5C0FF7E5000000000000000000000005"
VST3_HOST_CALLBACKS_ID = "5C0FF7E5000000000000000000000007"
VST3_INSTRUMENT_ID = "5C0FF7E5000000000000000000000008"  # "Instrument|Synth"
VST3_NOTE_GENERATOR_ID = "5C0FF7E5000000000000000000000009"  # "Fx|Generator"
VST3_MIDI_EFFECT_ID = "5C0FF7E500000000000000000000000A"  # "Fx|Tools"
VST3_TRANSPORT_PROBE_ID = "5C0FF7E500000000000000000000000B"  # "Instrument|Generator", for hosts to run a source
# A stereo passthrough with an X11 editor that draws nothing (320x200, resizable, at least 80x80):
# its "Ask size" set to 1 makes the editor ask its IPlugFrame for EDITOR_ASKED_SIZE (resizeView).
VST3_SIZED_EDITOR_ID = "5C0FF7E500000000000000000000000C"
VST3_LYING_LATENCY_ID = "5C0FF7E500000000000000000000000D"
VST3_PLUGINS_BUNDLE_IDS = (
    VST3_GAIN_ID, VST3_PASSTHROUGH_ID, VST3_LATENCY_ID, VST3_SIDECHAIN_ID, VST3_MONO_ID, VST3_HOST_CALLBACKS_ID,
    VST3_INSTRUMENT_ID, VST3_NOTE_GENERATOR_ID, VST3_MIDI_EFFECT_ID, VST3_TRANSPORT_PROBE_ID, VST3_SIZED_EDITOR_ID,
    VST3_LYING_LATENCY_ID)

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
VST3_LEAK_ID = "5C0FF7E5FA0000000000000000000006"
VST3_FAULTS_BUNDLE_IDS = (
    VST3_FAULTY_ID, VST3_CRASH_IN_INIT_ID, VST3_HANG_IN_INIT_ID, VST3_CRASH_IN_ACTIVATE_ID, VST3_HANG_IN_ACTIVATE_ID,
    VST3_LEAK_ID)

# In VST3_CREATION_FAULTS_BUNDLE, as in CREATION_FAULTS_FILE; the census's "Destroyed" counts the
# instances the host has released every reference to.
VST3_CREATION_CENSUS_ID = "5C0FF7E5CF0000000000000000000001"
VST3_TOO_MANY_PARAMS_ID = "5C0FF7E5CF0000000000000000000002"
VST3_CREATION_FAULTS_BUNDLE_IDS = (VST3_CREATION_CENSUS_ID, VST3_TOO_MANY_PARAMS_ID)

# In VST3_VALIDATION_BUNDLE, as in VALIDATION_FILE. Wrong thread calls IComponentHandler::restartComponent
# and IComponentHandler2::setDirty in every process call, and IRunLoop::registerTimer in its first.
VST3_ALLOCATES_IN_PROCESS_ID = "5C0FF7E5DE0000000000000000000001"
VST3_DENORMALS_ID = "5C0FF7E5DE0000000000000000000002"
VST3_FORGETS_STATE_ID = "5C0FF7E5DE0000000000000000000003"
VST3_WRONG_THREAD_ID = "5C0FF7E5DE0000000000000000000004"
VST3_NONDETERMINISTIC_ID = "5C0FF7E5DE0000000000000000000005"
VST3_VALIDATION_BUNDLE_IDS = (VST3_ALLOCATES_IN_PROCESS_ID, VST3_DENORMALS_ID, VST3_FORGETS_STATE_ID,
                              VST3_WRONG_THREAD_ID, VST3_NONDETERMINISTIC_ID)

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
    LYING_LATENCY_ID: ((PLUGINS_FILE, LYING_LATENCY_ID), (VST3_PLUGINS_BUNDLE, VST3_LYING_LATENCY_ID)),
    SIDECHAIN_ID: ((PLUGINS_FILE, SIDECHAIN_ID), (VST3_PLUGINS_BUNDLE, VST3_SIDECHAIN_ID)),
    MONO_ID: ((PLUGINS_FILE, MONO_ID), (VST3_PLUGINS_BUNDLE, VST3_MONO_ID)),
    INSTRUMENT_ID: ((PLUGINS_FILE, INSTRUMENT_ID), (VST3_PLUGINS_BUNDLE, VST3_INSTRUMENT_ID)),
    NOTE_GENERATOR_ID: ((PLUGINS_FILE, NOTE_GENERATOR_ID), (VST3_PLUGINS_BUNDLE, VST3_NOTE_GENERATOR_ID)),
    MIDI_EFFECT_ID: ((PLUGINS_FILE, MIDI_EFFECT_ID), (VST3_PLUGINS_BUNDLE, VST3_MIDI_EFFECT_ID)),
    TRANSPORT_PROBE_ID: ((PLUGINS_FILE, TRANSPORT_PROBE_ID), (VST3_PLUGINS_BUNDLE, VST3_TRANSPORT_PROBE_ID)),
    FAULTY_ID: ((FAULTS_FILE, FAULTY_ID), (VST3_FAULTS_BUNDLE, VST3_FAULTY_ID)),
    CRASH_IN_INIT_ID: ((FAULTS_FILE, CRASH_IN_INIT_ID), (VST3_FAULTS_BUNDLE, VST3_CRASH_IN_INIT_ID)),
    CRASH_IN_ACTIVATE_ID: ((FAULTS_FILE, CRASH_IN_ACTIVATE_ID), (VST3_FAULTS_BUNDLE, VST3_CRASH_IN_ACTIVATE_ID)),
    HANG_IN_INIT_ID: ((FAULTS_FILE, HANG_IN_INIT_ID), (VST3_FAULTS_BUNDLE, VST3_HANG_IN_INIT_ID)),
    HANG_IN_ACTIVATE_ID: ((FAULTS_FILE, HANG_IN_ACTIVATE_ID), (VST3_FAULTS_BUNDLE, VST3_HANG_IN_ACTIVATE_ID)),
    LEAK_ID: ((FAULTS_FILE, LEAK_ID), (VST3_FAULTS_BUNDLE, VST3_LEAK_ID)),
    ALLOCATES_IN_PROCESS_ID: ((VALIDATION_FILE, ALLOCATES_IN_PROCESS_ID),
                              (VST3_VALIDATION_BUNDLE, VST3_ALLOCATES_IN_PROCESS_ID)),
    DENORMALS_ID: ((VALIDATION_FILE, DENORMALS_ID), (VST3_VALIDATION_BUNDLE, VST3_DENORMALS_ID)),
    FORGETS_STATE_ID: ((VALIDATION_FILE, FORGETS_STATE_ID), (VST3_VALIDATION_BUNDLE, VST3_FORGETS_STATE_ID)),
    WRONG_THREAD_ID: ((VALIDATION_FILE, WRONG_THREAD_ID), (VST3_VALIDATION_BUNDLE, VST3_WRONG_THREAD_ID)),
    NONDETERMINISTIC_ID: ((VALIDATION_FILE, NONDETERMINISTIC_ID), (VST3_VALIDATION_BUNDLE, VST3_NONDETERMINISTIC_ID)),
    CREATION_CENSUS_ID: ((CREATION_FAULTS_FILE, CREATION_CENSUS_ID),
                         (VST3_CREATION_FAULTS_BUNDLE, VST3_CREATION_CENSUS_ID)),
    TOO_MANY_PARAMS_ID: ((CREATION_FAULTS_FILE, TOO_MANY_PARAMS_ID),
                         (VST3_CREATION_FAULTS_BUNDLE, VST3_TOO_MANY_PARAMS_ID)),
}
FORMATS = ("clap", "vst3")


def twin(plugin_id: str, plugin_format: str) -> tuple[str, str]:
    """The file and id of CLAP test plugin `plugin_id` in `plugin_format`."""
    return TWINS[plugin_id][FORMATS.index(plugin_format)]


# The editor-faults plugin's "Ask size" set to 1: at its editor's next timer tick it asks the host
# for this size (request_resize).
EDITOR_ASKED_SIZE = (360, 240)


class EditorFault(enum.IntEnum):
    """Values of the editor-faults plugin's "Editor fault" parameter (a stereo passthrough with an
    embeddable X11 editor that draws nothing, 320x200, resizable, with a 10 ms timer while open):
    the editor call that misbehaves once armed. Not part of the state."""

    NONE = 0
    CRASH_IN_CREATE = 1
    HANG_IN_CREATE = 2
    CRASH_IN_SHOW = 3
    HANG_IN_SHOW = 4
    CRASH_IN_TIMER = 5
    HANG_IN_TIMER = 6
    CRASH_IN_RESIZE = 7
    HANG_IN_RESIZE = 8


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
    LATE_ONCE_IN_PROCESS = 13  # the next process call sleeps LATE_SLEEP_SECONDS, then plays on; once per change


# How long a LATE_ONCE_IN_PROCESS call sleeps (late_sleep in tests/plugins/dsp/misbehave.hpp).
LATE_SLEEP_SECONDS = 0.020


def build_test_plugins(build_dir: pathlib.Path) -> pathlib.Path:
    """Configures (once) and builds the test plugins in build_dir; returns the folder of the .clap files
    and .vst3 bundles."""
    build_dir = pathlib.Path(build_dir).resolve()
    build_dir.mkdir(parents=True, exist_ok=True)
    # Test processes running side by side (pytest -n) share the folder: one builds, the others wait.
    with open(build_dir / ".build-lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        _configure_and_build(build_dir)
    return build_dir


def _configure_and_build(build_dir: pathlib.Path) -> None:
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


def _run(command: list[str]) -> None:
    try:
        result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    except FileNotFoundError as error:
        raise RuntimeError(f"cannot run {command[0]}: {error}") from error
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed with exit code {result.returncode}:\n{result.stdout}")
