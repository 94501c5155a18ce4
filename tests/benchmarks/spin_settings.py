"""The same cycle and render measurements under other spin budgets than the product's
defaults: whether spinning earns its CPU time on this machine. Opt-in (--spin-sweep)
because it multiplies the run time; it never changes the defaults, only per-group values."""

from __future__ import annotations

from dataclasses import dataclass

import render_vs_in_process as render
from cycle_round_trip import EMPTY, ZAMCOMP, cycle_groups, group_timer, interleave, joined
from fixtures import Spin, compressor_input, default_spin
from sandbox_count import groups_by_count, time_groups, usable_cpus
from stats import Latency, Spread, fmt_ns, print_table

# The sweep renders the CLAP build, the one the spin budgets were tuned with.
SWEEP_BLOCK_SIZES = (64, 512)


def settings() -> list[Spin]:
    default = default_spin()
    candidates = [
        default,
        Spin(0, 0),                      # always sleep: futex round trips only
        Spin(default.client_ns, 0),      # only the client spins
        Spin(0, default.sandbox_ns),     # only the sandbox spins
        Spin(50_000, 50_000),
        Spin(2_000_000, 2_000_000),
    ]
    unique: list[Spin] = []
    for spin in candidates:
        if spin not in unique:
            unique.append(spin)
    return unique


@dataclass
class SweepRow:
    spin: Spin
    empty: Latency
    zamcomp: Latency
    crowded: Latency
    render_ratios: dict[int, Spread]


def run(cycles: int, crowd_cycles: int, chunks: int, seconds: float, repetitions: int
        ) -> list[SweepRow]:
    signal = compressor_input(seconds)
    crowd = crowd_size()
    rows = []
    for spin in settings():
        with cycle_groups(spin) as groups:
            samples = interleave({name: group_timer(g) for name, g in groups.items()}, cycles, chunks)
        with groups_by_count([crowd], spin) as groups:
            crowded = time_groups(groups, crowd_cycles, chunks).latencies
        ratios = {b: render.measure(b, signal, repetitions, spin).ratio for b in SWEEP_BLOCK_SIZES}
        rows.append(SweepRow(spin, Latency.of(joined(samples[EMPTY])), Latency.of(joined(samples[ZAMCOMP])),
                             crowded[crowd], ratios))
    return rows


def crowd_size() -> int:
    """One sandbox more than there are CPUs: the smallest group whose threads cannot all
    spin on CPUs of their own."""
    return usable_cpus() + 1


def report(rows: list[SweepRow], cycles: int, crowd_cycles: int, seconds: float,
           repetitions: int) -> None:
    default = default_spin()
    table = []
    for row in rows:
        table.append([
            row.spin.label + (" (default)" if row.spin == default else ""),
            fmt_ns(row.empty.p50),
            fmt_ns(row.empty.p99),
            fmt_ns(row.empty.p999),
            fmt_ns(row.zamcomp.p50),
            fmt_ns(row.zamcomp.p99),
            fmt_ns(row.crowded.p50),
            fmt_ns(row.crowded.p99),
            *(str(row.render_ratios[b]) for b in SWEEP_BLOCK_SIZES),
        ])
    crowd = crowd_size()
    sweep_goals = ", ".join(f"<= {render.GOALS['clap', b]:g}x at {b}" for b in SWEEP_BLOCK_SIZES)
    print_table(
        f"6. Spin budgets: cycle round trip ({cycles} cycles, {crowd_cycles} for {crowd} sbx) "
        f"and render ratio ({seconds:g} s, {repetitions} interleaved pairs)",
        ["spin budgets", "empty p50", "empty p99", "empty p99.9", "ZamComp p50", "ZamComp p99",
         f"{crowd} sbx p50", f"{crowd} sbx p99", *(f"render {b}" for b in SWEEP_BLOCK_SIZES)],
        table,
        notes=[f"{crowd} sbx = a group of {crowd} sandboxes with a ZamComp each (one more than the CPUs).",
               "render N = sandboxed / in-process render time at N-frame blocks, median of the pairs "
               "[middle half] "
               f"(goals: {sweep_goals})."],
    )
