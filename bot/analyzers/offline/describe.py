"""What an editor reads on each item: why it needs checking, how to check it, how urgent it is.

Built from the item's own parts, never from a fixed sentence per type: who is cited (as written),
the outlet and date of another outlet's report, the figure at stake, the document or dataset the
sentence names. A "why" never contradicts the article: a claim with a source in its sentence is
never "no source".

Priority follows the stakes: a claim that rests on an unnamed, second-hand or unverified source is
high; a specific, consequential claim with no source or only a vague group behind it is high; a
routine statement by a named person on the record is low.
"""

from __future__ import annotations

import re
from functools import lru_cache

from bot.analyzers.offline.basis import FIGURE
from bot.models import ClaimBasis, Priority, SourceType

_FIGURE_PHRASE = re.compile(
    r"(?:(?:about|around|nearly|almost|roughly|some|more\s+than|less\s+than|fewer\s+than|at\s+least|up\s+to|"
    r"over|under)\s+)?[$£€]?\d(?:[\d,.]*\d)?(?:\s?(?:%|percent|per\s+cent|million|billion|trillion|bn|m\b))?"
    r"(?:\s+(?!(?:in|on|at|to|of|for|by|and|or|the|a|an|since|from|after|before|with|than|per|was|were|is|are|"
    r"have|has|had|be|been|will|would|could|can|may|might|said|says|told|that|which|who|among|across|into|per|"
    r"a\s+day|a\s+year)\b)"
    r"[a-z][a-z\-]{2,}){0,3}"
)
_DATE = re.compile(
    r"\b(?:(?:on|last|this|earlier\s+this|late\s+last|in)\s+(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|"
    r"Sunday|week|month|year|January|February|March|April|May|June|July|August|September|October|November|"
    r"December|(?:19|20)\d\d)\b(?:\s+\d{1,2}\b)?|(?:January|February|March|April|June|July|August|September|"
    r"October|November|December)\s+\d{1,2}(?:,\s+(?:19|20)\d\d)?)"
)
_DOCUMENT = re.compile(
    r"\b(?:(?:the|a|an|its|their|his|her|our)\s+)?"
    r"(?:(?!(?:in|on|at|to|of|for|by|and|or|with|from|that|said|says|told|a|an|the|since|than|after|before|when|"
    r"until|as|longest|largest|highest|lowest|biggest|first|last)\b)[A-Za-z][\w\-’']*\s+){0,2}?"
    r"(?:study|survey|report|analysis|budget\s+documents?|filings?|indictment|court\s+(?:filings|records|documents)|"
    r"statement|letter|data(?:set)?|results|accounts|census|poll|audit|records|minutes|transcript|memo|documents?|"
    r"figures|estimates?|forecast|index|register|filing)\b"
)
_CONSEQUENCE = re.compile(
    r"\b(?:kill\w*|died|dead|deaths?|injur\w*|wounded|casualt\w*|fraud\w*|brib\w*|kickbacks?|charged|arrest\w*|"
    r"convict\w*|guilty|investigat\w*|resign\w*|fired|dismissed|jobs?|layoffs?|cuts?|clos\w*|breach\w*|stole\w*|"
    r"hack\w*|tax\w*|budget|poverty|war|troops|brigades?|artillery|attack\w*|crisis|withdraw\w*|"
    r"lawsuit|fines?|ban\w*|prices?|rates?|loss|losses|debt|bankrupt\w*|contamina\w*|outbreak|disease|risk|"
    r"evacuat\w*|ceasefire|sanctions?|strike)\b",
)  # matched on lowercased text
_PRONOUNS = frozenset({"he", "she", "they", "i", "we", "you", "it", "who", "which"})
_DOCUMENT_HEAD = re.compile(
    r"\b(?:report|study|survey|analysis|summary|document|documents|filing|filings|indictment|data|figures|"
    r"estimates|statement|letter|memo|budget|poll|audit|review|census|records|minutes|transcript|results|"
    r"statistics)\b",
    re.IGNORECASE,
)
_LABEL: dict[str, str] = {
    "anonymous": "an unnamed source",
    "second_hand": "another outlet's reporting",
    "vague_group": "a vague group",
    "self_citation": "the piece's own earlier reporting",
    "explicitly_unverified": "a statement the piece could not verify",
    "named_on_record": "a named source on the record",
}
_WEAK: frozenset[str] = frozenset({"anonymous", "second_hand", "explicitly_unverified"})


