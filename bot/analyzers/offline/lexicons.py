"""Word lists the rules are built from. Generic newsroom/weasel vocabulary, not tuned to any one text.

Kept as plain tuples so they are easy to review; ``alt`` turns a list into a regex alternation
(longest first, so "has been described as" wins over "described").
"""

from __future__ import annotations

import re
from collections.abc import Iterable


def alt(words: Iterable[str]) -> str:
    """A non-capturing alternation, longest entries first, spaces matching any whitespace run."""
    uniq = sorted(set(words), key=lambda w: (-len(w), w))
    return "(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in uniq) + ")"


# Hedge / weasel cues (CoNLL-2010 Wikipedia style plus news hedges). Matched case-insensitively on
# word boundaries. Single words here are only the ones that are hedges in nearly every use.
HEDGE_WORDS: tuple[str, ...] = (
    "reportedly", "allegedly", "alleged", "purportedly", "purported", "supposedly", "apparently",
    "probably", "possibly", "presumably", "perhaps", "maybe", "likely", "unlikely", "arguably",
    "seemingly", "ostensibly", "reputedly", "rumored", "rumoured", "suspected", "unconfirmed",
    "widely", "generally", "often", "commonly", "frequently", "usually", "typically", "largely",
    "mostly", "sometimes", "occasionally", "nearly", "almost", "roughly", "approximately", "about",
    "around", "some", "many", "several", "numerous", "various", "certain", "most", "few",
    "relatively", "somewhat", "fairly", "rather", "unclear", "uncertain", "possible", "possibility",
    "suggests", "suggested", "suggest", "suggesting", "appears", "appear", "appeared", "seems", "seem",
    "seemed", "believed", "thought", "considered", "regarded", "deemed", "claimed", "claims",
    "speculated", "speculation", "estimated", "estimates", "rumors", "rumours", "indicate", "indicates",
    "might", "may", "could", "perceived", "notable", "notably", "famous", "famously", "renowned",
    "well-known", "best-known", "influential", "popular", "critics", "scholars", "experts", "observers",
    "analysts", "commentators", "historians", "scientists", "researchers", "fans", "others",
)

HEDGE_PHRASES: tuple[str, ...] = (
    "it is believed", "is believed to", "are believed to", "it is thought", "is thought to",
    "it is said", "is said to", "are said to", "it is claimed", "it is reported", "it is alleged",
    "it is possible", "it is likely", "it is unclear", "it was unclear", "it remains unclear",
    "is considered", "are considered", "was considered", "were considered", "is widely",
    "has been described as", "have been described as", "has been called", "has been criticized",
    "has been criticised", "has been accused", "is regarded as", "are regarded as", "was regarded as",
    "is known as", "is seen as", "are seen as", "according to some", "according to many",
    "in some cases", "in many cases", "to some extent", "to a certain extent", "in general",
    "more or less", "sort of", "kind of", "as many as", "as much as", "up to", "at least",
    "more than", "less than", "fewer than", "tends to", "tend to", "is expected to", "are expected to",
    "could not independently verify", "could not independently confirm", "could not verify",
    "could not confirm", "not independently verified", "unable to verify", "unable to confirm",
    "per reports", "according to reports", "reports say", "reports suggest", "sources say",
    "is understood to", "is alleged to", "is rumored to", "is rumoured to", "some say",
    "it has been suggested", "it has been argued", "has been suggested", "has been argued",
    "one of the most", "one of the best", "one of the largest", "one of the first",
    "would be able to", "could be", "may be", "might be", "may have", "could have", "might have",
    "open to debate", "is controversial", "widely regarded", "some of the",
    "it is generally", "is generally", "by some", "by many", "some critics", "many critics",
    "some historians", "some scholars", "some experts", "there is speculation", "has been attributed",
    "is attributed to", "is sometimes", "are sometimes", "was often",
)

# Hedges counted for the sentence-level "uncertain" decision. Quantity approximators ("nearly",
# "about", "more than") and bare modals are reported as cues on claims but are too common in
# plain factual prose to mark a sentence uncertain on their own.
WEAK_HEDGES: frozenset[str] = frozenset({
    "about", "around", "nearly", "almost", "roughly", "approximately", "up to", "at least",
    "more than", "less than", "fewer than", "as many as", "as much as", "few", "often", "usually",
    "typically", "sometimes", "occasionally", "frequently", "mostly", "largely", "could", "may",
    "might", "may be", "rather", "fairly", "somewhat", "in general", "estimated", "estimates",
    "popular", "indicate", "indicates", "various", "numerous", "claims", "claimed", "thought",
    "unlikely", "sort of", "kind of", "tend to", "tends to", "could be", "would be able to",
    "possible", "scientists", "researchers", "fans", "suspected", "famously", "deemed", "perceived",
    "appear", "appeared", "seem", "commonly", "historians", "others", "observers", "is known as",
    "renowned", "most", "a number of", "is often", "are often",
})

