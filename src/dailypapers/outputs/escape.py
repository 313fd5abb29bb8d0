"""Every escape the project does, in one place, so no output can forget one.

Text from arXiv is untrusted. Each output format gets one function here; the template
environments apply them by construction (see ``templating``).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Iterable

import msgspec

from ..text import fold, printable


class Safe(str):
    """Text already escaped for the format it is written into; templates write it unchanged."""

    __slots__ = ()


COMMENT_INLINE_MAX = 20
COMMENT_SUMMARY_CHARS = 5


def md_cell(text: str) -> Safe:
    """Make text safe inside a GitHub table cell and inside the HTML the cells carry.

    Ordinary text comes out unchanged; only ``| < >``, backticks, ``* ~`` and ``_`` outside a
    word, an ``&`` that would start a character reference and a backslash before punctuation
    change, so rows stay byte-identical to the established format.
    """
    return Safe(_md_escape(fold(text)))


def md_text(text: str) -> str:
    """Any other text in Markdown (headings, counts, dates): escaped but not folded."""
    return _md_escape(text)


# ``&`` starts a character reference only before ``#`` or a name ending in ``;``; anywhere else
# it is written as it is. GitHub's autolinker takes a web address's text and target as written,
# so ``?v=1&amp;t=2`` in a comment showed "&amp;" and sent "amp;t=2" to the server.
_REFERENCE_START = re.compile(r"&(?=#|[A-Za-z0-9]+;)")


def _md_escape(text: str, *, autolinks: bool = True) -> str:
    """``autolinks``: whether GitHub links the web addresses in this text (not in a link's)."""
    if "&" in text:
        text = _REFERENCE_START.sub("&amp;", text)
    text = text.replace("<", "&lt;").replace(">", "&gt;")
    if "\\" in text or "`" in text or "*" in text or "_" in text or "~" in text:
        addresses = autolinks and ("://" in text or "www." in text.lower())
        text = (_LITERAL_OR_ADDRESS if addresses else _LITERAL).sub(_literal, text)
    return text.replace("|", "\\|")


# Signs that Markdown reads as markup, and the paper text lost, each written as an entity:
# - a backslash before ASCII punctuation escapes it and is not shown (``12.5\%``, ``$\{0,1\}$``,
#   ``Schr\"odinger``), and one before an escape we write (or at a cell's end) would swallow
#   it. Each of a run is judged alone: the last of ``\\alpha`` stays as it is.
# - a backtick opens a code span, inside which every escape shows as typed (```<think>` tags``
#   showed "&lt;think&gt;", an issue's ```@name``` its word joiner); TeX quotes (````Tag''``)
#   lost theirs, and a comment's summary, cut from a pair, swallowed the ``</summary><p>``.
# - ``* ~`` and ``_`` pair into emphasis and strikethrough: ``et al.~(2022) ... parameter~$l$``
#   was struck through, ``5*10-4 and 9*10-4`` set in italics. A ``_`` inside a word never pairs
#   and stays (``snake_case``, ``x_1``).
_LITERAL_SIGN = r"\\(?=[!-/:-@\[-`{-~]|$)|[`*~]|(?<![^\W_])_|_(?![^\W_])"
# The lookahead names every character a match starts with: without it the regex engine tries
# each alternative at every position, three times slower over an abstract.
_LITERAL = re.compile(r"(?=[\\`*~_])(?:" + _LITERAL_SIGN + ")")
# GitHub links a web address as written, so an entity there would show: inside one only a
# backslash before what it would break (``|`` splits the cell) and backticks are entities. The
# address starts as in cmark-gfm (no letter before the scheme, a character of the host after it;
# ``www.`` after a space or ``(``) and ends at the next space: cmark-gfm ends it at a ``<`` too,
# but finds none in escaped text.
_WEB_ADDRESS = r"(?:(?<![A-Za-z])(?i:https?|ftp)://|(?<![^\s(])(?i:www)\.)[A-Za-z0-9]\S*"
_LITERAL_OR_ADDRESS = re.compile(
    r"(?=[\\`*~_fhwFHW])(?:" + _WEB_ADDRESS + "|" + _LITERAL_SIGN + ")"
)
_ADDRESS_LITERAL = re.compile(r"\\(?=[|&\[\]`])|`")
_ENTITIES = {"\\": "&#92;", "`": "&#96;", "*": "&#42;", "_": "&#95;", "~": "&#126;"}


def _literal(match: re.Match[str]) -> str:
    found = match.group()
    if len(found) == 1:
        return _ENTITIES[found]
    # An address that ends the text ends its cell: a backslash there would escape our ``</p>``.
    end = len(found) if match.end() < len(match.string) else len(found.rstrip("\\"))
    return _ADDRESS_LITERAL.sub(_literal, found[:end]) + "&#92;" * (len(found) - end)


def md_link_text(text: str) -> Safe:
    """A title as the text of its row's link: a cell whose brackets cannot end the link early
    or open a link of their own (``Sampling on (0, 1]``, ``See [this](http://...)``)."""
    text = _md_escape(fold(text), autolinks=False)
    if "[" not in text and "]" not in text:
        return Safe(text)
    return Safe(text.replace("[", "\\[").replace("]", "\\]"))


# ``&#8288;`` is the word joiner ``unlinked`` puts into an issue body: not part of the text.
_MD_UNESCAPES = {
    "\\|": "|",
    "&lt;": "<",
    "&gt;": ">",
    "&amp;": "&",
    "&#92;": "\\",
    "&#96;": "`",
    "&#42;": "*",
    "&#95;": "_",
    "&#126;": "~",
    "&#8288;": "",
}
_MD_UNESCAPE = re.compile(r"\\\||&(?:lt|gt|amp|#92|#96|#42|#95|#126|#8288);")
_LINK_UNESCAPES = {**_MD_UNESCAPES, "\\[": "[", "\\]": "]"}
_LINK_UNESCAPE = re.compile(r"\\[|\[\]]|&(?:lt|gt|amp|#92|#96|#42|#95|#126|#8288);")


def md_cell_unescape(cell: str) -> str:
    """Undo ``md_cell`` in one left-to-right pass, so ``&amp;lt;`` stays ``&lt;``."""
    return _MD_UNESCAPE.sub(lambda m: _MD_UNESCAPES[m.group()], cell)


def md_link_text_unescape(cell: str) -> str:
    """Undo ``md_link_text``."""
    return _LINK_UNESCAPE.sub(lambda m: _LINK_UNESCAPES[m.group()], cell)


def md_comment(text: str) -> Safe:
    """The Comment cell: short comments inline, long ones collapsed behind their first letters."""
    text = fold(text)
    if len(text) <= COMMENT_INLINE_MAX:
        return md_cell(text)
    # The established format cuts the summary verbatim, trailing space included ("MLHC ...").
    head = _md_escape(text[:COMMENT_SUMMARY_CHARS])
    return Safe(f"<details><summary>{head}...</summary><p>{md_cell(text)}</p></details>")


# In an issue body GitHub turns ``@name`` (and ``@org/team``) into a notification, and ``#12``,
# ``GH-12`` and ``owner/repo#12`` into a link plus a "mentioned this" event on that issue. A word
# joiner right after the sign breaks the pattern and shows nothing; it goes in as an entity so
# that it is visible in the Markdown source. Entities written by the escapes (``&#92;``) are
# skipped: their ``#`` is no reference.
WORD_JOINER = "&#8288;"
# A link to an issue or pull request (``github.com/o/r/issues/5``) references it as well; a
# joiner inside the host name leaves it readable text that links nowhere.
_LINKING = re.compile(
    r"&#\d+;|@(?=\w)|#(?=\d)|(?i:gh)-(?=\d)"
    r"|(?i:(?<=github)(?=\.com/[\w.-]+/[\w.-]+/(?:issues|pull|discussions)/\d))"
)


def _unlink(match: re.Match[str]) -> str:
    found = match.group()
    return found if found[:1] == "&" else found + WORD_JOINER


# A web address that GitHub's autolinker makes a link of, from its start to the next space, and
# where a joiner keeps it from being one.
_WEB = re.compile(r"(?i:(?:https?|ftp)://|www\.)[^\s<]*")
_AUTOLINK_START = re.compile(r"(?i:://|(?<=www)\.)")


def unlinked(markdown: str) -> Safe:
    """Escaped Markdown whose text can no longer mention a user or reference an issue.

    Only for paper text (titles, comments, authors): the template's own text, such as the
    ``cc @name`` of configured users, must keep its mentions.
    """
    if not any(sign in markdown for sign in "@#-/"):
        return Safe(markdown)
    return Safe(_LINKING.sub(_unlink, _WEB.sub(_no_link, markdown)))


def _no_link(match: re.Match[str]) -> str:
    """A web address holding what ``unlinked`` breaks (``medium.com/@name``, ``/#12``, an issue's
    address) is kept from being a link: the joiners would be part of the link, shown as
    "&#8288;" and sent to the server. As text it reads the same. Other addresses stay links.
    What a link shows as written (``_LITERAL_OR_ADDRESS``) is Markdown in text: entities too."""
    url = match.group()
    if all(found.group()[:1] == "&" for found in _LINKING.finditer(url)):
        return url
    url = _UNLINKED_LITERAL.sub(_literal, url)
    return _AUTOLINK_START.sub(lambda m: WORD_JOINER + m.group(), url, count=1)


# ``_LITERAL`` for escaped text: a backslash before ``| [ ]`` there is an escape we wrote.
_UNLINKED_LITERAL = re.compile(r"\\(?![|\[\]])(?=[!-/:-@\[-`{-~]|$)|[*~]|(?<![^\W_])_|_(?![^\W_])")


def issue_cell(text: str) -> Safe:
    """``md_cell`` for an issue body: paper text that pings no one."""
    return unlinked(md_cell(text))


def issue_heading(name: str) -> Safe:
    """A keyword's name as an issue heading: the owner's text, yet only ``notify:`` may ping."""
    return unlinked(html(name))


def issue_link_text(text: str) -> Safe:
    """``md_link_text`` for an issue body."""
    return unlinked(md_link_text(text))


def issue_comment(text: str) -> Safe:
    """``md_comment`` for an issue body.

    The summary is cut from the raw text and made inert on its own: a cut can make a reference
    the whole text does not hold (``GH-12a`` cut to ``GH-12``).
    """
    text = fold(text)
    if len(text) <= COMMENT_INLINE_MAX:
        return issue_cell(text)
    head = unlinked(_md_escape(text[:COMMENT_SUMMARY_CHARS]))
    return Safe(f"<details><summary>{head}...</summary><p>{issue_cell(text)}</p></details>")


def md_url(url: str) -> Safe:
    """A link found in paper text (``outputs.links``: only URL characters, no ``|<>"``) as a
    Markdown link destination; its parentheses, which could end the destination early, are
    percent-encoded (servers read both forms alike)."""
    return Safe(url.replace("(", "%28").replace(")", "%29"))


def md_abstract(text: str) -> Safe:
    return Safe(f"<details><summary>Show</summary><p>{md_cell(text)}</p></details>")


def html(text: str) -> Safe:
    """Text for HTML element content and quoted attributes."""
    return Safe(
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#39;")
    )


_MARKER_SAFE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789./")
_MARKER_NAME = re.compile(r"[a-z]+:[a-z]+")


def marker_id(paper_id: str) -> str:
    """A paper id in a hidden marker line, percent-encoded beyond ``[A-Za-z0-9./]``: no id from
    a server can end the HTML comment (``-->``) or split the list (``urllib.parse.unquote``
    reads it back)."""
    if all(c in _MARKER_SAFE for c in paper_id):
        return paper_id
    return "".join(
        c if c in _MARKER_SAFE else "".join(f"%{b:02X}" for b in c.encode("utf-8", "surrogatepass"))
        for c in paper_id
    )


def md_marker(ids: Iterable[str], name: str) -> Safe:
    """``<!-- name id id ... -->``: a line GitHub does not show, for a program to read back."""
    if not _MARKER_NAME.fullmatch(name):
        raise ValueError(f"not a marker name: {name!r}")
    return Safe(f"<!-- {name} {' '.join(marker_id(i) for i in ids)} -->")


# Everything that ends or breaks a line somewhere (C0 but the tab, DEL, C1 with NEL, and the
# Unicode line and paragraph separators).
_LOG_BREAKS = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")


def log_text(text: str) -> str:
    """Outside text (a server's error page, a keyword name) inside one line of console output.

    The Actions runner reads every output line as a possible command: one that starts with
    ``::`` after its leading spaces, and the older ``##[name]`` form anywhere in a line. So the
    text loses its line breaks and every ``##[`` gets a space; ``log_line`` does the rest.
    """
    return _LOG_BREAKS.sub(" ", text).replace("##[", "## [")


def log_line(line: str) -> str:
    """A whole line for stdout or stderr: one line, never a workflow command.

    Lines dailypapers composes start with its own words; should one still begin with ``::``
    (after any spaces), it is marked as quoted so the runner shows it instead of obeying it.
    """
    line = log_text(line)
    if line.lstrip().startswith("::"):
        line = "> " + line
    return line


def gha_message(text: str) -> str:
    """The message of a GitHub Actions workflow command (``::error::message``).

    A newline in arXiv's error text would end the command and let the rest of the line be read
    as a new one; the runner decodes these percent escapes back.
    """
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def gha_property(text: str) -> str:
    """A property value of a workflow command (``::error title=value::``)."""
    return gha_message(text).replace(":", "%3A").replace(",", "%2C")


# Characters XML 1.0 cannot carry even as character references.
_XML_INVALID = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> Safe:
    """Text for XML element content and double-quoted attributes (the Atom feeds).

    Characters XML forbids outright are dropped: no escape can carry them, and a single one would
    make a reader reject the whole feed. Tabs and line breaks become character references, which
    parsers return as written instead of normalising them (CR to LF, or to spaces in attributes).
    """
    return Safe(xml_escape(text))


def xml_escape(text: str) -> str:
    """``xml_text`` as a plain ``str``, which is what ``xml_finalize`` gives Jinja: it copies
    any str subclass it writes, and a feed entry writes a dozen values."""
    # ``in`` scans with memchr; replace() scans much slower even when it finds nothing.
    if "&" in text or "<" in text or ">" in text or '"' in text:
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        text = text.replace('"', "&quot;")
    if printable(text):  # no line breaks, tabs or characters XML forbids
        return text
    text = _XML_INVALID.sub("", text)
    return text.replace("\r", "&#13;").replace("\n", "&#10;").replace("\t", "&#9;")


def xml_finalize(value: object) -> str:
    """What an xml template writes for ``{{ value }}``: a ``Safe`` as it is, anything else
    through ``xml_escape``.

    A feed entry writes a dozen values and most need no escape: this tells so in one call
    instead of three. The result is a plain ``str``, which Jinja does not copy again.
    """
    if type(value) is Safe:
        return value
    text = value if type(value) is str else str(value)
    if "&" in text or "<" in text or ">" in text or '"' in text:
        return xml_escape(text)
    if text.isprintable() if len(text) <= 64 else printable(text):
        return text
    return xml_escape(text)


# BibTeX counts every brace, escaped or not, so literal braces must become brace-free commands;
# ``< > |`` print as other glyphs in LaTeX's default font encoding.
_BIB_TEXT = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "|": r"\textbar{}",
}
_BIB_TEXT_RE = re.compile(r"[\\{}&%$#_~^<>|]")
_UNESCAPED_DOLLAR = re.compile(r"(?<!\\)\$")
_NAME_NEEDS_BRACES = re.compile(r",|\band\b", re.IGNORECASE)
_VERBATIM_DROP = str.maketrans("", "", "{}\\")


