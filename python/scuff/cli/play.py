"""`scuff play`: a chain of plugins, one sandbox each, played live through JACK until
interrupted, with one status line."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence

from ..errors import ScuffError
from ..host.client import Client
from ..host.device import Device
from ..host.status import RestartPolicy
from ..live.jack_host import JackHost, server_info
from .commands import Commands

STATUS_INTERVAL = 0.25


def run_play(plugins: Sequence[str], *, connect_inputs: Sequence[str] = (), midi_inputs: Sequence[str] = (),
             connect_outputs: Sequence[str] | None = None, server: str | None = None, name: str = "scuff",
             seconds: float | None = None) -> int:
    """Plays until interrupted (or for `seconds`). `connect_outputs` None: the server's
    physical playback ports."""
    if not plugins:
        raise ScuffError("give at least one --plugin")
    sample_rate, period = server_info(server)
    with Client() as client:
        group = client.create_group(sample_rate=sample_rate, block_size=period)
        devices: list[Device] = []
        for plugin in plugins:
            sandbox = group.create_sandbox(restart_policy=RestartPolicy())
            device = sandbox.create_device(plugin)
            if devices:
                if not devices[-1].outputs or not device.inputs:
                    raise ScuffError(f"{devices[-1].name} cannot feed {device.name}: no audio port between them")
                group.connect(devices[-1].output(0), device.input(0))
            devices.append(device)
        first, last = devices[0], devices[-1]
        if midi_inputs and not first.note_inputs:
            raise ScuffError(f"{first.name} takes no notes: --midi-input needs an instrument or MIDI effect first")
        if not last.outputs:
            raise ScuffError(f"{last.name} has no audio output to play")
        with JackHost(group, inputs=[first] if first.inputs else [], outputs=[last],
                      note_inputs=[first] if first.note_inputs else [], name=name, server=server) as host:
            if connect_inputs:
                host.connect_inputs(connect_inputs)
            for port in midi_inputs:
                host.connect_midi(port)
            outputs = (list(connect_outputs) if connect_outputs is not None
                       else host.find_ports(kind="audio", outputs=False, physical=True))
            if outputs:
                host.connect_outputs(outputs[:len(host.output_ports)])
            chain = " -> ".join(device.name for device in devices)
            print(f"playing {chain} as JACK client {host.name} at {sample_rate} Hz, {period} frames; "
                  f"latency {group.latency(first.input(0), last.output(0)) if first.inputs else 0} frames; "
                  "Ctrl+C stops", flush=True)
            host.reset_stats()
            started = time.monotonic()
            try:
                while seconds is None or time.monotonic() - started < seconds:
                    time.sleep(STATUS_INTERVAL)
                    _status(host, devices)
            except KeyboardInterrupt:
                pass
            finally:
                print(flush=True)
    return 0


def _status(host: JackHost, devices: Sequence[Device]) -> None:
    stats = host.stats()
    states = ", ".join(f"{device.name} {device.sandbox.state}" for device in devices)
    line = (f"DSP {stats.cpu_load:4.1f}%  xruns {stats.xruns}  overruns {stats.overruns}  "
            f"late cycles {stats.late_cycles}  |  {states}")
    if stats.server_gone:
        line += "  |  JACK server gone"
    sys.stdout.write("\r\x1b[K" + line)
    sys.stdout.flush()


def register(commands: Commands) -> None:
    parser = commands.add_parser(
        "play", help="play a chain of plugins live through JACK",
        description="Plays the plugins, each in a sandbox of its own and chained in order, through a "
                    "running JACK server until interrupted, with one status line (DSP load, xruns, "
                    "sandbox states). A crashed sandbox is restarted while the others play.")
    parser.add_argument("--plugin", action="append", required=True, metavar="P",
                        help="a CLAP plugin file or VST3 bundle (repeat for a chain)")
    parser.add_argument("--connect-inputs", nargs="+", default=[], metavar="PORT",
                        help="JACK ports to feed the first plugin's input channels (one for all)")
    parser.add_argument("--connect-outputs", nargs="+", default=None, metavar="PORT",
                        help="JACK ports to play to (default: the physical playback ports)")
    parser.add_argument("--midi-input", action="append", default=[], metavar="PORT",
                        help="a JACK MIDI port to take notes from")
    parser.add_argument("--server", default=None, help="the JACK server's name (default: the default server)")
    parser.add_argument("--name", default="scuff", help="the JACK client's name")
    parser.add_argument("--seconds", type=float, default=None, help="stop after this long")
    parser.set_defaults(run=_run)


def _run(args: argparse.Namespace) -> int:
    return run_play(args.plugin, connect_inputs=args.connect_inputs, midi_inputs=args.midi_input,
                    connect_outputs=args.connect_outputs, server=args.server, name=args.name,
                    seconds=args.seconds)
