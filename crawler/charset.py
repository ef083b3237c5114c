"""Bytes to text the way real Vietnamese servers need it.

Servers often label UTF-8 pages ISO-8859-1, and some send no label at all; fetching (with the
HTTP header) and re-extraction from WARC captures (with the header stored beside the bytes)
decode through this one function.
"""

from __future__ import annotations

import codecs
from email.message import Message

import charset_normalizer
from bs4.dammit import EncodingDetector

# A UTF-8 page may carry this many broken bytes, or this share of its non-ASCII bytes.
MAX_BROKEN_BYTES = 8
MAX_BROKEN_SHARE = 0.02


def decode(content: bytes, content_type: str = "", is_html: bool = True) -> str | None:
    """Text of a page, or None if it is not text in any encoding.

    Order: a byte order mark; then the HTTP header and the document's own declaration, when
    they agree and the bytes bear them out (for UTF-8, when all but a few bytes decode, the
    broken ones replaced with U+FFFD); else detection. Vietnamese servers often label UTF-8
    pages ISO-8859-1, and bytes that are valid multi-byte UTF-8 are UTF-8 whatever the label.
    """
    body, bom = EncodingDetector.strip_byte_order_mark(content)
    if bom:
        return body.decode(bom, errors="replace")
    declared = {
        _codec(_header_charset(content_type)),
        _codec(EncodingDetector.find_declared_encoding(content, is_html=is_html)),
    }
    declared.discard(None)
    if len(declared) == 1:
        codec = declared.pop()
        text = _decode_as(content, codec)
        if text is None and codec == "utf-8":
            text = _mostly_utf8(content)
        if text is not None:
            return text
    best = charset_normalizer.from_bytes(content).best()
    return str(best) if best is not None else None


def _decode_as(content: bytes, codec: str) -> str | None:
    """The text if ``codec`` can be right: it decodes the bytes, and they are not UTF-8 text
    mislabelled as a single-byte charset."""
    try:
        text = content.decode(codec)
    except UnicodeDecodeError:
        return None
    if codec != "utf-8" and not content.isascii():
        try:
            content.decode("utf-8")
        except UnicodeDecodeError:
            return text
        return None
    return text


def _mostly_utf8(content: bytes) -> str | None:
    """UTF-8 with its few broken bytes replaced, when the page is declared UTF-8 and the rest
    decodes: a truncated character or a stray byte must not send a page to detection, which
    guesses some other charset for the whole text. A page in another charset mislabelled UTF-8
    breaks at most of its non-ASCII bytes and goes to detection."""
    text = content.decode("utf-8", errors="replace")
    broken = text.count("\ufffd") - content.decode("utf-8", errors="ignore").count("\ufffd")
    high = sum(1 for byte in content if byte >= 0x80)
    return text if broken <= max(MAX_BROKEN_BYTES, high * MAX_BROKEN_SHARE) else None


def _header_charset(content_type: str) -> str | None:
    message = Message()
    message["Content-Type"] = content_type
    charset = message.get_param("charset")
    return charset if isinstance(charset, str) else None


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip()).name
    except LookupError:
        return None
