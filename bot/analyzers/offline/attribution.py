"""Source detection: who is cited, how, and what kind of source that is.

One scan finds every cue: a single compiled trie of reporting, argument and stance verbs and of
prepositional cues ("according to", "citing", "reported by"), run over the lowercased text. Each cue
then looks for its source in a small window:
- backwards, for a subject before the verb ("US officials told", "Heorhiy Tykhi, a spokesman, has
  said", "he argued"): an anchored match on the reversed text, so no search ever runs over the text;
- forwards, after an inverted verb ('..., said Mr. Smith') or a prepositional cue ("according to
  Politico Europe", "citing unnamed US officials", "was first reported by MSNBC");
- the sentence's subject for a trailing verb ("Clinton celebrated ... , saying").
Plus the outlet's own disclaimers ("Business Insider could not independently verify") and speaker
labels ("Graham: ..."). Every repetition is bounded; the only full-text passes are literal tries.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from itertools import chain

from bot.analyzers.offline.attribution_lexicon import (
    ACTION_CUES,
    AUX_WORDS,
    BY_CUES,
    CORE_BASES,
    CORE_CUES,
    INVERSION_CUES,
    NOUNY_CUES,
    PERSON_NOUNS,
    PREP_CUES,
    SCAN_EXCLUDE,
    SOURCE_NOUN_CUES,
    STANCE_BASES,
    STANCE_CUES,
    STRONG_CUES,
    VERB_CUES,
)
from bot.analyzers.offline.lexicons import (
    ABBREVIATIONS,
    ANONYMITY_MARKERS,
    CORE_VERBS,
    OUTLETS,
    ROLE_NOUNS,
    VAGUE_GROUPS,
)
from bot.analyzers.offline.patterns import (
    ANON_NP,
    COMMON_NP,
    DATELINE,
    DET_NP,
    NAME,
    OUTLET,
    PRONOUN,
    SUBJECT,
    trie,
)
from bot.models import SourceType


def lowered(text: str) -> str:
    """Lowercased text with the same offsets (a few characters, such as "İ", grow when lowercased:
    those are left as they are)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    grow = "".join(c for c in set(text) if len(c.lower()) != 1)
    parts = re.split(f"([{re.escape(grow)}])", text)
    return "".join(p if i % 2 else p.lower() for i, p in enumerate(parts))


def _rev_trie(words: set[str] | frozenset[str] | list[str] | tuple[str, ...]) -> str:
    return trie(w[::-1] for w in words)


_ALL_CUES = (
    set(VERB_CUES) | set(ACTION_CUES) | set(BY_CUES) | set(PREP_CUES) | set(SOURCE_NOUN_CUES) | set(CORE_VERBS)
) - SCAN_EXCLUDE
# The one full-text pass: every cue, on word boundaries, over the lowercased text.
# Run over " " + the text: the cue's first character must follow a non-word character, which the
# scanner tests as a plain character class (faster than a lookbehind at every position).
# Two scans: after a plain space (a literal prefix the scanner skips to quickly) and after the rarer
# other separators. Together far faster than one scan behind a character class or a lookbehind.
_CUE_TRIE = trie(_ALL_CUES)
_CUE = re.compile(r" (" + _CUE_TRIE + r")(?![\w'’\-])")
_CUE_OTHER = re.compile(r"[\n\t\r\xa0\"“”‘’'(\[—–/\-](" + _CUE_TRIE + r")(?![\w'’\-])")
_SPACES = re.compile(r"\s+")