# Weasel cues that stand in for a missing source ("it is believed", "critics", "allegedly"): a
# sentence carrying one is an unsourced claim whatever else it says.
ATTRIBUTIVE_WEASELS: frozenset[str] = frozenset({
    "reportedly", "allegedly", "alleged", "purportedly", "purported", "supposedly", "apparently",
    "probably", "possibly", "presumably", "perhaps", "arguably", "seemingly", "reputedly",
    "rumored", "rumoured", "unconfirmed", "widely", "generally", "believed", "considered",
    "regarded", "suggests", "suggested", "suggest", "seems", "critics", "scholars", "experts",
    "analysts", "commentators", "it is believed", "is believed to", "are believed to",
    "it is thought", "is thought to", "it is said", "is said to", "are said to", "it is claimed",
    "it is reported", "it is alleged", "is considered", "are considered", "was considered",
    "were considered", "is widely", "has been described as", "have been described as",
    "is regarded as", "are regarded as", "was regarded as", "according to some",
    "according to many", "per reports", "according to reports", "reports say", "sources say",
    "some say", "it has been suggested", "it has been argued", "has been suggested",
    "has been argued", "some critics", "many critics", "some historians", "some scholars",
    "some experts", "widely regarded", "by some", "by many", "one of the most", "one of the best",
    "open to debate", "is controversial", "it is possible", "it is likely", "it is unclear",
})

