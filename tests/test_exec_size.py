"""The check before exec: invalid variables and sizes the kernel rejects."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


_ENVIRONMENT_TEXT = st.text(
    st.characters(blacklist_categories=("Cs",)) | st.sampled_from(["=", "\0", "é"]),
    max_size=12,
)


@settings(max_examples=300)
@given(st.dictionaries(_ENVIRONMENT_TEXT, _ENVIRONMENT_TEXT, max_size=8))
def test_exec_size_fast_measure_matches_loop(environment: dict[str, str]) -> None:
    """The joined measurement gives the loop's total, or defers to it."""
    fast = runtime._measure_all(environment)
    try:
        slow = runtime._measure_each(environment)
    except InputError:
        assert fast is None
        return

    assert fast is None or fast == slow


def test_exec_size_fast_measure_counts_utf8_bytes() -> None:
    environment = {"A": "é" * 10, "B": "x"}

    assert runtime._measure_all(environment) == runtime._measure_each(environment)
    assert (
        runtime._measure_all(environment)
        == (2 + 20 + 1) + (2 + 1 + 1) + 2 * runtime._POINTER_SIZE
    )


def test_exec_size_fast_measure_defers_on_long_value() -> None:
    environment = {"A": "x" * (runtime.MAX_ARG_STRLEN // 4)}

    assert runtime._measure_all(environment) is None
