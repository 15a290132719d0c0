"""The LLM's checklist has the offline analyzer's one-item shape (#11 item 6): a claim resting on an
attribution in its own sentence is one claim item carrying it, with exact offsets; the real openai client
over HTTP to the stand-in, scripted with the model's answer, on a real Redis."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from bot.config import Settings
from bot.factory import build_engine
from bot.llm.checklist import ChecklistResponse, to_findings
from bot.models import ClaimItem, SourceItem
from standins.openai_server import OpenAIStandIn, Scripted

ARTICLE = (
    "Dockside talks stall\n"
    "The port authority lost about $2 million a day during the walkout, two executives briefed on the "
    "accounts said, speaking on condition of anonymity. "
    "Mayor Ines Duarte said the city would repay the loans by 2028.\n"
    "A spokesperson for the union declined to give figures."
)
CLAIM = (
    "The port authority lost about $2 million a day during the walkout, two executives briefed on the "
    "accounts said, speaking on condition of anonymity."
)
ATTRIBUTION = "two executives briefed on the accounts said, speaking on condition of anonymity"
MAYOR = "Mayor Ines Duarte said the city would repay the loans by 2028."


def claim(quote: str, attribution: dict[str, Any] | None, **fields: Any) -> dict[str, Any]:
    return {
        "quote": quote,
        "claim": fields.get("claim", quote),
        "basis": fields.get("basis", "anonymous_source"),
        "attribution": attribution,
        "hedge_cues": fields.get("hedge_cues", []),
        "why": "Rests on unnamed executives.",
        "how_to_verify": "Ask the port authority's finance office for the daily revenue figures of the walkout.",
        "priority": "high",
    }


def attribution(quote: str, source_type: str = "anonymous", phrase: str = "two executives", **extra: Any) -> dict:
    return {"quote": quote, "source_phrase": phrase, "source_type": source_type, "hedge_cues": [], **extra}


def answer(*claims: dict[str, Any], sources: list[dict[str, Any]] | None = None) -> Scripted:
    body = {"claims": list(claims), "sources": sources or []}
    ChecklistResponse.model_validate(body)  # the script itself follows the schema
    return Scripted(content=json.dumps(body))


@pytest.fixture
def standin() -> Iterator[OpenAIStandIn]:
    with OpenAIStandIn() as server:
        yield server


def settings_for(standin: OpenAIStandIn) -> Settings:
    return Settings(
        openai_api_key=standin.api_key,
        openai_base_url=standin.base_url,
        model="standin-model",
        llm_timeout_seconds=2.0,
        extra={"llm_backoff_scale": "0.001"},
    )


def test_the_attribution_reaches_the_grounded_claim_with_exact_offsets(standin, redis_client):
    separate_source = {
        "quote": ATTRIBUTION, "source_phrase": "two executives", "source_type": "anonymous", "hedge_cues": [],
        "why": "Unnamed.", "how_to_verify": "Ask who they are.", "priority": "medium",
    }  # fmt: skip
    standin.script(
        answer(
            claim(CLAIM, attribution(ATTRIBUTION, hedge_cues=["briefed on"]), hedge_cues=["about"]),
            sources=[separate_source],  # a model that still lists it apart: one item per thing to check
        )
    )
    checklist = build_engine(settings_for(standin), redis_client=redis_client).check(ARTICLE)

    assert checklist.stats.analyzer == "llm" and len(checklist.items) == 1
    (item,) = checklist.items
    assert isinstance(item, ClaimItem) and item.basis == "anonymous_source"
    assert ARTICLE[item.start : item.end] == item.quote == CLAIM
    found = item.attribution
    assert found is not None and found.source_type == "anonymous"
    assert (found.text, found.start) == (ATTRIBUTION, ARTICLE.index(ATTRIBUTION))
    assert ARTICLE[found.start : found.end] == found.text
    assert [(h.text, ARTICLE[h.start : h.end]) for h in found.hedges] == [("briefed on", "briefed on")]
    assert [ARTICLE[h.start : h.end] for h in item.hedges] == ["about"]
    assert item.how_to_verify.startswith("Ask the port authority's finance office")
    exported = checklist.model_dump(mode="json")["items"][0]["attribution"]  # the JSON contract's nested object
    assert set(exported) == {"text", "start", "end", "source_type", "hedges"}


def test_an_ungrounded_attribution_is_dropped_and_the_claim_stays(standin, redis_client):
    invented = "port officials told the Harbour Gazette"
    standin.script(answer(claim(CLAIM, attribution(invented, "second_hand", "port officials"))))
    checklist = build_engine(settings_for(standin), redis_client=redis_client).check(ARTICLE)

    assert checklist.stats.analyzer == "llm"
    (item,) = checklist.items
    assert isinstance(item, ClaimItem) and item.quote == CLAIM and item.attribution is None
    assert checklist.stats.dropped_ungrounded == 0  # the claim itself was grounded: nothing dropped


def test_a_named_speaker_is_never_unsourced_and_an_empty_attribution_is_none() -> None:
    response = ChecklistResponse.model_validate(
        {
            "claims": [
                claim(MAYOR, attribution("Mayor Ines Duarte said", "named_on_record", "Mayor Ines Duarte"),
                      basis="unsourced"),
                claim(CLAIM, attribution("  ", "anonymous", ""), basis="unsourced"),
            ],
            "sources": [],
        }
    )  # fmt: skip
    mayor, bare = to_findings(response)
    assert mayor.attribution is not None and mayor.attribution.source_phrase == "Mayor Ines Duarte"
    assert mayor.basis == "prediction"  # the offline typology decides: "would repay ... by 2028"
    assert bare.attribution is None and bare.basis == "unsourced"  # no attribution: "unsourced" stands


def test_a_source_item_remains_for_an_attribution_without_a_claim(standin, redis_client):
    declined = "A spokesperson for the union declined to give figures."
    source = {
        "quote": declined, "source_phrase": "A spokesperson for the union", "source_type": "anonymous",
        "hedge_cues": [], "why": "Unnamed spokesperson.", "how_to_verify": "Ask the union's press office for the "
        "spokesperson's name.", "priority": "low",
    }  # fmt: skip
    standin.script(answer(claim(CLAIM, attribution(ATTRIBUTION)), sources=[source]))
    checklist = build_engine(settings_for(standin), redis_client=redis_client).check(ARTICLE)
    kinds = [(type(i), i.quote) for i in checklist.items]
    assert kinds == [(ClaimItem, CLAIM), (SourceItem, declined)]