# Speech / report / cognition verbs that introduce an attribution ("X said", "X has argued").
SPEECH_VERBS: tuple[str, ...] = (
    "said", "says", "say", "saying", "told", "tells", "tell", "telling", "added", "adds", "adding",
    "wrote", "writes", "write", "writing", "noted", "notes", "noting", "reported", "reports",
    "reporting", "announced", "announces", "argued", "argues", "argue", "arguing", "claimed",
    "claims", "claim", "claiming", "stated", "states", "explained", "explains", "asked", "asks",
    "suggested", "suggests", "suggest", "suggesting", "warned", "warns", "warning", "insisted",
    "insists", "acknowledged", "acknowledges", "admitted", "admits", "confirmed", "confirms",
    "denied", "denies", "declared", "declares", "tweeted", "tweets", "posted", "testified",
    "recalled", "recalls", "responded", "responds", "replied", "replies", "continued", "continues",
    "concluded", "predicted", "predicts", "estimated", "estimates", "believes", "believe",
    "believed", "thinks", "think", "thought", "called", "calls", "calling", "described",
    "describes", "urged", "urges", "accused", "accuses", "criticized", "criticised", "criticizes",
    "praised", "praises", "blamed", "blames", "proposed", "proposes", "vowed", "vows", "pledged",
    "promised", "promises", "threatened", "alleged", "alleges", "contended", "contends",
    "countered", "maintained", "maintains", "observed", "pointed out", "points out", "emphasized",
    "stressed", "conceded", "complained", "questioned", "remarked", "shouted", "joked", "quipped",
    "boasted", "mused", "speculated", "cautioned", "hinted", "indicated", "indicates", "signaled",
    "found", "finds", "show", "shows", "showed", "revealed", "reveals", "disclosed", "hopes",
    "hoped", "wants", "wanted", "want", "expects", "expected", "feels", "felt", "knows", "knew",
    "agreed", "agrees", "disagreed", "disagrees", "endorsed", "endorses", "supported", "supports",
    "opposed", "opposes", "defended", "defends", "sought", "seeks", "asserted", "asserts",
    "recommended", "advised", "demanded", "demands", "declined", "refused", "rejected", "objected",
    "announce", "explain", "insist", "warn", "deny", "predict", "acknowledge", "admit", "agree",
    "hope", "expect", "feel", "know", "fear", "fears", "feared", "worry", "worries", "worried",
    "seemed", "seems", "appeared", "appears", "urging", "accusing", "describing", "referring",
    "referred", "cited", "cites", "citing", "mentioned", "read", "reads", "texted", "emailed",
    "wonders", "wondered", "guessed", "figured", "figures", "doubts", "doubted", "assured",
    "informed", "briefed", "reiterated", "repeated", "detailed", "outlined", "pushed", "touted",
    "slammed", "attacked", "dismissed", "mocked", "lamented", "conceded", "echoed", "stated",
    # Stance and communication verbs news attribution also uses ("X denounced", "Y voiced").
    "offered", "offers", "pointed", "points", "expressed", "expresses", "express", "voted", "votes",
    "released", "spoke", "speaks", "talking", "talked", "talks", "issued", "seeking", "hoping",
    "plans", "planned", "denounced", "denounces", "blasted", "blasts", "charged", "charges",
    "backing", "backed", "backs", "filed", "saw", "sees", "see", "recalling", "mention", "mentions",
    "pointing", "oppose", "refuses", "published", "discuss", "discusses", "challenged", "advocate",
    "advocates", "advocated", "denouncing", "promising", "railed", "rails", "wonder", "criticizing",
    "criticising", "prefer", "prefers", "preferred", "decried", "decries", "respond", "learned",
    "shared", "unveiled", "remember", "remembers", "discussed", "explaining", "talk", "ask",
    "identified", "endorse", "answered", "answers", "offering", "declaring", "highlighted",
    "highlights", "ruled", "announcing", "pressed", "presses", "sounded", "compared", "compares",
    "stating", "invoked", "liked", "likes", "knocked", "voiced", "voices", "support", "supporting",
    "like", "dislike", "questioning", "insisting", "arguing", "acknowledging", "admitting",
    "confirming", "denying", "predicting", "announcing", "blaming", "praising", "criticizing",
    "attacking", "dismissing", "responding", "replying", "recounted", "recounts", "wrote", "penned",
    "retorted", "fired back", "shot back", "hit back", "lashed out", "weighed in", "chimed in",
    "sought", "touts", "touting", "assailed", "assails", "forecast", "forecasts", "projected",
    "projects", "calculated", "reckoned", "reckons", "assumed", "assumes", "understood",
    "acknowledged", "considered", "considers", "regarded", "regards", "views", "viewed",
    "labeled", "labelled", "dubbed", "branded", "characterized", "portrayed", "painted",
    "framed", "argued", "rejected", "rejects", "welcomed", "welcomes", "applauded", "hailed",
    "celebrated", "condemned", "condemns", "protested", "objects", "demanded", "requested",
    "requests", "urge", "implored", "begged", "invited", "encouraged", "encourages", "pushed back",
    "vowing", "pledging", "promise", "swore", "guaranteed", "assured", "reassured", "told",
    "signaled", "signalled", "suggested", "hinted", "implied", "implies", "proclaimed",
    "trumpeted", "bragged", "boasts", "complains", "laments", "grumbled", "groused", "griped",
    "scoffed", "sneered", "ridiculed", "taunted", "chided", "scolded", "rebuked", "lambasted",
    "excoriated", "berated", "derided", "disparaged", "questioned", "doubted", "challenged",
    "disputed", "disputes", "contested", "refuted", "rebutted", "countered", "corrected",
    "clarified", "elaborated", "specified", "summarized", "testifies", "surmised", "noticed",
    "realized", "recognized", "recognizes", "decided", "chose", "intends", "intended",
    # Present and progressive forms ("Obama is defending", "Sanders slams").
    "defending", "defends", "protesting", "tweeting", "blasting", "slamming", "slams", "touting",
    "pushing", "pushes", "pressing", "demanding", "asserting", "alleging", "claiming",
    "announcing", "responding", "describing", "referring", "praising", "blaming", "dismissing",
    "dismisses", "rejecting", "denouncing", "acknowledging", "admitting", "estimating",
    "recalling", "conceding", "concedes", "complaining", "boasting", "joking", "jokes",
    "challenging", "challenges", "condemning", "welcoming", "applauding", "applauds", "endorsing",
    "opposing", "advocating", "proposing", "promising", "pledging", "pledges", "threatening",
    "threatens", "speaking", "answering", "campaigning", "railing", "attacks", "criticizes",
    "criticises", "endorses", "vowed", "insists", "explains", "describes", "recalls",
)

