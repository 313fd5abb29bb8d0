"""Which papers opened issues announced: the ids on the hidden marker line that ends each of
the digest's sections (``digest``). A leaf, apart from the digest that writes the lines: reading
them back (``confirm``, in every daily run) loads no template and no other output."""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import unquote

MARKER = "dailypapers:announced"
_MARKER_LINE = re.compile(rf"<!-- {MARKER}((?: [^\s<>]+)*) -->")


def announced_ids(bodies: Iterable[str]) -> set[str]:
    """The papers that issue bodies announced: the ids on their whole, intact marker lines.

    A body cut short loses the marker of the section it cut, so that section's papers stay
    pending and come again rather than vanish.
    """
    ids: set[str] = set()
    for body in bodies:
        for line in body.splitlines():
            match = _MARKER_LINE.fullmatch(line.strip())
            if match:
                ids.update(unquote(i) for i in match.group(1).split())
    return ids
