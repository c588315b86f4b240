"""Benchmark envbake's start-up and scale against the tools users would pick.

Usage:
  python benchmarks/run.py            full run (a few minutes on 2 cores)
  python benchmarks/run.py --quick    a few runs of each, for CI; never
                                      fails on a time, only on a wrong result

It installs the tools into ``.cache/bench`` (see tools.py), generates
environments of 46, 1,000 and 10,000 variables and one of 10 MB, seals
them for every tool, checks that every tool gives back exactly the
generated variables, then times whole processes in alternation and prints
a Markdown table. docs/performance.md explains the figures.
"""

from __future__ import annotations

import argparse
import base64
import ctypes
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import envgen
import measure
import tools as tool_setup
from measure import Command, Result

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
ENVIRONMENT_NAME = "production"
BASE_PATH = "/usr/local/bin:/usr/bin:/bin"
# The label of the minimal Python baseline that every ratio divides by.
BASELINE = "python minimal"


@dataclass
class Size:
    """One generated environment and the files sealed from it."""

    name: str
    variables: dict[str, str]
    folder: Path
    files: dict[str, Path] = field(default_factory=dict)

    @property
    def fits_exec(self) -> bool:
        return envgen.environ_size(self.variables) < os.sysconf("SC_ARG_MAX")


@dataclass
class Row:
    """One line of the results table."""

    size: str
    operation: str
    label: str
    result: Result | None
    note: str = ""


