"""The v2 age mode: sealing for recipients, opening with identities, the
standard age format, and the checks that bind the header to the payload."""

from __future__ import annotations

import binascii
import hashlib
import json
import os
import shutil
import subprocess
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyrage import x25519

import envbake
from envbake import _age, _v2, errors
from tests.conftest import TEST_KEY, run_envbake

VARIABLES = {
    "DATABASE_URL": "postgres://app:s3cr3t-db@db.internal/app",
    "API_TOKEN": "tok-7f3e-secret",
    "GREETING": "hello\nworld with 'quotes' and # hash",
}


@dataclass(frozen=True)
class Keypair:
    identity: str
    recipient: str

    @property
    def tag(self) -> str:
        # Computed here from the definition, not with envbake's function.
        return hashlib.sha256(self.recipient.encode("ascii")).hexdigest()[:8]


def new_keypair() -> Keypair:
    identity = x25519.Identity.generate()
    return Keypair(str(identity), str(identity.to_public()))


@pytest.fixture(scope="module")
def keypairs() -> tuple[Keypair, Keypair, Keypair]:
    return new_keypair(), new_keypair(), new_keypair()


@pytest.fixture
def sealed_for_two(tmp_path: Path, keypairs: tuple[Keypair, Keypair, Keypair]) -> Path:
    first, second, _ = keypairs
    path = tmp_path / "env.encrypted"
    text = envbake.seal(
        VARIABLES,
        recipients=[first.recipient, second.recipient],
        environment="production",
    )
    path.write_text(text)
    return path


def payload_bytes(text: str) -> bytes:
    payload = text.strip().rsplit(":", 1)[1]
    return binascii.a2b_base64(
        payload.replace("-", "+").replace("_", "/") + "=" * (-len(payload) % 4)
    )


def require_age_tool() -> str:
    path = shutil.which("age")
    if path is None:
        pytest.fail(
            "the age command-line tool is missing: install it with "
            "'apt-get install age' (scripts/test does so when run as root)"
        )
    return path