# --- backwards: the subject before a verb, matched on the reversed text -------------------------
_NB = r"(?![\w'’\-])"  # end of a (reversed) word
_AUX_R = (
    rf"(?:(?:{_rev_trie([w for w in AUX_WORDS])}|yl[a-z]{{2,12}}+){_NB}\s{{1,3}}){{0,3}}"
    r"(?:(?:s|ll|d|ev|er|m)['’](?=[A-Za-z]))?"
)
_APP_R = (
    r"(?P<app>,(?:[^,\n\"“”;:()]{1,120}?,){1,3}\s{0,3}"
    r"|[—–][^—–\n\"“”;:]{2,90}?[—–]\s{0,3}|\)[^()\n]{1,40}\(\s{0,2})?"
)
# A reversed word; a period may only end it (start it, reversed) in short abbreviations ("Sen.",
# "U.S."), so a name never runs on across a sentence end ("Park.  Song said").
_W_R = r"(?:\.[\w'’\-.&]{1,4}+|[\w'’\-&][\w'’\-.&]{0,29}+)"
_CAPW_R = rf"{_W_R}(?<=[A-Z])(?![\w'’\-.])"
_PARTICLE_R = r"(?:ed|ad|nav|nov|la|nib|red|al|ud|led)\s"
_FUNC = [
    "on", "in", "at", "to", "of", "for", "from", "by", "with", "that", "this", "which", "who", "and", "or", "but",
    "though", "although", "as", "if", "when", "while", "because", "than", "then", "so", "the", "a", "an", "is", "are",
    "was", "were", "be", "been", "has", "have", "had", "not", "no", "said", "says", "told", "also", "according",
    "citing", "per", "what", "how", "why", "where", "there", "here", "it", "its", "he", "she", "they", "we", "you", "i",
    "his", "her", "their", "our", "my", "your", "him", "them", "us", "me", "into", "about", "after", "before", "over",
    "under", "against", "between", "among", "during", "without", "do", "does", "did", "will", "would", "can", "could",
    "should", "may", "might", "must", "just", "even", "only", "more", "most", "very", "out", "up", "off", "down",
    "away", "back"
]
_FUNC_R = rf"(?:{_rev_trie(_FUNC)}){_NB}"
_MOD_R = rf"(?!{_FUNC_R}){_W_R}(?<=[^\W_])(?![\w'’\-.])"
_DETS = [
    "the", "a", "an", "one", "two", "three", "four", "five", "six", "some", "many", "several", "other", "most", "few",
    "these", "those", "his", "her", "their", "its", "our", "both", "all", "another", "each", "every", "any", "no",
    "top", "senior", "former"
]
_DET_R = rf"(?:{_rev_trie(_DETS + [d.capitalize() for d in _DETS])}){_NB}"
_HEAD_R = rf"(?:{_rev_trie(PERSON_NOUNS | {p.capitalize() for p in PERSON_NOUNS})}){_NB}"
_DNP_DETS = ["the", "a", "an", "another", "one", "this", "that"]
_DNP_DET_R = rf"(?:{_rev_trie(_DNP_DETS + [d.capitalize() for d in _DNP_DETS])}){_NB}"
_PREPS_BEFORE = frozenset(
    [
        "of", "in", "for", "to", "with", "by", "from", "on", "at", "about", "against", "than", "into", "like", "over",
        "under", "between", "among", "per", "toward", "towards", "via", "during", "without", "through", "behind",
        "upon", "onto"
    ]
)
# The noun phrase a prepositional phrase hangs off: "supporters of Trump", "An aide in Lisbon",
# "Staff for the House Select Committee on Benghazi" (its capitalised tail is enough to overlap).
_PP_R = (
    r"\s{1,2}(?:fo|ni|ta|morf|rof|htiw|no|ot\s{1,2}esolc|htiw\s{1,2}railimaf)\s{1,2}"
    rf"(?:{_HEAD_R}(?:\s{{1,2}}{_MOD_R}){{0,2}}(?:\s{{1,2}}{_DET_R})?|{_MOD_R}(?:\s{{1,2}}{_MOD_R}){{0,2}}"
    rf"\s{{1,2}}{_DET_R}|{_CAPW_R}(?:\s{{1,2}}{_CAPW_R}){{0,2}}|{_DET_R})"
)
_SUBJ_R = (
    rf"(?P<subj>(?:(?P<pron>(?:eh|ehs|yeht|ohw|ew|uoy|ti|hcihw|taht|eH|ehS|yehT|ohW|eW|uoY|tI|I){_NB})"
    rf"|(?P<np>{_HEAD_R}(?:\s{{1,2}}{_MOD_R}){{0,4}}(?:\s{{1,2}}{_DET_R})?)(?![\w'’\-])"
    rf"|(?P<name>{_CAPW_R}(?:\s{{1,2}}(?:{_PARTICLE_R}|fo\s{{1,2}})?{_CAPW_R}){{0,5}}(?:\s{{1,2}}eh[tT]{_NB})?)"
    rf"|(?P<dnp>(?!{_FUNC_R})[a-z\-]{{3,20}}+(?:\s{{1,2}}{_MOD_R}){{0,3}}?\s{{1,2}}{_DNP_DET_R}))"
    rf"(?:{_PP_R})?)"
    # The word before the subject: a preposition there makes the "subject" an object.
    rf"(?!\s{{1,3}}(?:{_rev_trie(_PREPS_BEFORE)}){_NB})"
)
# Around a source noun: its modifiers before ("Democratic", "Clinton campaign"), a name after.
_NOUN_BACK = re.compile(rf"(?:\s{{1,2}}{_MOD_R}){{0,3}}(?:\s{{1,2}}{_DET_R})?")
_NOUN_FWD = re.compile(rf"\s{{1,2}}{NAME}")
_BACK = re.compile(rf"\s{{1,3}}(?P<aux>{_AUX_R}){_APP_R}{_SUBJ_R}")
assert tuple(_BACK.groupindex) == ("aux", "app", "subj", "pron", "np", "name", "dnp") and _BACK.groups == 7
_SUBJ_GROUP = _BACK.groupindex["subj"]
# The auxiliary right before a cue, reversed: a form of "be" before a participle is a passive ("he was
# told", "is named"), whose subject is not the speaker.
_BE_R = re.compile(r"(?:saw|erew|si|era|eb|neeb|gnieb|s['’])(?![\w'’])")
_APP_BAD_START = frozenset(
    [
        "with", "and", "but", "in", "on", "at", "for", "from", "to", "as", "after", "before", "while", "when", "that",
        "citing", "because", "if"
    ]
)
_REPORTING_IN_APPOSITIVE = re.compile(r"\b(?:said|says|reported|reports|told|according)\b")