class Bench:
    """Prepares inputs, checks results and collects the measured rows."""

    def __init__(
        self, args: argparse.Namespace, found: tool_setup.Tools, cache: Path
    ) -> None:
        self.args = args
        self.tools = found
        self.cache = cache
        self.rows: list[Row] = []
        self.errors: list[str] = []
        self.key = base64.b64encode(os.urandom(32)).decode()
        self.derived_key_file = cache / "derived-key.txt"
        self.derived_key_file.write_text(self._prepare("derive"))
        age = self._prepare("age-keygen").split()
        self.age_identity, self.age_recipient = age[0], age[1]
        self.dotenvx_seconds: dict[int, float] = {}
        self.env_path = shutil.which("env") or "/usr/bin/env"

    # -- set-up -----------------------------------------------------------

    def _prepare(self, *argv: str) -> str:
        process = subprocess.run(
            [self.tools.python, str(HERE / "prepare.py"), *argv],
            input=self.key,
            capture_output=True,
            text=True,
            check=False,
        )
        if process.returncode != 0:
            raise SystemExit(
                f"prepare.py {argv[0]} failed: {measure.first_line(process.stderr)}"
            )
        return process.stdout

    def base_env(self, **extra: str) -> dict[str, str]:
        env = {"PATH": BASE_PATH, "LANG": "C.UTF-8", "HOME": str(self.cache / "home")}
        env.update(extra)
        return env

    def make_size(self, name: str, variables: dict[str, str]) -> Size:
        # No commas in paths: dotenvx reads a comma in -f as a list of files.
        folder = self.cache / "data" / name.replace(",", "").replace(" ", "")
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        size = Size(name, variables, folder)
        size.files["plain"] = folder / "plain.env"
        size.files["plain"].write_text(envgen.to_dotenv(variables))
        size.files["json"] = folder / "variables.json"
        size.files["json"].write_text(json.dumps(variables))

        v2 = folder / "env.encrypted"
        # envbake's own file when it is installed, so that min_run.py reads
        # what envbake writes; the minimal encryptor's file otherwise.
        sealer = self.seal_commands(size)[0]
        self._setup_step(sealer, sealer.label)
        shutil.copy(sealer.argv[-1], v2)
        size.files["v2"] = v2

        size.files["v1"] = folder / "env.v1"
        self._prepare("v1", str(size.files["json"]), str(size.files["v1"]))

        if self.tools.sops:
            sops_file = folder / "sops.env"
            self._setup_step(self.sops_encrypt(size, sops_file), "sops encrypt")
            size.files["sops"] = sops_file
        return size

    def _setup_step(self, command: Command, what: str) -> None:
        _, status, stderr = measure.run_once(command)
        if status != 0:
            raise SystemExit(f"{what} failed: {measure.first_line(stderr)}")

    def sops_encrypt(self, size: Size, output: Path) -> Command:
        return Command(
            "sops encrypt",
            [
                self.tools.sops or "",
                "encrypt",
                "--age",
                self.age_recipient,
                "--input-type",
                "dotenv",
                "--output-type",
                "dotenv",
                "--output",
                str(output),
                str(size.files["plain"]),
            ],
            self.base_env(SOPS_DISABLE_VERSION_CHECK="true"),
        )

    def dotenvx_skip_reason(self, size: Size) -> str | None:
        if not self.tools.dotenvx:
            return self.tools.skipped.get("dotenvx", "not installed")
        count = len(size.variables)
        if self.args.quick and self.dotenvx_seconds:
            return "quick mode measures dotenvx at the smallest size only"
        measured = [(n, s) for n, s in self.dotenvx_seconds.items() if n < count]
        if measured:
            smaller, seconds = max(measured)
            estimate = seconds * count / smaller
            if estimate > self.args.max_run_seconds:
                return (
                    f"estimated {estimate:.0f} s a run or more (measured "
                    f"{seconds:.1f} s at {smaller:,} variables, scaled "
                    f"linearly), over the {self.args.max_run_seconds:.0f}"
                    " s limit of --max-run-seconds"
                )
        return None

    def dotenvx_encrypt(self, size: Size) -> str | None:
        """Encrypt the input with dotenvx; return its private key."""
        folder = size.folder / "dotenvx"
        folder.mkdir()
        target = folder / ".env"
        shutil.copy(size.files["plain"], target)
        started = time.perf_counter()
        process = subprocess.run(
            [
                self.tools.node or "",
                self.tools.dotenvx or "",
                "encrypt",
                "-f",
                str(target),
            ],
            cwd=folder,
            env=self.base_env(DOTENVX_NO_ARMOR="true"),
            capture_output=True,
            text=True,
            check=False,
            timeout=self.args.max_run_seconds * 10,
        )
        print(
            f"  dotenvx encrypt: {time.perf_counter() - started:.1f} s", file=sys.stderr
        )
        keys = folder / ".env.keys"
        if process.returncode != 0 or not keys.exists():
            self.errors.append(
                f"dotenvx encrypt failed at {size.name}: "
                f"{measure.first_line(process.stderr)}"
            )
            return None
        private_key = None
        for line in keys.read_text().splitlines():
            if line.startswith("DOTENV_PRIVATE_KEY="):
                private_key = line.split("=", 1)[1].strip().strip('"')
        # Moved away so that run must take the key from its variable.
        keys.rename(size.folder / "dotenvx.keys")
        size.files["dotenvx"] = target
        return private_key

    # -- commands ---------------------------------------------------------

    def run_commands(self, size: Size, command: list[str]) -> list[Command]:
        files = size.files
        minimal = Command(
            BASELINE,
            [
                self.tools.python,
                str(HERE / "min_run.py"),
                str(files["v2"]),
                str(self.derived_key_file),
                "--",
                *command,
            ],
            self.base_env(),
        )
        commands = [minimal]
        if self.tools.envbake:
            commands.insert(
                0,
                Command(
                    "envbake run",
                    [self.tools.envbake, "run", str(files["v2"]), "--", *command],
                    self.base_env(ENVBAKE_KEY=self.key),
                ),
            )
        if self.tools.node:
            commands.append(
                Command(
                    "node v1 entrypoint",
                    [
                        self.tools.node,
                        str(HERE / "v1_run.js"),
                        str(files["v1"]),
                        "--",
                        *command,
                    ],
                    self.base_env(EMP_ENV_DECRYPT_KEY=self.key),
                )
            )
        if "sops" in files:
            commands.append(
                Command(
                    "sops exec-env",
                    [
                        self.tools.sops or "",
                        "exec-env",
                        str(files["sops"]),
                        shlex.join(command),
                    ],
                    self.base_env(SOPS_AGE_KEY=self.age_identity),
                )
            )
        return commands

    def dotenvx_run(self, size: Size, private_key: str, command: list[str]) -> Command:
        return Command(
            "dotenvx run",
            [
                self.tools.node or "",
                self.tools.dotenvx or "",
                "run",
                "--quiet",
                "-f",
                str(size.files["dotenvx"]),
                "--",
                *command,
            ],
            self.base_env(DOTENV_PRIVATE_KEY=private_key, DOTENVX_NO_ARMOR="true"),
        )

    def export_commands(self, size: Size) -> list[Command]:
        files = size.files
        commands = [
            Command(
                BASELINE,
                [
                    self.tools.python,
                    str(HERE / "min_run.py"),
                    str(files["v2"]),
                    str(self.derived_key_file),
                    "--print",
                ],
                self.base_env(),
            )
        ]
        if self.tools.envbake:
            commands.insert(
                0,
                Command(
                    "envbake export",
                    [
                        self.tools.envbake,
                        "export",
                        str(files["v2"]),
                        "--format",
                        "json",
                    ],
                    self.base_env(ENVBAKE_KEY=self.key),
                ),
            )
        if "sops" in files:
            commands.append(
                Command(
                    "sops decrypt",
                    [
                        self.tools.sops or "",
                        "decrypt",
                        "--input-type",
                        "dotenv",
                        "--output-type",
                        "json",
                        str(files["sops"]),
                    ],
                    self.base_env(SOPS_AGE_KEY=self.age_identity),
                )
            )
        return commands

    def seal_commands(self, size: Size) -> list[Command]:
        """Return envbake's seal (if installed) first, then the baselines."""
        files, folder = size.files, size.folder
        commands = []
        if self.tools.envbake:
            commands.append(
                Command(
                    "envbake seal",
                    [
                        self.tools.envbake,
                        "seal",
                        "--input",
                        str(files["plain"]),
                        "--environment",
                        ENVIRONMENT_NAME,
                        "-o",
                        str(folder / "sealed-envbake"),
                    ],
                    self.base_env(ENVBAKE_ENCRYPT_KEY=self.key),
                )
            )
        commands.append(
            Command(
                BASELINE,
                [
                    self.tools.python,
                    str(HERE / "min_seal.py"),
                    str(files["plain"]),
                    str(self.derived_key_file),
                    ENVIRONMENT_NAME,
                    str(folder / "sealed-minimal"),
                ],
                self.base_env(),
            )
        )
        if self.tools.sops and "sops" in files:
            commands.append(self.sops_encrypt(size, folder / "sealed-sops.env"))
        return commands

    # -- correctness ------------------------------------------------------

    def _output_of(self, command: Command) -> tuple[int, str, str]:
        with tempfile.NamedTemporaryFile(
            "r", encoding="utf-8", errors="replace"
        ) as out:
            _, status, stderr = measure.run_once(command, out.name)
            return status, out.read(), stderr

    def _succeeded(
        self, command: Command, size: Size, status: int, stderr: str
    ) -> bool:
        if status == 0:
            return True
        self.errors.append(
            f"{command.label} at {size.name}: exit status "
            f"{status}: {measure.first_line(stderr)}"
        )
        return False

    def _compare(self, label: str, size: Size, got: dict[str, str]) -> bool:
        missing = [n for n in size.variables if n not in got]
        wrong = [n for n in size.variables if n in got and got[n] != size.variables[n]]
        if missing or wrong:
            # Names only: the generated values stand for secrets.
            self.errors.append(
                f"{label} at {size.name}: {len(missing)} variables missing, "
                f"{len(wrong)} with other values (first: "
                f"{(missing + wrong)[0]})"
            )
            return False
        return True

    def verify_run(self, size: Size, commands: list[Command]) -> list[Command]:
        """Return the commands whose child process receives every variable."""
        good = []
        for command in commands:
            dump = self._with_command(command, [self.env_path, "-0"])
            status, output, stderr = self._output_of(dump)
            if not self._succeeded(command, size, status, stderr):
                continue
            pairs = (item.split("=", 1) for item in output.split("\0") if item)
            if self._compare(command.label, size, dict(pairs)):
                good.append(command)
        return good

    def _with_command(self, command: Command, new: list[str]) -> Command:
        argv = list(command.argv)
        if command.label == "sops exec-env":
            argv[-1] = shlex.join(new)
        else:
            argv = argv[: argv.index("--") + 1] + new
        return Command(
            command.label, argv, command.env, command.expect_status, command.max_runs
        )

    def verify_json(self, size: Size, commands: list[Command]) -> list[Command]:
        good = []
        for command in commands:
            status, output, stderr = self._output_of(command)
            if not self._succeeded(command, size, status, stderr):
                continue
            try:
                got = json.loads(output)
            except ValueError:
                self.errors.append(
                    f"{command.label} at {size.name}: output is not JSON"
                )
                continue
            if isinstance(got, dict) and isinstance(got.get("variables"), dict):
                got = got["variables"]
            if self._compare(command.label, size, got) and len(got) == len(
                size.variables
            ):
                good.append(command)
            elif len(got) != len(size.variables):
                self.errors.append(
                    f"{command.label} at {size.name}: "
                    f"{len(got)} variables, expected "
                    f"{len(size.variables)}"
                )
        return good

    def verify_seal(self, size: Size, commands: list[Command]) -> list[Command]:
        """Seal with each command, then open every output with a reader."""
        good = []
        for command in commands:
            status, _, stderr = self._output_of(command)
            if not self._succeeded(command, size, status, stderr):
                continue
            output = Path(
                command.argv[command.argv.index("-o") + 1]
                if "-o" in command.argv
                else command.argv[command.argv.index("--output") + 1]
                if "--output" in command.argv
                else command.argv[-1]
            )
            if command.label == "sops encrypt":
                reader = Command(
                    "sops decrypt",
                    [
                        self.tools.sops or "",
                        "decrypt",
                        "--input-type",
                        "dotenv",
                        "--output-type",
                        "json",
                        str(output),
                    ],
                    self.base_env(SOPS_AGE_KEY=self.age_identity),
                )
            else:
                reader = Command(
                    f"{command.label} (opened by min_run.py)",
                    [
                        self.tools.python,
                        str(HERE / "min_run.py"),
                        str(output),
                        str(self.derived_key_file),
                        "--print",
                    ],
                    self.base_env(),
                )
            if self.verify_json(size, [reader]):
                good.append(command)
        return good

    # -- measuring --------------------------------------------------------

    def record(
        self,
        size: Size,
        operation: str,
        commands: list[Command],
        skipped: dict[str, str],
    ) -> None:
        print(
            f"{size.name}: {operation}: {', '.join(c.label for c in commands)}",
            file=sys.stderr,
        )
        results = measure.measure_group(
            commands,
            self.args.warmups,
            self.args.runs,
            self.args.budget_seconds,
            self.args.memory_runs,
        )
        for result in results:
            if result.failure:
                self.errors.append(
                    f"{result.command.label} at {size.name}, "
                    f"{operation}: {result.failure}"
                )
            self.rows.append(Row(size.name, operation, result.command.label, result))
        for label, reason in skipped.items():
            self.rows.append(Row(size.name, operation, label, None, reason))

    def bench_size(self, size: Size) -> None:
        skipped: dict[str, str] = {}
        for name, label in [
            ("envbake", "envbake run"),
            ("node", "node v1 entrypoint"),
            ("sops", "sops exec-env"),
        ]:
            if name in self.tools.skipped:
                skipped[label] = self.tools.skipped[name]
        if size.fits_exec:
            commands = self.verify_run(size, self.run_commands(size, ["true"]))
            reason = self.dotenvx_skip_reason(size)
            if reason:
                skipped["dotenvx run"] = reason
            else:
                private_key = self.dotenvx_encrypt(size)
                if private_key:
                    dotenvx = self.dotenvx_run(size, private_key, ["true"])
                    commands += self.verify_run(size, [dotenvx])
            self.record(size, "run", commands, skipped)
            for result in self.rows:
                if (
                    result.label == "dotenvx run"
                    and result.result
                    and result.size == size.name
                    and result.result.seconds
                ):
                    self.dotenvx_seconds[len(size.variables)] = result.result.median
        else:
            self.bench_too_large(size, skipped)

        export = self.verify_json(size, self.export_commands(size))
        self.record(size, "export", export, {})
        seal = self.verify_seal(size, self.seal_commands(size))
        self.record(size, "seal", seal, {})

    def bench_too_large(self, size: Size, skipped: dict[str, str]) -> None:
        """Time how fast each reader reports an environment exec refuses."""
        commands = []
        for command in self.run_commands(size, ["true"]):
            if command.label == "envbake run":
                command.expect_status = 10
                status, _, stderr = self._output_of(command)
                message = measure.first_line(stderr)
                leaked = any(
                    value in stderr for value in list(size.variables.values())[:50]
                )
                if status != 10 or leaked:
                    self.errors.append(
                        f"envbake run at {size.name}: exit status {status}, "
                        f"expected 10" + (" and a value was printed" if leaked else "")
                    )
                    continue
                self.too_large_message = message
                commands.append(command)
            elif command.label == BASELINE:
                command.expect_status = 1
                commands.append(command)
            else:
                skipped[command.label] = (
                    "a 10 MB environment cannot be passed to a new process "
                    "(execve fails with E2BIG)"
                )
        skipped["dotenvx run"] = "a 10 MB environment cannot be passed to a new process"
        self.record(size, "run (fails: too large)", commands, skipped)

    def startup_anatomy(self) -> None:
        """Time the parts that bound start-up, each as a whole process."""
        python = self.tools.python
        parts = [
            ("exec of true", ["/usr/bin/true"]),
            ("python -c pass", [python, "-c", "pass"]),
            (
                "python: import AES binding",
                [
                    python,
                    "-c",
                    "from cryptography.hazmat.bindings._rust import openssl",
                ],
            ),
            (
                "python: import json, zlib, binascii",
                [python, "-c", "import json, zlib, binascii"],
            ),
            (
                "python: import public AEAD and HKDF API",
                [
                    python,
                    "-c",
                    "from cryptography.hazmat.primitives.ciphers.aead import AESSIV;"
                    "from cryptography.hazmat.primitives.kdf.hkdf import HKDF",
                ],
            ),
        ]
        if self.tools.envbake:
            parts.append(
                ("python: import envbake.cli", [python, "-c", "import envbake.cli"])
            )
        if self.tools.node:
            parts.append(("node -e 0", [self.tools.node, "-e", "0"]))
        commands = [Command(label, argv, self.base_env()) for label, argv in parts]
        results = measure.measure_group(
            commands, self.args.warmups, self.args.runs, 30.0, 1
        )
        for result in results:
            self.rows.append(Row("-", "start-up parts", result.command.label, result))


