"""A claim's checkable core (names, figures, key terms) and the short search query built from it.

The query is taken from the claim's quote, verbatim article text, so it is in the article's
language; nothing is translated. Only the core is sent: names, figures with their units and the
content words, at most ``MAX_QUERY_WORDS`` of them, never the whole sentence or the article.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

MAX_QUERY_WORDS = 8

# Function words and reporting verbs, per language: they carry no checkable content.
_STOP = {
    "en": """a an the and or but nor of to in on at by for from with without into onto over under about as
        than then that this these those there here it its it's is are was were be been being am has have had
        do does did will would shall should can could may might must not no yes so such very also just only
        more most less least much many some any all each every both either neither other another same own
        he she they we you i me him her them us my your his our their who whom whose which what when where
        why how if because while after before since until during against between through per up down out off
        again once said says say saying told tells tell according claimed claims claim added stated states
        reported reports report announced noted argued insisted suggested warned believed believes think
        thinks new last next year years week weeks month months day days today yesterday tomorrow now
        mr mrs ms dr officials official people percent cent reportedly allegedly apparently""",
    "fr": """le la les un une des du de d l et ou mais donc or ni car que qui quoi dont où ce cet cette ces
        il elle ils elles on nous vous je tu se sa son ses leur leurs au aux en dans par pour sur sous avec
        sans entre vers chez est sont était étaient été être a ont avait avaient avoir fait faire plus moins
        très aussi pas ne n y comme selon dit déclaré affirmé estime estimé annoncé indiqué ajouté
        année ans an mois semaine jour hier aujourd pourcent pour cent""",
    "de": """der die das den dem des ein eine einer eines einem einen und oder aber doch sondern nicht kein
        keine ist sind war waren sein gewesen hat haben hatte hatten wird werden wurde wurden von zu im in
        an auf aus bei mit nach seit über unter vor für gegen durch um als wie wenn dass daß es er sie wir
        ihr ich sich sein seine ihre ihr auch noch nur schon sehr mehr weniger sagte sagt erklärte laut
        zufolge berichtete jahr jahre jahren monat woche tag heute gestern prozent""",
    "es": """el la los las un una unos unas y o pero ni que quien quienes cual cuales cuyo de del al a en
        por para con sin sobre entre hacia desde hasta es son era eran fue fueron ser sido estar está están
        ha han había habían haber se su sus le les lo nos muy más menos también no sí como según dijo
        afirmó aseguró declaró señaló añadió año años mes semana día hoy ayer ciento por""",
    "it": """il lo la i gli le un uno una e o ma né che chi cui di del della dei degli delle a al alla ai
        agli alle da dal dalla in nel nella nei con su sul sulla per tra fra è sono era erano essere stato
        stata ha hanno aveva avevano avere si suo sua suoi sue loro non più meno molto anche come secondo
        detto dichiarato affermato ha aggiunto anno anni mese settimana giorno oggi ieri cento""",
    "pt": """o a os as um uma uns umas e ou mas nem que quem qual quais cujo de do da dos das ao aos à às
        em no na nos nas por pelo pela para com sem sobre entre é são era eram foi foram ser sido estar está
        estão tem têm tinha ter se seu sua seus suas lhe não sim mais menos muito também como segundo disse
        afirmou declarou ano anos mês semana dia hoje ontem cento""",
    "nl": """de het een en of maar noch dat die wie wat welk welke van voor naar in op aan bij met zonder
        over onder tussen door om als is zijn was waren geweest heeft hebben had hadden wordt worden werd
        werden hij zij ze wij we jullie ik zich zijn haar hun niet geen ook nog al meer minder zeer zei
        zegt volgens verklaarde jaar jaren maand week dag vandaag gisteren procent""",
}
STOPWORDS: dict[str, frozenset[str]] = {lang: frozenset(words.split()) for lang, words in _STOP.items()}
ALL_STOPWORDS = frozenset().union(*STOPWORDS.values())

_MULTIPLIERS = {
    "thousand": 1e3, "tausend": 1e3, "mil": 1e3, "k": 1e3,
    "million": 1e6, "millions": 1e6, "millionen": 1e6, "millones": 1e6, "milioni": 1e6, "milhões": 1e6,
    "miljoen": 1e6, "mn": 1e6, "m": 1e6,
    "billion": 1e9, "billions": 1e9, "milliard": 1e9, "milliards": 1e9, "milliarden": 1e9, "miliardi": 1e9,
    "bn": 1e9, "trillion": 1e12,
}  # fmt: skip
_CURRENCY_WORDS = """euro euros dollar dollars pound pounds sterling yen yuan franc francs rupee rupees rand krona
    kronor dólar dólares dollaro dollari sterline libras reais"""
_CURRENCIES = frozenset(_CURRENCY_WORDS.split())
# Units and currencies belong to the figure they follow: "40 million euros" is one fact, not two terms.
_UNIT_WORDS = (
    frozenset(_MULTIPLIERS)
    | frozenset(_CURRENCIES)
    | {"per", "cent", "percent", "pour", "prozent", "procent", "por", "ciento", "cento"}
)
_ELISION = re.compile(r"^(?:d|l|qu|j|n|s|c|dell|all|nell|sull)['’]", re.IGNORECASE)
_POSSESSIVE = re.compile(r"['’]s?$")
_PERCENT = r"%|per\s?cent\b|percent\b|pour\s?cent\b|prozent\b|procent\b|por\s?ciento\b|per\s?cento\b"
_NUMBER = re.compile(
    r"(?<![\w.,])(\d+(?:[.,]\d+)*)"
    r"(?:(m|bn|mn|k)\b|\s?(thousand|tausend|millions?|millionen|millones|milioni|milhões|miljoen|"
    r"milliards?|milliarden|miliardi|billions?|trillion|mil)\b)?"
    rf"(\s?(?:{_PERCENT}))?",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W\d_](?:[\w'’-]*[^\W_])?")
_SENTENCE_BREAK = re.compile(r"(?:[.!?:;\"“”«»(]|\n)\s*$")  # a new line starts a sentence too


@dataclass(frozen=True)
class ClaimCore:
    names: frozenset[str] = frozenset()  # each name's last word, casefolded: "ruiz" for "Minister Ana Ruiz"
    figures: frozenset[str] = frozenset()  # normalized amounts: "40000000", "5%" (years excluded)
    years: frozenset[str] = frozenset()
    terms: frozenset[str] = frozenset()  # stems of content words that are not names
    words: frozenset[str] = frozenset()  # every word token, casefolded: what a name may match
    term_order: tuple[str, ...] = ()  # the terms in reading order: the first is most often the subject
    query_words: tuple[str, ...] = field(default=())  # the core as written, in reading order

    @property
    def empty(self) -> bool:
        return not (self.names or self.figures or self.terms)


def stem(word: str) -> str:
    """A crude, language-blind stem: casefold, drop a plural ``s``, keep 7 characters."""
    w = word.casefold().replace("’", "'")
    if len(w) > 4 and w.endswith("s") and not w.endswith("ss"):
        w = w[:-1]
    return w[:7]


def _amount(raw: str, language: str | None) -> float | None:
    """``1,200`` -> 1200 in English, ``1.200`` -> 1200 and ``3,5`` -> 3.5 elsewhere."""
    if language in (None, "en"):
        cleaned = raw.replace(",", "") if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", raw) else raw.replace(",", ".")
    elif re.fullmatch(r"\d{1,3}(\.\d{3})+(,\d+)?", raw):
        cleaned = raw.replace(".", "").replace(",", ".")
    else:
        cleaned = raw.replace(",", ".")
    try:
        return float(cleaned)
    except ValueError:
        return None  # "1.2.3": a version or a date, not an amount


def _canonical(value: float) -> str:
    return f"{value:.6f}".rstrip("0").rstrip(".")


def extract_core(text: str, language: str | None = None) -> ClaimCore:
    """Names, figures, years and key terms of ``text`` (a claim's quote, or a fact-check's claim text)."""
    stop = STOPWORDS.get(language or "", ALL_STOPWORDS) | STOPWORDS["en"]
    figures: set[str] = set()
    years: set[str] = set()
    keep: list[tuple[int, str, int]] = []  # (position, surface text, priority: 0 names/figures, 1 terms)
    number_spans: list[tuple[int, int]] = []
    for m in _NUMBER.finditer(text):
        raw, short_mult, long_mult, percent = m.groups()
        value = _amount(raw, language)
        if value is None:
            continue
        multiplier = (short_mult or long_mult or "").casefold()
        value *= _MULTIPLIERS.get(multiplier, 1)
        number_spans.append(m.span())
        symbol = text[m.start() - 1] if m.start() and text[m.start() - 1] in "$€£¥" else ""
        keep.append((m.start() - len(symbol), symbol + m.group(0).strip(), 0))
        if percent:
            figures.add(_canonical(value) + "%")
        elif not multiplier and re.fullmatch(r"(19|20)\d\d", raw):
            years.add(raw)
        else:
            figures.add(_canonical(value))

    names: list[str] = []  # the last word of each run of capitalized words
    previous_name_end = -1
    terms: set[str] = set()
    term_order: list[str] = []
    words: set[str] = set()
    tokens = list(_WORD.finditer(text))
    for index, m in enumerate(tokens):
        word = _POSSESSIVE.sub("", _ELISION.sub("", m.group(0))) or m.group(0)
        folded = word.casefold()
        words.add(folded)
        if folded in _CURRENCIES:
            keep.append((m.start(), m.group(0), 0))  # in the query with its figure, never a term
            continue
        if any(start <= m.start() < end for start, end in number_spans) or folded in _UNIT_WORDS:
            continue
        if folded in stop:
            continue
        at_start = index == 0 or bool(_SENTENCE_BREAK.search(text[: m.start()]))
        is_acronym = len(word) >= 2 and word.isupper()
        capitalized = word[0].isupper()
        next_capitalized = index + 1 < len(tokens) and tokens[index + 1].group(0)[0].isupper()
        # German capitalizes every noun: there only acronyms count as names, other words are terms.
        if is_acronym or (capitalized and language != "de" and (not at_start or next_capitalized)):
            if names and not text[previous_name_end : m.start()].strip():
                names[-1] = folded  # same name, one word further: "Ana" then "Ruiz"
            else:
                names.append(folded)
            previous_name_end = m.end()
            keep.append((m.start(), m.group(0), 0))
        elif len(folded) >= 3:
            if stem(word) not in terms:
                term_order.append(stem(word))
            terms.add(stem(word))
            keep.append((m.start(), m.group(0), 1))

    # Names and figures first, then terms in reading order (the subject and verb lead), back in reading order.
    chosen = sorted(keep, key=lambda k: (k[2], k[0]))[:MAX_QUERY_WORDS]
    seen: set[str] = set()
    query_words = []
    for _, surface, _ in sorted(chosen):
        if surface.casefold() not in seen:
            seen.add(surface.casefold())
            query_words.append(surface)
    return ClaimCore(
        names=frozenset(names),
        figures=frozenset(figures),
        years=frozenset(years),
        terms=frozenset(terms),
        words=frozenset(words),
        query_words=tuple(query_words),
        term_order=tuple(term_order),
    )


def build_query(text: str, language: str | None = None) -> str:
    """The search query for a claim: its core words in reading order, or "" when it has no core."""
    core = extract_core(text, language)
    return "" if core.empty else " ".join(core.query_words)


def guess_language(text: str) -> str | None:
    """The BCP-47 code of the language whose function words ``text`` uses most, or None if unclear."""
    folded = [unicodedata.normalize("NFC", w.casefold()) for w in _WORD.findall(text)]
    if not folded:
        return None
    scores = {lang: sum(w in words for w in folded) for lang, words in STOPWORDS.items()}
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
    (best, top), (_, second) = ranked[0], ranked[1]
    if top < 3 or top < 1.3 * second:
        return None
    return best
