"""Show what ``envbake run`` imports at start-up, from ``python -X importtime``.

Usage: python benchmarks/importtime.py [--runs N] [--cache DIR]

It uses the virtual environment that run.py installs, seals the 46
variables of the benchmark, runs the installed ``envbake`` script under
``-X importtime`` N times (default 9) and prints each top-level import
with the median of its cumulative time, largest first, as Markdown.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import envgen
import tools as tool_setup

REPO = Path(__file__).resolve().parent.parent


def top_level_imports(stderr: str) -> dict[str, int]:
    """Return cumulative microseconds of each import made at depth 0."""
    times = {}
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        _, cumulative, name = line.split("|")
        if cumulative.strip().isdigit() and not name.startswith("  "):
            times[name.strip()] = int(cumulative)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--cache", type=Path, default=REPO / ".cache" / "bench")
    args = parser.parse_args()
    found = tool_setup.install(REPO, args.cache.resolve(), use_current_python=False)
    if not found.envbake:
        print(f"envbake is not installed: {found.skipped.get('envbake')}")
        return 1

    with tempfile.TemporaryDirectory() as folder:
        key = subprocess.run(
            [found.envbake, "keygen"], capture_output=True, text=True, check=True
        ).stdout.strip()
        plain = Path(folder, "plain.env")
        plain.write_text(envgen.to_dotenv(envgen.generate(46)))
        sealed = Path(folder, "env.encrypted")
        env = {"PATH": os.environ["PATH"], "ENVBAKE_ENCRYPT_KEY": key}
        subprocess.run(
            [found.envbake, "seal", "--input", str(plain), "-o", str(sealed)],
            env=env,
            capture_output=True,
            check=True,
        )
        argv = [found.python, "-X", "importtime", found.envbake, "run", "-q"]
        samples: dict[str, list[int]] = defaultdict(list)
        for _ in range(args.runs):
            process = subprocess.run(
                [*argv, str(sealed), "--", "true"],
                env={"PATH": os.environ["PATH"], "ENVBAKE_KEY": key},
                capture_output=True,
                text=True,
                check=True,
            )
            for name, micros in top_level_imports(process.stderr).items():
                samples[name].append(micros)

    medians = {name: statistics.median(values) for name, values in samples.items()}
    print(f"Top-level imports of `envbake run` (median of {args.runs} runs, ms)\n")
    print("| module (with what it imports) | cumulative ms |")
    print("|---|--:|")
    for name, micros in sorted(medians.items(), key=lambda item: -item[1]):
        if micros >= 100:
            print(f"| {name} | {micros / 1000:.1f} |")
    total = sum(medians.values()) / 1000
    print(f"| all imports | {total:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