# Belief and stance verbs: attributions only when a group or unnamed person holds the view
# ("analysts believe", "officials expect"); after a pronoun or a name they are mostly opinion
# inside quotes ("I think", "we want"), not sourcing.
STANCE_VERBS: frozenset[str] = frozenset({
    "agree", "agrees", "appeared", "appears", "backed", "believe", "believed", "believes",
    "celebrated", "chose", "claim", "compared", "considered", "continues", "expect", "expected",
    "explain", "feel", "feels", "felt", "figures", "hope", "hoping", "identified", "knew", "know",
    "knows", "like", "maintains", "noticed", "oppose", "plans", "read", "remember", "saw", "see",
    "seeking", "seemed", "seems", "speaks", "states", "support", "supporting", "talk", "talking",
    "tell", "think", "thinks", "thought", "voted", "votes", "want", "wanted", "wants", "welcomed",
    "worry", "reporting", "fear", "fears", "feared", "worries", "worried", "doubt", "doubts",
})
# The core reporting verbs: the only ones trusted after "they", "it", "who" and "which".
CORE_VERBS: frozenset[str] = frozenset({
    "said", "says", "say", "told", "tells", "added", "adds", "wrote", "writes", "reported",
    "reports", "announced", "argued", "argues", "claimed", "claims", "stated", "noted", "notes",
    "explained", "asked", "warned", "insisted", "acknowledged", "admitted", "confirmed", "denied",
    "declared", "tweeted", "testified", "suggested", "predicted", "estimated", "described",
    "called", "urged", "accused", "criticized", "alleged", "contended", "recalled", "responded",
    "replied", "continued", "concluded", "found", "show", "shows", "showed", "revealed",
})

# Verbs that may follow their subject in an inversion: '"...," said Mr. X' / '..., says she'.
INVERSION_VERBS: tuple[str, ...] = (
    "said", "says", "added", "adds", "wrote", "writes", "asked", "asks", "continued", "explained",
    "noted", "recalled", "replied", "responded", "argued", "insisted", "warned", "tweeted",
    "declared", "concluded", "stated", "told", "tells", "quipped", "joked", "observed", "remarked",
)

# Nouns naming a kind of source; a noun phrase ending in one of these can be the speaker.
SOURCE_NOUNS: tuple[str, ...] = (
    "official", "officials", "source", "sources", "analyst", "analysts", "expert", "experts",
    "spokesman", "spokeswoman", "spokesperson", "spokespeople", "representative", "representatives",
    "aide", "aides", "adviser", "advisers", "advisor", "advisors", "diplomat", "diplomats",
    "lawmaker", "lawmakers", "critic", "critics", "observer", "observers", "person", "people",
    "persons", "insider", "insiders", "witness", "witnesses", "resident", "residents", "researcher",
    "researchers", "scientist", "scientists", "economist", "economists", "strategist", "strategists",
    "officer", "officers", "commander", "commanders", "minister", "ministry", "department",
    "agency", "government", "administration", "campaign", "committee", "poll", "polls", "survey",
    "surveys", "report", "reports", "study", "studies", "statement", "document", "documents",
    "memo", "data", "figures", "records", "voters", "supporters", "opponents", "members", "leaders",
    "leader", "president", "senator", "governor", "candidate", "candidates", "chairman", "director",
    "secretary", "spokesmen", "negotiator", "negotiators", "investigators", "prosecutors",
    "prosecutor", "police", "authorities", "military", "army", "company", "firm", "group",
    "organization", "organisation", "office", "court", "judge", "lawyer", "lawyers", "attorney",
    "attorneys", "democrats", "republicans", "conservatives", "liberals", "activists", "groups",
    "press secretary", "staff", "staffer", "staffers", "team", "party", "council", "board",
    "union", "executives", "executive", "ceo", "founder", "author", "authors", "writer", "reporter",
    "reporters", "journalist", "journalists", "editor", "editors", "columnist", "paper", "newspaper",
    "outlet", "network", "others", "many", "some", "both", "all", "everyone", "nobody", "someone",
    "everybody", "anyone", "man", "woman", "men", "women", "father", "mother", "son", "daughter",
    "friend", "friends", "colleague", "colleagues", "allies", "ally", "partner", "partners",
    "kremlin", "pentagon", "white house", "state department", "foreign ministry",
)

# Words whose presence in a source phrase makes the source anonymous when no proper name follows.
ANONYMITY_MARKERS: tuple[str, ...] = (
    "unnamed", "anonymous", "unidentified", "a person familiar", "people familiar", "persons familiar",
    "familiar with", "on condition of anonymity", "on the condition of anonymity",
    "speaking anonymously", "not authorized to speak", "not authorised to speak", "sources",
    "a source", "one source", "an official", "officials", "a senior", "a former", "insiders",
    "an insider", "an aide", "aides", "a spokesperson", "one official", "a diplomat", "diplomats",
)