@lru_cache(maxsize=512)
def _has_figure(sentence: str) -> bool:
    return FIGURE.search(sentence.lower()) is not None


def _q(phrase: str) -> str:
    return f"“{' '.join(phrase.split())}”"


@lru_cache(maxsize=512)  # why, how and priority of one item ask about the same sentence
def figure_in(sentence: str) -> str | None:
    """The first figure of the sentence that is not part of a date ("March 3", "in 2011")."""
    for m in _FIGURE_PHRASE.finditer(sentence):
        if not _DATE_BEFORE.search(sentence, max(0, m.start() - 12), m.start()) and not _YEAR.fullmatch(m.group()):
            return " ".join(m.group().split()).rstrip(",.")
    return None


_DATE_BEFORE = re.compile(
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|"
    r"Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?\s+$"
)
_YEAR = re.compile(r"(?:19|20)\d\d")


@lru_cache(maxsize=512)
def date_in(sentence: str) -> str | None:
    m = _DATE.search(sentence)
    return m.group() if m else None


@lru_cache(maxsize=512)
def document_in(sentence: str) -> str | None:
    m = _DOCUMENT.search(sentence)
    if m is None:
        return None
    words = m.group().split()
    while words and words[0].lower() in ("the", "a", "an", "its", "their", "his", "her", "our"):
        words = words[1:]
    return "the " + " ".join(words) if words else None


def _outlet(src: str, via: str) -> str:
    name = via or src
    told = _TOLD.search(name)
    if told is not None:  # "Councillor X told the Riverton Ledger": the outlet is the one told
        name = name[told.end() :]
    name = _REPORTED.sub("", re.sub(r"^(?:according\s+to|citing|per)\s+", "", name, flags=re.IGNORECASE))
    return name


_TOLD = re.compile(r"\b(?:told|tells|telling)\s+")
_REPORTED = re.compile(r"\s+(?:reported|reports|said|says|wrote|first\s+reported|has\s+reported)\b.*$")


_GENERIC_REPORTS = re.compile(r"(?i)^(?:the\s+|some\s+|several\s+|many\s+|recent\s+)*(?:\w+\s+)?reports?\b")


def _whose(src: str, via: str) -> str:
    """ "the Valley Post's reporting", or for unnamed reports "reports by outlets it does not name"."""
    name = _outlet(src, via)
    if _GENERIC_REPORTS.match(name):
        return "reports by outlets the piece does not name"
    return f"{_q(name)}'s reporting"


# --- source items -----------------------------------------------------------------------------


def source_why(stype: SourceType, src: str, via: str = "") -> str:
    if stype == "anonymous":
        return f"{_q(src)} is not named, so readers cannot judge their access or motives."
    if stype == "second_hand":
        return f"This comes from {_whose(src, via)}, not the piece's own."
    if stype == "vague_group":
        if _DOCUMENT_HEAD.search(src):
            return f"{_q(src)} are not tied to any named study, dataset or body."
        return f"{_q(src)} names nobody: the view cannot be traced to anyone in particular."
    if stype == "self_citation":
        return f"The piece leans on its own earlier reporting ({_q(src)}) instead of a primary source."
    if stype == "explicitly_unverified":
        return "The piece itself says this could not be verified."
    if src.lower() in _PRONOUNS:
        return "A pronoun stands for a source named earlier; make sure it is clear who is speaking."
    if _DOCUMENT_HEAD.search(src):
        return f"The source is a document ({_q(src)}): check it says this."
    why = f"{_q(src)} is named and on the record; check the words and the attribution."
    if via:
        why += f" It reached us via {via}."
    return why


