"""``factcheck doctor``: judge the configured LLM endpoint before editors do.

1. One small request with the checklist prompt and its strict ``json_schema``: does the server take
   the schema and answer within it, which model answered, how long it took and how many tokens.
2. The checklist for an example article, through the real engine (no cache): counts by kind, the
   share of quotes dropped as not in the article, sections the offline analyzer had to take, next
   to what the offline analyzer alone finds.

Exit 0 when the endpoint answers (the verdict lines say whether its checklists are worth using);
exit 1 with one line when it does not.
"""

from __future__ import annotations

import json
import time
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import openai
import pydantic

from bot.analyzers.base import AnalyzerError
from bot.analyzers.offline import OfflineAnalyzer
from bot.config import Settings
from bot.engine import Engine
from bot.llm import client as llm_client
from bot.llm.checklist import PROMPT_NAME, ChecklistResponse, LLMAnalyzer, checklist_messages
from bot.llm.prompts import load_prompt
from bot.models import Checklist

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "harbour-strike.txt"  # in a checkout
# An installed wheel has no examples/: this short article stands in.
BUILTIN_EXAMPLE = (
    "Port of Velmora shipments halted as dockworkers strike\n\n"
    "Dockworkers at the Port of Velmora walked off the job on Monday, halting nearly all shipments, "
    "the Coastal Herald reported, citing two people familiar with the negotiations.\n\n"
    "Government officials told the Herald that the strike could cost the national economy as much as "
    "$40 million a day. The union says about 3,200 members have joined the walkout. Meridian Wire could "
    "not independently verify the figure."
)
PROBE_TEXT = "Officials said about 3,200 workers joined the strike on Monday, the Coastal Herald reported."


class EndpointFailed(Exception):
    """The endpoint could not be used at all: the one line to show."""


@dataclass
class Probe:
    structured: str  # what the server did with the strict json_schema
    model: str | None
    seconds: float
    prompt_tokens: int
    completion_tokens: int
    finish_reason: str | None
    limit: int


def probe(settings: Settings) -> Probe:
    """One request with the checklist prompt and schema. Raises EndpointFailed when it cannot answer."""
    prompt = load_prompt(PROMPT_NAME)
    client = llm_client.build_client(settings)
    options = llm_client.request_options(prompt, settings, len(PROBE_TEXT))
    messages = checklist_messages(prompt, PROBE_TEXT)

    def ask(**extra: object) -> tuple[object, float]:
        started = time.monotonic()
        completion = client.chat.completions.create(
            model=settings.model,
            messages=messages,  # type: ignore[arg-type]
            timeout=settings.llm_timeout_seconds,
            **options,
            **extra,  # type: ignore[arg-type]
        )
        return completion, time.monotonic() - started

    try:
        try:
            completion, seconds = ask(response_format=llm_client.response_format(prompt))
            structured = ""
        except openai.BadRequestError as exc:  # the schema (or another parameter) was refused
            refused = llm_client.scrub(llm_client.status_text(exc), settings)
            completion, seconds = ask()
            structured = f"rejected: {refused}; without it the server answers"
    except (openai.OpenAIError, ValueError) as exc:
        if isinstance(exc, ValueError):
            raise EndpointFailed(f"{llm_client.endpoint_label(settings)} did not answer with JSON") from exc
        error = llm_client.to_analyzer_error(exc, attempts=1, settings=settings)
        raise EndpointFailed(str(error)) from exc

    choice = completion.choices[0] if getattr(completion, "choices", None) else None  # type: ignore[attr-defined]
    finish = getattr(choice, "finish_reason", None)
    content = getattr(getattr(choice, "message", None), "content", None) or ""
    if not structured:
        structured = _schema_verdict(content, finish)
    usage = getattr(completion, "usage", None)
    return Probe(
        structured=structured,
        model=getattr(completion, "model", None),
        seconds=seconds,
        prompt_tokens=getattr(usage, "prompt_tokens", 0) or 0,
        completion_tokens=getattr(usage, "completion_tokens", 0) or 0,
        finish_reason=finish,
        limit=int(options["max_completion_tokens"]),
    )


def server_slots(settings: Settings) -> int | None:
    """llama.cpp's ``GET /props`` ``total_slots`` (requests it generates at once), if the server has it."""
    base = settings.openai_base_url
    if not base:
        return None
    parts = urllib.parse.urlsplit(base)
    if parts.username or parts.password:
        return None  # do not send credentials anywhere else than the openai client does
    root = base.rstrip("/").removesuffix("/v1")
    try:  # no key sent: /props is public on llama.cpp, and the key is for the openai client alone
        with urllib.request.urlopen(f"{root}/props", timeout=5) as response:
            slots = json.loads(response.read(65_536)).get("total_slots")
    except (OSError, ValueError, AttributeError):
        return None
    return slots if isinstance(slots, int) and slots > 0 else None


def _schema_verdict(content: str, finish: str | None) -> str:
    if finish == "length":
        return "accepted, but the answer was cut off at its output limit (it may loop inside the schema)"
    try:
        parsed = ChecklistResponse.model_validate_json(content)
    except pydantic.ValidationError:
        return "accepted, but the answer does not follow it (the server may ignore response_format)"
    quotes = [c.quote for c in parsed.claims] + [s.quote for s in parsed.sources]
    grounded = sum(1 for q in quotes if q and q.strip().strip(".") in PROBE_TEXT)
    return f"accepted, answer valid ({len(quotes)} item(s), {grounded} quoting the text verbatim)"


