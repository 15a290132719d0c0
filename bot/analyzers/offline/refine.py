"""Second look at the attributions ``find_attributions`` proposes, with the sentence around each.

The scan is built for recall: it proposes every verb with a plausible subject. An editor needs the
ones that are sources, typed right. Here each proposal is checked against its sentence:

- kept whole: no span across a sentence or a line; a subject with a relative clause is taken whole
  ("Some residents who spoke at the hearing said"); "citing" takes its whole noun phrase;
- not a source: a statement not made ("has not said", "will say", "to tell"), a verb of thought,
  wish or action by a named person ("she backed", "he wants"), a noun that is the object of another
  verb ("told analysts"), a headline's or dateline's named subject, a heading label;
- inside a quotation: a speaker quoted by another speaker reaches us second-hand ("The rebels told
  the mediators ..." inside a minister's quote); a belief inside a quotation is no source at all;
- typed by its anonymity: a clause saying so ("who asked not to be named", "speaking on condition
  of anonymity", "who did not want to be identified"), an unnamed person by role ("one large
  shareholder", "a person briefed on the talks", "the official" when no name was given), a self-
  styled group ("a group calling itself ..."); "reports in the regional press" are second-hand.
- the piece's own unsourced knowledge: "it is understood that", "X is understood to" are sources
  nobody is named for (anonymous).

Only linguistic patterns: no names, outlets or phrases of any particular article.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable

from bot.analyzers.offline.attribution import Attribution
from bot.analyzers.offline.lexicons import ROLE_NOUNS, VAGUE_GROUPS
from bot.analyzers.offline.patterns import DATELINE
from bot.models import SourceType

# Verbs of thought, wish, perception or action: an attribution only when a vague or unnamed group
# holds the view ("critics fear", "analysts expect"); a named person who "wants" or "backed" something
# is a fact about them, not a source to check.
_NOT_SPEECH = frozenset(
    """
    know knows knew want wants wanted wanting see sees saw seen feel feels felt think thinks thought believe
    believes believed hope hopes hoped fear fears feared worry worries worried consider considers considered
    understand understands decided decide agree agrees agreed voted vote votes pledged pledge supported
    supports support supporting backed backs backing sought seeking seek opposed opposes oppose opposing
    endorse endorsed endorses shared filed cast pushed accepted accepts prefer prefers preferred learned
    learnt read noticed notice notices favored favoured favors favours liked likes loved loves hated hates
    imagine imagined suspect suspected remember remembers recognize recognized realized realised intend
    intends plans planned aims aimed wished wish tried leads led chose welcomed celebrated embraced embrace
    defended defend defends dismissed appeared appears seemed seems continued continues offered offer offers
    repeat repeated proposed pleaded posted published released spoke speaking talking talked call expected expects
    expect
    """.split()  # noqa: SIM905
)
# Posting or publishing is a statement only when what is posted is one.
# Acts, never statements, whoever does them.
_ACTIONS = frozenset(
    """voted vote votes pledged supported supports supporting backed backs backing sought seeking opposed opposes
    opposing endorse endorsed endorses filed cast pushed accepted accepts decided agreed offered proposed pleaded
    chose led leads""".split()  # noqa: SIM905
)
_CLAUSE_END = re.compile(r"\s*[,.;:!?)]")
_POST = frozenset({"posted", "published", "released", "issued", "shared"})
_POSTED_SPEECH = re.compile(
    r"\s+(?:(?:a|an|the|its|his|her|their)\s+)?(?:[\w\-]+\s+){0,2}"
    r"(?:statements?|messages?|videos?|letters?|notes?|comments?|posts?|tweets?|updates?|notices?|"
    r"samples?|photos?|pictures?|images?|documents?|claims?|reports?|recordings?|transcripts?|files?|data|records?|"
    r"screenshots?|material)\b"
)
_RELATIVE_BEFORE = re.compile(r"\b(?:that|which|whom)\s+$")
_REPORTING_BEFORE_THAT = re.compile(
    r"\b(?:said|says|say|told|tells|reported|reports|announced|added|warned|claimed|claims|argued|insisted|noted|"
    r"wrote|confirmed|stated|believes?|believed|thinks?|thought|knows?|knew|hopes?|fears?|expects?|learned)"
    r"(?:\s+(?:on|last|this|in|earlier|previously|also)(?:\s+[A-Za-z]+)?)?\s*,?\s*$"  # right before "that"
)


def in_relative_clause(text: str, pos: int) -> bool:
    """Whether ``pos`` starts the subject of a relative clause ("a session that critics described"), not
    the complement of a reporting verb ("reported on Tuesday that an official said")."""
    m = _RELATIVE_BEFORE.search(text, max(0, pos - 7), pos)
    if m is None:
        return False
    if text[m.start() : m.start() + 4].lower() != "that":
        return True
    return _REPORTING_BEFORE_THAT.search(text, max(0, m.start() - 45), m.start()) is None
_TITLE_BEFORE_NAME = re.compile(r",?\s+(?:[A-Z]\.\s+)?[A-Z][a-z][\w'’\-]*\s+[A-Z][a-z][\w'’\-]*")
_NO_COMMENT = re.compile(
    r"\b(?:did\s+not|didn['’]t|has\s+not|have\s+not|hasn['’]t)\s+(?:immediately\s+)?(?:respond|reply|return)"
    r"|\bdeclined\s+to\s+comment|\bcould\s+not\s+be\s+reached|\bno\s+comment\b"
)
_EVIDENCE_NOUNS = frozenset(
    """figures estimates statistics results records images footage photos pictures tests test scans polls
    surveys records analysis analyses numbers tallies count counts filings video videos polling tape tapes
    recording recordings map maps chart charts documents""".split()  # noqa: SIM905
)
_DOCUMENT_NOUNS = frozenset(
    "poll polls survey surveys report reports study studies memo letter document documents data".split()  # noqa: SIM905
)
# A speaker label introduces an utterance: a quotation or a long line, not a headline's phrase.
_LABELLED_SPEECH = re.compile(r"\s*(?:[\"“'‘]|[^\n]{100})")
_RELATIVE_PRONOUNS = frozenset({"who", "which", "that", "whom"})
_SAID = frozenset(
    """said says say told tells added wrote reported warned claimed claim claims suggested suggest noted announced
    argued argues insisted insists called calls described describes dubbed termed labelled labeled""".split()  # noqa: SIM905
)
_WHAT_CALLED = re.compile(r"\bwhat\s+$")


def _holds_view(stype: SourceType, src: str) -> bool:
    """A group's view is a source ("critics fear", "officials believe"); one person's is not ("a nurse noticed")."""
    if stype == "vague_group":
        return True
    return stype in ("anonymous", "second_hand") and _head(src).endswith("s")


# A statement not made: negated, modal or an infinitive between the speaker and the verb.
_NOT_MADE = re.compile(
    r"\b(?:not|never|no\s+longer|yet\s+to|will|would|could|can|may|might|should|must|shall|to)\b|n['’]t\b|['’]d\b|['’]ll\b"
)
_SPEECH_IN_SOURCE = re.compile(r"\b(?:said|says|say|told|tells|warned|warn)\s+\w")
# "add" is speech only as "added, ...", "added that", before a quotation or at the end of a clause.
_ADD_NOT_SPEECH = re.compile(r"\s+(?:to|up|about|more|some|another|an?\s|\$|£|€|\d)")
# Nouns after these words are objects, not speakers: "told analysts", "spoke to residents".
_OBJECT_BEFORE = re.compile(r"\b(?:told|tells|tell|to|with|for|by|from|of|among|than|about|against|on|at|into)\s*$")
_ANON_CLAUSE = re.compile(
    r"\b(?:on\s+(?:the\s+)?condition\s+(?:of|that)\s+(?:anonymity|(?:he|she|they|it)\s+(?:not\s+be|remain|was\s+not|were\s+not|is\s+not|are\s+not)\b)"
    r"|(?:asked|requested|declined|wished|wanted|agreed|preferred)\s+(?:not\s+)?to\s+(?:be\s+)?(?:named|identified)"
    r"|(?:asked|requested)\s+(?:that\s+)?(?:(?:his|her|their)\s+)?names?\s+(?:not\s+be|be\s+withheld)"
    r"|(?:did|does|do)\s*(?:not|n['’]t)\s+want\s+(?:to\s+be|(?:his|her|their)\s+names?\s+(?:to\s+be\s+)?)(?:named|identified|used|published)"
    r"|not\s+authori[sz]ed\s+to\s+(?:speak|talk|comment|discuss|be\s+(?:named|quoted|identified))"
    r"|(?:requested|asked\s+for|was\s+granted|were\s+granted|granted)\s+anonymity"
    r"|without\s+being\s+(?:named|identified)|(?:speaking|spoke|talking)\s+(?:anonymously|on\s+background|privately|"
    r"off\s+the\s+record)|who\s+remained\s+anonymous)"
)
_SELF_STYLED = re.compile(
    r"(?:\b(?:calling|calls|called)\s+(?:itself|themselves|himself|herself)|\bself-(?:styled|described|proclaimed)"
    r"|\bclaiming\s+to\s+be)\s+[^\s,.;:]+(?:\s+[A-Z][\w'’\-]*){0,4}\s*$"
)
_REPORTS_PHRASE = re.compile(
    r"(?i)^(?:the\s+|some\s+|several\s+|many\s+|recent\s+|earlier\s+|unconfirmed\s+)*"
    r"(?:media\s+|news\s+|press\s+|local\s+|regional\s+|newspaper\s+|television\s+)?"
    r"(?:reports|rumou?rs|speculation|unconfirmed\s+accounts)\b"
)
# "it is understood that ...", "X is understood to have ...": a source nobody is named for.
_UNDERSTOOD = re.compile(
    r"\b(?:(?P<it>[Ii]t\s+(?:is|was|has\s+been))\s+(?:understood|learned|learnt|believed|thought|rumou?red)(?:\s+that)?"
    r"|(?P<x>is|are|was|were)\s+(?:understood|said|thought|believed)\s+to(?:\s+have)?)(?=\s)"
)
_CLOSE_TO = re.compile(
    r"\b(?:people|persons?|sources?|officials?|individuals?|someone|insiders?)\s+(?:close\s+to|familiar\s+with|"
    r"briefed\s+on|knowledgeable\s+about|with\s+(?:direct\s+)?knowledge\s+of|involved\s+in|aware\s+of|"
    r"in\s+the\s+room|present\s+at)\b",
    re.IGNORECASE,
)
# ", saying": the speaker is the named person just before the comma, with their title if any.
_SUBJECT_BEFORE_ING = re.compile(
    r"(?<![\w'’])(?P<np>(?:[A-Z][\w'’\-.]*\s+){1,3}[A-Z][\w'’\-]*"
    r"(?:,\s+(?:the|a|an|its|his|her|their)\s+[^,;:\"“”\n]{1,90})?),\s*$"
)
_STRAY_NOUN = re.compile(r"(?:an?|the)\s+[a-z]+\s+(?P<group>[a-z]+s)$", re.IGNORECASE)
_WITH_BEFORE = re.compile(r"\bwith\s+$")
_SEEN_BY = re.compile(
    r"(?<![\w’'])(?:[Aa]n?|[Tt]he|[Oo]ne)\s+(?:[\w\-]+\s+){0,3}?(?:report|document|memo|letter|email|e-mail|draft|"
    r"audit|study|assessment|briefing|presentation|filing|contract|recording)\s+(?:seen|obtained|reviewed|viewed|"
    r"heard)\s+by\s+(?:the\s+)?$"
)
_APPOSITIVE_NAME = re.compile(r",\s+(?:[A-Z][\w'’\-.]*\s+){1,3}[A-Z][\w'’\-]*,")
_ROLE_HEADS = frozenset(
    {
        *ROLE_NOUNS,
        "official",
        "officials",
        "source",
        "sources",
        "person",
        "people",
        "spokesperson",
        "spokesman",
        "spokeswoman",
        "insider",
        "insiders",
        "aide",
        "aides",
        "diplomat",
        "diplomats",
        "shareholder",
        "shareholders",
        "director",
        "manager",
        "employee",
        "employees",
        "staffer",
        "staffers",
        "member",
        "members",
        "adviser",
        "advisor",
        "owner",
        "executive",
        "executives",
        "investigator",
        "investigators",
        "officer",
        "officers",
        "negotiator",
        "negotiators",
        "banker",
        "bankers",
        "partner",
        "representative",
        "individual",
        "man",
        "woman",
    }
)
_VAGUE_HEADS = frozenset(g for g in VAGUE_GROUPS if " " not in g) | {"neighbours", "neighbors", "observers"}
_UNNAMED_LEAD = re.compile(
    r"^(?:(?:a|an|one|two|three|four|five|six|several|some|many|other|another|the|these|those)\s+)"
    r"(?:(?:of\s+the|senior|junior|former|top|large|small|local|[a-z][\w\-]*)\s+){0,4}?"
    r"(?P<head>[a-z]+)\b",
    re.IGNORECASE,
)
# "John Kirby, the White House ... advisor": a role noun with the person's name before it.
_NAME_BEFORE_ROLE = re.compile(
    r"(?<![\w'’])(?:[A-Z][\w'’\-.]*\s+){1,3}[A-Z][\w'’\-]*,\s+(?:the|a|an|its|his|her|their)\s+"
    r"(?:[\w'’\-.]+\s+){0,7}$"
)
_CAPITAL_WORD = re.compile(r"(?<![\w'’])[A-Z][a-z][\w'’\-]*")
_RELATIVE = re.compile(r"(?:,\s*|\s)who\s+")
_MAIN_SPEECH = re.compile(
    r",?\s+(?P<cue>said|says|told|tells|added|warned|explained|argued|insisted|claimed|noted|wrote|confirmed|"
    r"acknowledged|admitted|described|called|stated|maintained|contended|testified)\b"
)
_LEAD_IN = re.compile(r"^(?:(?:But|And|However|Yet|Still|Meanwhile|Separately|Instead),?\s+)")
_DATELINE_LINE = re.compile("(?m)^" + DATELINE)
_CITING_TAIL = re.compile(r"[^,.;:!?\"“”()\n]{0,80}")
_TRAIL_THAT = re.compile(r"\s+(?:that|who|which|as|and|but|in|on|at|to|for|from)\s*$|\s+$")


def quote_spans(text: str) -> list[tuple[int, int]]:
    """Inside of each direct quotation (after the opening mark, up to the closing one or the line's end)."""
    spans = [m.span("body") for m in _CURLY.finditer(text)]
    spans += [m.span("body") for m in _STRAIGHT.finditer(text)]
    spans.sort()
    return spans


def closed(text: str, span: tuple[int, int]) -> bool:
    return text[span[1] : span[1] + 1] in ('"', "”")


# An opening mark, the quotation, its closing mark if the line has one. Two apostrophes open a
# quotation in some copy (''It is fair," he said).
_CURLY = re.compile(r"“(?P<body>[^”“\n]*)”?")
_STRAIGHT = re.compile(r"(?:\"|'')(?P<body>[^\"\n]*)\"?")


class Context:
    """What the rules need to know about the text around attributions."""

    def __init__(self, text: str, sentences: list[tuple[int, int]]) -> None:
        self.text = text
        self.sentences = sentences
        self._starts = [s for s, _ in sentences]
        self.quotes = quote_spans(text)
        self._quote_starts = [s for s, _ in self.quotes]
        first_line = text.split("\n", 1)[0].rstrip()
        headline = bool(first_line) and "\n" in text and first_line[-1:] not in ".!?\"”'’)"
        self.headline_end = len(first_line) if headline else -1
        self.datelines = [m.span() for m in _DATELINE_LINE.finditer(text, 0, 3000)]

    def sentence(self, pos: int) -> tuple[int, int]:
        i = max(0, bisect_right(self._starts, pos) - 1)
        return self.sentences[i] if self.sentences else (0, len(self.text))

    def in_quote(self, start: int, end: int) -> bool:
        """Inside a quotation that closes on its line."""
        i = bisect_right(self._quote_starts, start) - 1
        return i >= 0 and self.quotes[i][0] <= start and end <= self.quotes[i][1] and closed(self.text, self.quotes[i])


def refine(
    text: str, attrs: list[Attribution], sentences: list[tuple[int, int]], classify: Callable[[str], SourceType]
) -> list[Attribution]:
    """The attributions an editor should see, typed by what the sentence says about them."""
    ctx = Context(text, sentences)
    out: list[Attribution] = []
    proposals = [*_citing(text, attrs, classify), *_relative_verdicts(text, classify), *_document_subjects(ctx),
                 *_partitives(text, attrs), *_formulas(text, classify)]
    for a in [*attrs, *proposals]:
        a = _whole(ctx, a)
        if a is None:
            continue
        a = _typed(ctx, a)  # typed first: "Local business owners fear" is a group's view, a source
        if not _not_a_source(ctx, a):
            out.append(a)
    subjects = _relative_subjects(ctx, classify)
    if subjects:  # "X, who asked not to be named, said the government ...": not "said the government"
        verbs = {a.end - len(a.cue) for a in subjects}
        out = [a for a in out if not (a.start in verbs and a.src_start > a.start and text[a.src_start].islower())]
    out += subjects
    out = _titles_with_names(text, out)
    out += _understood(ctx)
    out = _without_nested(text, out)
    out = _without_bare_nouns_beside_verbs(ctx, out)
    _resolve_definites(ctx, out)
    return _citing_merged(text, out)


def _cue_start(text: str, a: Attribution) -> int:
    """Where the verb or preposition of ``a`` starts."""
    if a.src_start > a.start:
        return a.start  # the cue comes first: "according to X", "said X"
    at = text.rfind(a.cue, a.src_end, a.end) if a.cue else -1
    return at if at >= 0 else a.src_end


def _whole(ctx: Context, a: Attribution) -> Attribution | None:
    """``a`` within one sentence and one line, with a "citing" phrase taken whole; None if it cannot be."""
    text = ctx.text
    s, e = ctx.sentence(a.end - 1)  # the sentence of the verb (or of the end of the source)
    if a.start < s:  # the scan ran back over a sentence end: keep the part in the verb's sentence
        if a.src_start >= s or a.src_end <= s:
            return None
        a = Attribution(s, a.end, s, a.src_end, a.cue, a.source_type, a.via)
    if "\n" in text[a.start : a.end] or a.start >= a.end:
        return None
    cue = a.cue.lower()
    if cue.endswith("ing"):
        # The scan may have taken the sentence's subject ("The reply was short, with X, saying").
        cue_at = text.find(a.cue, a.src_end, e) if a.end == a.src_end else _cue_start(text, a)
        near = _SUBJECT_BEFORE_ING.search(text, max(s, cue_at - 160), cue_at) if cue_at > a.src_end else None
        if near is not None and not _WITH_BEFORE.search(text, max(s, near.start() - 6), near.start()):
            near = None  # only "with X, the ..., saying": elsewhere the noun before the comma is an object
        if near is not None and near.start() > a.src_start:
            np_end = near.start() + len(near.group("np"))
            end = max(a.end, cue_at + len(a.cue))
            a = Attribution(near.start(), end, near.start(), np_end, a.cue, "named_on_record", a.via)
    if (
        a.cue.lower() == "according to"
        and a.src_end + 1 < e
        and text[a.src_end] in ",."
        and text[a.src_end + 1].isdigit()
    ):
        tail = _CITING_TAIL.match(text, a.src_end + 1)  # "a study of 210,000 people": the number is not the end
        end = a.src_end + 1 + (len(tail.group().rstrip()) if tail else 0)
        a = Attribution(a.start, end, a.src_start, end, a.cue, a.source_type, a.via)
    if a.cue.lower() == "citing" and a.src_end < e:
        tail = _CITING_TAIL.match(text, a.src_end)
        if tail is not None and tail.end() > a.src_end:
            end = a.src_end + len(_TRAIL_THAT.sub("", tail.group()))
            if end > a.src_end:
                a = Attribution(a.start, end, a.src_start, end, a.cue, a.source_type, a.via)
    return a


def _not_a_source(ctx: Context, a: Attribution) -> bool:
    text = ctx.text
    src = text[a.src_start : a.src_end]
    cue = a.cue.lower()
    if a.src_start < 0 or not src.strip():
        return True
    if any(ds <= a.start < de for ds, de in ctx.datelines):
        return True  # "PORT ELLIS (Wire) -": the piece's own dateline
    if cue == ":" and (src.isupper() or "’s" in src or "'s" in src or not _LABELLED_SPEECH.match(text, a.end)):
        return True  # a heading ("ISSUES FOUND:", "Editor's Note:", "Poll: ..."), not a speaker
    if a.source_type == "explicitly_unverified":
        return False
    if _SPEECH_IN_SOURCE.search(src):
        return True  # "Police sources say investigators" is two things, not one speaker
    cue_at = _cue_start(text, a)
    aux = text[a.src_end : cue_at].rsplit(",", 1)[-1] if a.src_end <= cue_at else ""
    if len(aux) <= 30 and _NOT_MADE.search(aux):
        return True  # "has not said", "will say", "would have to tell": nothing said yet
    if src.lower() in _RELATIVE_PRONOUNS and cue not in _SAID:
        return True  # "..., who asked not to be named": the clause of a source found already
    if (cue in ("called", "calls") and src.lower() in _PRONOUNS
            and _WHAT_CALLED.search(text, max(0, a.src_start - 6), a.src_start)):
        return True  # 'what she called "speculation"': a label in scare quotes, not a statement
    if cue in _ACTIONS:
        return True  # "several members opposed the rise", "the council voted": acts, not statements
    if (cue.endswith("ing") and a.src_start == a.start and cue not in ("saying", "telling", "adding", "writing")
            and _CLAUSE_END.match(text, a.end)):
        return True  # "The findings are encouraging, the minister said": an adjective, not a verb
    if (
        cue in _NOT_SPEECH
        and not _holds_view(a.source_type, src)
        and not (cue in _POST and _POSTED_SPEECH.match(text, a.end))
    ):
        return True
    if cue in _POST and not _POSTED_SPEECH.match(text, a.end):
        return True  # "documents released to the public", "a letter posted": no statement posted
    if cue not in _SAID and in_relative_clause(text, a.src_start):
        return True  # "a raise that the union rejected": a clause about a noun, not a statement
    if cue in ("show", "shows", "showed", "shown") and _head(src) not in _DOCUMENT_NOUNS | _EVIDENCE_NOUNS:
        return True  # "earlier candidates showed promise"; but "the data show", "images showed"
    if cue in ("declined", "refused", "declines", "refuses") and re.match(
        r"\s+to\s+(?:comment|respond)", text[a.end : a.end + 16]
    ):
        return True  # "declined to comment" is the absence of a statement
    if cue.startswith("add") and _ADD_NOT_SPEECH.match(text, a.end):
        return True  # "will add about $96", "adds to the evidence"
    if a.start == a.src_start and a.end == a.src_end and a.cue != "understood":  # a bare noun, no verb
        s, e = ctx.sentence(a.start)
        if _NO_COMMENT.search(text, s, e):
            return True  # "A spokesperson did not respond to requests for comment": no statement
        if not _CAPITAL_WORD.search(src, 1) and _head(src) in _DOCUMENT_NOUNS:
            return True  # "the poll", "a new survey": a document with no verb is not a speaker
        lead = text[max(0, a.start - 12) : a.start]
        if _OBJECT_BEFORE.search(lead):
            return True
        if text[a.start : a.start + 1].isdigit() and lead[-1:] in ",.":
            return True  # "210,000 people": the tail of a number
    # a belief inside a quotation is the speaker's words, not a source
    return ctx.in_quote(a.start, a.end) and cue in _NOT_SPEECH


def _typed(ctx: Context, a: Attribution) -> Attribution:
    """``a`` with the type its sentence gives it."""
    text = ctx.text
    src = text[a.src_start : a.src_end]
    stype = a.source_type
    s, e = ctx.sentence(a.start)
    if stype == "explicitly_unverified":
        return a
    if a.start == a.src_start and a.end == a.src_end:  # a bare role noun: the name it is in apposition to
        before = _NAME_BEFORE_ROLE.search(text, max(s, a.src_start - 160), a.src_start)
        if before is not None:
            return Attribution(before.start(), a.end, before.start(), a.src_end, a.cue, "named_on_record", a.via)
    if _SELF_STYLED.search(text, max(s, a.src_start - 60), a.src_end) or _SELF_STYLED.search(src):
        return _with(a, "anonymous", start=_self_styled_start(text, s, a))
    seen = _SEEN_BY.search(text, max(s, a.src_start - 90), a.src_start)
    if seen is not None:  # "An internal report seen by the Post says": the document is the source
        return Attribution(seen.start(), a.end, seen.start(), a.src_end, a.cue, "named_on_record", a.via)
    if _REPORTS_PHRASE.match(src):
        return _with(a, "second_hand")
    stray = _STRAY_NOUN.match(src)
    if stray is not None and stray.group("group").lower() in _VAGUE_HEADS:  # "a result experts called"
        start = a.src_start + stray.start("group")
        a = Attribution(start, a.end, start, a.src_end, a.cue, "vague_group", a.via)
        src, stype = text[a.src_start : a.src_end], "vague_group"
    if _head(src) in _EVIDENCE_NOUNS and _head(src).endswith("s") and not _CAPITAL_WORD.search(src):
        return _with(a, "vague_group")  # "according to widely cited figures": whose figures?
    if _CLOSE_TO.search(src) and not _personal_name(src.split(" ", 1)[0] + " " + _head(src)):
        return _with(a, "anonymous")  # "people close to the mayor", "a person briefed on the talks"
    if stype == "vague_group" and _COUNTED.match(src) and not _personal_name(_HEAD_END.split(src, maxsplit=1)[0]):
        stype = "anonymous"  # "two senior doctors": counted, unnamed people, not a vague group
        a = _with(a, stype)
    if stype in ("named_on_record", "vague_group", "anonymous") and not _personal_name(
        _HEAD_END.split(src, maxsplit=1)[0]
    ):
        # The anonymity clause may follow the verb: "two of the people said, speaking on condition ..."
        if _ANON_CLAUSE.search(text, a.src_start, min(e, a.end + 160)):
            return _with(a, "anonymous")
        if (
            stype == "named_on_record"
            and _unnamed_person(src)
            and not _definite(src)
            and not _APPOSITIVE_NAME.match(text, a.src_end)
        ):
            return _with(a, "anonymous")
        if stype == "named_on_record" and (_vague_group(src) or _plural_group(src)):
            return _with(a, "vague_group")
        if stype == "vague_group" and _definite(src) and not _ANON_CLAUSE.search(text, a.src_start, e):
            return _with(a, "named_on_record")  # "the researchers": those the piece has named
    if ctx.in_quote(a.start, a.end) and stype == "named_on_record" and src.lower() not in _PRONOUNS:
        return _with(a, "second_hand")  # relayed by the quoted speaker
    return a


_PRONOUNS = frozenset({"he", "she", "they", "i", "we", "you", "it", "who", "which"})


def _with(a: Attribution, stype: SourceType, start: int | None = None) -> Attribution:
    s = a.start if start is None else min(start, a.start)
    ss = a.src_start if start is None else min(start, a.src_start)
    return Attribution(s, a.end, ss, a.src_end, a.cue, stype, a.via)


def _self_styled_start(text: str, s: int, a: Attribution) -> int:
    """Start of "a group calling itself X": the noun phrase before "calling"."""
    window = text[max(s, a.src_start - 60) : a.src_start]
    m = re.search(
        r"(?:^|[,;]\s+|\s)((?:[Aa]n?|[Tt]he|[Oo]ne)\s+(?:[\w\-]+\s+){0,2}?)(?:calling|calls|called|self-|claiming)",
        window,
    )
    return a.src_start - len(window) + m.start(1) if m else a.src_start


def _personal_name(src: str) -> bool:
    """Two capitalised words in a row that are not a role: a person or body named ("Dana Whitfield")."""
    words = _CAPITAL_WORD.findall(src)
    if len(words) < 2:
        return False
    return re.search(r"(?<![\w'’])[A-Z][a-z][\w'’\-]*\s+[A-Z][a-z][\w'’\-]*", src) is not None and not all(
        w.lower() in _ROLE_HEADS or w.lower() in _VAGUE_HEADS for w in words[-1:]
    )


_HEAD_END = re.compile(r",|\s(?:in|at|for|from|of|with|close\s+to|familiar\s+with|briefed|who|whom|which)\s")


def _head(src: str) -> str:
    head = _HEAD_END.split(src, maxsplit=1)[0]
    words = head.split()
    return words[-1].lower().strip("’'") if words else ""


def _unnamed_person(src: str) -> bool:
    """A person by role alone: "one large shareholder", "a spokesman for the authority", "one freight
    broker" (a role noun, or an agent noun after "a", "one", "two" ...)."""
    head = _head(src)
    if head in _ROLE_HEADS:
        return True
    return (_INDEFINITE.match(src) is not None and _AGENT_NOUN.search(head) is not None
            and head not in _NOT_PERSONS)


_COUNTED = re.compile(r"(?i)(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|a\s+few|a\s+couple\s+of)\s")
_INDEFINITE = re.compile(r"(?i)(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten)\s")
_AGENT_NOUN = re.compile(r"(?:[^e]er|or|ist|ant|ent|ian|man|woman|person)s?$")
_NOT_PERSONS = frozenset(
    """number numbers letter letters order orders paper papers water matter computer river center centre border
    corner chapter quarter manner power tower layer sector factor error mirror floor door document documents
    statement statements report agent event percent cent component element segment government department
    agreement payment movement moment comment comments plan""".split()  # noqa: SIM905
)


def _vague_group(src: str) -> bool:
    return _head(src) in _VAGUE_HEADS and not re.match(r"(?i)the\s", src.strip())


def _plural_group(src: str) -> bool:
    """People by kind, with no names and no article: "Local business owners", "Environmental groups"."""
    head = _head(src)
    words = src.split()
    if _definite(src) or _named(" ".join(words[1:])) or not head.endswith("s") or len(words) > 5:
        return False
    # Not any agent noun: "prosecutors told the jury", "police said" speak on the record for an office.
    return head[:-1] in _ROLE_HEADS or head in _GROUP_HEADS


_GROUP_HEADS = frozenset("groups organisations organizations campaigners associations unions owners".split())  # noqa: SIM905


def _definite(src: str) -> bool:
    return re.match(r"(?i)(?:the|these|those)\s", src.strip()) is not None


def _relative_subjects(ctx: Context, classify: Callable[[str], SourceType]) -> list[Attribution]:
    """A subject carrying a relative clause, then the verb: "A nurse who saw the files said",
    "Two traders, who asked not to be named, told ..." (the scan sees only "who saw", "files said")."""
    text = ctx.text
    out: list[Attribution] = []
    for rel in _RELATIVE.finditer(text):
        s, e = ctx.sentence(rel.start())
        if rel.start() - s > 120:
            continue
        lead = _LEAD_IN.match(text, s)
        np_start = lead.end() if lead else s
        phrase = text[np_start : rel.start()]
        words = phrase.split()
        if not 1 <= len(words) <= 8 or any(w.lower().strip(",") in _NOT_IN_SUBJECT for w in words[1:]):
            continue
        m = _MAIN_SPEECH.search(text, rel.end() + 3, e)  # past the clause's own first verb ("who said")
        if m is None or m.start() - rel.end() > 220:
            continue
        clause = text[np_start : m.start()]
        if _personal_name(phrase):
            stype = classify(phrase)
        elif _ANON_CLAUSE.search(clause) or _unnamed_person(phrase):
            stype = "anonymous"
        elif _vague_group(phrase):
            stype = "vague_group"
        else:
            stype = classify(phrase)
        out.append(
            Attribution(np_start, m.end("cue"), np_start, np_start + len(phrase.rstrip(", ")), m.group("cue"), stype)
        )
    return out


_NOT_IN_SUBJECT = frozenset(
    """
    is was were are has have had be been came come went after before when if because that which said told says
    to into on at by as but and or than then while
    """.split()  # noqa: SIM905
)


def _citing(text: str, attrs: list[Attribution], classify: Callable[[str], SourceType]) -> list[Attribution]:
    """ "citing two employees at the company": whatever noun phrase follows, when the scan found none."""
    taken = {a.start for a in attrs}
    out = []
    for m in _CITING.finditer(text):
        if m.start() in taken:
            continue
        tail = _CITING_TAIL.match(text, m.end())
        phrase = _TRAIL_THAT.sub("", tail.group()) if tail else ""
        if len(phrase.split()) < 1:
            continue
        end = m.end() + len(phrase)
        out.append(Attribution(m.start(), end, m.end(), end, "citing", classify(phrase)))
    return out


_CITING = re.compile(r"\b[Cc]iting\s+")


def _relative_verdicts(text: str, classify: Callable[[str], SourceType]) -> list[Attribution]:
    """ "..., which one shipping executive described as ...": a verdict given in a relative clause."""
    out = []
    for m in _VERDICT_IN_CLAUSE.finditer(text):
        src = m.group("src")
        stype = "anonymous" if _unnamed_person(src) and not _personal_name(src) else classify(src)
        out.append(Attribution(m.start("src"), m.end("cue"), m.start("src"), m.end("src"), m.group("cue"), stype))
    return out


_VERDICT_IN_CLAUSE = re.compile(
    r"\b(?:which|that|what)\s+(?P<src>(?:one|a|an|two|three|several|some|many|other)\s+(?:[a-z][\w\-]*\s+){0,3}?"
    r"[a-z]+)\s+(?P<cue>described|called|dubbed|termed|labell?ed)\b"
)


def _formulas(text: str, classify: Callable[[str], SourceType]) -> list[Attribution]:
    """Fixed newsroom formulas the scan may not parse: "a person with knowledge of the talks told X",
    "was first reported by the Daily Chronicle"."""
    out: list[Attribution] = []
    seen: set[int] = set()
    # str.find first: the phrases are rare, a regex from every position is not cheap
    for keys, formula, before, after in (
        (_FORMULA_KEYS, _KNOWLEDGE_FORMULA, 40, 120),
        (_BACKGROUND_KEYS, _BACKGROUND_FORMULA, 80, 40),
    ):
        for key in keys:
            pos = text.find(key)
            while pos >= 0:
                m = formula.search(text, max(0, pos - before), pos + after)
                if m is not None and m.start() not in seen:
                    seen.add(m.start())
                    out.append(
                        Attribution(
                            m.start("src"), m.end("cue"), m.start("src"), m.end("src"), m.group("cue"), "anonymous"
                        )
                    )
                pos = text.find(key, pos + 1)
    for m in _REPORTED_BY.finditer(text):
        src = m.group("src")
        out.append(Attribution(m.start(), m.end("src"), m.start("src"), m.end("src"), "reported by", classify(src)))
    return out


_FORMULA_KEYS = ("knowledge of", "familiar with", "close to", "briefed on", "involved in", "aware of")
_BACKGROUND_KEYS = ("on background", "privately", "anonymously", "off the record")
_KNOWLEDGE_FORMULA = re.compile(
    r"\b(?P<src>(?:(?:[Aa]n?|[Oo]ne|[Tt]wo|[Tt]hree|[Ss]everal|[Ss]ome)\s+)?(?:[a-z]+\s+)?"
    r"(?i:person|people|source|sources|official|officials|individual|individuals|executive|executives|insider|insiders)"
    r"\s+(?:with\s+(?:direct\s+)?knowledge\s+of|familiar\s+with|close\s+to|briefed\s+on|involved\s+in|aware\s+of)"
    r"\s+(?:[\w’'\-]+\s+){0,4}?[\w’'\-]+),?\s+(?P<cue>said|says|say|told|tells|added)\b"
)
_BACKGROUND_FORMULA = re.compile(
    r"\b(?P<src>(?:[A-Za-z][\w’'\-]*\s+){0,3}?(?i:officials|sources|people|aides|diplomats|officers|executives|"
    r"insiders|person|official|source|aide|diplomat|officer|executive))\s*,?\s+(?:speaking|talking|who\s+spoke)\s+"
    r"(?:on\s+background|privately|anonymously|off\s+the\s+record|on\s+(?:the\s+)?condition\s+of\s+anonymity)"
    r"\s*,?\s+(?P<cue>said|says|say|told|tells)\b"
)
_REPORTED_BY = re.compile(
    r"\b(?:was|were|had\s+been|has\s+been|is)\s+(?:first\s+|originally\s+|also\s+)?"
    r"(?:reported|revealed|disclosed)\s+by\s+(?P<src>(?:the\s+)?[A-Z][\w’'&\-]*(?:\s+[A-Z][\w’'&\-]*){0,4})"
)


def _partitives(text: str, attrs: list[Attribution]) -> list[Attribution]:
    """ "one of them said": one of the sources just cited, so of their type (unnamed if none is found)."""
    out = []
    earlier = sorted(attrs, key=lambda a: a.start)
    for m in _PARTITIVE.finditer(text) if " of " in text else ():
        before = [a for a in earlier if a.end <= m.start() and m.start() - a.end < 600 and a.src_end > a.src_start]
        stype: SourceType = before[-1].source_type if before else "anonymous"
        if stype == "named_on_record" and _unnamed_person(text[before[-1].src_start : before[-1].src_end]):
            stype = "anonymous"
        out.append(Attribution(m.start(), m.end(), m.start(), m.end("src"), m.group("cue"), stype))
    return out


_PARTITIVE = re.compile(
    r"\b(?P<src>(?:[Oo]ne|[Tt]wo|[Ss]ome|[Ss]everal|[Mm]any|[Mm]ost|[Bb]oth|[Ee]ach|[Aa]nother)\s+of\s+"
    r"(?:them|those|the\s+[a-z]+))\s+(?P<cue>said|says|told|added|wrote)\b"
)


_PARTITIVE_SRC = re.compile(r"(?i)(?:one|two|some|several|many|most|both|each|another)\s+of\s+(?:them|those)$")


def _document_subjects(ctx: Context) -> list[Attribution]:
    """A document as the subject of a finding: "The council's own planning report, published in March,
    counted 1,150 homes" names its source (named, on the record, to be checked against it)."""
    text = ctx.text
    out = []
    for s, e in ctx.sentences:
        m = _DOCUMENT_SUBJECT.match(text, s, e)
        if m is not None:
            out.append(Attribution(s, m.end("cue"), s, m.end("src"), m.group("cue"), "named_on_record"))
    return out


_DOCUMENT_SUBJECT = re.compile(
    r"(?P<src>(?:[A-Z][\w’'\-]*\s+)?(?:[\w’'\-]+\s+){0,4}?(?:report|study|survey|analysis|audit|review|census|"
    r"poll|filing|indictment|assessment|inventory|inspection))(?:,[^,;\n]{1,80},)?\s+"
    r"(?P<cue>found|finds|showed|shows|counted|counts|estimated|estimates|listed|lists|concluded|concludes|"
    r"recorded|records|put|puts)\b"
)


def _citing_merged(text: str, attrs: list[Attribution]) -> list[Attribution]:
    """ "the Herald reported, citing two people familiar with the talks" is one attribution: the outlet
    and the people it cites, typed by the weaker of the two."""
    attrs.sort(key=lambda a: a.start)
    out: list[Attribution] = []
    for a in attrs:
        if (out and a.cue.lower() == "citing" and 0 <= a.start - out[-1].end <= 2
                and out[-1].source_type in ("second_hand", "self_citation")
                and text[out[-1].end : a.start].strip() in ("", ",")):
            prev = out[-1]
            weaker = a.source_type if _RANK[a.source_type] <= _RANK[prev.source_type] else prev.source_type
            out[-1] = Attribution(prev.start, a.end, a.src_start, a.src_end, "citing", weaker,
                                  text[prev.src_start : prev.src_end])
            continue
        out.append(a)
    return out


_RANK = {t: n for n, t in enumerate(
    ("anonymous", "second_hand", "vague_group", "explicitly_unverified", "self_citation", "named_on_record"))}


def _understood(ctx: Context) -> list[Attribution]:
    text = ctx.text
    out = []
    for m in _UNDERSTOOD.finditer(text):
        if m.group("it"):
            out.append(Attribution(m.start(), m.end(), m.start(), m.end(), "understood", "anonymous"))
        else:
            ss = m.start("x")
            out.append(Attribution(ss, m.end(), ss, m.end(), "understood", "anonymous"))
    return out


def _without_nested(text: str, attrs: list[Attribution]) -> list[Attribution]:
    """Drop a minor attribution lying inside another: "who spoke" inside "A man who spoke ... said";
    a speech verb of its own ("X, who told the paper Y, said") stays."""
    attrs.sort(key=lambda a: (a.start, -a.end))
    out: list[Attribution] = []
    reach = -1
    for a in attrs:
        inside = out and a.end <= reach and (a.start, a.end) != (out[-1].start, out[-1].end)
        minor = a.cue.lower() not in _SAID or (a.start == a.src_start and a.end == a.src_end)
        relative = text[a.src_start : a.src_end].lower() in _RELATIVE_PRONOUNS
        if inside and a.source_type != "explicitly_unverified" and (minor or relative):
            continue
        out.append(a)
        reach = max(reach, a.end)
    return out


_DETERMINER_WORDS = frozenset(
    "the a an one two three four five some several many other another these those its his her their".split()  # noqa: SIM905
)


def _named(src: str) -> bool:
    """A capitalised word that is not just a capitalised determiner at the start ("The researchers")."""
    return any(w.lower() not in _DETERMINER_WORDS for w in _CAPITAL_WORD.findall(src))


def _titles_with_names(text: str, attrs: list[Attribution]) -> list[Attribution]:
    """A bare title before a name ("Opposition health spokesman Tom Reyes called", "A spokesman for the
    authority, Henrik Valla, confirmed") is the named person: dropped where the name has its own
    attribution, else extended over the name and typed as named."""
    starts = {a.src_start for a in attrs}
    out = []
    for a in attrs:
        name = _TITLE_BEFORE_NAME.match(text, a.end) if a.start == a.src_start and a.end == a.src_end else None
        if name is None:
            out.append(a)
            continue
        first = name.end() - len(name.group().lstrip(", "))
        if any(first <= st <= first + 3 for st in starts):
            continue
        out.append(Attribution(a.start, name.end(), a.src_start, name.end(), a.cue, "named_on_record", a.via))
    return out


def _without_bare_nouns_beside_verbs(ctx: Context, attrs: list[Attribution]) -> list[Attribution]:
    """A bare noun ("the researchers", "a former director") is a source only in a sentence with no
    other attribution: beside one, it is a participant the sentence talks about."""
    with_verb = {ctx.sentence(a.start) for a in attrs if not (a.start == a.src_start and a.end == a.src_end)}
    text = ctx.text
    return [
        a
        for a in attrs
        if not (a.start == a.src_start and a.end == a.src_end and a.cue != "understood")
        or ctx.sentence(a.start) not in with_verb
        or _named(text[a.src_start : a.src_end])  # a name: "Rahm Emanuel, his chief of staff"
    ]


def _resolve_definites(ctx: Context, attrs: list[Attribution]) -> None:
    """ "the official said": the same kind of source as the last one with that head noun, else
    anonymous when nothing named it (an unnamed person by role)."""
    text = ctx.text
    seen: dict[str, SourceType] = {}
    previous: SourceType | None = None
    for i, a in enumerate(attrs):
        src = text[a.src_start : a.src_end]
        if _PARTITIVE_SRC.match(src) and previous is not None:
            attrs[i] = a = _with(a, previous)  # "one of them said": one of the sources just cited
        previous = a.source_type
        head = _head(src)
        unnamed = not (_personal_name(src) or _APPOSITIVE_NAME.match(text, a.src_end) or _CAPITAL_WORD.search(src, 1))
        if a.source_type == "named_on_record" and _definite(src) and head in _ROLE_HEADS and unnamed:
            attrs[i] = _with(a, seen.get(head, "anonymous"))
        around = text[max(0, a.src_start - 30) : a.src_end]  # "Port official Mara Lind": the role before the name
        for word in {head, *(w.lower() for w in re.findall(r"[A-Za-z]+", around))} & _ROLE_HEADS:
            seen[word] = attrs[i].source_type
