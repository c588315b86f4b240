"""Signals reach the command that ``envbake run`` starts, because envbake
replaces itself with the command instead of waiting for a child."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import TEST_KEY
from tests.run_helpers import seal_file, start_environment

# The command writes its pid once its handler is installed, then waits;
# on SIGTERM the handler records the signal and exits with status 42.
COMMAND = """\
import os, signal, sys, time

def on_term(number, frame):
    with open(sys.argv[1] + ".handled", "w") as handle:
        handle.write(signal.Signals(number).name)
    sys.exit(42)

signal.signal(signal.SIGTERM, on_term)
with open(sys.argv[1] + ".tmp", "w") as handle:
    handle.write(str(os.getpid()))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
while True:
    time.sleep(0.05)
"""


def _wait_for(path: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} did not appear"
        time.sleep(0.02)


def _children_of(pid: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The parent pid is the second field after the command name, which
        # is in parentheses and may contain spaces.
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == pid:
            children.append(int(entry.name))
    return children


def test_sigterm_reaches_command_handler(tmp_path: Path) -> None:
    sealed_file = seal_file(tmp_path / "env.encrypted", {"A": "1"})
    ready = tmp_path / "ready"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "envbake",
            "run",
            "-q",
            str(sealed_file),
            "--",
            sys.executable,
            "-c",
            COMMAND,
            str(ready),
        ],
        env=start_environment({"ENVBAKE_KEY": TEST_KEY}),
        stderr=subprocess.PIPE,
    )
    try:
        _wait_for(ready, timeout=30)
        command_pid = int(ready.read_text())

        # envbake exec'd into the command: same pid, no process between.
        assert process.pid == command_pid
        assert command_pid in _children_of(os.getpid())
        assert [] == _children_of(command_pid)
        # The process now runs the command's arguments, not envbake's (the
        # interpreter's own path may contain "envbake", so it is skipped).
        arguments = Path(f"/proc/{command_pid}/cmdline").read_bytes().split(b"\0")[1:]
        assert arguments[:1] == [b"-c"]
        assert b"run" not in arguments
        assert not any(argument.endswith(b"envbake") for argument in arguments)
        assert b"on_term" in arguments[1]

        process.send_signal(signal.SIGTERM)
        status = process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.stderr is not None
    stderr = process.stderr.read()

    assert 42 == status
    assert "SIGTERM" == Path(f"{ready}.handled").read_text()
    assert b"" == stderr