def seal_one_variable(
    tmp_path: Path, *arguments: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``envbake seal`` on a dotenv file with A=1, writing tmp_path/o."""
    dotenv = tmp_path / "app.env"
    dotenv.write_text("A=1\n")
    return run_envbake(
        "seal", "-i", str(dotenv), *arguments, "-o", str(tmp_path / "o"), env=env
    )


# Two recipients, three identities


def test_each_identity_opens_alone(
    sealed_for_two: Path, keypairs: tuple[Keypair, Keypair, Keypair]
) -> None:
    for keypair in keypairs[:2]:
        result = run_envbake(
            "verify", str(sealed_for_two), env={"ENVBAKE_KEY": keypair.identity}
        )
        assert result.returncode == 0, result.stderr
        assert "3 variables" in result.stdout
        assert keypair.tag in result.stdout


def test_third_identity_is_wrong_key(
    sealed_for_two: Path, keypairs: tuple[Keypair, Keypair, Keypair]
) -> None:
    first, second, third = keypairs
    result = run_envbake(
        "verify", str(sealed_for_two), env={"ENVBAKE_KEY": third.identity}
    )
    assert result.returncode == errors.EXIT_WRONG_KEY
    assert first.tag in result.stderr
    assert second.tag in result.stderr
    assert third.tag in result.stderr
    assert "wrong key" in result.stderr
    assert third.identity not in result.stderr


def test_api_opens_with_each_identity(
    sealed_for_two: Path, keypairs: tuple[Keypair, Keypair, Keypair]
) -> None:
    text = sealed_for_two.read_text()
    for keypair in keypairs[:2]:
        opened = envbake.open_text(text, keypair.identity)
        assert opened.variables == VARIABLES
        assert opened.mode == "age"
        assert opened.environment == "production"
        assert opened.recipients == (keypair.tag,)
    with pytest.raises(errors.WrongKeyError):
        envbake.open_text(text, keypairs[2].identity)


def test_header_lists_sorted_tags(
    sealed_for_two: Path, keypairs: tuple[Keypair, Keypair, Keypair]
) -> None:
    header = _v2.parse_header(sealed_for_two.read_text(), source="test")
    assert header.mode == "age"
    assert header.key_field == ",".join(sorted([keypairs[0].tag, keypairs[1].tag]))
    assert header.environment == "production"


def test_identity_file_with_comments(
    tmp_path: Path,
    sealed_for_two: Path,
    keypairs: tuple[Keypair, Keypair, Keypair],
) -> None:
    identity_file = tmp_path / "identities.txt"
    identity_file.write_text(
        f"# an unrelated identity first\n{keypairs[2].identity}\n\n"
        f"# created: today\n{keypairs[1].identity}\n"
    )
    result = run_envbake(
        "verify", str(sealed_for_two), "--key-file", str(identity_file)
    )
    assert result.returncode == 0, result.stderr
    assert keypairs[1].tag in result.stdout


# The standard age format, both ways


def test_age_tool_decrypts_payload(
    tmp_path: Path,
    sealed_for_two: Path,
    keypairs: tuple[Keypair, Keypair, Keypair],
) -> None:
    age = require_age_tool()
    identity_file = tmp_path / "identity.txt"
    identity_file.write_text(keypairs[1].identity + "\n")
    payload = tmp_path / "payload.age"
    payload.write_bytes(payload_bytes(sealed_for_two.read_text()))
    result = subprocess.run(
        [age, "--decrypt", "--identity", str(identity_file), str(payload)],
        capture_output=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    document = json.loads(zlib.decompress(result.stdout))
    assert document["variables"] == VARIABLES
    assert document["environment"] == "production"
    assert document["mode"] == "age"


def test_opens_payload_made_by_age_tool(
    tmp_path: Path, keypairs: tuple[Keypair, Keypair, Keypair]
) -> None:
    age = require_age_tool()
    keypair = keypairs[0]
    tags = keypair.tag
    plaintext = tmp_path / "plaintext"
    plaintext.write_bytes(
        _v2.plaintext_document(
            VARIABLES,
            mode="age",
            environment="staging",
            key_field=tags,
            max_size=_v2.DEFAULT_MAX_SIZE,
        )
    )
    result = subprocess.run(
        [age, "--encrypt", "--recipient", keypair.recipient, str(plaintext)],
        capture_output=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    text = f"envbake:v2:age:{tags}:staging:{_v2.encode_payload(result.stdout)}\n"
    opened = envbake.open_text(text, keypair.identity)
    assert opened.variables == VARIABLES
    assert opened.environment == "staging"


# The header is bound to the payload


def _replace_field(text: str, index: int, value: str) -> str:
    fields = text.strip().split(":")
    fields[index] = value
    return ":".join(fields) + "\n"


def test_changed_environment_is_damaged(
    sealed_for_two: Path, keypairs: tuple[Keypair, Keypair, Keypair]
) -> None:
    text = _replace_field(sealed_for_two.read_text(), 4, "staging")
    with pytest.raises(errors.DamagedFileError):
        envbake.open_text(text, keypairs[0].identity)


def test_removed_tag_is_damaged(
    sealed_for_two: Path, keypairs: tuple[Keypair, Keypair, Keypair]
) -> None:
    # Dropping a recipient's tag from the header must not go unnoticed,
    # although the age payload itself is untouched.
    text = _replace_field(sealed_for_two.read_text(), 3, keypairs[0].tag)
    with pytest.raises(errors.DamagedFileError):
        envbake.open_text(text, keypairs[0].identity)


def test_added_tag_is_damaged(
    sealed_for_two: Path, keypairs: tuple[Keypair, Keypair, Keypair]
) -> None:
    tags = ",".join(sorted(k.tag for k in keypairs))
    text = _replace_field(sealed_for_two.read_text(), 3, tags)
    with pytest.raises(errors.DamagedFileError):
        envbake.open_text(text, keypairs[2].identity)


@pytest.mark.parametrize("key_field", ["", "1234567", "ABCDEF12", "12345678,", "x"])
def test_malformed_tags_are_damaged(
    sealed_for_two: Path, keypairs: tuple[Keypair, Keypair, Keypair], key_field: str
) -> None:
    text = _replace_field(sealed_for_two.read_text(), 3, key_field)
    with pytest.raises(errors.DamagedFileError):
        envbake.open_text(text, keypairs[0].identity)


# Offset 40 is in the first recipient stanza of the age header, -20 in
# the encrypted body.
@pytest.mark.parametrize("offset", [40, -20])
def test_flipped_payload_byte_is_damaged(
    sealed_for_two: Path, keypairs: tuple[Keypair, Keypair, Keypair], offset: int
) -> None:
    text = sealed_for_two.read_text()
    payload = bytearray(payload_bytes(text))
    payload[offset] ^= 0x01
    header = text[: text.rindex(":") + 1]
    modified = header + _v2.encode_payload(bytes(payload)) + "\n"
    with pytest.raises(errors.DamagedFileError):
        envbake.open_text(modified, keypairs[0].identity)


def test_truncated_payload_is_damaged(
    sealed_for_two: Path, keypairs: tuple[Keypair, Keypair, Keypair]
) -> None:
    text = sealed_for_two.read_text().strip()
    with pytest.raises(errors.DamagedFileError):
        envbake.open_text(text[:-40], keypairs[0].identity)


def test_decompression_limit_applies(
    keypairs: tuple[Keypair, Keypair, Keypair],
) -> None:
    text = envbake.seal({"BIG": "x" * 100_000}, recipients=[keypairs[0].recipient])
    with pytest.raises(errors.DamagedFileError, match="limit"):
        envbake.open_text(text, keypairs[0].identity, max_size=10_000)


# Keys of the wrong kind


def test_symmetric_key_is_wrong_key(sealed_for_two: Path) -> None:
    result = run_envbake("verify", str(sealed_for_two), env={"ENVBAKE_KEY": TEST_KEY})
    assert result.returncode == errors.EXIT_WRONG_KEY
    assert "symmetric key" in result.stderr
    assert TEST_KEY not in result.stderr


def test_pass_phrase_is_invalid_key(sealed_for_two: Path) -> None:
    result = run_envbake(
        "verify", str(sealed_for_two), env={"ENVBAKE_KEY": "correct horse battery"}
    )
    assert result.returncode == errors.EXIT_INPUT
    assert "correct horse" not in result.stderr


def test_invalid_identity_line_not_quoted(
    tmp_path: Path, sealed_for_two: Path, keypairs: tuple[Keypair, Keypair, Keypair]
) -> None:
    broken = keypairs[0].identity[:-3] + "QQQ"
    identity_file = tmp_path / "identities.txt"
    identity_file.write_text(f"# first\n{keypairs[1].identity}\n{broken}\n")
    result = run_envbake(
        "verify", str(sealed_for_two), "--key-file", str(identity_file)
    )
    assert result.returncode == errors.EXIT_INPUT
    assert "line 3" in result.stderr
    assert broken not in result.stderr
    assert keypairs[1].identity not in result.stderr


def test_age_file_refuses_key_bytes(sealed_for_two: Path) -> None:
    with pytest.raises(errors.InputError):
        envbake.open_text(sealed_for_two.read_text(), bytes(32))


# Sealing


def test_seal_command_for_recipients(
    tmp_path: Path, keypairs: tuple[Keypair, Keypair, Keypair]
) -> None:
    dotenv = tmp_path / "app.env"
    dotenv.write_text("A=1\nB='two'\n")
    recipients_file = tmp_path / "recipients.txt"
    recipients_file.write_text(f"# the second platform\n\n{keypairs[1].recipient}\n")
    output = tmp_path / "out.encrypted"
    result = run_envbake(
        "seal",
        "--input",
        str(dotenv),
        "--environment",
        "production",
        "--recipient",
        keypairs[0].recipient,
        "--recipients-file",
        str(recipients_file),
        "-o",
        str(output),
        env={"ENVBAKE_ENCRYPT_KEY": TEST_KEY},
    )
    assert result.returncode == 0, result.stderr
    text = output.read_text()
    assert text.startswith("envbake:v2:age:")
    info = json.loads((tmp_path / "out.encrypted.info").read_text())
    assert info["mode"] == "age"
    assert info["recipient_tags"] == sorted([keypairs[0].tag, keypairs[1].tag])
    assert info["recipients"] == sorted([keypairs[0].recipient, keypairs[1].recipient])
    assert "key_id" not in info
    for keypair in keypairs[:2]:
        assert envbake.open_text(text, keypair.identity).variables == {
            "A": "1",
            "B": "two",
        }


def test_seal_needs_no_build_key(
    tmp_path: Path, keypairs: tuple[Keypair, Keypair, Keypair]
) -> None:
    result = seal_one_variable(tmp_path, "-r", keypairs[0].recipient)
    assert result.returncode == 0, result.stderr


def test_identity_as_recipient_rejected(
    tmp_path: Path, keypairs: tuple[Keypair, Keypair, Keypair]
) -> None:
    result = seal_one_variable(tmp_path, "-r", keypairs[0].identity)
    assert result.returncode == errors.EXIT_INPUT
    assert "identity" in result.stderr
    assert keypairs[0].identity not in result.stderr
    assert not (tmp_path / "o").exists()


def test_invalid_recipient_in_file_named(tmp_path: Path) -> None:
    recipients_file = tmp_path / "recipients.txt"
    recipients_file.write_text("# comment\nage1notarecipient\n")
    result = seal_one_variable(tmp_path, "-R", str(recipients_file))
    assert result.returncode == errors.EXIT_INPUT
    assert "line 2" in result.stderr
    assert "age1notarecipient" in result.stderr


def test_seal_refuses_v1_with_recipients(
    tmp_path: Path, keypairs: tuple[Keypair, Keypair, Keypair]
) -> None:
    result = seal_one_variable(tmp_path, "-r", keypairs[0].recipient, "--format", "v1")
    assert result.returncode == errors.EXIT_USAGE


def test_seal_drops_recipient_identity(
    tmp_path: Path, keypairs: tuple[Keypair, Keypair, Keypair]
) -> None:
    dotenv = tmp_path / "app.env"
    dotenv.write_text(
        f"A=1\nRUNTIME_IDENTITY={keypairs[0].identity}\n"
        f"OTHER_IDENTITY={keypairs[2].identity}\n"
    )
    output = tmp_path / "out"
    result = run_envbake(
        "seal", "-i", str(dotenv), "-r", keypairs[0].recipient, "-o", str(output)
    )
    assert result.returncode == 0, result.stderr
    assert "RUNTIME_IDENTITY" in result.stderr
    assert keypairs[0].identity not in result.stderr
    variables = envbake.open_text(output.read_text(), keypairs[0].identity).variables
    assert "RUNTIME_IDENTITY" not in variables
    # An identity for some other recipient is an ordinary secret of the app.
    assert variables["OTHER_IDENTITY"] == keypairs[2].identity


def test_every_seal_differs(keypairs: tuple[Keypair, Keypair, Keypair]) -> None:
    recipients = [keypairs[0].recipient]
    assert envbake.seal(VARIABLES, recipients=recipients) != envbake.seal(
        VARIABLES, recipients=recipients
    )


def test_seal_rejects_key_and_recipients(
    keypairs: tuple[Keypair, Keypair, Keypair],
) -> None:
    with pytest.raises(errors.InputError):
        envbake.seal(VARIABLES, TEST_KEY, recipients=[keypairs[0].recipient])
    with pytest.raises(errors.InputError):
        envbake.seal(VARIABLES, recipients=[])


NAMES = st.text(
    alphabet=st.characters(blacklist_characters="=\0", blacklist_categories=["Cs"]),
    min_size=1,
    max_size=20,
)
VALUES = st.text(
    alphabet=st.characters(blacklist_characters="\0", blacklist_categories=["Cs"]),
    max_size=50,
)


@settings(max_examples=30, deadline=None)
@given(variables=st.dictionaries(NAMES, VALUES, max_size=8))
def test_round_trip_any_variables(variables: dict[str, str]) -> None:
    identity = x25519.Identity.generate()
    text = envbake.seal(
        variables, recipients=[str(identity.to_public())], environment="e-1"
    )
    opened = envbake.open_text(text, str(identity))
    assert opened.variables == variables
    assert opened.environment == "e-1"


# keygen --age


def test_keygen_age_prints_pair() -> None:
    result = run_envbake("keygen", "--age")
    assert result.returncode == 0, result.stderr
    identity = x25519.Identity.from_str(result.stdout.strip())
    assert result.stdout.count("\n") == 1
    assert result.stderr == f"Public key: {identity.to_public()}\n"


def test_keygen_age_writes_files(tmp_path: Path) -> None:
    identity_path = tmp_path / "identity.txt"
    recipient_path = tmp_path / "recipient.txt"
    result = run_envbake(
        "keygen",
        "--age",
        "-o",
        str(identity_path),
        "--recipient-output",
        str(recipient_path),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert identity_path.stat().st_mode & 0o777 == 0o600
    recipient = recipient_path.read_text().strip()
    identities = _age.parse_identities(identity_path.read_text(), source="test")
    assert len(identities.identities) == 1
    assert str(identities.identities[0].to_public()) == recipient
    assert f"# public key: {recipient}" in identity_path.read_text()
    assert result.stderr == f"Public key: {recipient}\n"


def test_keygen_never_replaces_file(tmp_path: Path) -> None:
    existing = tmp_path / "identity.txt"
    existing.write_text("precious\n")
    for arguments in (["--age"], []):
        result = run_envbake("keygen", *arguments, "-o", str(existing))
        assert result.returncode == errors.EXIT_INPUT
        assert existing.read_text() == "precious\n"


def test_keygen_symmetric_to_file(tmp_path: Path) -> None:
    path = tmp_path / "key"
    result = run_envbake("keygen", "-o", str(path))
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert path.stat().st_mode & 0o777 == 0o600
    assert len(envbake.parse_key(path.read_text())) == 32


# Run time


def test_run_with_identity(
    sealed_for_two: Path, keypairs: tuple[Keypair, Keypair, Keypair]
) -> None:
    script = (
        "import json, os; print(json.dumps({k: os.environ.get(k) for k in "
        "['API_TOKEN', 'ENVBAKE_KEY']}))"
    )
    result = run_envbake(
        "run",
        str(sealed_for_two),
        "--environment",
        "production",
        "--",
        sys.executable,
        "-c",
        script,
        env={"ENVBAKE_KEY": keypairs[1].identity},
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    assert seen["API_TOKEN"] == VARIABLES["API_TOKEN"]
    assert seen["ENVBAKE_KEY"] is None
    assert keypairs[1].tag in result.stderr


def test_siv_path_never_imports_pyrage(tmp_path: Path) -> None:
    path = tmp_path / "env.encrypted"
    path.write_text(envbake.seal(VARIABLES, TEST_KEY))
    script = (
        "import sys, envbake; "
        f"envbake.load({str(path)!r}, key={TEST_KEY!r}, environ={{}}); "
        "print('pyrage' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=False,
        env={k: v for k, v in os.environ.items() if not k.startswith("ENVBAKE_")},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_identity_as_build_key_rejected(
    tmp_path: Path, keypairs: tuple[Keypair, Keypair, Keypair]
) -> None:
    result = seal_one_variable(
        tmp_path, env={"ENVBAKE_ENCRYPT_KEY": keypairs[0].identity}
    )
    assert result.returncode == errors.EXIT_INPUT
    assert f"--recipient {keypairs[0].recipient}" in result.stderr
    assert keypairs[0].identity not in result.stderr
    assert not (tmp_path / "o").exists()


def test_keys_doc_age_commands_work(
    tmp_path: Path, sealed_for_two: Path, keypairs: tuple[Keypair, Keypair, Keypair]
) -> None:
    require_age_tool()
    text = (Path(__file__).parent.parent / "docs" / "keys.md").read_text()
    section = text.split("### Opening an age mode file with the age tool", 1)[1]
    commands = section.split("```sh\n", 1)[1].split("```", 1)[0]
    assert sealed_for_two == tmp_path / "env.encrypted"
    (tmp_path / "ops.identity").write_text(keypairs[0].identity + "\n")

    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", commands],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["variables"] == VARIABLES
    assert document["environment"] == "production"
