"""Corpus records: normalisation is idempotent and its fast path agrees with the full one."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.record import _normalize, normalize_text

_TEXT = st.text(alphabet=st.sampled_from(list("ab 가나\n\t\r\u00a0\u3000\u2003\x00\x0b\u1100\u1161")), max_size=60)


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.text(max_size=80), _TEXT))
def test_fast_path_equals_full_normalisation(text: str) -> None:
    assert normalize_text(text) == _normalize(text)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=80), _TEXT))
def test_normalisation_is_idempotent(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once


def test_nfd_hangul_becomes_nfc() -> None:
    assert normalize_text("\u1100\u1161") == "가"