# -- report ---------------------------------------------------------------


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f}" if seconds < 10 else f"{seconds:,.1f} s"


def _duration(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def _range(result: Result) -> str:
    return f"{_ms(min(result.seconds))}-{_ms(max(result.seconds))}"


def table(rows: list[Row]) -> str:
    lines = [
        "| environment | operation | tool | median ms | min-max ms | "
        "runs | x minimal | peak RSS MiB |",
        "|---|---|---|--:|--:|--:|--:|--:|",
    ]
    baselines = {
        (r.size, r.operation): r.result
        for r in rows
        if r.label == BASELINE and r.result and r.result.seconds
    }
    for row in rows:
        result = row.result
        if result is None or not result.seconds:
            reason = row.note or (result.failure if result else "") or "?"
            lines.append(
                f"| {row.size} | {row.operation} | {row.label} | "
                f"skipped: {reason} | | | | |"
            )
            continue
        base = baselines.get((row.size, row.operation))
        ratio = f"{result.median / base.median:.2f}" if base else ""
        peak = (
            f"{statistics.median(result.peak_kib) / 1024:.1f}"
            if result.peak_kib
            else "n/a"
        )
        lines.append(
            f"| {row.size} | {row.operation} | {row.label} | "
            f"{_ms(result.median)} | {_range(result)} | "
            f"{len(result.seconds)} | {ratio} | {peak} |"
        )
    return "\n".join(lines)


def _find(rows: list[Row], size: str, operation: str, label: str) -> Result | None:
    for row in rows:
        if (
            (row.size, row.operation, row.label) == (size, operation, label)
            and row.result
            and row.result.seconds
        ):
            return row.result
    return None


def targets(rows: list[Row]) -> list[str]:
    """Check the project's ratio targets against this run's figures."""
    lines = []

    def verdict(ok: bool, text: str) -> None:
        lines.append(f"- {'met' if ok else 'NOT met'}: {text}")

    for size in ("46", "1,000", "10,000"):
        envbake = _find(rows, size, "run", "envbake run")
        base = _find(rows, size, "run", BASELINE)
        if not envbake or not base:
            lines.append(f"- not measured: run at {size} variables")
            continue
        ratio = envbake.median / base.median
        verdict(
            ratio <= 1.5,
            f"{size} variables: envbake run is "
            f"{ratio:.2f}x the minimal Python baseline (at most 1.5x)",
        )
        for peer in ("sops exec-env", "node v1 entrypoint", "dotenvx run"):
            other = _find(rows, size, "run", peer)
            if other is None or (size == "46" and peer != "sops exec-env"):
                continue
            verdict(
                envbake.median <= other.median,
                f"{size} variables: envbake run {_duration(envbake.median)} "
                f"vs {peer} {_duration(other.median)}",
            )
        if size == "10,000" and envbake.peak_kib and base.peak_kib:
            memory = statistics.median(envbake.peak_kib) / statistics.median(
                base.peak_kib
            )
            verdict(
                memory <= 1.5,
                f"10,000 variables: peak memory of "
                f"envbake run is {memory:.2f}x the baseline's (at most "
                "1.5x)",
            )
    seal = _find(rows, "1,000", "seal", "envbake seal")
    seal_base = _find(rows, "1,000", "seal", BASELINE)
    if seal and seal_base:
        ratio = seal.median / seal_base.median
        verdict(
            ratio <= 2.0,
            f"1,000 variables: envbake seal is {ratio:.2f}x"
            " the minimal Python encryptor (at most 2x)",
        )
    too_large = _find(rows, "10 MB", "run (fails: too large)", "envbake run")
    if too_large:
        verdict(
            too_large.median < 0.5,
            "10 MB: envbake reports the "
            f"environment as too large in {_duration(too_large.median)}",
        )
    return lines


# -- main -----------------------------------------------------------------


def isolate_network() -> str:
    """Move this process, and so every tool it starts, to an empty network.

    Some tools under test can contact their vendors' servers (dotenvx's
    update check and key service, sops' version check). Their opt-out
    variables are set as well; the namespace makes sure that nothing
    leaves the machine. It needs root; without it, only the variables hold.
    """
    clone_newnet = 0x40000000
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(clone_newnet) != 0:
        return (
            "not isolated from the network (unshare: "
            f"{os.strerror(ctypes.get_errno())}); opt-out variables set"
        )
    return "run in an empty network namespace"


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="1 warm-up and 3 runs of each; for CI"
    )
    parser.add_argument(
        "--runs",
        type=int,
        default=None,
        help="measured runs of each command (default 41)",
    )
    parser.add_argument(
        "--warmups", type=int, default=None, help="unmeasured runs first (default 3)"
    )
    parser.add_argument(
        "--memory-runs",
        type=int,
        default=None,
        help="runs under GNU time for peak memory (default 3)",
    )
    parser.add_argument(
        "--budget-seconds",
        type=float,
        default=None,
        help="time a slow command may take per group; it "
        "gets fewer runs (default 60, 5 with --quick)",
    )
    parser.add_argument(
        "--max-run-seconds",
        type=float,
        default=60.0,
        help="skip a tool whose estimated single run is longer (default 60)",
    )
    parser.add_argument(
        "--sizes",
        default="46,1000,10000,10MB",
        help="comma-separated sizes (default: all four)",
    )
    parser.add_argument(
        "--cache",
        type=Path,
        default=REPO / ".cache" / "bench",
        help="folder for tools and data (default .cache/bench)",
    )
    parser.add_argument(
        "--current-python",
        action="store_true",
        help="use this interpreter and the envbake on PATH "
        "instead of a virtual environment in the cache",
    )
    parser.add_argument(
        "--json",
        type=Path,
        default=None,
        help="also write the results as JSON to this file",
    )
    parser.add_argument(
        "--no-netns",
        action="store_true",
        help="do not move into an empty network namespace",
    )
    args = parser.parse_args(argv)
    quick = args.quick
    args.runs = args.runs or (3 if quick else 41)
    if args.warmups is None:
        args.warmups = 1 if quick else 3
    if args.memory_runs is None:
        args.memory_runs = 1 if quick else 3
    args.budget_seconds = args.budget_seconds or (5.0 if quick else 60.0)
    return args