# --- forwards: the source after the cue -------------------------------------------------------
_FWD_INVERTED = re.compile(
    rf"\s{{1,3}}(?P<src>(?:(?:the\s+)?{OUTLET}\b|{NAME}|{COMMON_NP}|{DET_NP}|{PRONOUN}\b"
    # Any short noun phrase up to the clause's end: "said one New Hampshire Democrat."
    r"|(?:[Oo]ne|[Aa]n?|[Tt]he|[Aa]nother|[Ff]ormer)\s+[\w'’\-.]+(?:\s+[\w'’\-.]+){0,4}?(?=\s*[.,;:!?\n]|$)))"
)
_FWD_PREP = re.compile(
    rf"\s{{1,3}}(?P<src>(?:(?:the\s+)?{OUTLET}\b|(?:media\s+|news\s+|local\s+)?reports\b|"
    rf"{ANON_NP}|{COMMON_NP}|{NAME}))"
)
# "according to" takes whatever noun phrase follows, up to the next punctuation mark: "according
# to early results of exit polls conducted for ...", "according to a CNN tally", "according to him".
_FWD_ACCORDING = re.compile(r"\s{1,3}(?P<src>[^\s,.;:!?\"“”()\[\]][^,.;:!?\"“”()\[\]\n]{0,119})")
_QUOTE_CHARS = frozenset("\"”’'—–")  # the character before the space before an inverted verb
_COMMA_BEFORE_R = re.compile(r"\s{0,3},")
_QUOTE_BEFORE_R = re.compile(r"\s{0,3}[,.!?]?[\"”’'—–]")
_INV_BEFORE_R = re.compile(r"\s{0,3}(?:[,\"”’'—–]|\n|\Z)")
# A verb hanging off the sentence's subject: "Clinton celebrated ... and said", "..., saying".
_TRAILING_LINK_R = re.compile(
    r"\s{1,3}(?:(?:neht|osla|retal)\s{1,3})?(?:,|(?:dna|elihw|yb|retfa|erofeb)(?![\w'’]))"
)
_SENT_SUBJECT = re.compile(rf"(?:[\d:.apm ]+\s+|[A-Z][A-Z ,()]+\s+[—–-]\s+)?(?P<src>{SUBJECT})")
# A sentence start, searched backwards on the reversed text: a capital (or opening quote) after
# whitespace after terminal punctuation, or a line break.
_TITLE_R = re.compile(
    rf"(?:{_rev_trie([t for t in ABBREVIATIONS if len(t) <= 4] + [t.capitalize() for t in ABBREVIATIONS])})"
    r"(?![A-Za-z])"
)
_SENT_START_R = re.compile(r"[A-Z\"“‘(]\s+[\"”’)]*[.!?]|\n")
# Headline or transcript speaker labels: "Graham: Trump's rhetoric ..." at the start of a line.
_LABEL = re.compile(rf"(?P<src>(?:{NAME})(?:\s+(?:camp|campaign|aide|aides))?)(?P<cue>:)[ \t]")
# Candidate label lines, found by the literal line break (far faster than a multiline "^").
_LABEL_LINE = re.compile(r"\n(?=[A-Z][^\n:]{0,80}:[ \t])")
# The outlet's disclaimer: found by its wording, then its subject (if any) is matched backwards.
_UNVERIFIED = re.compile(
    r"(?:could\s+not|couldn['’]t|cannot|can['’]t|was\s+unable\s+to|were\s+unable\s+to|"
    r"has\s+not\s+been\s+able\s+to|have\s+not\s+been\s+able\s+to|did\s+not)\s+(?:independently\s+)?"
    r"(?:verify|confirm)|(?:has|have)\s+not\s+(?:independently\s+)?(?:verified|confirmed)|"
    r"could\s+not\s+be\s+(?:independently\s+)?(?:verified|confirmed)"
)
_SELF_CUE = re.compile(r"^(?:could\s+not|was\s+unable\s+to|has\s+not)\s")
_UNVERIFIED_SRC_R = re.compile(
    rf"\s{{1,3}}(?P<src>{_CAPW_R}(?:\s{{1,2}}{_CAPW_R}){{0,4}}(?:\s{{1,2}}eh[tT]{_NB})?|e[wW]{_NB}"
    rf"|(?:repapswen|teltuo|noitacilbup|etis)\s{{1,2}}sih[tT]{_NB})"
)
# Who the piece is, also from "requests for comment from X".
_COMMENT_FROM = re.compile(rf"(?:comment|comments)\s+from\s+(?P<o>(?:the\s+)?{OUTLET}|{NAME})")
_ANON_LOW = re.compile(r"\b" + trie(m.lower() for m in ANONYMITY_MARKERS) + r"\b")
_VAGUE_LOW = re.compile(r"\b" + trie(m.lower() for m in VAGUE_GROUPS) + r"\b")
_UNNAMED_ROLE = re.compile(r"(?:a|an|one)\s+(?:[a-z\-]+\s+){0,3}" + trie(ROLE_NOUNS) + r"\b")
_HAS_PROPER = re.compile(r"(?<![\w.])[A-Z][a-z]{2,}")
_PRONOUN_FULL = re.compile(rf"{PRONOUN}")
_GOVERNMENT = re.compile(
    r"(?i)\b(?:department|ministry|white house|kremlin|pentagon|government|administration|"
    r"agency|office|committee|court|police|army|campaign|company)\b"
)
_OUTLETS_LOWER = frozenset(re.sub(r"^the\s+", "", o.lower()) for o in OUTLETS)


