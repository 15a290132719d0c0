"""`factcheck check` with prior checks on: a real process, the stand-in over HTTP, the embedded Redis."""

from __future__ import annotations

import json

import pytest

from standins.claimreview import Scripted, fact_check
from tests.claimreview.conftest import API_KEY
from tests.conftest import EXAMPLES
from tests.test_cli import run

ARTICLE = EXAMPLES / "harbour-strike.txt"
CHECK = fact_check(
    "Velmora dock strike costs the economy $40 million a day",
    publisher="Velmora Fact Desk",
    url="https://factdesk.example/strike-cost",
    rating="Half true",
    review_date="2026-11-30T00:00:00Z",
)


@pytest.fixture
def env(standin):
    standin.claims = [CHECK]
    return {"FACTCHECK_CLAIMREVIEW_API_KEY": API_KEY, "FACTCHECK_CLAIMREVIEW_URL": standin.url}


def test_prior_checks_under_the_item(tmp_path, standin, env):
    result = run(["-v", "check", str(ARTICLE)], tmp_path, **env)
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode()
    shown = [part for part in out.split("\n\n") if "Already fact-checked:" in part]
    # The article states the strike's cost twice (summary and body): both claims show it, no other does.
    assert len(shown) == 2 and all("$40 million a day" in item for item in shown)
    for item in shown:
        assert "- Velmora Fact Desk, 2026-11-30: Half true <https://factdesk.example/strike-cost>" in item
    assert out.count("Already fact-checked:") == 2  # the other claims' results were near misses
    assert "could not be fetched" not in out
    assert standin.requests and all(r.params["key"] == API_KEY for r in standin.requests)
    assert API_KEY.encode() not in result.stderr + result.stdout  # -v logs every request, redacted
    assert b"key=REDACTED" in result.stderr


def test_json_contract_and_cached_repeat(tmp_path, standin, env):
    first = run(["check", str(ARTICLE), "--json"], tmp_path, **env)
    assert first.returncode == 0, first.stderr
    checklist = json.loads(first.stdout)
    assert checklist["stats"]["prior_checks"] == "done"
    claims = [i for i in checklist["items"] if i["kind"] == "claim"]
    with_checks = {i["number"]: i["prior_checks"] for i in claims if i["prior_checks"]}
    assert len(with_checks) == 2
    assert all("$40 million a day" in checklist["items"][n - 1]["quote"] for n in with_checks)
    expected = {
        "publisher": "Velmora Fact Desk",
        "url": "https://factdesk.example/strike-cost",
        "rating": "Half true",
        "review_date": "2026-11-30T00:00:00Z",
        "claim_text": "Velmora dock strike costs the economy $40 million a day",
    }
    assert all(checks == [expected] for checks in with_checks.values())
    assert all("prior_checks" not in i for i in checklist["items"] if i["kind"] == "source")
    searched = len(standin.requests)
    second = run(["check", str(ARTICLE), "--json"], tmp_path, **env)
    assert json.loads(second.stdout)["items"] == checklist["items"]
    assert len(standin.requests) == searched  # every search served from Redis


def test_timeout_one_line_and_the_checklist_prints(tmp_path, standin, env):
    standin.script(*[Scripted.stall(5)] * 30)
    env |= {"FACTCHECK_CLAIMREVIEW_DEADLINE": "1", "FACTCHECK_CLAIMREVIEW_TIMEOUT": "0.5"}
    result = run(["check", str(ARTICLE)], tmp_path, **env)
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode()
    assert out.startswith("Fact-check checklist: Port of Velmora")
    notes = [line for line in out.splitlines() if "prior fact-checks could not be fetched" in line]
    # the step's deadline (1 s) or, on a slow machine, every request's own timeout (0.5 s) says it first
    assert len(notes) == 1 and "no answer within" in notes[0]
    assert "Already fact-checked" not in out

    as_json = run(["check", str(ARTICLE), "--json"], tmp_path, **env)
    assert json.loads(as_json.stdout)["stats"]["prior_checks"].startswith("failed: ")
    assert b"prior fact-checks could not be fetched" in as_json.stderr


def test_off_without_the_key(tmp_path, standin):
    result = run(["check", str(ARTICLE), "--json"], tmp_path, FACTCHECK_CLAIMREVIEW_URL=standin.url)
    assert json.loads(result.stdout)["stats"]["prior_checks"] == "off"
    assert standin.requests == []
