"""Bytes of an HTML page to text: BOM, then UTF-8 (also with a few bad bytes), then the HTTP
header, then <meta charset>, then detection (charset-normalizer), then UTF-8 with
replacement characters."""

from __future__ import annotations

import codecs
import re

_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF32_LE, "utf-32-le"),
         (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF16_LE, "utf-16-le"),
         (codecs.BOM_UTF16_BE, "utf-16-be"))
_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_:.\-]+)""", re.IGNORECASE)
#: Only the head of a page is searched for <meta charset> (browsers look at 1024 bytes;
#: real pages put scripts first, so a little more).
_META_WINDOW = 4096
# Labels pages use that Python spells differently or that browsers map to a superset.
_LATIN_SINGLE_BYTE = re.compile(r"^(cp125[0-8]|iso8859_(1|2|3|4|9|10|13|14|15|16)|latin_1|mac_\w+)$")
_ALIASES = {"iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252",
            "ascii": "cp1252", "us-ascii": "cp1252", "gb2312": "gb18030", "gbk": "gb18030",
            "x-sjis": "shift_jis", "unicode": "utf-8", "utf8": "utf-8"}


def _codec(label: str | bytes | None) -> str | None:
    if not label:
        return None
    if isinstance(label, bytes):
        label = label.decode("ascii", "ignore")
    name = _ALIASES.get(label.strip().lower(), label.strip().lower())
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_html(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode `data`, trying the sources of truth in order; returns (text, encoding used).

    Bytes that are valid UTF-8 are read as UTF-8 whatever the label. A declared charset
    (HTTP header or <meta>) that fails on the bytes is distrusted (pages often lie) and
    detection decides; nothing here raises on bad bytes.
    """
    for bom, name in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(name, "replace"), name
    if not data.isascii():
        # Valid UTF-8 with non-ASCII bytes is UTF-8, whatever the label says: other
        # encodings almost never form valid multi-byte sequences, and servers that label
        # UTF-8 pages ISO-8859-1 (the HTTP default) are common.
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            if _mostly_utf8(data):
                return data.decode("utf-8", "replace"), "utf-8"
    candidates = [_codec(declared)]
    if m := _META_CHARSET.search(data[:_META_WINDOW]):
        candidates.append(_codec(m.group(1)))
    for name in candidates:
        if name is None:
            continue
        if name.startswith("utf-16") or name.startswith("utf-32"):
            continue  # a <meta> in bytes we could read as ASCII cannot be UTF-16
        try:
            return data.decode(name), name
        except UnicodeDecodeError:
            continue
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    if best is None:
        return data.decode("utf-8", "replace"), "utf-8"
    encoding = best.encoding
    # On short Western text detection wavers between single-byte Latin code pages
    # (cp1250 for cp1252); windows-1252 is what browsers assume for unlabelled pages.
    if _LATIN_SINGLE_BYTE.match(encoding):
        try:
            return data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            pass
    return data.decode(encoding, "replace"), encoding


#: A page is UTF-8 with a few bad bytes (a pasted Latin-1 word, a cut sequence) when at
#: most this share of its non-ASCII characters fail to decode...
_MAX_BAD_SHARE = 0.05
#: ... and at least this many multi-byte sequences do decode.
_MIN_GOOD_SEQUENCES = 20


def _mostly_utf8(data: bytes) -> bool:
    """Valid UTF-8 but for a few bytes: decoding it in a legacy code page would garble
    every accented letter to fix one (valid multi-byte sequences do not happen by chance)."""
    text = data.decode("utf-8", "replace")
    bad = text.count("\ufffd")
    good = sum(1 for ch in text if ch > "\x7f") - bad
    return good >= _MIN_GOOD_SEQUENCES and bad <= _MAX_BAD_SHARE * (good + bad)


#: Control bytes that never occur in text (tab, newlines, form feed and escape do).
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r\f\x1b")


def looks_binary(data: bytes) -> bool:
    """True for bytes that are no text in any charset: NUL bytes outside a UTF-16/32 BOM,
    or more than 10% control bytes in the first 8 KiB."""
    head = data[:8192]
    if not head or any(head.startswith(bom) for bom, _ in _BOMS[1:]):
        return False
    if b"\x00" in head:
        return True
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return controls > 0.1 * len(head)