@dataclass(slots=True)
class Attribution:
    start: int  # the whole attribution as written: text[start:end]
    end: int
    src_start: int
    src_end: int
    cue: str
    source_type: SourceType
    via: str = ""  # the outlet a source spoke to, when there is one


_KEYWORDS = ("verif", "confirm", "comment")  # in lower, capitalised or upper case


def _keyword_windows(text: str, before: int = 80, after: int = 40, low: str | None = None) -> list[tuple[int, int]]:
    """Merged windows around the rare words the outlet-disclaimer rules need: those rules are
    expensive to run over a whole text, and almost every text has few or none of these words.
    ``low`` is the lowercased text, when the caller has it: one search per word finds every case."""
    if low is None:
        low = lowered(text)
    hits: list[tuple[int, int]] = []
    for w in _KEYWORDS:
        size = len(w)
        forms = (w, w.capitalize(), w.upper())
        i = low.find(w)
        while i >= 0:
            if text[i : i + size] in forms:
                hits.append((i, i + size))
            i = low.find(w, i + 1)
    hits.sort()
    out: list[tuple[int, int]] = []
    for s, e in hits:
        lo, hi = max(0, s - before), min(len(text), e + after)
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], hi)
        else:
            out.append((lo, hi))
    return out


def _unverified(text: str, rev: str, windows: list[tuple[int, int]]) -> list[tuple[int, int, int, int]]:
    """``(src_start, src_end, cue_start, cue_end)`` of each disclaimer; no source: ``src_start == -1``."""
    out = []
    n = len(text)
    find = text.find
    for lo, hi in windows:
        if find("verif", lo, hi) < 0 and find("confirm", lo, hi) < 0:
            continue  # every disclaimer ends in "verify", "confirm", "verified" or "confirmed"
        for m in _UNVERIFIED.finditer(text, lo, hi):
            r = _UNVERIFIED_SRC_R.match(rev, n - m.start())
            if r is None:
                out.append((-1, -1, m.start(), m.end()))
            else:
                out.append((n - r.end("src"), n - r.start("src"), m.start(), m.end()))
    return out


def self_outlets(text: str, windows: list[tuple[int, int]] | None = None,
                 unverified: list[tuple[int, int, int, int]] | None = None) -> set[str]:
    """Names the piece uses for itself, plus their initials ("Business Insider" → "BI")."""
    names: set[str] = set()
    wins = _keyword_windows(text) if windows is None else windows
    found = _unverified(text, text[::-1], wins) if unverified is None else unverified
    candidates = [
        text[ss:se] for ss, se, cs, _ in found
        if ss >= 0 and _SELF_CUE.match(text[cs:cs + 40]) and text[ss:se].lower() != "we"
    ]
    candidates += [m.group("o") for lo, hi in wins for m in _COMMENT_FROM.finditer(text, lo, hi)]
    candidates += [
        m.group("agency") for m in _DATELINE_AT_LINE_START.finditer(text, 0, DATELINE_REACH) if m.group("agency")
    ]
    for raw in candidates:
        name = _LEAD_THE.sub("", raw.strip())
        if not name or len(name) > 40:
            continue
        names.add(name.lower())
        words = name.split()
        if len(words) > 1:
            names.add("".join(w[0] for w in words).lower())
    return names


# A wire dateline names the piece's own agency. Datelines open a story, so only its first characters
# are searched.
DATELINE_REACH = 3000
_DATELINE_AT_LINE_START = re.compile("(?m)^" + DATELINE)


# Publication names not in the outlet list still look like one: "the Coastal Times", "Daily Ledger".
_OUTLET_SHAPE = re.compile(
    r"(?:[A-Z][\w&.'’\-]*\s+){0,3}(?:Times|Post|Journal|Herald|Tribune|News|Courier|Gazette|Chronicle|"
    r"Press|Telegraph|Magazine|Radio|Television|TV|Wire|Observer|Standard|Express|Mirror|Examiner|"
    r"Inquirer|Ledger|Dispatch|Bulletin|Monitor|Independent|Daily|Weekly|Review|Globe|Star|Sun)"
)


