"""Time whole processes and read their peak memory.

Wall time is measured around ``posix_spawn`` and ``wait4`` of the command
itself, with no shell in between. Peak memory cannot come from that same
``wait4``: ``posix_spawn`` starts the child in the benchmark's own address
space (vfork), and Linux carries the old address space's peak over into
the child's ``ru_maxrss`` at exec, so every child would report at least
the benchmark's own size. Memory runs therefore go through GNU time,
whose own peak (about 1 MiB) is the floor of every figure.
"""

from __future__ import annotations

import os
import shutil
import statistics
import tempfile
import time
from dataclasses import dataclass, field

GNU_TIME = "/usr/bin/time"


@dataclass
class Command:
    """One candidate or baseline process and what a correct run returns."""

    label: str
    argv: list[str]
    env: dict[str, str]
    expect_status: int = 0
    # Caps for slow tools: the most measured runs, None for the default.
    max_runs: int | None = None


@dataclass
class Result:
    """Samples of one command and why measuring it stopped, if it did."""

    command: Command
    seconds: list[float] = field(default_factory=list)
    peak_kib: list[int] = field(default_factory=list)
    failure: str | None = None

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def _spawn(
    argv: list[str], env: dict[str, str], stdout_path: str, stderr_path: str
) -> tuple[float, int]:
    actions = [
        (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
        (
            os.POSIX_SPAWN_OPEN,
            1,
            stdout_path,
            os.O_WRONLY | os.O_CREAT | os.O_TRUNC,
            0o600,
        ),
        (
            os.POSIX_SPAWN_OPEN,
            2,
            stderr_path,
            os.O_WRONLY | os.O_CREAT | os.O_TRUNC,
            0o600,
        ),
    ]
    start = time.perf_counter()
    pid = os.posix_spawn(argv[0], argv, env, file_actions=actions)
    _, wait_status, _ = os.wait4(pid, 0)
    elapsed = time.perf_counter() - start
    return elapsed, os.waitstatus_to_exitcode(wait_status)


def run_once(command: Command, stdout_path: str = os.devnull) -> tuple[float, int, str]:
    """Run ``command`` once; return seconds, exit status and stderr."""
    with tempfile.NamedTemporaryFile("r", suffix=".stderr") as stderr:
        elapsed, status = _spawn(command.argv, command.env, stdout_path, stderr.name)
        return elapsed, status, stderr.read()


def peak_memory_kib(command: Command) -> tuple[int | None, int, str]:
    """Run ``command`` under GNU time; return its peak RSS in KiB."""
    with (
        tempfile.NamedTemporaryFile("r", suffix=".rss") as report,
        tempfile.NamedTemporaryFile("r", suffix=".stderr") as stderr,
    ):
        argv = [GNU_TIME, "-f", "%M", "-o", report.name, *command.argv]
        _, status = _spawn(argv, command.env, os.devnull, stderr.name)
        lines = report.read().split()
        peak = int(lines[-1]) if lines and lines[-1].isdigit() else None
        return peak, status, stderr.read()


def gnu_time_available() -> bool:
    return shutil.which(GNU_TIME) is not None


def first_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1][:300] if lines else "(no output on stderr)"


def _check(result: Result, status: int, stderr: str) -> bool:
    if status == result.command.expect_status:
        return True
    result.failure = (
        f"exit status {status}, expected "
        f"{result.command.expect_status}: {first_line(stderr)}"
    )
    return False


def measure_group(
    commands: list[Command],
    warmups: int,
    runs: int,
    budget_seconds: float,
    memory_runs: int,
) -> list[Result]:
    """Time ``commands`` in alternation and return one Result each.

    Each round runs every command once, starting one place further along
    the list than the round before, so drift in the machine's speed falls
    on all commands alike. A command whose warm-up shows that ``runs``
    runs would exceed ``budget_seconds`` gets fewer runs (at least one).
    """
    results = [Result(command) for command in commands]
    estimates: dict[int, float] = {}
    for round_index in range(warmups):
        for index in _rotation(len(results), round_index):
            result = results[index]
            if result.failure or (
                round_index and estimates.get(index, 0) * 3 > budget_seconds
            ):
                continue
            elapsed, status, stderr = run_once(result.command)
            if _check(result, status, stderr):
                estimates[index] = elapsed

    caps = []
    for index, result in enumerate(results):
        cap = (
            runs
            if result.command.max_runs is None
            else min(runs, result.command.max_runs)
        )
        estimate = estimates.get(index, 0.0)
        if estimate > 0:
            cap = max(1, min(cap, int(budget_seconds / estimate)))
        caps.append(cap)

    for round_index in range(max(caps, default=0)):
        for index in _rotation(len(results), round_index):
            result = results[index]
            if result.failure or len(result.seconds) >= caps[index]:
                continue
            elapsed, status, stderr = run_once(result.command)
            if _check(result, status, stderr):
                result.seconds.append(elapsed)

    if gnu_time_available():
        for round_index in range(memory_runs):
            for index in _rotation(len(results), round_index):
                result = results[index]
                if result.failure or (round_index and caps[index] < runs):
                    continue
                peak, status, stderr = peak_memory_kib(result.command)
                if _check(result, status, stderr) and peak is not None:
                    result.peak_kib.append(peak)
    return results


def _rotation(length: int, start: int) -> list[int]:
    return [(start + offset) % length for offset in range(length)]
