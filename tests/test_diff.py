"""``envbake diff``: names added, removed and changed, exit statuses, keys
for each side, and values only on request."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from pyrage import x25519

import envbake
from envbake import errors
from envbake.commands.diff import compare
from tests.conftest import OTHER_KEY, TEST_KEY, run_envbake

BEFORE = {
    "KEPT": "same-value-1",
    "CHANGED": "old-secret-2",
    "REMOVED": "gone-secret-3",
}
AFTER = {
    "KEPT": "same-value-1",
    "CHANGED": "new-secret\nwith two lines",
    "ADDED": "fresh-secret-4",
}
SECRET_VALUES = ["old-secret-2", "gone-secret-3", "new-secret", "fresh-secret-4"]


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_equal_files_exit_zero(tmp_path: Path) -> None:
    a = _write(tmp_path / "a", envbake.seal(BEFORE, TEST_KEY))
    b = _write(tmp_path / "b", envbake.seal(BEFORE, TEST_KEY, random_nonce=True))
    result = run_envbake("diff", str(a), str(b), env={"ENVBAKE_KEY": TEST_KEY})
    assert result.returncode == errors.EXIT_OK, result.stderr
    assert result.stdout == ""


def test_different_files_list_names(tmp_path: Path) -> None:
    a = _write(tmp_path / "a", envbake.seal(BEFORE, TEST_KEY))
    b = _write(tmp_path / "b", envbake.seal(AFTER, TEST_KEY))
    result = run_envbake("diff", str(a), str(b), env={"ENVBAKE_KEY": TEST_KEY})
    assert result.returncode == errors.EXIT_DIFFERENT, result.stderr
    assert result.stdout == "- REMOVED\n+ ADDED\n~ CHANGED\n"
    for value in SECRET_VALUES:
        assert value not in result.stdout
        assert value not in result.stderr


def test_show_values(tmp_path: Path) -> None:
    a = _write(tmp_path / "a", envbake.seal(BEFORE, TEST_KEY))
    b = _write(tmp_path / "b", envbake.seal(AFTER, TEST_KEY))
    result = run_envbake(
        "diff", str(a), str(b), "--show-values", env={"ENVBAKE_KEY": TEST_KEY}
    )
    assert result.returncode == errors.EXIT_DIFFERENT, result.stderr
    lines = result.stdout.splitlines()
    assert lines == [
        '- REMOVED="gone-secret-3"',
        '+ ADDED="fresh-secret-4"',
        '~ CHANGED: "old-secret-2" -> "new-secret\\nwith two lines"',
    ]
    assert "same-value-1" not in result.stdout


def test_json_without_values(tmp_path: Path) -> None:
    a = _write(tmp_path / "a", envbake.seal(BEFORE, TEST_KEY))
    b = _write(tmp_path / "b", envbake.seal(AFTER, TEST_KEY))
    result = run_envbake(
        "diff", str(a), str(b), "--format", "json", env={"ENVBAKE_KEY": TEST_KEY}
    )
    assert result.returncode == errors.EXIT_DIFFERENT
    assert json.loads(result.stdout) == {
        "added": ["ADDED"],
        "removed": ["REMOVED"],
        "changed": ["CHANGED"],
    }
    for value in SECRET_VALUES:
        assert value not in result.stdout


def test_json_with_values(tmp_path: Path) -> None:
    a = _write(tmp_path / "a", envbake.seal(BEFORE, TEST_KEY))
    b = _write(tmp_path / "b", envbake.seal(AFTER, TEST_KEY))
    result = run_envbake(
        "diff",
        str(a),
        str(b),
        "--format",
        "json",
        "--show-values",
        env={"ENVBAKE_KEY": TEST_KEY},
    )
    assert json.loads(result.stdout) == {
        "added": {"ADDED": "fresh-secret-4"},
        "removed": {"REMOVED": "gone-secret-3"},
        "changed": {
            "CHANGED": {"a": "old-secret-2", "b": "new-secret\nwith two lines"}
        },
    }


def test_key_file_for_each_side(tmp_path: Path) -> None:
    a = _write(tmp_path / "a", envbake.seal(BEFORE, TEST_KEY))
    b = _write(tmp_path / "b", envbake.seal(BEFORE, OTHER_KEY))
    key_a = _write(tmp_path / "key-a", TEST_KEY + "\n")
    key_b = _write(tmp_path / "key-b", OTHER_KEY + "\n")
    result = run_envbake(
        "diff", str(a), str(b), "--key-file-a", str(key_a), "--key-file-b", str(key_b)
    )
    assert result.returncode == errors.EXIT_OK, result.stderr


def test_one_side_key_default_other(tmp_path: Path) -> None:
    a = _write(tmp_path / "a", envbake.seal(BEFORE, TEST_KEY))
    b = _write(tmp_path / "b", envbake.seal(AFTER, OTHER_KEY))
    key_b = _write(tmp_path / "key-b", OTHER_KEY + "\n")
    result = run_envbake(
        "diff",
        str(a),
        str(b),
        "--key-file-b",
        str(key_b),
        env={"ENVBAKE_KEY": TEST_KEY},
    )
    assert result.returncode == errors.EXIT_DIFFERENT, result.stderr


def test_stdin_key_serves_both(tmp_path: Path) -> None:
    a = _write(tmp_path / "a", envbake.seal(BEFORE, TEST_KEY))
    b = _write(tmp_path / "b", envbake.seal(AFTER, TEST_KEY))
    result = run_envbake("diff", str(a), str(b), "--key-file", "-", input=TEST_KEY)
    assert result.returncode == errors.EXIT_DIFFERENT, result.stderr


def test_wrong_key_for_one_side(tmp_path: Path) -> None:
    a = _write(tmp_path / "a", envbake.seal(BEFORE, TEST_KEY))
    b = _write(tmp_path / "b", envbake.seal(BEFORE, OTHER_KEY))
    result = run_envbake("diff", str(a), str(b), env={"ENVBAKE_KEY": TEST_KEY})
    assert result.returncode == errors.EXIT_WRONG_KEY
    assert result.stdout == ""
    assert str(b) in result.stderr


def test_no_key(tmp_path: Path) -> None:
    a = _write(tmp_path / "a", envbake.seal(BEFORE, TEST_KEY))
    result = run_envbake("diff", str(a), str(a))
    assert result.returncode == errors.EXIT_NO_KEY


def test_missing_file(tmp_path: Path) -> None:
    a = _write(tmp_path / "a", envbake.seal(BEFORE, TEST_KEY))
    result = run_envbake(
        "diff", str(a), str(tmp_path / "nope"), env={"ENVBAKE_KEY": TEST_KEY}
    )
    assert result.returncode == errors.EXIT_NOT_FOUND


def test_age_file_against_siv_file(tmp_path: Path) -> None:
    identity = x25519.Identity.generate()
    a = _write(tmp_path / "a", envbake.seal(BEFORE, TEST_KEY))
    b = _write(
        tmp_path / "b", envbake.seal(BEFORE, recipients=[str(identity.to_public())])
    )
    key_b = _write(tmp_path / "identity", str(identity) + "\n")
    result = run_envbake(
        "diff",
        str(a),
        str(b),
        "--key-file-b",
        str(key_b),
        env={"ENVBAKE_KEY": TEST_KEY},
    )
    assert result.returncode == errors.EXIT_OK, result.stderr


NAMES = st.sampled_from(["A", "B", "C", "D", "E"])
VALUES = st.sampled_from(["1", "2", ""])


@given(
    before=st.dictionaries(NAMES, VALUES),
    after=st.dictionaries(NAMES, VALUES),
)
def test_compare_partitions_names(
    before: dict[str, str], after: dict[str, str]
) -> None:
    difference = compare(before, after)
    assert set(difference.added) == after.keys() - before.keys()
    assert set(difference.removed) == before.keys() - after.keys()
    for name in before.keys() & after.keys():
        assert (name in difference.changed) == (before[name] != after[name])
    assert bool(difference) == (before != after)
    assert difference.added == sorted(difference.added)
