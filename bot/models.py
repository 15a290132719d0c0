"""The checklist data model: what every face of the bot receives from the engine.

Two layers:
- ``Finding``: what an analyzer reports for a piece of text, not yet located in the article.
- ``ClaimItem`` / ``SourceItem`` in a ``Checklist``: grounded findings, with offsets into the text
  exactly as given (Python ``str`` indices), numbered from 1 in the order shown.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

Priority = Literal["high", "medium", "low"]

# Why a claim needs checking.
ClaimBasis = Literal[
    "unsourced",  # asserted with no attribution
    "anonymous_source",  # attributed to unnamed people
    "second_hand",  # attributed to another outlet's reporting
    "disputed_figure",  # a number, estimate or statistic nobody sourced or that is contested
    "comparison",  # a ranking or comparison ("almost as much as ...")
    "prediction",  # about the future
    "characterisation",  # an interpretation or label ("a security matter", "strongman image")
    "not_independently_verified",  # the outlet says it could not verify
]

# How a source is identified.
SourceType = Literal[
    "named_on_record",  # a named person or body, on the record
    "anonymous",  # "officials", "a person familiar with", "sources"
    "vague_group",  # "analysts have said", "experts", "critics"
    "second_hand",  # via another outlet: "told the Journal", "per reports"
    "self_citation",  # the outlet's own earlier reporting: "BI previously reported"
    "explicitly_unverified",  # "could not independently verify"
]

ItemKind = Literal["claim", "source"]


class Span(BaseModel):
    """A piece of the input text: ``input[start:end] == text``."""

    text: str
    start: int
    end: int


class Finding(BaseModel):
    """One analyzer result, before grounding. Offsets are never trusted from an LLM.

    ``quote`` must be copied verbatim from the analyzed text. ``source_phrase`` and ``hedge_cues``
    are sub-strings of the quote (or of the surrounding sentence) that grounding locates too.
    ``offset_hint`` may be set only by analyzers that computed exact offsets themselves (offline
    rules); it picks among repeated occurrences of the same quote.
    """

    kind: ItemKind
    quote: str
    claim: str = ""  # claims: what is asserted, in plain words
    basis: ClaimBasis | None = None  # claims
    source_type: SourceType | None = None  # sources
    source_phrase: str | None = None  # sources: who is cited, as written ("US officials")
    hedge_cues: list[str] = Field(default_factory=list)
    why: str = ""
    how_to_verify: str = ""
    priority: Priority = "medium"
    offset_hint: int | None = None


class Usage(BaseModel):
    requests: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0

    def add(self, other: Usage) -> None:
        self.requests += other.requests
        self.prompt_tokens += other.prompt_tokens
        self.completion_tokens += other.completion_tokens


class AnalysisResult(BaseModel):
    findings: list[Finding]
    usage: Usage = Field(default_factory=Usage)
    model: str | None = None  # the model that answered, as the server named it (LLM only)


class _ItemBase(BaseModel):
    number: int
    quote: str
    start: int
    end: int
    why: str
    how_to_verify: str
    priority: Priority
    hedges: list[Span] = Field(default_factory=list)


class PriorCheck(BaseModel):
    """A fact-check someone already published (ClaimReview) that matches a claim. Rating as published."""

    publisher: str
    url: str
    rating: str
    review_date: str | None = None  # as the API gives it (ISO 8601), or None
    claim_text: str = ""  # the claim as the fact-checker worded it


class ClaimItem(_ItemBase):
    kind: Literal["claim"] = "claim"
    claim: str
    basis: ClaimBasis
    prior_checks: list[PriorCheck] = Field(default_factory=list)  # set by bot.claimreview, after analysis


class SourceItem(_ItemBase):
    kind: Literal["source"] = "source"
    source_type: SourceType
    source: Span | None = None  # who is cited, located inside the text


Item = Annotated[ClaimItem | SourceItem, Field(discriminator="kind")]


class ChecklistStats(BaseModel):
    items: int = 0
    claims: int = 0
    sources: int = 0
    dropped_ungrounded: int = 0  # analyzer items whose quote is not in the text
    chunks: int = 0  # paragraph units the article was split into
    cache_hits: int = 0  # units served from the cache
    article_cache_hit: bool = False
    llm_requests: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    analyzer: str = ""  # "llm", "offline" or "llm+offline" when some units fell back
    model: str | None = None
    prompt_version: str | None = None
    fallback_reason: str | None = None  # why the offline analyzer stood in, if it did
    elapsed_ms: int = 0
    prior_checks: str = "off"  # the prior fact-checks step: "off", "done" or "failed: <reason>"
    model_answered: str | None = None  # the model the LLM server says answered (may differ from ``model``)
    fallback_sections: int = 0  # LLM sections whose items the offline analyzer supplied instead
    split_sections: int = 0  # sections cut off at their output limit and asked again in halves
    llm_quotes: int = 0  # quotes in every LLM answer this check judged, failed answers included
    llm_quotes_dropped: int = 0  # of those, quotes not found in the article

    def model_label(self) -> str | None:
        """The model as a checklist shows it: only when the LLM made some of it, and with the name the
        server answered with when that differs ("gpt-4o-mini, answered as smollm2-135m")."""
        if not self.model or "llm" not in self.analyzer.split("+"):
            return None
        answered, asked = (self.model_answered or "").lower(), self.model.lower()
        if answered and answered != asked and not answered.startswith(asked + "-"):  # a dated snapshot is the same
            return f"{self.model}, answered as {self.model_answered}"
        return self.model

    def fallback_note(self) -> str | None:
        """Why and where the offline analyzer stood in, in one sentence (None if it did not)."""
        if not self.fallback_reason:
            return None
        where = f" on {self.fallback_sections} section(s)" if "llm" in self.analyzer.split("+") else ""
        return f"The offline analyzer stood in because the LLM failed{where}: {self.fallback_reason}"


SourceKind = Literal["text", "file", "url"]


class ArticleSource(BaseModel):
    """Where the checked text came from: typed or piped text, a file, or a link."""

    kind: SourceKind
    name: str | None = None  # the file name (kind "file")
    url: str | None = None  # the link as given (kind "url")
    title: str | None = None  # the page's or document's own title, when it has one


class Checklist(BaseModel):
    article_id: str  # sha256 of the normalized text, shortened
    title: str  # the article's first line, trimmed
    text_length: int
    items: list[Item]
    stats: ChecklistStats
    source: ArticleSource | None = None  # set by the face that read the input (the CLI today)
    text: str | None = None  # the extracted text the offsets refer to, when it is not what the user typed

    def item(self, number: int) -> ClaimItem | SourceItem | None:
        return next((i for i in self.items if i.number == number), None)
