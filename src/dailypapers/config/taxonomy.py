"""arXiv's subject classes, shipped so that ``categories: [cs.CVV]`` is refused before any request.

arXiv answers an unknown ``cat:`` with an empty result, not an error, so a typo would look like a
keyword on which nothing is ever published. The list is arXiv's public category taxonomy
(https://arxiv.org/category_taxonomy), written out by hand; a category arXiv adds later can be
appended here. Aliases arXiv keeps for merged classes (``cs.NA`` and ``math.NA``, ``math.IT``
and ``cs.IT``, ...) are listed under both names because both work in a search.
"""

from __future__ import annotations

import difflib

# Archive -> its subject classes; an empty string means the archive has no subject classes and
# is itself the category (``hep-th``).
_SUBJECTS: dict[str, str] = {
    "astro-ph": "CO EP GA HE IM SR",
    "cond-mat": "dis-nn mes-hall mtrl-sci other quant-gas soft stat-mech str-el supr-con",
    "cs": (
        "AI AR CC CE CG CL CR CV CY DB DC DL DM DS ET FL GL GR GT HC IR IT LG LO MA MM MS NA "
        "NE NI OH OS PF PL RO SC SD SE SI SY"
    ),
    "econ": "EM GN TH",
    "eess": "AS IV SP SY",
    "gr-qc": "",
    "hep-ex": "",
    "hep-lat": "",
    "hep-ph": "",
    "hep-th": "",
    "math": (
        "AC AG AP AT CA CO CT CV DG DS FA GM GN GR GT HO IT KT LO MG MP NA NT OA OC PR QA RA "
        "RT SG SP ST"
    ),
    "math-ph": "",
    "nlin": "AO CD CG PS SI",
    "nucl-ex": "",
    "nucl-th": "",
    "physics": (
        "acc-ph ao-ph app-ph atm-clus atom-ph bio-ph chem-ph class-ph comp-ph data-an ed-ph "
        "flu-dyn gen-ph geo-ph hist-ph ins-det med-ph optics plasm-ph pop-ph soc-ph space-ph"
    ),
    "q-bio": "BM CB GN MN NC OT PE QM SC TO",
    "q-fin": "CP EC GN MF PM PR RM ST TR",
    "quant-ph": "",
    "stat": "AP CO ME ML OT TH",
}

ARCHIVES = frozenset(_SUBJECTS)
"""Every archive; one with subject classes also stands for all of them (``cs`` = ``cs.*``)."""

ARCHIVES_WITH_SUBJECTS = frozenset(a for a, subjects in _SUBJECTS.items() if subjects)

CATEGORIES = frozenset(
    f"{archive}.{subject}" if subject else archive
    for archive, subjects in _SUBJECTS.items()
    for subject in (subjects.split() or [""])
)
"""Every category a paper can be filed under, as arXiv spells it."""

_BY_FOLDED = {c.casefold(): c for c in CATEGORIES | ARCHIVES}


def canonical(name: str) -> str | None:
    """arXiv's spelling of a category or archive (its search ignores case), or None if unknown."""
    return _BY_FOLDED.get(name.casefold())


def suggestion(name: str) -> str | None:
    """The known category closest to a misspelt one, for the error message."""
    close = difflib.get_close_matches(name.casefold(), list(_BY_FOLDED), n=1, cutoff=0.75)
    return _BY_FOLDED[close[0]] if close else None
