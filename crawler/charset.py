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


def decode(content: bytes, content_type: str = "", is_html: bool = True) -> str | None:
    """Text of a page, or None if it is not text in any encoding.

    Order: a byte order mark; then the HTTP header and the document's own declaration, when
    they agree and the bytes bear them out; else detection. Vietnamese servers often label UTF-8
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
        text = _decode_as(content, declared.pop())
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
