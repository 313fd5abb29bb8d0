"""How many rows of each keyword fit a size limit: the README's, a part file's, the issue's.

GitHub cuts a README after 500 KiB without a word and refuses an issue body over 65,536
characters, so every keyword must give up its oldest rows, fairly, before the whole goes over.
The fitting is a pure function of sizes (bytes or characters: the caller decides), so that it
costs one pass over the rows and can be reused by anything that renders a budgeted page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Piece:
    """One keyword's share of a budgeted page.

    ``rows`` are the sizes of its rows, newest first; ``more`` is the size of the line that
    links to the rows left out, written only when some are.
    """

    rows: Sequence[int]
    more: int = 0


def fit(fixed: int, pieces: Sequence[Piece], budget: int) -> list[int] | None:
    """How many leading rows of each piece to show so that the total stays within ``budget``.

    Every keyword gets the same number of rows (its newest), the largest number that fits; what
    is left is then handed out one row at a time in keyword order, so a keyword with short rows
    or few papers does not leave room unused. All rows are shown when they all fit; None when
    ``fixed`` and the link lines alone are over the budget.
    """
    counts = [len(piece.rows) for piece in pieces]
    if fixed + sum(sum(piece.rows) for piece in pieces) <= budget:
        return counts
    # cost(c): every piece cut to its newest c rows, a link line for each piece still cut.
    cost = fixed + sum(piece.more for piece in pieces if piece.rows)
    if cost > budget:
        return None
    best, best_cost = 0, cost
    active = [piece for piece in pieces if piece.rows]
    pending = sum(piece.more for piece in active)
    cap = 0
    # Rows only add; only the link lines still pending can come off again.
    while active and cost - pending <= budget:
        still: list[Piece] = []
        for piece in active:
            cost += piece.rows[cap]
            if cap + 1 == len(piece.rows):
                cost -= piece.more
                pending -= piece.more
            else:
                still.append(piece)
        active, cap = still, cap + 1
        if cost <= budget:
            best, best_cost = cap, cost
    shown = [min(best, n) for n in counts]
    room = budget - best_cost
    grew = True
    while grew:
        grew = False
        for i, piece in enumerate(pieces):
            n = shown[i]
            if n == len(piece.rows):
                continue
            extra = piece.rows[n] - (piece.more if n + 1 == len(piece.rows) else 0)
            if extra <= room:
                shown[i] += 1
                room -= extra
                grew = True
    return shown


def split(rows: Sequence[int], budget: int) -> list[int]:
    """Cut a run of rows into consecutive parts of at most ``budget`` each: the part lengths.

    A row larger than the budget on its own still gets a part of its own rather than vanish.
    """
    parts: list[int] = []
    size = count = 0
    for row in rows:
        if count and size + row > budget:
            parts.append(count)
            size = count = 0
        size += row
        count += 1
    if count or not parts:
        parts.append(count)
    return parts
