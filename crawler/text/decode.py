"""Bytes → text: HTTP charset, then BOM, then <meta charset>, then statistical detection."""
from __future__ import annotations

import codecs
import logging
import re

import charset_normalizer

logger = logging.getLogger(__name__)

_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_META = re.compile(
    rb"""<meta[^>]+?(?:charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]+)"""
    rb"""|http-equiv\s*=\s*["']?content-type["']?[^>]*?content\s*=\s*["'][^"']*charset=([A-Za-z0-9_:.-]+))""",
    re.IGNORECASE,
)
# WHATWG decodes these labels with windows-949, a superset of EUC-KR (extra Hangul syllables).
_ALIASES = {"euc-kr": "cp949", "euc_kr": "cp949", "euckr": "cp949", "ks_c_5601-1987": "cp949",
            "ksc5601": "cp949", "x-windows-949": "cp949", "windows-949": "cp949", "uhc": "cp949",
            "iso-8859-1": "cp1252", "latin1": "cp1252", "us-ascii": "utf-8", "ascii": "utf-8"}


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    label = _ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        logger.debug("unknown charset label %r", label)
        return None


def header_charset(content_type: str) -> str | None:
    match = re.search(r"charset\s*=\s*[\"']?([^\s;\"']+)", content_type, re.IGNORECASE)
    return _codec(match.group(1)) if match else None


def sniff_encoding(body: bytes, content_type: str = "") -> str:
    """The codec to decode ``body`` with, in the HTML standard's order of evidence."""
    declared = header_charset(content_type)
    if declared:
        return declared
    for bom, name in _BOMS:
        if body.startswith(bom):
            return name
    match = _META.search(body[:4096])
    if match:
        meta = _codec((match.group(1) or match.group(2)).decode("ascii", "ignore"))
        if meta:
            return "utf-8" if meta.startswith("utf-16") else meta
    try:
        body.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    guess = charset_normalizer.from_bytes(body[:65536]).best()
    if guess is not None:
        return _codec(guess.encoding) or "utf-8"
    return "utf-8"


def decode_body(body: bytes, content_type: str = "") -> str:
    """Decode a response body; undecodable bytes become U+FFFD rather than failing the page."""
    encoding = sniff_encoding(body, content_type)
    if encoding == "utf-8" and body.startswith(codecs.BOM_UTF8):
        body = body[len(codecs.BOM_UTF8):]
    return body.decode(encoding, errors="replace")