def bibtex_text(text: str) -> str:
    """Plain text as LaTeX that typesets literally: every special character is escaped."""
    return _bib_escape(fold(text))


def _bib_escape(text: str) -> str:
    if not _BIB_TEXT_RE.search(text):
        return text
    return _BIB_TEXT_RE.sub(lambda m: _BIB_TEXT[m.group()], text)


def _braces_balance(text: str, *, skip_escaped: bool) -> bool:
    depth = 0
    previous = ""
    for ch in text:
        if skip_escaped and previous == "\\":
            previous = ""
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth < 0:
                return False
        previous = ch
    return depth == 0


# Math macros a title may keep: symbols, named functions, fonts, accents and sizing. None of
# them reads or writes a file, defines anything or changes how TeX reads its input, so a
# ``$...$`` made only of these can typeset (or fail to), nothing more. Any other control
# sequence -- ``\input``, ``\write18``, ``\catcode``, ``\def``, ``\csname``, ``\end`` --
# makes the whole span print literally.
MATH_MACROS = frozenset(
    (
        # Greek letters
        "alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa varkappa "
        "lambda mu nu xi pi varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega "
        "Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega digamma "
        # named functions
        "arccos arcsin arctan arg cos cosh cot coth csc deg det dim exp gcd hom inf ker lg lim "
        "liminf limsup ln log max min Pr sec sin sinh sup tan tanh "
        # relations and arrows
        "approx asymp cong dashv doteq equiv ge geq geqslant gg gtrsim in le leq leqslant ll "
        "lesssim mid models ne neq ni notin parallel perp prec preceq propto sim simeq "
        "sqsubseteq sqsupseteq subset subseteq subsetneq succ succeq supset supseteq vdash "
        "gets to mapsto leftarrow rightarrow leftrightarrow Leftarrow Rightarrow "
        "Leftrightarrow longleftarrow longrightarrow longleftrightarrow Longleftarrow "
        "Longrightarrow Longleftrightarrow longmapsto hookrightarrow hookleftarrow "
        "uparrow downarrow updownarrow Uparrow Downarrow nearrow searrow nwarrow swarrow "
        "rightleftharpoons implies iff not "
        # operators
        "amalg ast bigcap bigcup bigodot bigoplus bigotimes bigsqcup biguplus bigvee bigwedge "
        "bullet cap cdot circ coprod cup dagger ddagger diamond div iint iiint int land lor "
        "lnot mp neg odot oint ominus oplus oslash otimes pm prod setminus sqcap sqcup star "
        "sum times triangle uplus vee wedge wr "
        # symbols
        "aleph angle backslash bot beth cdots checkmark clubsuit ddots dots emptyset ell "
        "exists forall hbar heartsuit Im imath infty jmath ldots nabla natural partial prime "
        "Re sharp flat spadesuit surd top varnothing vdots wp nexists complement square "
        "blacksquare lozenge triangleq "
        # delimiters and sizes
        "langle rangle lceil rceil lfloor rfloor lvert rvert lVert rVert vert Vert left right "
        "middle big Big bigg Bigg bigl bigr Bigl Bigr biggl biggr Biggl Biggr "
        # fonts, accents, fractions, spacing
        "mathbb mathbf mathcal mathfrak mathit mathnormal mathrm mathscr mathsf mathtt "
        "boldsymbol bm text textrm textbf textit textsf texttt textnormal operatorname "
        "acute bar breve check ddot dot grave hat mathring tilde vec widehat widetilde "
        "overline underline overbrace underbrace overrightarrow overleftarrow "
        "frac dfrac tfrac sqrt binom dbinom tbinom choose over "
        "limits nolimits displaystyle textstyle scriptstyle scriptscriptstyle quad qquad"
    ).split()
)
# ``\,`` and the like: thin spaces and escaped delimiters.
_MATH_SYMBOLS = frozenset(",;:! {}|_")
_CONTROL = re.compile(r"\\([A-Za-z]+|.?)", re.DOTALL)


