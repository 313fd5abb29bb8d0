"""Text normalisation every stage shares: whitespace folding and file-name slugs.

Escaping for an output format is not here: it lives in ``outputs.escape``, next to the outputs.
"""

from __future__ import annotations

import re
import unicodedata

_SPACE = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


_PRINTABLE_ASCII = bytes(range(0x20, 0x7F))


def printable(text: str) -> bool:
    """``text.isprintable()``, at twice the speed on long ASCII text such as an abstract.

    ``isprintable`` looks every character up in the Unicode database; among ASCII only space to
    tilde are printable, and deleting those bytes is a plain table scan.
    """
    if len(text) > 64 and text.isascii():
        return not text.encode().translate(None, _PRINTABLE_ASCII)
    return text.isprintable()


def fold(text: str) -> str:
    """Collapse runs of whitespace (arXiv hard-wraps titles and abstracts) and drop controls."""
    # The common case: stored text was folded when it was fetched. Printable text holds no
    # whitespace but the plain space, so only doubled and outer spaces are left to look for.
    if (
        (text.isprintable() if len(text) <= 64 else printable(text))
        and "  " not in text
        and text[:1] != " "
        and text[-1:] != " "
    ):
        return text
    return _SPACE.sub(" ", _CONTROL.sub("", text)).strip()


def slugify(name: str) -> str:
    """File-name-safe identity of a keyword: lowercase ASCII words joined by ``-``."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "-".join(re.findall(r"[a-z0-9]+", ascii_name.lower()))


class NotUtf8(ValueError):
    """Bytes that are not UTF-8 text: where the first bad byte is, for a one-line error. A file
    saved in another encoding is fixed by finding that byte."""

    def __init__(self, data: bytes, exc: UnicodeDecodeError) -> None:
        self.line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        self.problem = (
            f"not UTF-8 text: byte 0x{data[exc.start]:02x} at column {column} ({exc.reason})"
        )
        super().__init__(f"line {self.line}: {self.problem}")


def decode_utf8(data: bytes) -> str:
    """``data`` as text; NotUtf8 naming the line of the first byte that is not UTF-8."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise NotUtf8(data, exc) from None