def source_how(stype: SourceType, src: str, sentence: str, via: str = "") -> str:
    date = date_in(sentence)
    when = f" ({date})" if date else ""
    doc = document_in(sentence)
    if stype == "anonymous":
        return (f"Ask the reporter who {_q(src)} is, how they know, and whether a named source or a document "
                "confirms it.")
    if stype == "second_hand":
        if _GENERIC_REPORTS.match(_outlet(src, via)):
            return ("Find which outlet first reported this, read that report, then credit and link it, or confirm "
                    "it ourselves.")
        return (f"Read {_q(_outlet(src, via))}'s original report{when}, confirm it says this, then credit and link "
                "it, or confirm it ourselves.")
    if stype == "vague_group":
        if _DOCUMENT_HEAD.search(src):
            return f"Name the study, dataset or body behind {_q(src)} and link it, or cut the claim."
        return f"Name at least one of {_q(src)} with their affiliation, or cut the generalisation."
    if stype == "self_citation":
        return f"Find the earlier story{when}, check it still stands (no correction) and link it."
    if stype == "explicitly_unverified":
        what = f" for {doc}" if doc else ""
        return f"Keep the caveat prominent; look for official data or a second independent source{what}."
    if src.lower() in _PRONOUNS:
        return "Make sure the pronoun clearly points to the right named person; check the quote against the record."
    fig = figure_in(sentence) if _has_figure(sentence) else None
    if _DOCUMENT_HEAD.search(src):
        return f"Get {_q(src)} and check {_q(fig) if fig else 'the claim'} and the wording against it."
    check = f"Check the quote or paraphrase against {_q(src)}'s statement, recording or transcript{when}"
    if fig:
        check += f", and {_q(fig)} against {doc or 'the record it comes from'}"
    return check + "."


def source_priority(stype: SourceType) -> Priority:
    if stype in _WEAK:
        return "high"
    return "low" if stype == "named_on_record" else "medium"


# --- claim items -----------------------------------------------------------------------------

_BASIS_WHY: dict[str, str] = {
    "disputed_figure": "A figure that is disputed in the piece",
    "comparison": "A comparison or ranking that depends on figures not given here",
    "prediction": "A statement about the future or about intentions that cannot be checked yet",
    "characterisation": "An interpretation or label rather than an established fact",
    "unsourced": "A fact asserted without a source",
}


def claim_why(basis: ClaimBasis, sentence: str, attribution: tuple[SourceType, str] | None,
              quoted_by: SourceType | None) -> str:
    """``attribution``: the type and the phrase of the attribution the claim carries."""
    fig = figure_in(sentence) if _has_figure(sentence) else None
    if basis == "anonymous_source":
        if attribution is not None and attribution[0] == "vague_group":
            return f"Rests only on a vague group ({_q(attribution[1])}): nobody named says this."
        return f"Rests on {_q(attribution[1])}, an unnamed source." if attribution else (
            "Rests on unnamed sources: part of a quotation from a source who is not named.")
    if basis == "second_hand":
        if attribution is not None:
            return f"Rests on reporting the piece relays ({_q(attribution[1])})."
        if quoted_by is not None:
            return "Rests on what others told the speaker, relayed second-hand."
        return "Passed on as hearsay (“reportedly”, “allegedly”) with no source named."
    if attribution is not None and attribution[0] == "self_citation":
        return f"Rests only on the piece's own earlier reporting ({_q(attribution[1])}), not on a primary source."
    if basis == "not_independently_verified":
        return "The piece says it could not independently verify this."
    shape = _BASIS_WHY.get(basis, "A claim")
    if basis == "disputed_figure" and fig:
        shape = f"The figure {_q(fig)} is disputed in the piece"
    if attribution is not None:
        stype, phrase = attribution
        if stype == "vague_group":
            return f"{shape}, attributed only to a vague group ({_q(phrase)})."
        if stype == "self_citation":
            return f"{shape}, resting on the piece's own earlier reporting ({_q(phrase)})."
        return f"{shape}; it is attributed ({_q(phrase)}), but the claim itself still needs checking."
    if quoted_by is not None:
        return f"{shape}, in a quotation from {_LABEL[quoted_by]}."
    if basis == "unsourced":
        return "Asserted as fact with no source in the sentence" + (f": {_q(fig)}." if fig else ".")
    return f"{shape}, with no source in the sentence."


