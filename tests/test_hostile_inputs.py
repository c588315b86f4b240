"""Hostile sealed files, keys, inputs and outputs: each is rejected with
its own documented status and message, never an internal error, a hang,
a half-written file or a leaked value.

Hostile sealed files are built here with the test key and the documented
v1 and v2 formats, so that their content is authenticated and only the
plaintext is hostile.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import os
import resource
import stat
import subprocess
import sys
import textwrap
import zlib
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes, hmac, padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESSIV
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

KEY = "+vG2poVpPjn9sgkddDqxsC+9VSBMNPBP/vROmt5AGC4="
KEY_BYTES = base64.b64decode(KEY)
# The known exit statuses; anything else (70 included) is a finding.
KNOWN_FAILURES = {2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 126, 127}


def envbake(*arguments, env=None, cwd=None, timeout=60, **kwargs):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("ENVBAKE")}
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "envbake", *arguments],
        env=environment,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        **kwargs,
    )


def hkdf(info: bytes, length: int) -> bytes:
    return HKDF(hashes.SHA256(), length, salt=None, info=info).derive(KEY_BYTES)


def v2_file(plaintext: bytes, environment: str = "") -> str:
    """Seal raw compressed-JSON bytes in v2 siv mode with the test key."""
    key_id = hkdf(b"envbake v2 key id", 8).hex()
    header = f"envbake:v2:siv:{key_id}:{environment}:"
    cipher = AESSIV(hkdf(b"envbake v2 aes-siv key", 64))
    sealed = b"\x00" + cipher.encrypt(zlib.compress(plaintext), [header.encode()])
    payload = base64.urlsafe_b64encode(sealed).decode().rstrip("=")
    return header + payload + "\n"


def v2_document(json_text: str, environment: str = "") -> str:
    return v2_file(json_text.encode("utf-8", "surrogatepass"), environment)


def v1_file(gzipped: bytes, key_text: str = KEY) -> str:
    """Seal raw gzip bytes in the v1 format with ``key_text``."""
    decoded = base64.b64decode(key_text) if len(key_text) == 44 else b""
    key = decoded if len(decoded) == 32 else hashlib.sha256(key_text.encode()).digest()
    iv = bytes(16)
    padder = padding.PKCS7(128).padder()
    padded = padder.update(gzipped) + padder.finalize()
    encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    ciphertext = encryptor.update(padded) + encryptor.finalize()
    mac = hmac.HMAC(key, hashes.SHA256())
    mac.update(iv + ciphertext)
    return base64.b64encode(iv + ciphertext + mac.finalize()).decode()


def v1_document(json_text: str) -> str:
    return v1_file(gzip.compress(json_text.encode("utf-8", "surrogatepass"), mtime=0))


def variables_document(variables_json: str) -> str:
    return '{"environment":"","mode":"siv","variables":' + variables_json + "}"


def seal_dotenv(tmp_path: Path, text: str, *extra: str) -> subprocess.CompletedProcess:
    (tmp_path / "in.env").write_text(text)
    return envbake(
        "seal",
        "-i",
        "in.env",
        "-o",
        "out.enc",
        *extra,
        env={"ENVBAKE_ENCRYPT_KEY": KEY},
        cwd=tmp_path,
    )


def export_json(tmp_path: Path, name: str = "out.enc") -> dict:
    result = envbake(
        "export", name, "--format", "json", env={"ENVBAKE_KEY": KEY}, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


# --- key material in the sealed file ---------------------------------------


def test_seal_drops_key_written_in_other_spellings(tmp_path):
    spellings = {
        "KEY_HEX": KEY_BYTES.hex(),
        "KEY_HEX_UPPER": KEY_BYTES.hex().upper(),
        "KEY_UNPADDED": KEY.rstrip("="),
        "KEY_URLSAFE": base64.urlsafe_b64encode(KEY_BYTES).decode().rstrip("="),
    }
    text = "".join(f"{name}={value}\n" for name, value in spellings.items())
    assert seal_dotenv(tmp_path, text).returncode == 0
    sealed = export_json(tmp_path)
    leaked = sorted(name for name in spellings if name in sealed)
    assert leaked == []


# --- composing ----------------------------------------------------------------


def test_v1_passphrase_from_key_file_with_newline(tmp_path):
    passphrase = "3f2504e0-4f89-11d3-9a0c-0305e82c3301"
    (tmp_path / "a.env").write_text("A=1\n")
    sealed = envbake(
        "seal",
        "--format",
        "v1",
        "-i",
        "a.env",
        "-o",
        "v1.enc",
        env={"ENVBAKE_ENCRYPT_KEY": passphrase},
        cwd=tmp_path,
    )
    assert sealed.returncode == 0, sealed.stderr
    (tmp_path / "key").write_text(
        passphrase + "\n"
    )  # as `echo` or a secret store writes it
    result = envbake("verify", "v1.enc", "--key-file", "key", cwd=tmp_path)
    assert result.returncode == 0, result.stderr


# --- output files ------------------------------------------------------------------


def test_seal_does_not_replace_a_fifo(tmp_path):
    os.mkfifo(tmp_path / "out.enc")
    result = seal_dotenv(tmp_path, "A=1\n")
    assert stat.S_ISFIFO(os.lstat(tmp_path / "out.enc").st_mode), "FIFO was replaced"
    assert result.returncode == 8


def test_seal_failing_on_info_keeps_old_sealed_file(tmp_path):
    (tmp_path / "out.enc").write_text("OLD\n")
    (tmp_path / "out.enc.info").mkdir()
    result = seal_dotenv(tmp_path, "A=1\n")
    assert result.returncode == 8
    assert (tmp_path / "out.enc").read_text() == "OLD\n"


def test_seal_bad_source_date_epoch_writes_nothing(tmp_path):
    (tmp_path / "in.env").write_text("A=1\n")
    (tmp_path / "out.enc").write_text("OLD\n")
    result = envbake(
        "seal",
        "-i",
        "in.env",
        "-o",
        "out.enc",
        env={"ENVBAKE_ENCRYPT_KEY": KEY, "SOURCE_DATE_EPOCH": "99999999999999999999"},
        cwd=tmp_path,
    )
    assert result.returncode in KNOWN_FAILURES | {0}, result.stderr
    if result.returncode != 0:
        assert (tmp_path / "out.enc").read_text() == "OLD\n"


# --- verify agrees with run ------------------------------------------------------


def test_verify_rejects_name_run_rejects(tmp_path):
    (tmp_path / "eq.enc").write_text(v2_document(variables_document('{"A=B":"1"}')))
    run = envbake("run", "eq.enc", "--", "true", env={"ENVBAKE_KEY": KEY}, cwd=tmp_path)
    verify = envbake("verify", "eq.enc", env={"ENVBAKE_KEY": KEY}, cwd=tmp_path)
    assert run.returncode == 8
    assert verify.returncode == run.returncode


def test_verify_rejects_v1_nul_value(tmp_path):
    (tmp_path / "nul.enc").write_text(v1_document('{"A":"x\\u0000y"}'))
    verify = envbake("verify", "nul.enc", env={"ENVBAKE_KEY": KEY}, cwd=tmp_path)
    assert verify.returncode == 8


# --- hostile plaintexts: no internal errors ----------------------------------------


def test_lone_surrogate_value_has_own_status(tmp_path):
    (tmp_path / "s.enc").write_text(v2_document(variables_document('{"A":"\\ud800"}')))
    for arguments in (
        ("export", "s.enc", "--format", "json"),
        ("export", "s.enc", "--format", "sh"),
        ("run", "s.enc", "--", "true"),
    ):
        result = envbake(*arguments, env={"ENVBAKE_KEY": KEY}, cwd=tmp_path)
        assert result.returncode in {5, 8}, (arguments, result.stderr)


def test_v1_lone_surrogate_from_node_has_own_status(tmp_path):
    # JSON.stringify in Node.js 12+ writes a lone surrogate as \ud800.
    (tmp_path / "s.enc").write_text(v1_document('{"A":"\\ud800"}'))
    result = envbake(
        "run", "s.enc", "--", "true", env={"ENVBAKE_KEY": KEY}, cwd=tmp_path
    )
    assert result.returncode in {5, 8}, result.stderr


def test_deeply_nested_v2_json_is_damaged(tmp_path):
    deep = '{"variables":{},"x":' + "[" * 100000 + "]" * 100000 + "}"
    (tmp_path / "d.enc").write_text(v2_document(deep))
    result = envbake("verify", "d.enc", env={"ENVBAKE_KEY": KEY}, cwd=tmp_path)
    assert result.returncode == 5, result.stderr


def test_deeply_nested_v1_json_is_damaged(tmp_path):
    (tmp_path / "d.enc").write_text(v1_document("[" * 100000 + "]" * 100000))
    result = envbake("verify", "d.enc", env={"ENVBAKE_KEY": KEY}, cwd=tmp_path)
    assert result.returncode == 5, result.stderr


def test_v1_many_gzip_members_finish_quickly(tmp_path):
    (tmp_path / "m.enc").write_text(v1_file(gzip.compress(b"", 9) * 200000))
    result = envbake(
        "verify", "m.enc", env={"ENVBAKE_KEY": KEY}, cwd=tmp_path, timeout=10
    )
    assert result.returncode == 5


def test_v1_over_limit_names_the_limit(tmp_path):
    big = gzip.compress(b'{"A":"' + b"a" * (70 * 1024 * 1024) + b'"}', 9)
    (tmp_path / "b.enc").write_text(v1_file(big))
    result = envbake("verify", "b.enc", env={"ENVBAKE_KEY": KEY}, cwd=tmp_path)
    assert result.returncode == 5
    assert "--max-size" in result.stderr


# --- export --format dotenv ------------------------------------------------------------


def ok_file(tmp_path: Path) -> str:
    (tmp_path / "ok.enc").write_text(v2_document(variables_document('{"A":"1"}')))
    return "ok.enc"


def test_run_empty_command_name_is_usage_error(tmp_path):
    result = envbake(
        "run", ok_file(tmp_path), "--", "", env={"ENVBAKE_KEY": KEY}, cwd=tmp_path
    )
    assert result.returncode == 2, result.stderr


def test_run_max_size_too_large_number(tmp_path):
    result = envbake(
        "run",
        "--max-size=99999999999999999999",
        ok_file(tmp_path),
        "--",
        "true",
        env={"ENVBAKE_KEY": KEY},
        cwd=tmp_path,
    )
    assert result.returncode in {0, 2}, result.stderr


def test_run_max_size_superscript_digit_is_usage_error(tmp_path):
    result = envbake(
        "run",
        "--max-size=\u00b2",
        ok_file(tmp_path),
        "--",
        "true",
        env={"ENVBAKE_KEY": KEY},
        cwd=tmp_path,
    )
    assert result.returncode == 2, result.stderr


def test_verify_negative_max_size_is_usage_error(tmp_path):
    result = envbake(
        "verify",
        ok_file(tmp_path),
        "--max-size",
        "-1",
        env={"ENVBAKE_KEY": KEY},
        cwd=tmp_path,
    )
    assert result.returncode == 2, result.stderr


def test_verify_huge_max_size_is_no_internal_error(tmp_path):
    result = envbake(
        "verify",
        ok_file(tmp_path),
        "--max-size",
        "99999999999999999999",
        env={"ENVBAKE_KEY": KEY},
        cwd=tmp_path,
    )
    assert result.returncode in {0, 2}, result.stderr


# --- standard streams -----------------------------------------------------------------


def test_key_on_closed_stdin_is_no_key(tmp_path):
    script = f'exec 0<&-; exec "{sys.executable}" -m envbake verify ok.enc --key-file -'
    ok_file(tmp_path)
    result = subprocess.run(
        ["sh", "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 3, result.stderr


def test_run_starts_command_with_stderr_closed(tmp_path):
    ok_file(tmp_path)
    script = (
        f'exec 2>&-; exec "{sys.executable}" -m envbake run ok.enc -- '
        "sh -c 'echo $A > marker'"
    )
    environment = dict(os.environ, ENVBAKE_KEY=KEY)
    result = subprocess.run(
        ["sh", "-c", script],
        cwd=tmp_path,
        env=environment,
        capture_output=False,
        stdout=subprocess.PIPE,
        timeout=60,
    )
    assert result.returncode == 0
    assert (tmp_path / "marker").read_text() == "1\n"


def test_export_to_full_disk_has_own_status(tmp_path):
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "envbake",
                "export",
                ok_file(tmp_path),
                "--format",
                "json",
            ],
            env=dict(os.environ, ENVBAKE_KEY=KEY),
            cwd=tmp_path,
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    assert result.returncode in KNOWN_FAILURES, result.stderr


# --- unbounded reads ----------------------------------------------------------------------


def limit_memory():
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


def test_key_file_dev_zero_fails_cleanly(tmp_path):
    result = envbake(
        "verify",
        ok_file(tmp_path),
        "--key-file",
        "/dev/zero",
        cwd=tmp_path,
        preexec_fn=limit_memory,
    )
    assert result.returncode in {3, 8}, result.stderr


def test_sealed_file_dev_zero_fails_cleanly(tmp_path):
    result = envbake(
        "verify",
        "/dev/zero",
        env={"ENVBAKE_KEY": KEY},
        cwd=tmp_path,
        preexec_fn=limit_memory,
    )
    assert result.returncode in {5, 6}, result.stderr


# --- inspect ---------------------------------------------------------------------------------


def test_inspect_deeply_nested_info(tmp_path):
    ok_file(tmp_path)
    (tmp_path / "ok.enc.info").write_text("[" * 100000 + "]" * 100000)
    result = envbake("inspect", "ok.enc", cwd=tmp_path)
    assert result.returncode == 0, result.stderr


def test_inspect_info_cannot_forge_lines(tmp_path):
    ok_file(tmp_path)
    (tmp_path / "ok.enc.info").write_text(json.dumps({"x": "1\nformat: v9\x1b[2J"}))
    result = envbake("inspect", "ok.enc", cwd=tmp_path)
    assert result.returncode == 0
    forged = [
        line for line in result.stdout.splitlines() if line.startswith("format: v9")
    ]
    assert forged == []
    assert "\x1b" not in result.stdout


# --- damaged files ------------------------------------------------------------------------------


def test_truncated_header_is_damaged_not_unsupported(tmp_path):
    (tmp_path / "t.enc").write_text("envbake:v")
    result = envbake("verify", "t.enc", env={"ENVBAKE_KEY": KEY}, cwd=tmp_path)
    assert result.returncode == 5, result.stderr


def test_sealed_file_with_crlf_ending_opens(tmp_path):
    text = v2_document(variables_document('{"A":"1"}'))
    (tmp_path / "c.enc").write_bytes(text.replace("\n", "\r\n").encode())
    result = envbake("verify", "c.enc", env={"ENVBAKE_KEY": KEY}, cwd=tmp_path)
    assert result.returncode == 0, result.stderr


# --- Python API ---------------------------------------------------------------------------------


def run_python(tmp_path: Path, code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_load_changes_nothing_when_a_name_is_invalid(tmp_path):
    document = variables_document('{"AAA_SET_FIRST":"1","B=C":"x"}')
    (tmp_path / "p.enc").write_text(v2_document(document))
    result = run_python(
        tmp_path,
        f"""
        import os, envbake
        try:
            envbake.load("p.enc", key={KEY!r})
        except envbake.EnvbakeError:
            pass
        print("AAA_SET_FIRST" in os.environ)
        """,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_api_seal_surrogate_raises_envbake_error(tmp_path):
    result = run_python(
        tmp_path,
        f"""
        import envbake
        try:
            envbake.seal({{"A": "\\ud800"}}, {KEY!r})
        except envbake.EnvbakeError:
            print("envbake error")
        """,
    )
    assert result.stdout.strip() == "envbake error", result.stderr


# --- shells, outputs and settings files --------------------------------------


def sealed_with(tmp_path: Path, text: str, name: str = "out.enc") -> Path:
    (tmp_path / "in.env").write_text(text)
    result = envbake(
        "seal",
        "-i",
        "in.env",
        "-o",
        name,
        env={"ENVBAKE_ENCRYPT_KEY": KEY},
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    return tmp_path / name


def test_sh_export_refuses_a_name_bash_protects(tmp_path):
    # bash makes UID read-only: `export UID=...` fails and stops a set -e script.
    sealed_with(tmp_path, "UID=secret-uid-value\nOTHER=1\n")

    result = envbake(
        "export", "out.enc", "--format", "sh", env={"ENVBAKE_KEY": KEY}, cwd=tmp_path
    )

    assert result.returncode == 8
    assert "UID" in result.stderr
    assert "secret-uid-value" not in result.stderr
    assert result.stdout == ""


def test_decrypt_refuses_to_write_over_the_sealed_file(tmp_path):
    sealed = sealed_with(tmp_path, "TOKEN=plain-secret\n")
    before = sealed.read_bytes()

    result = envbake(
        "decrypt", "out.enc", "-o", "./out.enc", env={"ENVBAKE_KEY": KEY}, cwd=tmp_path
    )

    assert result.returncode == 8
    assert "./out.enc is the sealed file" in result.stderr
    assert sealed.read_bytes() == before


def test_settings_in_world_writable_folder_ignored(tmp_path):
    from envbake import config

    shared = tmp_path / "shared"
    project = shared / "project"
    project.mkdir(parents=True)
    (shared / "envbake.toml").write_text('environments = ["planted"]\n')
    shared.chmod(0o1777)

    assert config.find_settings_file(project) is None


def test_settings_search_stops_at_the_repository_root(tmp_path):
    from envbake import config

    repository = tmp_path / "repository"
    (repository / ".git").mkdir(parents=True)
    (tmp_path / "envbake.toml").write_text('environments = ["outside"]\n')

    assert config.find_settings_file(repository) is None
    (repository / "envbake.toml").write_text('environments = ["inside"]\n')
    assert config.find_settings_file(repository) == str(repository / "envbake.toml")


def test_settings_file_not_utf8_is_input_error(tmp_path):
    (tmp_path / "envbake.toml").write_bytes(b'environments = ["caf\xe9"]\n')

    result = envbake("compose", "--env", "x", cwd=tmp_path)

    assert result.returncode == 8
    assert "envbake.toml is not valid UTF-8" in result.stderr


def test_settings_file_nested_too_deeply_is_input_error(tmp_path):
    (tmp_path / "envbake.toml").write_text("x = " + "[" * 5000 + "]" * 5000 + "\n")

    result = envbake("compose", "--env", "x", cwd=tmp_path)

    assert result.returncode == 8, result.stderr
    assert "envbake.toml" in result.stderr


def test_component_glob_skips_a_fifo(tmp_path):
    components = tmp_path / "components"
    components.mkdir()
    (components / "a.env").write_text("FROM_A=1\n")
    os.mkfifo(components / "b.env")
    (tmp_path / "envbake.toml").write_text(
        'components = ["components/*.env"]\nenvironments = ["dev"]\n'
    )

    result = envbake(
        "compose",
        "--env",
        "dev",
        "--format",
        "json",
        "--show-values",
        cwd=tmp_path,
        timeout=20,
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"FROM_A": "1"}


def test_seal_reads_input_from_a_pipe(tmp_path):
    # As with process substitution: seal --input <(sops -d secrets.env).
    result = envbake(
        "seal",
        "-i",
        "/dev/stdin",
        "-o",
        "out.enc",
        input="PIPED=yes\n",
        env={"ENVBAKE_ENCRYPT_KEY": KEY},
        cwd=tmp_path,
    )

    assert result.returncode == 0, result.stderr
    assert export_json(tmp_path) == {"PIPED": "yes"}


def test_seal_over_the_size_limit_writes_nothing(tmp_path):
    (tmp_path / "in.env").write_text("BIG=" + "x" * 2000 + "\n")

    result = envbake(
        "seal",
        "-i",
        "in.env",
        "-o",
        "out.enc",
        "--max-size",
        "1000",
        env={"ENVBAKE_ENCRYPT_KEY": KEY},
        cwd=tmp_path,
    )

    assert result.returncode == 8
    assert "over the limit given, 1000 bytes" in result.stderr
    assert not (tmp_path / "out.enc").exists()
    assert not (tmp_path / "out.enc.info").exists()


def test_seal_size_limit_counts_json_escapes():
    import envbake
    from envbake.errors import InputError

    # 200 characters become 1,200 bytes of \u0001 escapes in the JSON text.
    try:
        envbake.seal({"A": "\x01" * 200}, key=KEY, max_size=1000)
    except InputError as error:
        assert "over the limit given, 1000 bytes" in str(error)
    else:
        raise AssertionError("a plaintext over max_size was sealed")


def test_export_writes_utf8_whatever_the_locale(tmp_path):
    sealed_with(tmp_path, "CITY=Zürich\n")

    result = subprocess.run(
        [sys.executable, "-m", "envbake", "export", "out.enc", "--format", "json"],
        env={**os.environ, "ENVBAKE_KEY": KEY, "PYTHONIOENCODING": "ascii"},
        cwd=tmp_path,
        capture_output=True,
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.decode("utf-8")) == {"CITY": "Zürich"}


def test_key_id_without_any_key_names_every_variable(tmp_path):
    result = envbake("key-id", cwd=tmp_path)

    assert result.returncode == 3
    assert (
        "none of ENVBAKE_ENCRYPT_KEY, ENVBAKE_ENCRYPT_KEY_FILE, ENVBAKE_KEY, "
        "ENVBAKE_KEY_FILE is set"
    ) in result.stderr


def test_age_identity_not_utf8_is_invalid(tmp_path):
    from pyrage import x25519

    import envbake

    identity = x25519.Identity.generate()
    (tmp_path / "age.enc").write_text(
        envbake.seal({"A": "1"}, recipients=[str(identity.to_public())])
    )
    environment = {
        key: value
        for key, value in os.environb.items()
        if not key.startswith(b"ENVBAKE")
    }
    environment[b"ENVBAKE_KEY"] = str(identity).encode()[:-1] + b"\xff"

    result = subprocess.run(
        [sys.executable, "-m", "envbake", "run", "age.enc", "--", "true"],
        env=environment,
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )

    assert result.returncode == 8, result.stderr
    assert "not a valid age X25519 identity" in result.stderr


def test_run_warns_on_key_named_variable(tmp_path):
    sealed_with(tmp_path, "ENVBAKE_KEY_FILE=/from/the/file\nKEPT=1\n")

    result = envbake(
        "run",
        "-q",
        "out.enc",
        "--",
        sys.executable,
        "-c",
        "import os; print(os.environ.get('ENVBAKE_KEY_FILE'), os.environ['KEPT'])",
        env={"ENVBAKE_KEY": KEY},
        cwd=tmp_path,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout == "None 1\n"
    assert "warning: ENVBAKE_KEY_FILE not passed to the command" in result.stderr
    assert "/from/the/file" not in result.stderr


def test_messages_use_singular_for_one(tmp_path):
    (tmp_path / "in.env").write_text("ONLY=1\n")

    sealed = envbake(
        "seal",
        "-i",
        "in.env",
        "-o",
        "out.enc",
        env={"ENVBAKE_ENCRYPT_KEY": KEY},
        cwd=tmp_path,
    )
    started = envbake(
        "run", "out.enc", "--", "true", env={"ENVBAKE_KEY": KEY}, cwd=tmp_path
    )

    assert "sealed 1 variable (" in sealed.stderr
    assert "loaded 1 variable from out.enc" in started.stderr


# --- what a first-time user ran into -----------------------------------------


def test_export_with_stdout_closed_has_output_status(tmp_path):
    sealed_with(tmp_path, "A=1\n")

    result = subprocess.run(
        [
            "sh",
            "-c",
            'exec "$0" -m envbake export out.enc --format sh >&-',
            sys.executable,
        ],
        env={**os.environ, "ENVBAKE_KEY": KEY},
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )

    assert result.returncode == 11, result.stderr
    assert "standard output is closed" in result.stderr


def test_seal_with_stdout_closed_still_works(tmp_path):
    (tmp_path / "in.env").write_text("A=1\n")

    result = subprocess.run(
        [
            "sh",
            "-c",
            'exec "$0" -m envbake seal -i in.env -o out.enc >&-',
            sys.executable,
        ],
        env={**os.environ, "ENVBAKE_ENCRYPT_KEY": KEY},
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )

    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out.enc").exists()


def test_opened_repr_hides_values():
    import envbake

    opened = envbake.open_text(envbake.seal({"PASSWORD": "hunter2-secret"}, KEY), KEY)

    assert "hunter2-secret" not in repr(opened)
    assert "PASSWORD" in repr(opened)
    assert opened.variables == {"PASSWORD": "hunter2-secret"}


def test_seal_warns_about_variable_run_cannot_pass(tmp_path):
    result = seal_dotenv(tmp_path, "BIG=" + "x" * 200_000 + "\nSMALL=1\n")

    assert result.returncode == 0, result.stderr
    assert "warning: BIG is 200005 bytes as NAME=value" in result.stderr
    assert "SMALL" not in result.stderr
    assert "xxxx" not in result.stderr


def test_rotate_names_new_key_file_option(tmp_path):
    sealed_with(tmp_path, "A=1\n")

    result = envbake(
        "rotate",
        "out.enc",
        "--new-key-file",
        "missing.key",
        env={"ENVBAKE_KEY": KEY},
        cwd=tmp_path,
    )

    assert result.returncode == 3
    assert "(from --new-key-file)" in result.stderr


def test_decrypt_rejects_dash_as_output(tmp_path):
    sealed_with(tmp_path, "A=1\n")

    result = envbake(
        "decrypt", "out.enc", "-o", "-", env={"ENVBAKE_KEY": KEY}, cwd=tmp_path
    )

    assert result.returncode == 2
    assert "envbake export" in result.stderr
    assert not (tmp_path / "-").exists()


def test_environment_mismatch_without_name_says_so(tmp_path):
    sealed_with(tmp_path, "A=1\n")

    result = envbake(
        "export",
        "out.enc",
        "--format",
        "json",
        "--environment",
        "staging",
        env={"ENVBAKE_KEY": KEY},
        cwd=tmp_path,
    )

    assert result.returncode == 9
    assert "was sealed without an environment name, not for 'staging'" in result.stderr


def test_export_reads_key_from_configured_variable(tmp_path):
    sealed_with(tmp_path, "A=1\n")

    by_flag = envbake(
        "export",
        "out.enc",
        "--format",
        "json",
        "--key-env",
        "EMP_ENV_DECRYPT_KEY",
        env={"EMP_ENV_DECRYPT_KEY": KEY},
        cwd=tmp_path,
    )
    by_variable = envbake(
        "export",
        "out.enc",
        "--format",
        "json",
        env={"EMP_ENV_DECRYPT_KEY": KEY, "ENVBAKE_KEY_ENV": "EMP_ENV_DECRYPT_KEY"},
        cwd=tmp_path,
    )
    missing = envbake(
        "export",
        "out.enc",
        "--format",
        "json",
        env={"ENVBAKE_KEY_ENV": "EMP_ENV_DECRYPT_KEY"},
        cwd=tmp_path,
    )

    assert by_flag.returncode == 0, by_flag.stderr
    assert json.loads(by_flag.stdout) == {"A": "1"}
    assert by_variable.returncode == 0, by_variable.stderr
    assert json.loads(by_variable.stdout) == {"A": "1"}
    assert missing.returncode == 3
    assert "EMP_ENV_DECRYPT_KEY and EMP_ENV_DECRYPT_KEY_FILE" in missing.stderr


def test_seal_missing_input_says_what_to_do(tmp_path):
    result = envbake(
        "seal", "-i", "nofile.env", env={"ENVBAKE_ENCRYPT_KEY": KEY}, cwd=tmp_path
    )

    assert result.returncode == 6
    assert "nofile.env not found (check the path" in result.stderr


# --- settings, key material and outputs from a hostile review ----------------


def test_run_ignores_settings_in_world_writable_folder(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    sealed_with(shared, "A=from-the-sealed-file\n")
    (shared / "envbake.toml").write_text(
        '[run]\ndisable_env = "CI"\nplain_file = "evil.env"\n'
    )
    (shared / "evil.env").write_text("INJECTED=yes\n")
    shared.chmod(0o1777)

    result = envbake(
        "run",
        "out.enc",
        "--",
        sys.executable,
        "-c",
        "import os; print(os.environ.get('A'), os.environ.get('INJECTED'))",
        env={"ENVBAKE_KEY": KEY, "CI": "true"},
        cwd=shared,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout == "from-the-sealed-file None\n"
    assert "ignoring envbake.toml in the current folder" in result.stderr


def test_key_in_key_file_variable_is_not_printed(tmp_path):
    result = envbake("run", "--", "true", env={"ENVBAKE_KEY_FILE": KEY}, cwd=tmp_path)

    assert result.returncode == 3
    assert "the key file named in ENVBAKE_KEY_FILE does not exist" in result.stderr
    assert KEY not in result.stderr


@pytest.mark.parametrize(
    "setting",
    [KEY, KEY.rstrip("="), KEY_BYTES.hex(), f"ENVBAKE_KEY={KEY}"],
    ids=["base64", "unpadded", "hex", "assignment"],
)
@pytest.mark.parametrize("command", ["run", "export", "verify"])
def test_key_in_key_env_setting_is_not_printed(tmp_path, setting, command):
    sealed_with(tmp_path, "A=1\n")
    arguments = {
        "run": ["run", "out.enc", "--", "true"],
        "export": ["export", "out.enc", "--format", "json"],
        "verify": ["verify", "out.enc"],
    }[command]

    result = envbake(*arguments, env={"ENVBAKE_KEY_ENV": setting}, cwd=tmp_path)

    assert result.returncode == 8, result.stderr
    assert "contains a key, not the name of a variable" in result.stderr
    assert KEY not in result.stderr
    assert KEY.rstrip("=") not in result.stderr
    assert KEY_BYTES.hex() not in result.stderr


def test_missing_key_file_with_ordinary_path_is_named(tmp_path):
    path = "/mnt/secrets/production/envbake/runtimekey0"

    result = envbake("run", "--", "true", env={"ENVBAKE_KEY_FILE": path}, cwd=tmp_path)

    assert result.returncode == 3
    assert (
        f"the key file {path} (from ENVBAKE_KEY_FILE) does not exist" in result.stderr
    )


def test_key_in_sealed_file_variable_is_not_printed(tmp_path):
    result = envbake(
        "run", "--", "true", env={"ENVBAKE_KEY": KEY, "ENVBAKE_FILE": KEY}, cwd=tmp_path
    )

    assert result.returncode == 6
    assert KEY not in result.stderr


def test_pyproject_tool_not_a_table_is_input_error(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "a.env").write_text("A=1\n")
    (tmp_path / "pyproject.toml").write_text('tool = "tool.envbake"\n')

    as_text = envbake("compose", "--input", "a.env", cwd=tmp_path)
    (tmp_path / "pyproject.toml").write_text("# tool.envbake\n[tool]\nenvbake = 1\n")
    as_number = envbake("compose", "--input", "a.env", cwd=tmp_path)

    assert as_text.returncode == 8, as_text.stderr
    assert "tool must be a table" in as_text.stderr
    assert as_number.returncode == 8, as_number.stderr
    assert "tool.envbake must be a table" in as_number.stderr


def test_inspect_reads_only_a_regular_info_file(tmp_path):
    sealed_with(tmp_path, "A=1\n")
    (tmp_path / "out.enc.info").unlink()
    os.symlink("/dev/zero", tmp_path / "out.enc.info")

    to_device = envbake("inspect", "out.enc", "--format", "json", cwd=tmp_path)
    (tmp_path / "out.enc.info").unlink()
    os.mkfifo(tmp_path / "out.enc.info")
    to_fifo = envbake(
        "inspect", "out.enc", "--format", "json", cwd=tmp_path, timeout=20
    )

    assert to_device.returncode == 0, to_device.stderr
    assert "info" not in json.loads(to_device.stdout)
    assert to_fifo.returncode == 0, to_fifo.stderr


def test_keygen_leaves_no_file_when_the_write_fails(tmp_path, monkeypatch):
    import errno

    from envbake import cli

    def full_disk(descriptor):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)

    status = cli.main(["keygen", "-o", str(tmp_path / "new.key")])

    assert status == 11
    assert list(tmp_path.iterdir()) == []


def test_keygen_never_replaces_a_file(tmp_path):
    (tmp_path / "old.key").write_text("keep me\n")

    result = envbake("keygen", "-o", "old.key", cwd=tmp_path)

    assert result.returncode == 8
    assert (tmp_path / "old.key").read_text() == "keep me\n"
    assert [path.name for path in tmp_path.iterdir()] == ["old.key"]


def test_seal_protects_key_file_and_input(tmp_path):
    (tmp_path / "build.key").write_text(KEY + "\n")
    (tmp_path / "in.env").write_text("A=1\n")
    environment = {"ENVBAKE_ENCRYPT_KEY_FILE": "build.key"}

    over_key = envbake(
        "seal", "-i", "in.env", "-o", "build.key", env=environment, cwd=tmp_path
    )
    over_input = envbake(
        "seal", "-i", "in.env", "-o", "in.env", env=environment, cwd=tmp_path
    )

    assert over_key.returncode == 8
    assert "build.key is the key file" in over_key.stderr
    assert (tmp_path / "build.key").read_text() == KEY + "\n"
    assert over_input.returncode == 8
    assert "in.env is an input file" in over_input.stderr
    assert (tmp_path / "in.env").read_text() == "A=1\n"


def test_decrypt_refuses_to_write_over_key_file(tmp_path):
    sealed_with(tmp_path, "A=1\n")
    (tmp_path / "run.key").write_text(KEY + "\n")

    result = envbake(
        "decrypt",
        "out.enc",
        "-o",
        "run.key",
        env={"ENVBAKE_KEY_FILE": "run.key"},
        cwd=tmp_path,
    )

    assert result.returncode == 8
    assert (tmp_path / "run.key").read_text() == KEY + "\n"


def test_inspect_and_diff_honour_max_size(tmp_path):
    sealed_with(tmp_path, "A=" + "x" * 500 + "\n")

    inspected = envbake(
        "inspect",
        "out.enc",
        "--max-size",
        "100",
        env={"ENVBAKE_KEY": KEY},
        cwd=tmp_path,
    )
    compared = envbake(
        "diff",
        "out.enc",
        "out.enc",
        "--max-size",
        "100",
        env={"ENVBAKE_KEY": KEY},
        cwd=tmp_path,
    )

    assert inspected.returncode == 5, inspected.stderr
    assert compared.returncode == 5, compared.stderr


@pytest.mark.parametrize("name", ["_", "FUNCNAME", "BASH_ARGV", "DIRSTACK"])
def test_sh_export_refuses_bash_managed_names(tmp_path, name):
    sealed_with(tmp_path, f"{name}=v1\n")

    result = envbake(
        "export", "out.enc", "--format", "sh", env={"ENVBAKE_KEY": KEY}, cwd=tmp_path
    )

    assert result.returncode == 8
    assert name in result.stderr


def test_seal_drops_value_that_contains_the_key(tmp_path):
    (tmp_path / "in.env").write_text(
        f"URL=https://user:{KEY}@example.invalid/\nHEX=x{KEY_BYTES.hex()}y\nOK=1\n"
    )

    result = envbake(
        "seal",
        "-i",
        "in.env",
        "-o",
        "out.enc",
        env={"ENVBAKE_ENCRYPT_KEY": KEY},
        cwd=tmp_path,
    )

    assert result.returncode == 0, result.stderr
    assert "warning: URL contains the encryption key" in result.stderr
    assert "warning: HEX contains the encryption key" in result.stderr
    assert export_json(tmp_path) == {"OK": "1"}


def test_seal_v1_rejects_random_nonce(tmp_path):
    result = seal_dotenv(tmp_path, "A=1\n", "--format", "v1", "--random-nonce")

    assert result.returncode == 2
    assert not (tmp_path / "out.enc").exists()


def test_key_file_with_byte_order_mark_is_read(tmp_path):
    (tmp_path / "bom.key").write_text("\ufeff" + KEY + "\n", encoding="utf-8")
    sealed_with(tmp_path, "A=1\n")

    result = envbake(
        "export",
        "out.enc",
        "--format",
        "json",
        env={"ENVBAKE_KEY_FILE": "bom.key"},
        cwd=tmp_path,
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"A": "1"}


@pytest.mark.parametrize("name", [".", ".."])
def test_environment_name_dot_is_rejected(tmp_path, name):
    result = seal_dotenv(tmp_path, "A=1\n", "--environment", name)

    assert result.returncode == 8
    assert "invalid environment name" in result.stderr


def test_dotenv_name_with_line_break_is_not_printed(tmp_path):
    result = seal_dotenv(tmp_path, "'# old\nDB_PASSWORD=hunter2\nHOST'=db\n")

    assert result.returncode == 8
    assert "in.env:1: a variable name contains a line break" in result.stderr
    assert "hunter2" not in result.stderr


def test_run_says_loaded_only_when_the_command_can_start(tmp_path):
    sealed_with(tmp_path, "BIG=" + "x" * 200_000 + "\n")

    too_large = envbake(
        "run", "out.enc", "--", "true", env={"ENVBAKE_KEY": KEY}, cwd=tmp_path
    )
    sealed_with(tmp_path, "SMALL=1\n")
    started = envbake(
        "run", "out.enc", "--", "true", env={"ENVBAKE_KEY": KEY}, cwd=tmp_path
    )

    assert too_large.returncode == 10
    assert "loaded" not in too_large.stderr
    assert started.returncode == 0
    assert "loaded 1 variable from out.enc" in started.stderr


@pytest.mark.parametrize("mode", ["siv", "age", "v1"])
def test_seal_limit_matches_open_limit(mode):
    """The smallest --max-size that seals a file also opens it, in every
    format, so seal never writes a file that the same limit rejects."""
    from pyrage import x25519

    import envbake
    from envbake.errors import InputError

    identity = x25519.Identity.generate()
    variables = {"A": "x" * 150, "B": "é\x01"}

    def seal(max_size):
        if mode == "age":
            return envbake.seal(
                variables,
                recipients=[str(identity.to_public())],
                environment="production",
                max_size=max_size,
            )
        return envbake.seal(
            variables,
            KEY,
            environment="production" if mode == "siv" else "",
            format="v1" if mode == "v1" else "v2",
            max_size=max_size,
        )

    smallest = next(size for size in range(100, 400) if _seals(seal, size, InputError))
    key = str(identity) if mode == "age" else KEY

    opened = envbake.open_text(seal(smallest), key, max_size=smallest)

    assert opened.variables == variables
    assert not _seals(seal, smallest - 1, InputError)


def _seals(seal, size, error_type):
    try:
        seal(size)
    except error_type:
        return False
    return True


def test_seal_protects_configured_key_file_and_recipients(tmp_path):
    (tmp_path / "k").write_text(KEY + "\n")
    (tmp_path / "in.env").write_text("A=1\n")
    (tmp_path / "envbake.toml").write_text(
        'build_key_variable = "APP_BUILD_KEY"\ncomponents = ["in.env"]\n'
    )
    from pyrage import x25519

    (tmp_path / "r.pub").write_text(str(x25519.Identity.generate().to_public()) + "\n")
    recipients_before = (tmp_path / "r.pub").read_text()

    over_key = envbake(
        "seal", "--env", "dev", "-o", "k", env={"APP_BUILD_KEY_FILE": "k"}, cwd=tmp_path
    )
    over_recipients = envbake(
        "seal",
        "--input",
        "in.env",
        "--recipients-file",
        "r.pub",
        "-o",
        "r.pub",
        cwd=tmp_path,
    )
    over_settings = envbake(
        "seal",
        "--env",
        "dev",
        "-o",
        "envbake.toml",
        env={"APP_BUILD_KEY_FILE": "k"},
        cwd=tmp_path,
    )

    assert over_key.returncode == 8, over_key.stderr
    assert (tmp_path / "k").read_text() == KEY + "\n"
    assert over_recipients.returncode == 8, over_recipients.stderr
    assert (tmp_path / "r.pub").read_text() == recipients_before
    assert over_settings.returncode == 8, over_settings.stderr
    assert "the settings file" in over_settings.stderr


def test_seal_drops_key_in_mixed_case_hex(tmp_path):
    mixed = "".join(
        character.upper() if index % 2 else character
        for index, character in enumerate(KEY_BYTES.hex())
    )

    result = seal_dotenv(tmp_path, f"LEAK={mixed}\nOK=1\n")

    assert result.returncode == 0, result.stderr
    assert "warning: LEAK contains the encryption key" in result.stderr
    assert export_json(tmp_path) == {"OK": "1"}


def test_rotate_refuses_to_write_over_new_key_file(tmp_path):
    sealed_with(tmp_path, "A=1\n")
    new_key = "sUzyZLfiOBN5QPiqzHdv4a/CYNGN7Ptj+rl6v0lELME="
    (tmp_path / "new.key").write_text(new_key + "\n")

    result = envbake(
        "rotate",
        "out.enc",
        "-o",
        "new.key",
        env={"ENVBAKE_KEY": KEY, "ENVBAKE_ENCRYPT_KEY_FILE": "new.key"},
        cwd=tmp_path,
    )

    assert result.returncode == 8, result.stderr
    assert (tmp_path / "new.key").read_text() == new_key + "\n"


def test_keygen_without_hard_links_writes_in_place(tmp_path, monkeypatch):
    import errno

    from envbake import cli

    def no_links(source, target):
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)

    status = cli.main(["keygen", "-o", str(tmp_path / "new.key")])

    assert status == 0
    assert [path.name for path in tmp_path.iterdir()] == ["new.key"]
    assert stat.S_IMODE(os.stat(tmp_path / "new.key").st_mode) == 0o600
    assert len((tmp_path / "new.key").read_text().strip()) == 44


@pytest.mark.parametrize(
    ("key_text", "values", "kept"),
    [
        # A short v1 pass phrase is matched only as a whole value.
        ("shortpass", {"A": "x", "B": " shortpass "}, {"A": "x"}),
        ("shortpass", {"A": "a shortpass b"}, {"A": "a shortpass b"}),
        # A v2 key is matched inside a value too.
        (KEY, {"A": "x", "URL": f"https://h/?k={KEY}"}, {"A": "x"}),
        (KEY, {"A": "x", "B": "y"}, {"A": "x", "B": "y"}),
    ],
)
def test_key_found_among_many_variables(key_text, values, kept):
    from envbake.commands import seal

    assert seal.drop_key_variables(values, key_text) == kept


def test_seal_writes_longest_output_name(tmp_path):
    # The temporary file of NAME.info is ".NAME.info.XXXXXXXX.tmp", 19
    # characters more than NAME, as with tempfile.mkstemp.
    longest = os.pathconf(tmp_path, "PC_NAME_MAX") - 19
    name = "s" * longest

    sealed_with(tmp_path, "A=1\n", name=name)

    assert export_json(tmp_path, name) == {"A": "1"}
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(
        ["in.env", name, name + ".info"]
    )
