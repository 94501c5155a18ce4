"""The editor, when there is a display: it opens while audio is processed, resizes, closes and
opens again, and processing goes on throughout."""

from __future__ import annotations

import os
import threading

from ..errors import NoDisplayError
from .bench import Bench
from .check import Check, Outcome, verdict


def editor(bench: Bench) -> Outcome:
    if not os.environ.get("DISPLAY"):
        return Outcome.skip("no X display (DISPLAY is not set)")
    rig = bench.rig()
    if not rig.device.has_editor:
        return Outcome.skip("the plugin has no editor")
    stop = threading.Event()
    blocks = [0]
    errors: list[str] = []

    def play() -> None:
        size = rig.group.block_size
        try:
            while not stop.is_set():
                rig.process(bench.noise(size))
                blocks[0] += 1
        except Exception as error:  # the verdict reports it; the thread must end either way
            errors.append(f"processing failed while the editor was in use: {error}")

    player = threading.Thread(target=play, name="scuff-validate-audio", daemon=True)
    player.start()
    sizes = []
    try:
        rig.device.show_editor()
        sizes.append(rig.device.editor_size)
        if rig.device.editor_resizable and rig.device.editor_size:
            width, height = rig.device.editor_size
            sizes.append(rig.device.resize_editor(width + 40, height + 30))
        rig.device.hide_editor()
        rig.device.show_editor()
        rig.device.hide_editor()
    except NoDisplayError as error:
        return Outcome.skip(f"no usable X display: {error}")
    finally:
        stop.set()
        player.join(10)
    problems = errors + ([f"the sandbox is {rig.sandbox.state}: {rig.sandbox.reason}"]
                         if rig.sandbox.state != "running" else [])
    return verdict(problems, f"opened (sizes {sizes}), closed and reopened while {blocks[0]} blocks were processed")


CHECKS = (
    Check("editor", "the editor opens while audio is processed, resizes, closes and opens again, and processing "
                    "goes on", 3, editor),
)
