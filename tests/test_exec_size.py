"""The check before exec: invalid variables and sizes the kernel rejects."""

from __future__ import annotations

import pytest

from envbake import runtime
from envbake.errors import EnvironmentTooLargeError, InputError


def test_exec_size_accepts_ordinary_environment() -> None:
    runtime.check_exec_size(["true"], {"PATH": "/usr/bin", "GREETING": "héllo"})


@pytest.mark.parametrize(
    ("name", "value"),
    [("", "x"), ("A=B", "x"), ("NUL\0NAME", "x"), ("NUL_VALUE", "a\0b")],
)
def test_exec_size_rejects_invalid_variable(name: str, value: str) -> None:
    with pytest.raises(InputError) as caught:
        runtime.check_exec_size(["true"], {"OK": "1", name: value})

    assert "a\0b" not in str(caught.value)


def test_exec_size_counts_bytes_not_characters() -> None:
    # 65,536 two-byte characters fit in one string by length but not in
    # bytes: WIDE=value takes 4 + 1 + 131,072 + 1 bytes with its NUL.
    value = "é" * (runtime.MAX_ARG_STRLEN // 2)
    with pytest.raises(EnvironmentTooLargeError) as caught:
        runtime.check_exec_size(["true"], {"WIDE": value})

    assert "WIDE" in str(caught.value)
    assert "131078 bytes" in str(caught.value)


def test_exec_size_ascii_value_at_limit_passes() -> None:
    # NAME=value plus its NUL: 1 + 1 + value + 1 bytes, exactly the limit.
    value = "a" * (runtime.MAX_ARG_STRLEN - 3)

    runtime.check_exec_size(["true"], {"A": value})


def test_exec_size_ascii_value_over_limit_fails() -> None:
    value = "a" * (runtime.MAX_ARG_STRLEN - 2)

    with pytest.raises(EnvironmentTooLargeError):
        runtime.check_exec_size(["true"], {"A": value})


def test_exec_size_names_largest_when_total_too_large() -> None:
    limit = runtime.argument_space_limit()
    count = limit // 100_000 + 1
    environment = {f"BLOB_{index}": "b" * 100_000 for index in range(count)}

    with pytest.raises(EnvironmentTooLargeError) as caught:
        runtime.check_exec_size(["true"], environment)

    assert f"for {count} variables" in str(caught.value)
    assert f"limit of {limit} bytes" in str(caught.value)
    assert "(largest: BLOB_" in str(caught.value)
