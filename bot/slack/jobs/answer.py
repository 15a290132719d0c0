"""The answer job: a question to the bot in a checklist thread, answered by the LLM from the article
and the checklist with its statuses. Without an LLM, or once the day's token budget is spent, the
reply says why instead.
"""

from __future__ import annotations

import logging
import time

from bot import metrics
from bot.analyzers.base import AnalyzerError
from bot.jobs.model import Job
from bot.models import Checklist
from bot.slack.outbox import reply
from bot.slack.records import HistoryEntry, ItemStatus
from bot.slack.services import Services

log = logging.getLogger(__name__)

LLM_HOWTO = (
    "Questions need an LLM, and none is configured. Whoever runs this bot can set OPENAI_API_KEY "
    "(and OPENAI_BASE_URL for a self-hosted, OpenAI-compatible server) and restart it. "
    "The checklist itself works without one; say `status` or `help` here."
)


def checklist_summary(checklist: Checklist, statuses: dict[int, ItemStatus]) -> str:
    lines = []
    for item in checklist.items:
        status = statuses.get(item.number, ItemStatus()).status
        lines.append(f'{item.number}. [{item.kind}, {item.priority}, {status}] "{item.quote}" — {item.why}')
    return "\n".join(lines) or "(no items)"


def run_answer(services: Services, job: Job) -> None:
    state = services.state
    cid = job.checklist_id or ""
    record = state.get_record(cid)
    if record is None:
        return
    if state.job_get(job.job_id).get("done"):
        return
    if not services.settings.llm_enabled:
        reply(services, record.channel, record.thread_ts, LLM_HOWTO)
        state.job_set(job.job_id, done="1")
        return
    budget_reason = services.limits.budget_spent_reason()
    if budget_reason:  # questions always need the LLM: there is no offline answer to fall back on
        metrics.count_limited("budget")
        reply(services, record.channel, record.thread_ts, f"Questions need the LLM. {budget_reason}")
        state.job_set(job.job_id, done="1")
        return
    from bot.llm.answers import answer_question  # loads the OpenAI client only when a question needs it

    checklist = state.get_checklist(cid)
    article = state.get_article(cid) or ""
    summary = checklist_summary(checklist, state.statuses(cid)) if checklist else "(no checklist)"
    try:  # tokens count against the daily budget, a failed request's too (it was billed)
        answer, usage = metrics.metered_llm_call(
            lambda: answer_question(services.settings, job.text, article, summary),
            lambda answered: answered[1],
            services.limits.record_tokens,
        )
    except AnalyzerError as exc:
        log.warning("job %s: answer failed (%s)", job.job_id, exc.kind)
        reply(services, record.channel, record.thread_ts, f"I couldn't answer that: {exc}")
        return
    log.info("job %s: answered with %d tokens", job.job_id, usage.prompt_tokens + usage.completion_tokens)
    reply(services, record.channel, record.thread_ts, answer)  # notice_message escapes the model's text
    state.add_history(cid, HistoryEntry(at=time.time(), user=job.user, action="asked"))
    state.job_set(job.job_id, done="1")
