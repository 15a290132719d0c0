"""Word lists for source detection (attribution.py): cue verbs in all their forms, the auxiliaries and
adverbs that may sit between a speaker and the verb, and nouns that head a speaker noun phrase.

Generic English news vocabulary (communication, cognition and argument verbs), not tuned to any text.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.analyzers.offline.lexicons import CORE_VERBS, SOURCE_NOUNS, SPEECH_VERBS, STANCE_VERBS


def _forms(base: str) -> set[str]:
    """Regular inflections of a verb: "argue" → argue, argues, argued, arguing."""
    if base.endswith("e") and not base.endswith(("ee", "ye", "oe")):
        return {base, base + "s", base + "d", base[:-1] + "ing"}
    if base.endswith("y") and base[-2:-1] not in ("a", "e", "o", "u"):
        return {base, base[:-1] + "ies", base[:-1] + "ied", base + "ing"}
    if base.endswith(("s", "sh", "ch", "x", "z")):
        return {base, base + "es", base + "ed", base + "ing"}
    return {base, base + "s", base + "ed", base + "ing"}


def _all_forms(bases: Iterable[str]) -> set[str]:
    out: set[str] = set()
    for b in bases:
        head, _, rest = b.partition(" ")
        out.update(f"{f} {rest}".strip() for f in _forms(head))
    return out


# Irregular forms, spelled out (consonant doubling included).
_IRREGULAR = {
    "say": {"say", "says", "said", "saying"},
    "tell": {"tell", "tells", "told", "telling"},
    "write": {"write", "writes", "wrote", "written", "writing"},
    "think": {"think", "thinks", "thought", "thinking"},
    "speak": {"speak", "speaks", "spoke", "speaking"},
    "swear": {"swear", "swears", "swore", "sworn"},
    "forecast": {"forecast", "forecasts", "forecasting"},
    "hit back": {"hit back", "hits back", "hitting back"},
    "shoot back": {"shot back", "shoots back"},
    "fire back": {"fired back", "fires back", "firing back"},
    "put": {"put it", "puts it"},
    "know": {"knows", "knew"},
    "feel": {"feels", "felt"},
    "see": {"sees", "saw"},
    "admit": {"admit", "admits", "admitted", "admitting"},
    "regret": {"regrets", "regretted"},
    "rebut": {"rebuts", "rebutted"},
    "slam": {"slam", "slams", "slammed", "slamming"},
    "quip": {"quips", "quipped"},
    "plan": {"plans", "planned"},
    "commit": {"commits", "committed"},
    "brag": {"brags", "bragged"},
    "prefer": {"prefers", "preferred"},
    "submit": {"submits", "submitted"},
    "read": {"read", "reads"},
    "understand": {"understands", "understood"},
    "seek": {"seeks", "sought", "seeking"},
    "lead": {"leads", "led"},
    "take aim": {"took aim", "takes aim", "taking aim"},
    "make the case": {"made the case", "makes the case", "making the case"},
    "weigh in": {"weighed in", "weighs in"},
    "chime in": {"chimed in", "chimes in"},
    "lash out": {"lashed out", "lashes out"},
    "push back": {"pushed back", "pushes back"},
    "go after": {"went after", "goes after"},
    "come out": {"came out against", "came out in favor", "comes out against"},
    "point out": {"pointed out", "points out", "pointing out"},
    "spell out": {"spelled out", "spells out"},
    "sound off": {"sounded off"},
    "speak out": {"spoke out", "speaks out"},
    "open up": {"opened up"},
}

# Reporting verbs proper: trusted after any subject, pronouns "they"/"it"/"who" included.
CORE_BASES = (
    "say", "tell", "write", "add", "note", "report", "announce", "argue", "claim", "state", "explain", "ask", "warn",
    "insist", "acknowledge", "admit", "confirm", "deny", "declare", "tweet", "testify", "suggest", "predict",
    "estimate", "describe", "urge", "accuse", "criticize", "criticise", "allege", "contend", "recall", "respond",
    "reply", "conclude", "reveal", "assert", "emphasize", "emphasise", "stress", "concede", "counter", "maintain",
    "observe", "remark", "quip", "joke", "vow", "pledge", "promise", "blame", "complain", "lament", "mock", "question",
    "reject", "slam", "tout", "dismiss", "caution", "hint", "indicate", "signal", "reiterate", "repeat", "point out",
    "write", "post", "retort", "boast", "brag", "protest", "demand", "charge", "contest", "dispute", "disagree",
    "agree", "praise", "attack", "blast", "condemn", "denounce", "decry", "ridicule", "scoff", "muse", "speculate",
    "wonder", "worry", "fear", "forecast", "project", "calculate", "find", "show", "swear", "assure", "reassure",
    "threaten", "implore", "plead", "beg", "advise", "recommend", "propose", "announce", "proclaim", "trumpet",
    "disclose", "recount", "narrate", "characterize", "label", "dub", "brand", "portray", "frame", "call", "clarify",
    "elaborate", "specify", "summarize", "summarise", "concur", "affirm", "reaffirm", "rebut", "refute", "correct",
    "retract", "apologize", "apologise", "thank", "congratulate", "welcome", "applaud", "hail", "celebrate", "lambast",
    "berate", "chide", "scold", "rebuke", "excoriate", "deride", "disparage", "assail", "knock", "taunt", "tease",
    "jab", "needle", "grumble", "gripe", "grouse", "vent", "rail", "rant", "fume", "lash out", "hit back", "shoot back",
    "fire back", "push back", "weigh in", "chime in", "speak", "speak out", "sound off", "testify", "email", "text",
    "message", "blog", "publish", "release", "issue", "circulate", "pen", "opine", "editorialize", "remind", "inform",
    "notify", "brief", "caution", "predict", "guess", "figure", "reckon", "surmise", "theorize", "hypothesize", "posit",
    "argue", "reason", "conclude", "determine", "estimate", "judge", "rule", "declare", "certify", "attest", "vouch",
    "counsel", "instruct", "order", "direct", "request", "invite", "encourage", "press", "push", "lobby", "campaign",
    "advocate", "champion", "endorse", "back", "support", "oppose", "object", "resist", "fight", "challenge",
    "take aim", "make the case", "go after", "come out", "spell out", "open up", "regret", "confess", "divulge", "leak",
    "acknowledge", "concede", "grant", "allow", "mention", "cite", "quote", "refer", "highlight", "underscore",
    "underline", "flag", "outline", "detail", "lay out", "pitch", "sell", "float", "raise", "voice", "express", "echo",
    "share", "offer", "put", "answer", "field", "address", "discuss", "debate", "talk", "chat", "shout", "yell",
    "scream", "whisper", "mutter", "exclaim", "cry", "plead", "pray", "preach", "lecture", "rally", "vote",
)

# Stance and cognition verbs: after a pronoun or a name these are often opinion, but PolNeAR-style
# attribution counts the holder of a stated belief as its source.
STANCE_BASES = (
    "believe", "think", "feel", "know", "expect", "hope", "want", "fear", "worry", "doubt", "see", "consider", "view",
    "regard", "suspect", "assume", "presume", "suppose", "imagine", "understand", "realize", "recognize", "acknowledge",
    "insist", "maintain", "hold", "prefer", "favor", "favour", "like", "dislike", "love", "hate", "oppose", "support",
    "reject", "accept", "plan", "intend", "seek", "aim", "vow", "pledge", "promise", "commit", "focus on", "lead",
)

# Passive cues: the source follows "by" ("was first reported by MSNBC").
BY_CUES = tuple(
    f"{v} by"
    for v in (
        "reported", "announced", "written", "published", "cited", "quoted", "released", "conducted", "commissioned",
        "confirmed", "disclosed", "revealed", "described", "criticized", "praised", "endorsed", "denied", "claimed",
        "tweeted", "posted", "named", "identified", "called", "dubbed", "labeled", "branded", "accused", "blamed",
        "attacked", "questioned", "challenged", "slammed", "mocked", "condemned", "rejected", "dismissed", "made",
        "led", "sponsored", "funded", "paid for", "obtained", "filed", "issued", "compiled", "produced", "prepared",
        "analyzed", "found", "noted", "estimated", "projected", "predicted", "backed", "supported", "opposed",
    )
)

# Prepositional and nominal cues: the source follows ("according to X", "citing X").
PREP_CUES = (
    "according to", "citing", "cited by", "quoted by", "per", "in the words of", "in the view of", "in the opinion of",
    "in the eyes of", "courtesy of", "a statement from", "a statement by", "a report by", "a report from", "a study by",
    "a poll by", "a survey by", "an analysis by", "a letter from", "a memo from", "a spokesman for",
    "a spokeswoman for",
)

_CORE_EXTRA = {"said", "says", "told", "added", "wrote", "asked", "noted", "tweeted"}
CORE_CUES: frozenset[str] = frozenset(
    set(CORE_VERBS) | _CORE_EXTRA | {f for b in CORE_BASES for f in (_IRREGULAR.get(b) or _all_forms([b]))}
)
STANCE_CUES: frozenset[str] = frozenset(
    (set(STANCE_VERBS) | ({f for b in STANCE_BASES for f in (_IRREGULAR.get(b) or _all_forms([b]))}
                          - set(SPEECH_VERBS)))
    - {"regard", "see", "like", "view", "hold", "lead", "aim", "favor", "favour", "love", "hate", "plan",
       "commit", "accept", "realize", "seek", "feel", "know"}
)
# Everything the master cue scan looks for, longest alternative first at each position.
VERB_CUES: frozenset[str] = frozenset(set(SPEECH_VERBS) | CORE_CUES | STANCE_CUES)

# Cues trusted after "they", "it", "who", "which": the plain reporting verbs.
STRONG_CUES: frozenset[str] = frozenset(CORE_VERBS | _CORE_EXTRA | {
    "argued", "insisted", "warned", "claimed", "suggested", "wrote", "tweeted", "stated", "announced", "explained",
    "noted", "added", "urged", "predicted", "accused", "criticized", "blamed", "called", "denied", "acknowledged",
    "admitted", "conceded", "complained", "countered", "emphasized", "pointed out", "questioned", "responded",
    "replied", "vowed", "pledged", "promised",
})

# Verbs that may follow their subject in an inversion: '"...," said Mr. X' / '..., says she'.
INVERSION_CUES: frozenset[str] = frozenset({
    "said", "says", "added", "adds", "wrote", "writes", "asked", "asks", "continued", "explained", "noted", "recalled",
    "replied", "responded", "argued", "insisted", "warned", "tweeted", "declared", "concluded", "stated", "told",
    "tells", "quipped", "joked", "observed", "remarked", "read", "reads", "according to", "countered", "cautioned",
    "conceded", "acknowledged", "admitted", "predicted", "explains", "notes", "recalls", "insists", "warns", "argues",
    "wondered", "complained", "boasted", "shouted", "exclaimed", "lamented", "mused", "offered", "reasoned", "retorted",
})

# Between a speaker and the verb: "Trump has long said", "she did not immediately say".
AUX_WORDS = (
    "also", "previously", "later", "earlier", "then", "had", "has", "have", "would", "will", "was", "were", "is", "are",
    "again", "once", "not", "never", "did", "does", "do", "could", "may", "might", "even", "often", "long", "already",
    "just", "always", "since", "first", "herself", "himself", "themselves", "itself", "both", "all", "been", "can",
    "cannot", "should", "must", "didn’t", "didn't", "doesn’t", "doesn't", "don’t", "don't", "won’t", "won't",
    "wouldn’t", "wouldn't", "isn’t", "isn't", "wasn’t", "wasn't", "hasn’t", "hasn't", "haven’t", "haven't", "hadn’t",
    "hadn't", "can’t", "can't", "couldn’t", "couldn't", "to", "still", "now", "quickly", "immediately", "openly",
    "further", "too", "ever", "being", "be", "going to", "seems to", "appears to", "continues to", "continued to",
    "wants to", "wanted to", "tried to", "sought to", "was quick to", "went on to", "has said", "have said",
    "took to twitter to", "took to", "on monday", "on tuesday", "on wednesday", "on thursday", "on friday",
    "on saturday", "on sunday", "this week", "last week", "last month", "yesterday", "today", "tonight", "recently",
    "also has", "in a statement", "in an interview", "in a tweet", "in a speech", "in a post", "on twitter",
    "on facebook", "in the past", "at the time", "at the debate", "at a rally", "at the rally", "at a press conference",
    "in his speech", "in her speech", "in his statement", "in her statement",
)

# Heads of noun phrases that can speak, write or hold a view: people, groups, bodies, documents.
PERSON_NOUNS: frozenset[str] = frozenset(
    {s for s in SOURCE_NOUNS if " " not in s}
    | {
        "pollster", "pollsters", "strategist", "strategists", "consultant", "consultants", "operative", "operatives",
        "manager", "managers", "chair", "chairwoman", "chairperson", "professor", "professors", "scholar", "scholars",
        "historian", "historians", "nominee", "nominees", "hopeful", "hopefuls", "contender", "contenders", "rival",
        "rivals", "opponent", "challenger", "incumbent", "frontrunner", "front-runner", "congressman", "congresswoman",
        "senators", "governors", "mayor", "mayors", "speaker", "legislator", "legislators", "delegate", "delegates",
        "donor", "donors", "backer", "backers", "supporter", "fan", "fans", "voter", "citizen", "citizens", "american",
        "americans", "respondent", "respondents", "participant", "participants", "student", "students", "worker",
        "workers", "employee", "employees", "candidate", "veteran", "veterans", "activist", "advocate", "advocates",
        "blogger", "bloggers", "commentator", "commentators", "pundit", "pundits", "host", "hosts", "anchor",
        "correspondent", "columnists", "critic", "detractors", "skeptics", "conservative", "liberal", "progressive",
        "progressives", "democrat", "republican", "independent", "independents", "evangelicals", "leadership",
        "establishment", "officer", "agent", "agents", "inspector", "investigator", "auditor", "regulators",
        "regulator", "justice", "justices", "judges", "jury", "panel", "commission", "caucus", "legislature",
        "congress", "senate", "house", "coalition", "alliance", "association", "foundation", "institute", "center",
        "centre", "think tank", "pac", "super pac", "nonprofit", "non-profit", "charity", "bureau", "fbi", "cia", "nsa",
        "dhs", "gop", "dnc", "rnc", "fec", "analysis", "research", "article", "story", "editorial", "op-ed", "column",
        "post", "tweet", "ad", "ads", "video", "letter", "memo", "filing", "lawsuit", "complaint", "indictment",
        "ruling", "decision", "review", "audit", "investigation", "inquiry", "probe", "estimate", "estimates",
        "projection", "projections", "forecast", "model", "index", "tally", "count", "results", "numbers", "statistics",
        "stats", "census", "website", "site", "page", "account", "release", "platform", "plan", "proposal", "bill",
        "measure", "law", "constitution", "book", "interview", "speech", "remarks", "statement", "statements", "ceo",
        "president", "vice president", "secretary", "family", "wife", "husband", "brother", "sister", "mom", "dad",
        "parents", "children", "kids", "neighbor", "neighbors", "crowd", "audience", "attendees", "protesters",
        "demonstrators", "immigrants", "refugees", "farmers", "owners", "owner", "businesses", "companies",
        "corporations", "banks", "unions", "newspapers", "outlets", "networks", "media", "press", "surveyors",
        "researchers", "doctors", "doctor", "nurse", "teachers", "teacher", "parent", "victim", "victims", "survivors",
        "suspect", "suspects", "lawyers", "counsel", "clerk", "sheriff", "chief", "commissioner", "ambassador", "envoy",
        "consul", "spokespersons", "campaigns", "camp", "allies", "ally", "loyalists", "aides", "advisors", "staffer",
        "insiders", "moderator", "moderators", "panelists", "guest", "guests", "economist", "economists", "scientist",
        "expert", "analyst", "observer", "pastor", "pope", "bishop", "leader", "leaders", "king", "queen", "prince",
        "minister", "premier", "chancellor", "percent", "half", "majority", "majorities", "minorities", "pluralities",
        "minority", "plurality", "third", "thirds", "quarter", "quarters", "fifth", "fifths", "share", "number",
        "handful", "dozens", "hundreds", "thousands", "regime", "country", "nation", "city", "county", "district",
        "school", "university", "college", "hospital", "clinic", "agency", "department", "ministry", "embassy",
    }
)

# Forms that are far more often nouns ("the Trump campaign", "a text", "the vote", "United States"):
# as cues they are only trusted right after a pronoun ("he campaigns", "she supports").
_NOUNY_BASES = (
    "campaign", "debate", "vote", "support", "attack", "rally", "text", "email", "post", "show", "note", "press",
    "remark", "contest", "rule", "report", "state", "release", "issue", "order", "field", "address", "figure",
    "estimate", "project", "pitch", "sell", "float", "raise", "voice", "offer", "share", "echo", "question", "charge",
    "challenge", "protest", "demand", "fight", "cry", "back", "lead", "push", "request", "plan", "hope", "fear",
    "doubt", "answer", "message", "comment", "leak", "quote", "cite", "flag", "detail", "brief", "direct", "counsel",
    "judge", "reason", "lobby", "champion", "object", "blog", "pen", "talk", "chat", "tweet", "claim", "call", "view",
    "love", "hate", "like", "forecast", "surge", "promise", "pledge", "vow", "threat", "joke", "complaint", "study",
    "poll", "survey", "speech", "interview", "statement", "concern", "focus", "aim", "warning", "criticism", "praise",
    "slam", "blast", "knock", "jab", "needle", "tease", "grant", "allow", "outline", "underline", "highlight",
    "finding", "findings", "mention", "reply", "respond", "result", "means", "rant", "vent", "gripe", "fume", "plead",
    "pray", "preach", "lecture", "insult", "pray", "thank", "welcome", "hail", "narrate", "frame", "label", "brand",
    "dub", "portray", "correct", "retract", "issue", "publish", "circulate", "lay out", "put", "field", "regret",
    "grant", "favor", "favour", "accept", "commit", "intend", "seek", "intent", "order", "instruct", "invite",
    "encourage", "resist", "need", "want", "guess", "release",
)
NOUNY_CUES: frozenset[str] = frozenset(
    w for b in _NOUNY_BASES for w in {b, b + "s", b + "es", b[:-1] + "ies" if b.endswith("y") else b}
) - set(CORE_VERBS) - {
    "says", "said", "show", "shows", "call", "calls", "claim", "claims", "report", "reports", "notes", "release",
    "seeks", "hopes", "respond", "mention", "replies", "promises", "pledges", "vows", "plans", "wants", "fears",
    "doubts", "answers", "praises", "slams", "blasts", "knocks", "highlights", "outlines", "needs", "warns", "responds",
    "mentions", "agrees", "questions", "charges", "demands", "challenges", "urges", "backs", "leads", "pushes", "jokes",
    "welcomes", "hails", "tweets",
}

# Nouns that name a source wherever they stand ("Democratic strategist Joe Trippi", "a new Quinnipiac
# poll", "experts"): the noun phrase around one is reported as a source even without a verb.
SOURCE_NOUN_CUES: frozenset[str] = frozenset({
    "spokesman", "spokeswoman", "spokesperson", "spokespeople", "spokesmen", "strategist", "strategists", "pollster",
    "pollsters", "adviser", "advisor", "analyst", "analysts", "expert", "experts", "professor", "economist",
    "economists", "columnist", "columnists", "scientist", "scientists", "consultant", "director", "aide",
    "speechwriter", "historian", "historians", "scholar", "scholars", "commentator", "commentators", "moderator",
    "lawmaker", "poll", "chairwoman", "committeeman", "backer", "co-author", "researcher", "researchers", "pundit",
    "pundits", "operative", "operatives", "press secretary", "communications director",
})

# Forms left out of the cue scan: as cues they almost never survive the subject checks, and they are
# frequent enough ("the campaign", "United States", "the debate") to cost time on every text.
SCAN_EXCLUDE: frozenset[str] = frozenset({
    "campaign", "campaigns", "state", "states", "vote", "votes", "debate", "debates", "attack", "attacks", "email",
    "emails", "issue", "issues", "question", "questions", "text", "texts", "tweet", "post", "posts", "message",
    "messages", "want", "rally", "rallies", "press", "address", "remark", "remarks", "contest",
    "contests", "judge", "seemed", "seems", "views", "led", "like", "fight", "back", "plans", "plan", "order", "orders",
    "charge", "charges", "field", "lead", "leads", "share", "shares", "offer", "offers", "figure", "figures", "release",
    "project", "projects", "talk", "talks", "appeared", "appears", "reason", "reasons", "estimate", "estimates",
    "comment", "comments", "object", "objects", "direct", "sell", "float", "pitch", "raise", "raises", "voice",
    "voices", "cry", "push", "request", "requests", "detail", "details", "brief", "flag", "quote", "quotes", "leak",
    "leaks", "answer", "answers", "rule", "rules", "lobby", "champion", "reply", "replies", "chat", "report", "reports",
    "rant", "vent", "forecast", "concern", "focus", "raised", "raising", "know", "see", "support", "voting", "respond",
    "hope", "challenge", "promise", "remember", "points", "note", "thought", "consider", "saw", "thinking", "felt",
    "expect", "challenges", "allow", "committed", "thanks", "selling", "made by", "expects",
    "invited", "add", "fighting", "granted", "find", "led by", "likes", "attacking", "directed", "holds", "continues",
    "determine", "determined", "expected", "speak", "speaks", "intended", "maintains", "maintained", "maintain",
    "recognized", "recognize", "considered", "ruling", "planned", "write", "written", "written by", "viewed",
    "campaigned", "campaigning", "focus on", "allowed", "holding", "celebrated", "charged", "tell", "feel", "think",
    "reporting", "disagree", "admit", "reject", "fears",
})

# Actions by which a named actor takes a public position ("Cruz went after Rubio", "Clinton turned
# to ...", "Sanders unveiled a plan"): PolNeAR-style attribution counts the actor as a source. Only
# trusted after a name or "he"/"she".
_ACTION_BASES = (
    "go after", "take aim", "unveil", "roll out", "side with", "tangle with", "seize on", "focus on", "double down",
    "stand by", "distance", "defend", "embrace", "reverse", "rebuke", "cast", "frame", "compare", "liken", "cite",
    "invoke", "reference", "highlight", "spotlight", "weigh", "promote", "tout", "champion", "hammer", "pound", "bash",
    "single out", "needle", "chide", "hit back", "strike back", "wade into", "weigh in", "dismiss", "brush off",
    "shrug off", "laugh off", "wave off", "downplay", "play down", "sidestep", "dodge", "deflect", "balk", "stop short",
    "back away", "walk back", "back off", "back down", "reiterate", "waffle",
)
ACTION_CUES: frozenset[str] = frozenset(
    {f for b in _ACTION_BASES for f in _all_forms([b]) if not f.split()[0].endswith("ing")}
    | {"went after", "goes after", "took aim", "takes aim", "stood by", "struck back", "made clear",
       "made it clear", "made the case", "took to", "went on", "spoke out", "spoke about", "sought", "held forth",
       "weighed in", "laid out", "put forward", "turned to", "returned to", "launched",
       "signed", "avoided"}
)