_LEAD_THE = re.compile(r"^(?i:the)\s+")
_POSSESSIVE = re.compile(r"['’]s\s")
_REPORTS = re.compile(r"(?i)(?:media\s+|news\s+|local\s+)?reports")
_PP_SPLIT = re.compile(r"\s(?:in|at|for|from|of|with|close to|familiar with)\s")
_LETTERS = re.compile(r"[A-Za-z]+")
_PRONOUNS_LOWER = frozenset({"he", "she", "they", "i", "we", "you", "it", "who", "which"})


def _is_outlet(phrase: str) -> bool:
    p = _LEAD_THE.sub("", phrase.strip())
    p = _POSSESSIVE.split(p, 1)[0]
    return (
        p.lower() in _OUTLETS_LOWER
        or _REPORTS.fullmatch(p) is not None
        or _OUTLET_SHAPE.fullmatch(p) is not None
    )


def _outlet_name(phrase: str) -> str:
    p = _LEAD_THE.sub("", phrase.strip())
    return _POSSESSIVE.split(p, 1)[0].lower()


def classify(phrase: str, *, self_names: set[str]) -> SourceType:
    """Source type from the source phrase alone (the verb context is handled by the caller)."""
    low = phrase.lower()
    if low in _PRONOUNS_LOWER:
        return "named_on_record"
    base = _POSSESSIVE.split(_LEAD_THE.sub("", phrase.strip()), 1)[0]
    base_low = base.lower()
    if base_low in self_names:
        return "self_citation"  # the piece's own name, learned from its disclaimers
    if base_low in _OUTLETS_LOWER or _REPORTS.fullmatch(base) or _OUTLET_SHAPE.fullmatch(base):
        return "second_hand"
    if (_ANON_LOW.search(low) or _UNNAMED_ROLE.match(low)) and not _has_name(phrase):
        return "anonymous"
    if _VAGUE_LOW.search(low) and not _has_name(phrase) and not _GOVERNMENT.search(phrase):
        return "vague_group"
    return "named_on_record"


def _has_name(phrase: str) -> bool:
    # A capitalised word that is not a demonym/affiliation modifier ("US officials" stays anonymous,
    # "an official in Kyiv" too: a place after a preposition does not name the person).
    head = _PP_SPLIT.split(phrase, 1)[0]
    if not _HAS_PROPER.search(head):
        return False
    nouns = _LETTERS.findall(head)
    # "Ukrainian officials", "Western diplomats": capitalised modifiers before a common source noun.
    return not (nouns and nouns[-1].lower() in _SOURCE_HEADS)


# Common nouns that head a source phrase: capitalised at a sentence start ("Economists expect") they
# still name nobody.
_SOURCE_HEADS = frozenset(
    [
        "official", "officials", "source", "sources", "analyst", "analysts", "expert", "experts", "diplomat",
        "diplomats", "aide", "aides", "person", "people", "insider", "insiders", "lawmaker", "lawmakers", "officer",
        "officers", "spokesman", "spokeswoman", "spokesperson", "critics", "observers",
        *(group for group in VAGUE_GROUPS if " " not in group),
        *ROLE_NOUNS,
    ]
)


_RECIPIENT = re.compile(
    rf"\s{{1,3}}(?P<recip>(?:the\s+)?{OUTLET}\b(?:['’]s\s+[A-Z][\w'’\-]*+(?:\s+[A-Z][\w'’\-]*+)?)?|(?:the\s+)?{NAME}"
    rf"|reporters|a\s+reporter)"
)
_PREP_KEYS = frozenset(PREP_CUES) | frozenset(BY_CUES)
_VERB, _NOUN, _PREP, _INVERSION = 0, 1, 2, 3
_CATEGORY = {
    **{k: _INVERSION for k in INVERSION_CUES},
    **{k: _PREP for k in _PREP_KEYS},
    **{k: _NOUN for k in SOURCE_NOUN_CUES},
}
_DETS_LOWER = frozenset({"the", "a", "an"})
_FIRST_SECOND = frozenset({"you", "we", "i"})  # speakers inside quotes, not the piece's sources
_WEAK_PRONOUNS = frozenset({"it", "which", "that", "i"})
_TELL = frozenset({"told", "tells", "tell", "telling"})
# Capitalised sentence openers the name rule would otherwise take for a speaker.
_BAD_SUBJECTS = frozenset({
    "it", "which", "this", "that", "there", "what", "the", "a", "an", "and", "but", "so", "if", "when", "as", "in",
    "on", "at", "to", "for", "of", "after", "before", "while", "because", "however", "also", "though", "although",
    "then", "now", "here", "even", "only", "not", "no", "yes", "why", "how", "where", "some", "many", "still", "yet",
    "meanwhile", "instead", "indeed", "since", "until", "with", "by", "from", "about", "like", "just", "thus", "or",
    "nor", "do", "does", "did", "is", "are", "was", "were", "has", "have", "had", "will", "would", "can", "could",
    "should", "may", "might", "must", "these", "those", "all", "both", "each", "every", "any", "more", "most", "other",
    "such", "than", "whether", "unless", "once", "today", "tonight", "yesterday", "tomorrow", "last", "next", "first",
    "again", "already", "almost", "often", "maybe", "perhaps", "please", "thank", "thanks", "well", "oh", "so-called",
    "my", "our", "your", "his", "her", "their", "its", "monday", "tuesday", "wednesday", "thursday", "friday",
    "saturday", "sunday", "january", "february", "march", "april", "june", "july", "august", "september", "october",
    "november", "december", "sept", "oct", "nov", "dec", "jan", "feb", "aug",
})