def claim_how(basis: ClaimBasis, sentence: str, attribution: tuple[SourceType, str] | None,
              src: str | None) -> str:
    """``src``: who is cited, as written, when the claim carries an attribution."""
    fig = figure_in(sentence) if _has_figure(sentence) else None
    doc = document_in(sentence)
    date = date_in(sentence)
    it = _q(fig) if fig else "it"
    who = _q(src) if src else None
    phrase = attribution[1] if attribution else None
    if basis == "anonymous_source":
        if attribution is not None and attribution[0] == "vague_group":
            if src and _DOCUMENT_HEAD.search(src):
                return f"Name the study, dataset or body behind {who} and check {it} against it, or cut it."
            return (f"Name at least one of {who} and what they base this on, or confirm {it} with "
                    f"{doc or 'a document or an on-record source'}; otherwise cut or soften it.")
        return (f"Confirm {it} with a named source or a document{f' such as {doc}' if doc else ''}; "
                f"ask the reporter who {who or 'the sources'} {_be(src)} and how they know.")
    if attribution is not None and attribution[0] == "self_citation":
        where = doc or "a document, dataset or an official on the record"
        return (f"Find the earlier story{f' ({date})' if date else ''} and the primary source behind {it} "
                f"({where}); cite that, and check no correction ran.")
    if basis == "second_hand" and attribution is None:
        return "Find who reported or said this and confirm it, or attribute it; do not pass on hearsay unsourced."
    if basis == "second_hand":
        outlet = _outlet(src or "", "") if phrase is None else _outlet(phrase, "")
        if not outlet or _GENERIC_REPORTS.match(outlet):
            return (f"Find which outlet first reported this, read that report and check whether anyone has "
                    f"confirmed {it} independently; credit and link it.")
        return (f"Read {_q(outlet)}'s report{f' ({date})' if date else ''} and check whether anyone has confirmed "
                f"{it} independently; credit and link it.")
    if basis == "not_independently_verified":
        return f"Look for {doc or 'official data'} or an independent source for {it}; keep the caveat."
    if basis == "disputed_figure":
        return f"Trace {it} to {doc or 'its original source'} and give both figures with their sources."
    if basis == "comparison":
        where = (document_in(phrase) if phrase else None) or doc or "the same source"
        return f"Get both sides of the comparison from {where} for the same period and recompute it."
    if basis == "prediction":
        if attribution is not None and attribution[0] == "named_on_record":
            basis_of = f"how {it} is reached" if fig else "what the forecast rests on"
            return (f"Ask {who} {basis_of} and check it against {doc or 'the plan or the published figures'}; "
                    "keep it attributed as a forecast.")
        if attribution is not None:
            return f"Name who forecasts this ({who}) and what it rests on, or soften it to what is known now."
        return "Attribute the forecast to whoever makes it, or soften it to what is known now."
    if basis == "characterisation":
        return f"Check who makes this reading{f' ({who})' if who else ''}; attribute it or back it with evidence."
    if attribution is not None and attribution[0] == "named_on_record":
        return f"Check {it} against {who}'s statement{f' and {doc}' if doc else ''} or the public record."
    where = doc or "a document, dataset or an official on the record"
    return f"Find the primary source for {it} ({where}) or attribute it."


def _be(src: str | None) -> str:
    """ "is" for one person ("a source close to ..."), "are" for several."""
    if not src:
        return "are"
    head = re.split(r"\s(?:in|at|for|from|of|with|close|familiar|briefed|who)\s|,", src, maxsplit=1)[0].split()
    plural = head and (head[-1].lower().endswith("s") or head[-1].lower() in ("people", "police", "staff"))
    return "are" if plural else "is"


def claim_priority(basis: ClaimBasis, sentence: str, own: SourceType | None, quoted_by: SourceType | None) -> Priority:
    """``own``: the type of the attribution the claim carries; ``quoted_by``: of the quotation's speaker."""
    source = own or quoted_by
    if basis in ("anonymous_source", "second_hand", "not_independently_verified") or source in _WEAK:
        return "high"
    specific = _has_figure(sentence)
    consequential = _CONSEQUENCE.search(sentence.lower()) is not None
    if source == "named_on_record":
        if basis == "disputed_figure" or (specific and consequential and basis in ("comparison", "prediction")):
            return "medium"
        return "low"
    if specific and (consequential or basis in ("comparison", "disputed_figure", "prediction")):
        return "high"
    return "medium" if specific or consequential or source == "vague_group" else "low"
