"""Answers to an editor's question in a checklist thread, grounded in the article and its checklist."""

from __future__ import annotations

import logging

import openai

from bot.analyzers.base import AnalyzerError
from bot.config import Settings
from bot.llm import client as llm_client
from bot.llm.client import OutputError
from bot.llm.prompts import load_prompt
from bot.models import Usage

log = logging.getLogger(__name__)

PROMPT_NAME = "answer"


def answer_question(
    settings: Settings,
    question: str,
    article: str,
    checklist_summary: str,
    client: openai.OpenAI | None = None,
) -> tuple[str, Usage]:
    """The model's plain-text answer and the tokens it cost. Raises AnalyzerError on failure."""
    prompt = load_prompt(PROMPT_NAME)
    messages = prompt.messages(article=article, checklist=checklist_summary, question=question)
    options = llm_client.request_options(prompt, settings, len(question))  # answer.md: a fixed limit
    usage = Usage()
    log.debug("qa: question of %d chars on an article of %d chars", len(question), len(article))

    def attempt() -> str:
        nonlocal client
        if client is None:
            client = llm_client.build_client(settings)
        usage.requests += 1
        try:
            completion = client.chat.completions.create(
                model=settings.model,
                messages=messages,  # type: ignore[arg-type]
                timeout=settings.llm_timeout_seconds,
                **options,
            )
        except ValueError:  # a 200 whose body is not JSON (a non-compliant server)
            raise OutputError("malformed", "The response body was not valid JSON") from None
        reported = getattr(completion, "usage", None)
        if reported is not None:
            usage.prompt_tokens += reported.prompt_tokens or 0
            usage.completion_tokens += reported.completion_tokens or 0
        choices = getattr(completion, "choices", None)
        if not isinstance(choices, list) or not choices:
            raise OutputError("malformed", "The response was not a chat completion with choices")
        choice = choices[0]
        if choice.message.refusal:
            raise OutputError("refusal", f"The model declined to answer: {choice.message.refusal[:200]}")
        if choice.finish_reason == "content_filter":
            raise OutputError("refusal", "The provider's content filter blocked the answer")
        text = (choice.message.content or "").strip()
        if not text:
            raise OutputError("malformed", "The model returned an empty answer")
        if choice.finish_reason == "length":
            text += " …"  # a cut-off answer is still useful in a thread; say that it was cut
        return text

    try:
        answer = llm_client.call_with_retries(settings, attempt, what="question answer")
    except AnalyzerError as exc:
        exc.usage = usage
        raise
    return answer, usage