def _harmless_math(body: str) -> bool:
    """Whether every control sequence in a math span is on the allow-list.

    TeX reads ``^^5c`` as a backslash (and ``^^`` with any two hex digits as that character),
    so ``^^`` is refused outright rather than decoded.
    """
    if "^^" in body:
        return False
    for match in _CONTROL.finditer(body):
        name = match.group(1)
        if len(name) > 1 or name.isalpha():
            if name not in MATH_MACROS:
                return False
        elif name not in _MATH_SYMBOLS:
            return False
    return True


def _keepable_math(body: str) -> bool:
    """Whether ``$body$`` can go to LaTeX as written: harmless, and without breaking the .bib
    or the document.

    Non-ASCII breaks pdfLaTeX in math mode, control characters have no place in a title,
    ``% # &`` break it anywhere, and braces must balance both as BibTeX counts them and as LaTeX
    does.
    """
    return (
        bool(body.strip())
        and all(" " <= ch <= "~" for ch in body)
        and not any(ch in body for ch in "%#&")
        and _braces_balance(body, skip_escaped=False)
        and _braces_balance(body, skip_escaped=True)
        and _harmless_math(body)
    )


def bibtex_field(text: str) -> str:
    """A title (or other prose) for a brace-delimited BibTeX field.

    arXiv titles carry intentional inline math such as ``$O(n)$``; a ``$...$`` span made only of
    harmless math macros (``MATH_MACROS``) is kept so it typesets as the authors meant.
    Everything else, including other LaTeX commands (``$\\input{...}$`` would run when the
    user compiles their paper) and unpaired dollars, is escaped to show literally, so the entry
    always parses and compiles (math macros are the authors' own, e.g. ``\\mathbb`` needs
    amssymb).
    """
    text = fold(text)
    if "$" not in text:
        return _bib_escape(text)
    pieces = _UNESCAPED_DOLLAR.split(text)
    out = [_bib_escape(pieces[0])]
    for i in range(1, len(pieces), 2):
        body = pieces[i]
        closed = i + 1 < len(pieces)
        if closed and _keepable_math(body):
            out.append(f"${body}$")
        else:
            out.append(_bib_escape("$" + body + ("$" if closed else "")))
        if closed:
            out.append(_bib_escape(pieces[i + 1]))
    return "".join(out)


