"""The LLM analyzer: one structured-output request per text, under the shared retry policy.

The prompt file names its output schema (``prompts/checklist.schema.json``), which is sent as the
strict ``json_schema`` response format; ``ChecklistResponse`` below validates the answer and must
describe the same schema (``tests/llm/test_prompts.py`` compares them; to regenerate the file after
changing the models: ``python -m bot.llm.checklist > prompts/checklist.schema.json``).

The engine splits articles and runs requests concurrently; this class analyses exactly the text
it is given. Quotes come back unlocated: grounding finds them in the text (offsets from a model
are never trusted), so ``offset_hint`` stays unset.
"""

from __future__ import annotations

import logging
from typing import Any

import openai
import pydantic
from pydantic import BaseModel, ConfigDict

from bot.analyzers.base import AnalyzerError, Control
from bot.analyzers.offline.basis import claim_basis, hedged_basis
from bot.config import Settings
from bot.llm import client as llm_client
from bot.llm.client import OutputError
from bot.llm.prompts import Prompt, PromptError, load_prompt
from bot.models import AnalysisResult, ClaimBasis, Finding, FoundAttribution, Priority, SourceType, Usage
from bot.text import notes_language_label

log = logging.getLogger(__name__)

PROMPT_NAME = "checklist"
DEFAULT_NOTES_LANGUAGE = "the article's language"  # the prompt's {language} when no notes language is set


def checklist_messages(prompt: Prompt, text: str, notes_language: str | None = None) -> list[dict[str, str]]:
    """The checklist prompt's messages for ``text``, asking for why/how_to_verify in ``notes_language``
    (a language name; anything that is not one counts as unset: the article's own language)."""
    return prompt.messages(article=text, language=notes_language_label(notes_language) or DEFAULT_NOTES_LANGUAGE)


def _drop_titles(schema: dict[str, Any]) -> None:
    # Titles only repeat the field names ("How To Verify"), and the schema is sent with every request.
    schema.pop("title", None)
    for prop in schema.get("properties", {}).values():
        prop.pop("title", None)


_STRICT = ConfigDict(extra="forbid", json_schema_extra=_drop_titles)


# Strict structured-output schema: every field required, no defaults, enums as Literals, so the
# SDK's strict JSON schema matches pydantic validation exactly. ``quote`` comes first so the model
# commits to the article's words before it describes them.

# The attribution a claim rests on, in the claim's own sentence (the offline analyzer's ``FoundAttribution``):
# one item per thing to check, not a claim item plus a source item. (No docstring: it would be sent as the
# schema's description with every request.)
class AttributionOut(BaseModel):
    model_config = _STRICT
    quote: str
    source_phrase: str
    source_type: SourceType
    hedge_cues: list[str]


class ClaimOut(BaseModel):
    model_config = _STRICT
    quote: str
    claim: str
    basis: ClaimBasis
    attribution: AttributionOut | None  # null: the sentence cites nobody
    hedge_cues: list[str]
    why: str
    how_to_verify: str
    priority: Priority


class SourceOut(BaseModel):
    model_config = _STRICT
    quote: str
    source_phrase: str
    source_type: SourceType
    hedge_cues: list[str]
    why: str
    how_to_verify: str
    priority: Priority


class ChecklistResponse(BaseModel):
    model_config = _STRICT
    claims: list[ClaimOut]
    sources: list[SourceOut]


def _cues(cues: list[str]) -> list[str]:
    return [h for h in cues if h.strip()]


def _attribution(out: AttributionOut | None) -> FoundAttribution | None:
    """The claim's attribution, or None for an empty one (a model's way of saying "none" as well)."""
    if out is None or not out.quote.strip():
        return None
    return FoundAttribution(
        quote=out.quote,
        source_type=out.source_type,
        source_phrase=out.source_phrase.strip() or None,
        hedge_cues=_cues(out.hedge_cues),
    )


def _basis(claim: ClaimOut, attribution: FoundAttribution | None) -> ClaimBasis:
    """The model's basis, except that an attributed claim is never "unsourced": the attribution's type
    decides as it does for the offline analyzer (``claim_basis``), then the claim's hedging."""
    if claim.basis != "unsourced" or attribution is None:
        return claim.basis
    basis = claim_basis(claim.quote, {attribution.source_type})
    return basis if basis != "unsourced" else hedged_basis(claim.quote)