def example_checklists(settings: Settings, text: str) -> tuple[Checklist, Checklist]:
    """The example's checklist through the LLM (no cache: what editors would get now) and offline."""
    engine = Engine(
        LLMAnalyzer(settings),
        fallback=OfflineAnalyzer(),
        cache=None,
        concurrency=settings.llm_concurrency,
        batch_chars=settings.batch_chars,
        max_chars=settings.max_article_chars,
        max_dropped_share=settings.llm_max_dropped_share,
        deadline_seconds=settings.llm_deadline_seconds or None,
    )
    return engine.check(text), Engine(OfflineAnalyzer()).check(text)


def _kinds(checklist: Checklist) -> str:
    counts = Counter(getattr(i, "basis", None) or getattr(i, "source_type", None) for i in checklist.items)
    detail = ", ".join(f"{name} {n}" for name, n in counts.most_common())
    return f"{checklist.stats.claims} claims, {checklist.stats.sources} sources" + (f" ({detail})" if detail else "")


def run(settings: Settings, example: Path | None, say: Callable[[str], None]) -> int:
    """Print the report with ``say``; raise EndpointFailed for the one-line failure."""
    if not settings.llm_enabled:
        raise EndpointFailed("OPENAI_API_KEY is not set: there is no LLM endpoint to check (checks run offline).")
    say(f"endpoint:   {llm_client.endpoint_label(settings)}")
    say(
        f"settings:   model {settings.model}; concurrency {settings.llm_concurrency}; "
        f"timeout {settings.llm_timeout_seconds:g} s per request, {settings.llm_deadline_seconds:g} s per check; "
        f"sections of {settings.batch_chars:,} chars; output limit at most {settings.llm_max_output_tokens:,} "
        f"tokens; max dropped share {settings.llm_max_dropped_share:.0%}"
    )
    result = probe(settings)
    answered = result.model or "(not given)"
    same = result.model is None or llm_client.same_model(settings.model, result.model)
    say(f"structured output (strict json_schema): {result.structured}")
    say(f"model:      {answered}" + ("" if same else f"  <- not the configured {settings.model!r}"))
    speed = result.completion_tokens / result.seconds if result.seconds > 0 else 0.0
    say(
        f"probe:      {result.seconds:.2f} s, {result.prompt_tokens} prompt + {result.completion_tokens} completion "
        f"tokens (limit {result.limit}), finish_reason {result.finish_reason}, about {speed:.0f} tokens/s"
    )
    if result.completion_tokens > result.limit:
        say(
            f"note:       the server wrote {result.completion_tokens} tokens past the limit of {result.limit}: "
            "it ignores max_completion_tokens, so a looping model is stopped only by FACTCHECK_LLM_TIMEOUT"
        )
    slots = server_slots(settings)
    if slots is not None:
        advice = (
            "" if settings.llm_concurrency <= slots
            else f"; FACTCHECK_LLM_CONCURRENCY is {settings.llm_concurrency}: requests will queue on the server and "
            f"the wait counts in FACTCHECK_LLM_TIMEOUT, set it to {slots}"
        )
        say(f"server:     {slots} slot(s) (llama.cpp /props){advice}")
    if speed > 0:
        # A full section's output limit: how long an answer that runs to it (a looping model) takes.
        limit = load_prompt(PROMPT_NAME).sampling.output_tokens(settings.batch_chars, settings.llm_max_output_tokens)
        worst = limit / speed
        if worst > settings.llm_timeout_seconds:
            say(
                f"note:       at this speed an answer that runs to a full section's output limit ({limit:,} tokens) "
                f"takes up to {worst:.0f} s, more than FACTCHECK_LLM_TIMEOUT ({settings.llm_timeout_seconds:g} s): "
                "lower FACTCHECK_LLM_MAX_OUTPUT_TOKENS or FACTCHECK_BATCH_CHARS, or raise the timeout"
            )

    path = example or (EXAMPLE if EXAMPLE.is_file() else None)
    try:
        text = path.read_text(encoding="utf-8") if path else BUILTIN_EXAMPLE
    except OSError as exc:
        raise EndpointFailed(f"cannot read the example {path}: {exc.strerror}") from None
    llm, offline = example_checklists(settings, text)
    stats = llm.stats
    say(f"example:    {path.name if path else 'built-in example'} ({len(text):,} chars, {stats.chunks} section(s))")
    say(f"  llm:      {stats.items} items: {_kinds(llm)}; analyzer {stats.analyzer}")
    share = f"{stats.llm_quotes_dropped / stats.llm_quotes:.0%}" if stats.llm_quotes else "n/a"
    say(
        f"            quotes not in the article: {stats.llm_quotes_dropped} of {stats.llm_quotes} "
        f"the model returned (dropped share {share}); "
        f"{stats.llm_requests} request(s), {stats.prompt_tokens} + {stats.completion_tokens} tokens, "
        f"{stats.elapsed_ms / 1000:.1f} s"
    )
    if note := stats.fallback_note():
        say(f"            {note}")
    say(f"  offline:  {offline.stats.items} items: {_kinds(offline)}")
    say("verdict:    " + _verdict(llm, same))
    return 0


def _verdict(llm: Checklist, same_model: bool) -> str:
    stats = llm.stats
    if stats.analyzer == "offline":
        return "the LLM's answers were all replaced by the offline analyzer: do not use this model as configured."
    if stats.fallback_sections:
        return (
            f"the offline analyzer had to take {stats.fallback_sections} section(s): "
            "usable, but editors will see notes; see docs/llm.md for settings."
        )
    if not same_model:
        return "usable; the server answers as another model than FACTCHECK_MODEL says (checklists record it)."
    return "usable: every section was answered, grounded and within its limits."


def main(settings: Settings, example: str | None, say: Callable[[str], None], fail: Callable[[str], None]) -> int:
    try:
        return run(settings, Path(example) if example else None, say)
    except (EndpointFailed, AnalyzerError) as exc:
        fail(str(exc))
        return 1
