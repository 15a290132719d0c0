"""Source detection: who is cited, how, and what kind of source that is.

Four rule families, each one compiled regex run over the whole text:
- subject + speech verb: "US officials told the Journal", "Heorhiy Tykhi, a spokesman, has said";
- inversion after a quote or comma: '..., said Mr. Smith';
- prepositional: "according to Politico Europe", "citing unnamed US officials", "per reports";
- the outlet's own disclaimers: "Business Insider could not independently verify".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from bot.analyzers.offline.lexicons import (
    ANONYMITY_MARKERS,
    CORE_VERBS,
    INVERSION_VERBS,
    OUTLETS,
    SPEECH_VERBS,
    STANCE_VERBS,
    VAGUE_GROUPS,
)
from bot.analyzers.offline.patterns import (
    ANON_NP,
    CAP_WORD,
    COMMON_NP,
    DET_NP,
    NAME,
    OUTLET,
    PRONOUN,
    SUBJECT,
    trie,
)
from bot.models import SourceType

_ALL_VERBS = set(SPEECH_VERBS) | STANCE_VERBS
# Headlines capitalise verbs ("Sanders Says ..."), so the capitalised forms are matched too.
VERB = trie(_ALL_VERBS | {v.capitalize() for v in _ALL_VERBS})
INV_VERB = trie(set(INVERSION_VERBS) | {v.capitalize() for v in INVERSION_VERBS})
AUX = (
    r"(?:also|previously|later|earlier|then|had|has|have|would|will|was|were|is|are|repeatedly|"
    r"again|once|recently|privately|publicly|reportedly|separately|further|not|never|did|does|do|"
    r"could|may|might|even|often|long|already|just|always|since|first|initially|herself|himself|"
    r"themselves|both|all|this\s+week|on\s+\w+day|last\s+week|last\s+month|in\s+\d{4}|been|"
    r"[a-z]{3,}ly|has\s+long|had\s+long|can|cannot|should|must|did\s+not|does\s+not|do\s+not|"
    r"didn['’]t|doesn['’]t|don['’]t|won['’]t|wouldn['’]t|isn['’]t|wasn['’]t|to|going\s+to|seems\s+to|"
    r"appears\s+to|continues\s+to|continued\s+to|wants\s+to|tried\s+to|sought\s+to|was\s+quick\s+to)"
)
# The person or outlet spoken to: "told the Wall Street Journal", "told BI's Tom Porter".
RECIPIENT = (
    rf"(?:(?:the\s+)?{OUTLET}\b(?:['’]s\s+{CAP_WORD}(?:\s+{CAP_WORD})?)?|(?:the\s+)?{NAME}"
    rf"|reporters|a\s+reporter)"
)
# Who-clauses and appositives between subject and verb: "John Kirby, the White House adviser,".
_NOT_APPOSITIVE = r"(?!\s*(?:with|and|but|in|on|at|for|from|to|as|after|before|while|when|that|citing)\b)"
APPOSITIVE = (
    rf"(?:(?:\s*,\s*{_NOT_APPOSITIVE}[^,\n\"“”.;:]{{1,90}}?){{1,3}}\s*,"
    rf"|\s+[—–]\s*[^—–\n\"“”.;:]{{2,90}}?\s*[—–])"
)

_SUBJ_VERB = re.compile(
    rf"(?<![\w'’])(?P<src>{SUBJECT})(?P<app>{APPOSITIVE})?\s+(?:{AUX}\s+){{0,3}}"
    rf"(?P<cue>{VERB})\b(?:\s+(?P<recip>{RECIPIENT}))?"
)
_INVERTED = re.compile(
    rf"(?:(?<=[,\"”’'—])\s*|(?m:^))(?P<cue>{INV_VERB})\s+(?P<src>(?:(?:the\s+)?{OUTLET}\b|{NAME}|{COMMON_NP}|{DET_NP}|"
    rf"{PRONOUN}\b))"
)
_PREP = re.compile(
    rf"(?<![\w'’])(?P<cue>[Aa]ccording\s+to|[Cc]iting|[Cc]ited\s+by|[Qq]uoted\s+by|[Ii]n\s+an\s+interview\s+with|"
    rf"[Tt]old|[Pp]er)\s+(?P<src>(?:(?:the\s+)?{OUTLET}\b|(?:media\s+|news\s+|local\s+)?reports\b|"
    rf"{ANON_NP}|{COMMON_NP}|{NAME}))"
)
# "according to" takes whatever noun phrase follows, up to the next punctuation mark: "according
# to early results of exit polls conducted for ...", "according to a CNN tally", "according to him".
_ACCORDING = re.compile(r"(?P<cue>\b[Aa]ccording\s+to)\s+(?P<src>[^\s,.;:!?\"“”()\[\]][^,.;:!?\"“”()\[\]\n]{0,119})")
# A speech verb hanging off the sentence's subject: "Clinton celebrated ... and said", ", saying".
# Found by the verb (a literal trie scans fast), then the connective before it is checked.
_TRAILING = re.compile(
    r"(?<![\w'’])(?P<cue>saying|said|says|adding|added|telling|told|arguing|argued|calling|declaring|"
    r"noting|warning|insisting|explaining|claiming|suggesting|asking)\b"
)
_TRAILING_LINK = re.compile(r"(?:,|\band|\bwhile|\bby|\bafter|\bbefore)\s+(?:then\s+|also\s+|later\s+)?\Z")
_SENT_SUBJECT = re.compile(rf"(?:[\d:.apm ]+\s+|[A-Z][A-Z ,()]+\s+[—–-]\s+)?(?P<src>{SUBJECT})")
_SENT_START = re.compile(r"[.!?\n][\"”’)]*\s+(?=[\"“‘(]?[A-Z])")

# Passive attribution: "was first reported by MSNBC", "according to a poll released by Gallup".
_BY = re.compile(
    rf"\b(?P<cue>(?:reported|said|announced|written|published|cited|quoted|released|conducted|"
    rf"commissioned|confirmed|disclosed|revealed|described|criticized|praised|endorsed|denied|"
    rf"claimed|tweeted|posted)\s+by)\s+(?P<src>(?:(?:the\s+)?{OUTLET}\b|{COMMON_NP}|{NAME}))"
)
# Headline or transcript speaker labels: "Graham: Trump's rhetoric ..." at the start of a line.
_LABEL = re.compile(rf"(?m)^(?P<src>(?:{NAME})(?:\s+(?:camp|campaign|aide|aides))?)(?P<cue>:)[ \t]")
# Relative clauses the appositive rule swallows: "Barkley, who said he votes ..., said".
_RELATIVE = re.compile(rf"\b(?P<src>who|which)\s+(?:{AUX}\s+){{0,2}}(?P<cue>{trie(CORE_VERBS)})\b")
_UNVERIFIED = re.compile(
    rf"(?P<src>(?:(?:the\s+)?{OUTLET}\b|{NAME}|[Ww]e|[Tt]his\s+(?:newspaper|outlet|publication|site)))?"
    rf"\s*(?P<cue>(?:could\s+not|couldn['’]t|cannot|can['’]t|was\s+unable\s+to|were\s+unable\s+to|"
    rf"has\s+not\s+been\s+able\s+to|have\s+not\s+been\s+able\s+to|did\s+not)\s+(?:independently\s+)?"
    rf"(?:verify|confirm)|(?:has|have)\s+not\s+(?:independently\s+)?(?:verified|confirmed)|"
    rf"could\s+not\s+be\s+(?:independently\s+)?(?:verified|confirmed))"
)
# Who the piece is: names in "could not verify" or "requests for comment from X".
_SELF_OUTLET = re.compile(
    rf"(?P<o>(?:the\s+)?{OUTLET}|{NAME})\s+(?:could\s+not|was\s+unable\s+to|has\s+not)\s+"
    rf"(?:independently\s+)?(?:verify|confirm)|(?:comment|comments)\s+from\s+(?P<o2>(?:the\s+)?{OUTLET}|{NAME})"
)
_ANON = re.compile(r"(?i)\b" + trie(m.lower() for m in ANONYMITY_MARKERS) + r"\b")
_VAGUE = re.compile(r"(?i)\b" + trie(m.lower() for m in VAGUE_GROUPS) + r"\b")
_HAS_PROPER = re.compile(r"(?<![\w.])[A-Z][a-z]{2,}")
_PRONOUN_FULL = re.compile(rf"{PRONOUN}")
_GOVERNMENT = re.compile(
    r"(?i)\b(?:department|ministry|white house|kremlin|pentagon|government|administration|"
    r"agency|office|committee|court|police|army|campaign|company)\b"
)
_OUTLETS_LOWER = frozenset(re.sub(r"^the\s+", "", o.lower()) for o in OUTLETS)


@dataclass
class Attribution:
    start: int  # the whole attribution as written: text[start:end]
    end: int
    src_start: int
    src_end: int
    cue: str
    source_type: SourceType
    via: str = ""  # the outlet a source spoke to, when there is one
    notes: list[str] = field(default_factory=list)


_KEYWORDS = re.compile(r"(?i)verif|confirm|comment")


def _keyword_windows(text: str, before: int = 80, after: int = 40) -> list[tuple[int, int]]:
    """Merged windows around the rare words the outlet-disclaimer rules need: those rules are
    expensive to run over a whole text, and almost every text has few or none of these words."""
    out: list[tuple[int, int]] = []
    for m in _KEYWORDS.finditer(text):
        lo, hi = max(0, m.start() - before), min(len(text), m.end() + after)
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], hi)
        else:
            out.append((lo, hi))
    return out


def self_outlets(text: str, windows: list[tuple[int, int]] | None = None) -> set[str]:
    """Names the piece uses for itself, plus their initials ("Business Insider" → "BI")."""
    names: set[str] = set()
    wins = _keyword_windows(text) if windows is None else windows
    matches = (m for lo, hi in wins for m in _SELF_OUTLET.finditer(text, lo, hi))
    for m in matches:
        name = (m.group("o") or m.group("o2") or "").strip()
        name = re.sub(r"^(?i:the)\s+", "", name)
        if not name or len(name) > 40:
            continue
        names.add(name.lower())
        words = name.split()
        if len(words) > 1:
            names.add("".join(w[0] for w in words).lower())
    return names


# Publication names not in the outlet list still look like one: "the Coastal Times", "Daily Ledger".
_OUTLET_SHAPE = re.compile(
    r"(?:[A-Z][\w&.'’\-]*\s+){0,3}(?:Times|Post|Journal|Herald|Tribune|News|Courier|Gazette|Chronicle|"
    r"Press|Telegraph|Magazine|Radio|Television|TV|Wire|Observer|Standard|Express|Mirror|Examiner|"
    r"Inquirer|Ledger|Dispatch|Bulletin|Monitor|Independent|Daily|Weekly|Review|Globe|Star|Sun)"
)


def _is_outlet(phrase: str) -> bool:
    p = re.sub(r"^(?i:the)\s+", "", phrase.strip())
    p = re.split(r"['’]s\s", p)[0]
    return (
        p.lower() in _OUTLETS_LOWER
        or bool(re.fullmatch(r"(?i)(?:media\s+|news\s+|local\s+)?reports", p))
        or _OUTLET_SHAPE.fullmatch(p) is not None
    )


def _outlet_name(phrase: str) -> str:
    p = re.sub(r"^(?i:the)\s+", "", phrase.strip())
    return re.split(r"['’]s\s", p)[0].lower()


def classify(phrase: str, *, self_names: set[str]) -> SourceType:
    """Source type from the source phrase alone (the verb context is handled by the caller)."""
    if _outlet_name(phrase) in self_names:
        return "self_citation"  # the piece's own name, learned from its disclaimers
    if _is_outlet(phrase):
        return "second_hand"
    if _ANON.search(phrase) and not _has_name(phrase):
        return "anonymous"
    if _PRONOUN_FULL.fullmatch(phrase):
        return "named_on_record"
    if _VAGUE.search(phrase) and not _has_name(phrase) and not _GOVERNMENT.search(phrase):
        return "vague_group"
    return "named_on_record"


def _has_name(phrase: str) -> bool:
    # A capitalised word that is not a demonym/affiliation modifier ("US officials" stays anonymous,
    # "an official in Kyiv" too: a place after a preposition does not name the person).
    head = re.split(r"\s(?:in|at|for|from|of|with|close to|familiar with)\s", phrase, maxsplit=1)[0]
    words = [w for w in _HAS_PROPER.findall(head)]
    if not words:
        return False
    nouns = re.findall(r"[A-Za-z]+", head)
    # "Ukrainian officials", "Western diplomats": capitalised modifiers before a common source noun.
    return not (nouns and nouns[-1].lower() in _SOURCE_HEADS)


_SOURCE_HEADS = frozenset(
    [
        "official", "officials", "source", "sources", "analyst", "analysts", "expert", "experts",
        "diplomat", "diplomats", "aide", "aides", "person", "people", "insider", "insiders", "lawmaker",
        "lawmakers", "officer", "officers", "spokesman", "spokeswoman", "spokesperson", "critics",
        "observers",
    ]
)


_REPORTING_IN_APPOSITIVE = re.compile(r"\b(?:said|says|reported|reports|told|according)\b")


def _subject_verb_matches(text: str) -> Iterator[re.Match[str]]:
    """Subject-verb matches; an "appositive" holding its own attribution ("..., the Journal reported
    on Tuesday, citing") means the rule overreached, so search again from inside it."""
    pos = 0
    while (m := _SUBJ_VERB.search(text, pos)) is not None:
        app = m.group("app")
        if app and _REPORTING_IN_APPOSITIVE.search(app):
            pos = m.start("app") + 1
            continue
        yield m
        pos = m.end()


def find_attributions(text: str, self_names: set[str] | None = None) -> list[Attribution]:
    """All attributions in ``text``; overlapping matches of different rules are all kept."""
    windows = _keyword_windows(text)
    names = self_outlets(text, windows) if self_names is None else self_names
    out: list[Attribution] = []
    for m in _subject_verb_matches(text):
        src = m.group("src")
        low = src.lower()
        cue = m.group("cue").lower()
        src_start = m.start("src")
        first = low.split(None, 1)[0] if low else ""
        if first in _BAD_SUBJECTS and len(low) > len(first) and src[0].isupper() and first not in _DETS:
            # "But Trump said": the name rule swallowed a capitalised sentence opener.
            skip = len(src) - len(src[len(first):].lstrip())
            src_start += skip
            src = src[skip:]
            low = src.lower()
        if low in _BAD_SUBJECTS or low in _FIRST_SECOND:
            continue
        if (low in _WEAK_PRONOUNS or src == "I") and cue not in CORE_VERBS:
            continue
        stype = classify(src, self_names=names)
        if cue in STANCE_VERBS and stype not in ("vague_group", "anonymous"):
            continue
        via = ""
        recip = m.group("recip")
        end = m.end("cue")
        if recip and (_is_outlet(recip) or _outlet_name(recip) in names) and cue in _TELL:
            via = recip
            end = m.end("recip")
            # A named person speaking to another outlet reaches us second-hand; unnamed or vague
            # sources keep their (weaker) type, with the outlet noted.
            if stype == "named_on_record" and not _PRONOUN_FULL.fullmatch(src) and _outlet_name(recip) not in names:
                stype = "second_hand"
        out.append(Attribution(src_start, end, src_start, m.end("src"), m.group("cue"), stype, via))
    for m in _INVERTED.finditer(text):
        src = m.group("src")
        if src.lower() in _BAD_SUBJECTS or src.lower() in _FIRST_SECOND:
            continue
        out.append(
            Attribution(m.start("cue"), m.end("src"), m.start("src"), m.end("src"), m.group("cue"),
                        classify(src, self_names=names))
        )
    for m in _PREP.finditer(text):
        cue = m.group("cue").lower()
        src = m.group("src")
        if cue == "per" and not _is_outlet(src):
            continue  # "per capita", "per year"
        if cue in ("told", "according to"):
            continue  # the recipient of "told" is not the source; handled with its subject
        stype = classify(src, self_names=names)
        out.append(Attribution(m.start("cue"), m.end("src"), m.start("src"), m.end("src"), m.group("cue"), stype))
    for m in _ACCORDING.finditer(text):
        src = m.group("src").rstrip()
        out.append(Attribution(m.start("cue"), m.start("src") + len(src), m.start("src"),
                               m.start("src") + len(src), m.group("cue"), classify(src, self_names=names)))
    for m in _TRAILING.finditer(text):
        if _TRAILING_LINK.search(text, max(0, m.start() - 16), m.start()) is None:
            continue
        lo = max(0, m.start() - 300)
        starts = [b.end() for b in _SENT_START.finditer(text, lo, m.start())]
        s0 = starts[-1] if starts else (0 if lo == 0 else -1)
        if s0 < 0:
            continue
        sm = _SENT_SUBJECT.match(text, s0, m.start())
        if not sm or sm.group("src").lower() in _BAD_SUBJECTS or sm.group("src").lower() in _FIRST_SECOND:
            continue
        src = sm.group("src")
        out.append(Attribution(sm.start("src"), sm.end("src"), sm.start("src"), sm.end("src"), m.group("cue"),
                               classify(src, self_names=names)))
    for rx in (_BY, _LABEL, _RELATIVE):
        for m in rx.finditer(text):
            src = m.group("src")
            if src.lower() in _BAD_SUBJECTS and rx is not _RELATIVE:
                continue
            start = m.start("cue") if rx is _BY else m.start("src")
            end = m.end("src") if rx is _BY else m.end("cue")
            out.append(Attribution(start, end, m.start("src"), m.end("src"), m.group("cue"),
                                   classify(src, self_names=names)))
    unverified = (m for lo, hi in windows for m in _UNVERIFIED.finditer(text, lo, hi))
    for m in unverified:
        s = m.start("src") if m.group("src") else m.start("cue")
        out.append(
            Attribution(s, m.end("cue"), s, m.end("src") if m.group("src") else m.end("cue"), m.group("cue"),
                        "explicitly_unverified")
        )
    return out


_DETS = frozenset({"the", "a", "an"})
_FIRST_SECOND = frozenset({"you", "we"})  # speakers inside quotes, not the piece's sources
_WEAK_PRONOUNS = frozenset({"they", "it", "who", "which"})
_TELL = frozenset({"told", "tells", "tell", "telling"})
# Capitalised sentence openers the NAME rule would otherwise take for a speaker.
_BAD_SUBJECTS = frozenset({
    "it", "which", "this", "that", "there", "what", "the", "a", "an", "and", "but", "so", "if",
    "when", "as", "in", "on", "at", "to", "for", "of", "after", "before", "while", "because",
    "however", "also", "though", "although", "then", "now", "here", "even", "only", "not", "no",
    "yes", "why", "how", "where", "some", "many",
})