def to_findings(response: ChecklistResponse) -> list[Finding]:
    findings: list[Finding] = []
    for c in response.claims:
        if not c.quote.strip():
            continue
        attribution = _attribution(c.attribution)
        findings.append(
            Finding(
                kind="claim",
                quote=c.quote,
                claim=c.claim.strip(),
                basis=_basis(c, attribution),
                attribution=attribution,
                hedge_cues=_cues(c.hedge_cues),
                why=c.why.strip(),
                how_to_verify=c.how_to_verify.strip(),
                priority=c.priority,
            )
        )
    for s in response.sources:
        if not s.quote.strip():
            continue
        findings.append(
            Finding(
                kind="source",
                quote=s.quote,
                source_type=s.source_type,
                source_phrase=s.source_phrase.strip() or None,
                hedge_cues=_cues(s.hedge_cues),
                why=s.why.strip(),
                how_to_verify=s.how_to_verify.strip(),
                priority=s.priority,
            )
        )
    return findings


class LLMAnalyzer:
    name = "llm"

    def __init__(self, settings: Settings, client: openai.OpenAI | None = None) -> None:
        self._settings = settings
        self._client = client
        self._prompt: Prompt = load_prompt(PROMPT_NAME)
        if self._prompt.schema is None:
            raise PromptError(f"prompt {self._prompt.id} names no output schema")
        self._response_format = llm_client.response_format(self._prompt)

    @property
    def cache_identity(self) -> str:
        prompt = f"{self._prompt.id}.{self._prompt.digest}"
        return f"llm:{self.model}:{prompt}:{llm_client.endpoint_label(self._settings)}"

    @property
    def model(self) -> str:
        return self._settings.model

    @property
    def prompt_version(self) -> str:
        return self._prompt.id

    def _get_client(self) -> openai.OpenAI:
        if self._client is None:
            self._client = llm_client.build_client(self._settings)
        return self._client

    def analyze(self, text: str, control: Control | None = None, notes_language: str | None = None) -> AnalysisResult:
        """``notes_language``: the language of why/how_to_verify (default: the article's). The caller keeps
        it in the cache identity (the engine does)."""
        usage = Usage()
        answered: list[str] = []
        messages = checklist_messages(self._prompt, text, notes_language)
        options = llm_client.request_options(self._prompt, self._settings, len(text))
        log.debug("llm analyze: %d chars with prompt %s, %s", len(text), self._prompt.id, options)

        def attempt() -> ChecklistResponse:
            client = self._get_client()
            usage.requests += 1
            raw = client.chat.completions.with_raw_response.create(
                model=self._settings.model,
                messages=messages,  # type: ignore[arg-type]
                response_format=self._response_format,  # type: ignore[arg-type]
                timeout=llm_client.attempt_timeout(self._settings, control),
                **options,
            )
            # Count tokens before parsing: a malformed or truncated answer was still paid for.
            prompt_tokens, completion_tokens = llm_client.usage_from_raw(raw)
            usage.prompt_tokens += prompt_tokens
            usage.completion_tokens += completion_tokens
            if model := llm_client.model_from_raw(raw):  # also from an answer that is then refused
                answered.append(model)
            return self._parse(raw)

        try:
            parsed = llm_client.call_with_retries(self._settings, attempt, what="checklist request", control=control)
        except AnalyzerError as exc:
            exc.usage = usage  # spent even though nothing came back
            exc.model = answered[-1] if answered else None
            llm_client.note_answered_model(self._settings, exc.model)
            raise
        model = answered[-1] if answered else None
        llm_client.note_answered_model(self._settings, model)
        return AnalysisResult(findings=to_findings(parsed), usage=usage, model=model)

    @staticmethod
    def _parse(raw: Any) -> ChecklistResponse:
        try:
            completion = raw.parse()
        except ValueError:
            raise OutputError("malformed", "The response body was not valid JSON") from None
        except (TypeError, AttributeError):  # JSON, but not a chat completion (a non-compliant server)
            raise OutputError("malformed", "The response was not a chat completion") from None
        choices = getattr(completion, "choices", None)
        if not isinstance(choices, list) or not choices:
            raise OutputError("malformed", "The response had no choices")
        choice = choices[0]
        message = choice.message
        if choice.finish_reason == "length":
            raise OutputError("truncated", "The model's answer was cut off at its output limit")
        if choice.finish_reason == "content_filter":
            raise OutputError("refusal", "The provider's content filter blocked the answer")
        if message.refusal:
            # The refusal's words may quote the article: keep them out of the message (it is logged).
            raise OutputError("refusal", "The model refused to analyse the text")
        if not message.content:
            raise OutputError("malformed", "The model returned no content")
        try:
            return ChecklistResponse.model_validate_json(message.content)
        except pydantic.ValidationError as exc:
            # Covers invalid JSON as well as JSON that does not fit the schema. The message names the
            # first problem only: pydantic's full text echoes the (article-derived) input.
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "output"
            raise OutputError(
                "malformed", f"The model's output did not match the schema ({first['type']} at {where})"
            ) from None


if __name__ == "__main__":  # print the schema the models describe, for prompts/checklist.schema.json
    import json

    print(json.dumps(ChecklistResponse.model_json_schema(), indent=2))