def make_variables(spec: str) -> tuple[str, dict[str, str]]:
    if spec.upper().endswith("MB"):
        total = int(float(spec[:-2]) * 1024 * 1024)
        return f"{spec[:-2]} MB", envgen.generate_bytes(total)
    count = int(spec)
    return f"{count:,}", envgen.generate(count)


def write_json(path: Path, bench: Bench) -> None:
    data = {"versions": bench.tools.versions, "rows": []}
    for row in bench.rows:
        result = row.result
        data["rows"].append(
            {
                "environment": row.size,
                "operation": row.operation,
                "tool": row.label,
                "note": row.note,
                "seconds": result.seconds if result else [],
                "peak_kib": result.peak_kib if result else [],
                "failure": result.failure if result else None,
            }
        )
    path.write_text(json.dumps(data, indent=1))


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    cache = args.cache.resolve()
    (cache / "home").mkdir(parents=True, exist_ok=True)
    found = tool_setup.install(REPO, cache, args.current_python)
    if "envbake" in found.skipped and (REPO / "src" / "envbake").exists():
        print(
            f"envbake could not be installed: {found.skipped['envbake']}",
            file=sys.stderr,
        )
        return 1
    network = "network isolation disabled" if args.no_netns else isolate_network()
    os.chdir(cache)

    bench = Bench(args, found, cache)
    for spec in args.sizes.split(","):
        name, variables = make_variables(spec.strip())
        print(
            f"{name}: preparing {len(variables):,} variables, "
            f"{envgen.environ_size(variables):,} bytes",
            file=sys.stderr,
        )
        bench.bench_size(bench.make_size(name, variables))
    if not args.quick:
        bench.startup_anatomy()

    print(f"Tools: {json.dumps(found.versions)}; {os.cpu_count()} cores; {network}.")
    for name, reason in found.skipped.items():
        print(f"Skipped {name}: {reason}")
    print()
    print(table(bench.rows))
    print()
    if getattr(bench, "too_large_message", None):
        print(f"envbake's message for 10 MB: {bench.too_large_message}")
    print("\n".join(targets(bench.rows)))
    print(f"\nTotal time: {time.perf_counter() - started:.0f} s")
    if args.json:
        write_json(args.json, bench)
    if bench.errors:
        print("\nErrors (wrong results, not times):", file=sys.stderr)
        for error in bench.errors:
            print(f"- {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