def _trim_subject(text: str, s: int, e: int) -> int:
    """Skip capitalised openers a name match swallowed ("But Trump", "When Clinton")."""
    while s < e:
        j = text.find(" ", s, e)
        if j < 0:
            return s
        word = text[s:j].lower()
        if word not in _BAD_SUBJECTS or word in _DETS_LOWER:
            return s  # "the Journal", "An aide in Lisbon" keep their article
        s = j + 1
        while s < e and text[s].isspace():
            s += 1
    return s


def find_attributions(text: str, self_names: set[str] | None = None, low: str | None = None) -> list[Attribution]:
    """All attributions in ``text``; overlapping matches of different rules are all kept.

    ``low`` is ``lowered(text)``, when the caller already has it. One pass over the cues (verbs,
    prepositions, source nouns), then the nouns no verb claimed, speaker labels and the outlet's
    own disclaimers."""
    if low is None or len(low) != len(text):
        low = lowered(text)
    windows = _keyword_windows(text, low=low)
    rev = text[::-1]
    unverified = _unverified(text, rev, windows)
    names = self_outlets(text, windows, unverified) if self_names is None else self_names
    types: dict[str, SourceType] = {}

    def kind(phrase: str) -> SourceType:
        t = types.get(phrase)
        if t is None:
            t = types[phrase] = classify(phrase, self_names=names)
        return t

    out, noun_spans = _cue_attributions(text, low, rev, kind, names)
    out += _unclaimed_nouns(text, out, noun_spans, kind)
    out += _speaker_labels(text, kind)
    for ss, se, cs, ce in unverified:
        s0 = ss if ss >= 0 else cs
        out.append(Attribution(s0, ce, s0, se if ss >= 0 else ce, text[cs:ce], "explicitly_unverified"))
    return out


Kind = Callable[[str], SourceType]


def _cue_attributions(
    text: str, low: str, rev: str, kind: Kind, names: set[str]
) -> tuple[list[Attribution], list[tuple[int, int, str]]]:
    """The one full-text pass: each cue looks for its source. Source nouns ("a spokesman") are set
    aside as ``(start, end, cue)`` spans, kept later only where no verb's source covers them."""
    n = len(text)
    out: list[Attribution] = []
    noun_spans: list[tuple[int, int, str]] = []
    spaced = " " + low  # the cues are matched on the lowercased text (same offsets)
    cue_info = _CUE_INFO
    for m in chain(_CUE.finditer(spaced), _CUE_OTHER.finditer(spaced)):
        # The cue follows one separator character in ``spaced``, so in ``text`` it starts where the match does.
        raw = m.group(1)
        cs = m.start()
        ce = cs + len(raw)
        info = cue_info.get(raw)
        if info is None:  # a phrase across a line break or several spaces
            info = _cue_info(_SPACES.sub(" ", raw))
        key, cat, ing, stance = info
        if cat == _NOUN:
            nb = _NOUN_BACK.match(rev, n - cs)
            nf = _NOUN_FWD.match(text, ce)
            noun_spans.append((n - nb.end(), nf.end() if nf is not None else ce, text[cs:ce]))
            continue
        a = (_prep_attribution(text, key, cs, ce, kind) if cat == _PREP
             else _verb_attribution(text, rev, key, cat == _INVERSION, ing, stance, cs, ce, kind, names))
        if a is not None:
            out.append(a)
    return out, noun_spans


def _prep_attribution(text: str, key: str, cs: int, ce: int, kind: Kind) -> Attribution | None:
    """ "according to X", "citing X", "per X", "reported by X": the source follows the cue."""
    if key == "according to":
        f = _FWD_ACCORDING.match(text, ce)
        if f is None:
            return None
        ss, se = f.start("src"), f.start("src") + len(f.group("src").rstrip())
    else:
        f = _FWD_PREP.match(text, ce)
        if f is None:
            return None
        ss, se = f.span("src")
        if key == "per" and not _is_outlet(text[ss:se]):
            return None  # "per capita", "per year"
    return Attribution(cs, se, ss, se, text[cs:ce], kind(text[ss:se]))