# Plural groups cited without names: vague sources ("analysts have said", "critics say").
VAGUE_GROUPS: tuple[str, ...] = (
    "analysts", "experts", "critics", "observers", "commentators", "scholars", "historians",
    "economists", "scientists", "researchers", "strategists", "some", "many", "others",
    "people", "several", "most", "few", "observers", "pundits", "supporters", "opponents",
    "residents", "voters", "insiders", "diplomats", "lawmakers", "activists", "conservatives",
    "liberals", "democrats", "republicans", "fans", "skeptics", "sceptics", "detractors",
    "advocates", "campaigners", "proponents", "backers", "environmentalists", "locals", "traders",
    "investors", "nurses", "bankers", "dockworkers", "engineers", "pilots", "soldiers", "troops", "medics",
    "villagers", "shoppers", "retailers", "landlords", "tenants", "drivers", "miners", "fishermen",
    "workers", "farmers", "doctors", "teachers", "parents", "students", "employees",
    "owners", "neighbours", "neighbors", "families", "patients", "customers", "passengers", "businesses",
)

# People identified only by their role, singular: "a trader said", "one nurse told the Ledger" is an
# unnamed source (anonymous), as "an official" is.
ROLE_NOUNS: tuple[str, ...] = (
    "trader", "investor", "nurse", "banker", "local", "campaigner", "dockworker", "engineer", "pilot",
    "soldier", "medic", "villager", "shopper", "retailer", "landlord", "tenant", "driver", "miner", "fisherman",
    "worker", "farmer", "doctor", "teacher", "parent", "student", "employee", "resident", "witness", "analyst",
    "expert", "economist", "diplomat", "lawmaker", "executive", "lawyer", "officer", "activist", "voter",
)

# News outlets and wire services: citing one of these makes a source second-hand.
OUTLETS: tuple[str, ...] = (
    "Wall Street Journal", "the Journal", "WSJ", "New York Times", "the Times", "NYT",
    "Washington Post", "the Post", "Reuters", "Associated Press", "AP", "AFP", "Agence France-Presse",
    "Bloomberg", "Bloomberg News", "CNN", "BBC", "NBC", "NBC News", "CBS", "CBS News", "ABC",
    "ABC News", "Fox News", "MSNBC", "NPR", "Politico", "Politico Europe", "Axios", "The Guardian",
    "the Guardian", "Financial Times", "FT", "The Economist", "Le Monde", "Der Spiegel", "Spiegel",
    "Al Jazeera", "Interfax", "TASS", "RIA Novosti", "Kyiv Independent", "Ukrainska Pravda",
    "Business Insider", "Insider", "BI", "The Hill", "Newsweek", "Time", "Vox", "BuzzFeed News",
    "HuffPost", "The Atlantic", "The New Yorker", "USA Today", "Los Angeles Times", "LA Times",
    "Chicago Tribune", "Daily Mail", "The Telegraph", "The Independent", "Sky News", "ITV News",
    "Yahoo News", "Semafor", "The Intercept", "ProPublica", "Breitbart", "Daily Beast",
    "The Daily Beast", "National Review", "Mother Jones", "Slate", "Vice", "Vice News", "CNBC",
    "Forbes", "Fortune", "The Information", "Nikkei", "Kommersant", "Meduza", "Xinhua",
    "state media", "local media", "media reports", "local reports", "state television",
)

# Titles that precede a surname and end in a period; the segmenter must not split after them.
ABBREVIATIONS: frozenset[str] = frozenset({
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "sen", "rep", "gov", "gen", "lt", "col",
    "maj", "capt", "sgt", "adm", "cmdr", "pres", "rev", "hon", "atty", "supt", "sens", "reps",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
    "no", "nos", "vs", "v", "etc", "inc", "corp", "co", "ltd", "llc", "dept", "univ", "assn",
    "bros", "ft", "mt", "ave", "blvd", "rd", "approx", "est", "fig", "figs", "vol", "pp", "p",
    "e.g", "i.e", "u.s", "u.k", "u.n", "e.u", "d.c", "a.m", "p.m", "ph.d", "u.s.a", "al",
})

# Sentence starters that show the previous "abbreviation." really ended a sentence ("...the U.S. The").
SENTENCE_STARTERS: frozenset[str] = frozenset({
    "the", "a", "an", "he", "she", "it", "they", "we", "i", "but", "and", "in", "this", "that",
    "there", "his", "her", "their", "its", "on", "at", "as", "after", "before", "when", "while",
    "some", "many", "officials", "however", "meanwhile", "still", "yet", "so", "if",
})