def bibtex_names(names: tuple[str, ...] | list[str]) -> str:
    """Authors for BibTeX's ``author`` field, joined by `` and ``.

    A name holding a comma or the word "and" would be split or reordered by BibTeX's name
    parser; braces make it one literal name.
    """
    joined = " and ".join(names)
    # Most author lists need nothing: no name to fold, escape or brace. Whitespace to fold
    # shows in the joined text as a non-printable character or a double or outer space (an
    # empty name leaves two spaces), and the separators are the only matches of "and".
    if (
        joined.isprintable()
        and "  " not in joined
        and joined[:1] != " "
        and joined[-1:] != " "
        and not _BIB_TEXT_RE.search(joined)
        and len(_NAME_NEEDS_BRACES.findall(joined)) == len(names) - 1
    ):
        return joined
    return _bibtex_each_name(names)


def _bibtex_each_name(names: tuple[str, ...] | list[str]) -> str:
    parts = []
    for name in names:
        escaped = bibtex_text(name)
        if not escaped:
            continue
        parts.append(f"{{{escaped}}}" if _NAME_NEEDS_BRACES.search(escaped) else escaped)
    return " and ".join(parts)


def bibtex_verbatim(text: str) -> str:
    """A DOI, URL or eprint id: fields that styles print verbatim, so nothing is escaped.

    Braces and backslashes cannot occur in real identifiers and would unbalance the entry, so
    they are dropped rather than escaped.
    """
    return fold(text).translate(_VERBATIM_DROP)


def script_hash(script: str) -> Safe:
    """The Content-Security-Policy source that allows exactly this inline script."""
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return Safe("'sha256-" + base64.b64encode(digest).decode("ascii") + "'")


def script_json(value: object) -> Safe:
    """Compact JSON that is safe inside ``<script type="application/json">``.

    Only ``</script`` or ``<!--`` could end or confuse the element; escaping every ``<`` as
    ``\\u003c`` rules both out, and ``JSON.parse`` reads it back as the same text.
    """
    text = _json(value)
    return Safe(text.replace("<", "\\u003c") if "<" in text else text)


def _json(value: object) -> str:
    """Compact JSON, non-ASCII text as itself: msgspec writes what ``json`` does byte for byte,
    four times as fast; ``json`` takes only text msgspec refuses (a lone surrogate)."""
    try:
        return _ENCODE(value).decode("utf-8")
    except UnicodeEncodeError:
        return _JSON.encode(value)


_ENCODE = msgspec.json.Encoder().encode
_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_string = json.encoder.encode_basestring