def _verb_attribution(
    text: str, rev: str, key: str, inv: bool, ing: bool, stance: bool, cs: int, ce: int, kind: Kind, names: set[str]
) -> Attribution | None:
    """A verb's speaker: after it when inverted right after a quotation ('"...," said X'), else the
    subject before it ("US officials told"), else after it at a clause end, else the sentence's subject
    for a trailing verb ("..., saying")."""
    n = len(text)
    p = n - cs  # the reversed text from the character before the cue
    if inv and cs >= 2 and text[cs - 2] in _QUOTE_CHARS and _QUOTE_BEFORE_R.match(rev, p):
        a = _inverted(text, cs, ce, kind)
        if a is not None:
            return a
    if ing and _COMMA_BEFORE_R.match(rev, p):
        b = None  # ", saying": the speaker is the sentence's subject, not the word before the comma
    else:
        b = _BACK.match(rev, p) if cs and text[cs - 1].isspace() else None
    if b is not None:
        a = _backward(text, rev, n, b, key, cs, ce, kind, names)
        if a is not None:
            return a
    if inv and _INV_BEFORE_R.match(rev, p):
        a = _inverted(text, cs, ce, kind)
        if a is not None:
            return a
    if not stance and _TRAILING_LINK_R.match(rev, p):
        return _trailing(text, rev, cs, ce, kind)
    return None


def _inverted(text: str, cs: int, ce: int, kind: Kind) -> Attribution | None:
    """The speaker after an inverted verb: '..., said Mr. Smith'."""
    f = _FWD_INVERTED.match(text, ce)
    if f is None:
        return None
    src = f.group("src")
    if src.lower() in _BAD_SUBJECTS or src.lower() in _FIRST_SECOND:
        return None
    ss, se = f.span("src")
    return Attribution(cs, se, ss, se, text[cs:ce], kind(src))


def _unclaimed_nouns(text: str, out: list[Attribution], noun_spans: list[tuple[int, int, str]],
                     kind: Kind) -> list[Attribution]:
    """Source nouns outside every verb's source span: "Democratic strategist Joe Trippi said" is one."""
    if not noun_spans:
        return []
    taken = sorted((a.src_start, a.src_end) for a in out)
    starts = [t[0] for t in taken]
    found = []
    for ss, se, cue in noun_spans:
        i = bisect_right(starts, se) - 1
        if i >= 0 and taken[i][1] > ss:
            continue
        if i >= 1 and taken[i - 1][1] > ss:
            continue
        found.append(Attribution(ss, se, ss, se, cue, kind(text[ss:se])))
    return found


def _speaker_labels(text: str, kind: Kind) -> list[Attribution]:
    """Transcript or headline labels at a line's start: "Graham: ..."."""
    label_starts = [0] if text[:1].isupper() else []
    label_starts += [m.end() for m in _LABEL_LINE.finditer(text)]
    found = []
    for at in label_starts:
        m = _LABEL.match(text, at)
        if m is None:
            continue
        src = m.group("src")
        if src.lower() in _BAD_SUBJECTS or src.split(None, 1)[0].lower() in _BAD_SUBJECTS:
            continue  # "The Ninth Circle: ...", "But: ..." are headings, not speakers
        found.append(Attribution(m.start("src"), m.end("cue"), m.start("src"), m.end("src"), ":", kind(src)))
    return found


def _backward(text, rev, n, b, key, cs, ce, kind, names) -> Attribution | None:
    """The attribution for a subject ``b`` matched backwards from the cue ``text[cs:ce]``, if it holds."""
    aux, app, _, pron, np, name, _ = b.groups()  # one call for all the groups of _BACK
    stance = key in _STANCE_ONLY
    if pron:
        group = "pron"
        if stance and pron not in ("eh", "ehs", "eH", "ehS"):
            return None  # "they want", "I think": opinion, mostly inside quotes
    elif np:
        group = "np"
    elif name:
        group = "name"
    else:
        group = "dnp"
        if key not in CORE_CUES:
            return None
    rs, re_ = b.span(_SUBJ_GROUP)
    ss, se = n - re_, n - rs
    if group == "name":
        ss = _trim_subject(text, ss, se)
        if ss >= se:
            return None
    src = text[ss:se]
    lsrc = src.lower()
    if lsrc in _BAD_SUBJECTS or lsrc in _FIRST_SECOND:
        return None
    if key in _ACTION_ONLY and group not in ("name", "np") and lsrc not in ("he", "she", "who"):
        return None
    if key in NOUNY_CUES and lsrc not in _NOUNY_SUBJECTS:
        return None
    if key == "show" and group != "np":
        return None  # "records show", not "the Daily show"
    if key in _PARTICIPLES and group in ("np", "dnp") and not aux and not _group_verdict(text, key, ce, src, kind):
        return None  # "a group called ...", "the questions asked in this debate"
    if aux and _BE_R.match(aux) and key[-3:] != "ing" and key not in _BE_OK:
        return None  # a passive: "he was told", "they were asked", "it is called"
    if not aux and key in _BASE_FORMS and group in ("np", "dnp") and _singular(lsrc):
        return None  # a noun, not a verb: "the council's planning report, published in March"
    if not aux and key[-3:] == "ing" and group != "pron":
        return None  # a participle, not a verb: "13 percent supporting another candidate"
    if group == "name" and src[-2:] in ("’s", "'s"):
        return None  # a possessive: "Ted Cruz’s preferred candidates", "Kasich’s showing"
    if lsrc in _WEAK_PRONOUNS and key not in STRONG_CUES:
        return None
    if app:
        inner = app[::-1]
        first = inner.lstrip(",—–( ").split(None, 1)
        if _REPORTING_IN_APPOSITIVE.search(inner) or (first and first[0].lower() in _APP_BAD_START):
            return None
    stype = kind(src)
    if stance and stype not in ("vague_group", "anonymous") and group not in ("name", "pron"):
        return None
    end = ce
    via = ""
    if key in _TELL:
        r = _RECIPIENT.match(text, ce)
        if r is not None:
            recip = r.group("recip")
            if _is_outlet(recip) or _outlet_name(recip) in names:
                via = recip
                end = r.end("recip")
                # A named person speaking to another outlet reaches us second-hand; unnamed or
                # vague sources keep their (weaker) type, with the outlet noted.
                if (stype == "named_on_record" and not _PRONOUN_FULL.fullmatch(src)
                        and _outlet_name(recip) not in names):
                    stype = "second_hand"
            elif recip in ("reporters", "a reporter"):
                end = r.end("recip")  # "told reporters" belongs to the attribution, not to the claim
    return Attribution(ss, end, ss, se, text[cs:ce], stype, via)


_STANCE_ONLY = STANCE_CUES - CORE_CUES
_ACTION_ONLY = ACTION_CUES - CORE_CUES - VERB_CUES
_BE_OK = frozenset({"quoted", "reported", "expected", "said", "says"})  # "was quoted as saying" etc.
_PARTICIPLES = frozenset({"called", "named", "dubbed", "labeled", "labelled", "asked", "known", "described"})

_NOUNY_SUBJECTS = frozenset({"he", "she", "they", "who"})
# Base forms ("report", "claim", "show") agree only with a plural subject; after a singular noun
# they are nouns themselves. Collective nouns take a plural verb in British usage ("the council say").
_BASE_FORMS = frozenset(CORE_BASES) | frozenset(STANCE_BASES)
_PLURAL_HEADS = frozenset(
    {
        "people", "police", "staff", "men", "women", "children", "media", "data", "personnel", "public",
        "majority", "minority", "government", "team", "committee", "board", "council", "family", "group",
        "crowd", "audience", "party", "union",
    }
)


def _singular(phrase_low: str) -> bool:
    head = phrase_low.rsplit(None, 1)[-1]
    return head[-1:] != "s" and head not in _PLURAL_HEADS
# After a vague group these are the group's verdict, not a participle: "critics described it as
# rushed", "some called it a betrayal" (but "analysts described by the paper as ..." is passive).
_VERDICT_VERBS = frozenset({"described", "called", "dubbed", "labeled", "labelled"})


def _group_verdict(text: str, key: str, ce: int, src: str, kind) -> bool:
    return key in _VERDICT_VERBS and kind(src) == "vague_group" and text[ce : ce + 4] != " by "


def _cue_info(key: str) -> tuple[str, int, bool, bool]:
    """A cue's category, whether it is an -ing form, and whether it only states a stance."""
    return key, _CATEGORY.get(key, _VERB), key[-3:] == "ing", key in _STANCE_ONLY


# Looked up once per cue match by its spelling in the lowercased text, instead of testing the
# key piecewise; a spelling with odd whitespace is normalised first.
_CUE_INFO = {key: _cue_info(key) for key in _ALL_CUES}


def _trailing(text: str, rev: str, cs: int, ce: int, kind) -> Attribution | None:
    """The subject at the start of the cue's sentence (at most 300 characters back)."""
    n = len(text)
    hi = min(n, n - cs + 300)
    b = _SENT_START_R.search(rev, n - cs, hi)
    while b is not None and b.group() != "\n" and _TITLE_R.match(rev, b.end()):
        b = _SENT_START_R.search(rev, b.end(), hi)  # "Sen. Ted Cruz": not a sentence end
    if b is not None:
        s0 = n - 1 - b.start() if b.group() != "\n" else n - b.start()
    elif cs <= 300:
        s0 = 0
    else:
        return None
    while s0 < cs and text[s0].isspace():
        s0 += 1
    sm = _SENT_SUBJECT.match(text, s0, cs)
    if not sm:
        return None
    ss, se = _trim_subject(text, sm.start("src"), sm.end("src")), sm.end("src")
    src = text[ss:se]
    if ss >= se or src.lower() in _BAD_SUBJECTS or src.lower() in _FIRST_SECOND:
        return None
    return Attribution(ss, se, ss, se, text[cs:ce], kind(src))
