"""Scorers: unit tests on hand-made inputs, and regression floors on slices of the shared data."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import accuracy
from bot.analyzers.offline import OfflineAnalyzer
from bot.models import AnalysisResult, Finding


class KeywordAnalyzer:
    """A stand-in analyzer: a claim for every "rose", a hedged source for every "reportedly"."""

    def __init__(self) -> None:
        self.calls = 0

    def analyze(self, text: str) -> AnalysisResult:
        self.calls += 1
        out = []
        for word, kind in (("rose", "claim"), ("reportedly", "source")):
            start = text.find(word)
            while start >= 0:
                out.append(Finding(kind=kind, quote=word, source_phrase=word if kind == "source" else None,
                                   hedge_cues=[word] if kind == "source" else [], offset_hint=start))
                start = text.find(word, start + 1)
        return AnalysisResult(findings=out)


def test_prf_and_binary_score() -> None:
    assert accuracy.prf(0, 0, 0) == (0.0, 0.0, 0.0)
    s = accuracy.binary_score("d", "m", [True, True, False, False], [True, False, True, False])
    assert (s.tp, s.fp, s.fn) == (1, 1, 1)
    assert s.precision == s.recall == s.f1 == 0.5


def test_batches_map_findings_back_to_their_sentences() -> None:
    sentences = ["Prices rose.", "Nothing here.", "It reportedly fell.", "Sales rose again."] * 30
    labels = [True, False, False, True] * 30
    analyzer = KeywordAnalyzer()
    score = accuracy.score_claimbuster(analyzer, sentences, labels)
    assert score.f1 == 1.0 and score.n == 120
    assert analyzer.calls == 3  # 120 sentences in batches of 50
    hedge = accuracy.score_hedge(KeywordAnalyzer(), sentences, [False, False, True, False] * 30)
    assert hedge.f1 == 1.0


def test_locate_prefers_a_valid_hint_and_falls_back_to_search() -> None:
    text = "a said b said"
    assert accuracy.locate(text, Finding(kind="source", quote="said", offset_hint=9)) == 9
    assert accuracy.locate(text, Finding(kind="source", quote="said", offset_hint=3)) == 2
    assert accuracy.locate(text, Finding(kind="source", quote="absent")) == -1
    f = Finding(kind="source", quote="b said", source_phrase="b", offset_hint=7)
    assert accuracy.source_span(text, f) == (7, 8)


def test_span_overlap_counts() -> None:
    pred = [(0, 5), (10, 12), (30, 40)]
    gold = [(3, 8), (11, 20), (50, 60)]
    assert accuracy.span_counts(pred, gold) == (2, 3, 2, 3)


def test_parse_sources_and_detokenize() -> None:
    ann = "T1\tSource 10 12\the\nT2\tCue 13 17\tsaid\nT3\tSource 20 25;30 34\tthe party\nE1\tAttribution:T4"
    assert accuracy.parse_sources(ann) == [(10, 12), (20, 34)]
    assert accuracy.detokenize("Some -LRB- but not all -RRB- say it is n't so , `` really '' .\n") == (
        "Some (but not all) say it isn't so, “really”."
    )


def test_speech_sources_are_those_whose_cue_reports_speech() -> None:
    ann = "\n".join([
        "T1\tSource 0 2\the", "T2\tCue 3 7\tsaid", "T3\tContent 8 12\tthat", "T4\tAttribution 3 7\tsaid",
        "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1",
        "T5\tSource 20 23\tyou", "T6\tCue 24 34\tdon’t like", "T7\tAttribution 24 34\tdon’t like",
        "E2\tAttribution:T7 Cue:T6 Source:T5",
        "T8\tSource 40 45\tpolls", "T9\tCue 46 50\tShow", "E3\tAttribution:T9 Cue:T9 Source:T8",
        "E4\tAttribution:T4 Content:T3",  # an attribution without a source is skipped
    ])
    assert accuracy.parse_sources(ann) == [(0, 2), (20, 23), (40, 45)]
    assert accuracy.parse_speech_sources(ann) == [(0, 2), (40, 45)]


def test_polnear_scorer_on_a_tiny_article() -> None:
    text = "Prices reportedly rose. Nobody else spoke."
    articles = [accuracy.PolnearArticle(text, [(7, 17), (24, 30)], speech_sources=[(24, 30)])]
    s = accuracy.score_polnear(KeywordAnalyzer(), articles, "tiny")
    assert (s.precision, s.recall) == (1.0, 0.5)
    assert (s.speech_recall, s.speech_n, s.other_recall, s.other_n) == (0.0, 1, 1.0, 1)
    assert "reported speech 0.000 (n=1), on other attributions 1.000 (n=1)" in accuracy.table([s])


def test_spread_takes_an_even_sample() -> None:
    assert accuracy.spread(list(range(10)), 5) == [0, 2, 4, 6, 8]
    assert accuracy.spread([1, 2], None) == [1, 2]


# Floors sit a few points under what the offline rules reach on these slices, to catch regressions.
def test_offline_hedge_floor(shared_data: Path) -> None:
    s = accuracy.score_hedge(OfflineAnalyzer(), *accuracy.load_hedge(shared_data, 1500))
    assert s.f1 >= 0.59, s  # 0.608 with rules-2 to rules-5


def test_offline_claimbuster_floor(shared_data: Path) -> None:
    s = accuracy.score_claimbuster(OfflineAnalyzer(), *accuracy.load_claimbuster(shared_data, 1500))
    # Printed, no longer a target (#11): 0.739 with rules-2 to rules-5, 0.707 from rules-7, which leaves a
    # named source's plain statement to its source item instead of a claim item.
    assert s.f1 >= 0.68, s


def test_offline_polnear_floor(shared_data: Path) -> None:
    s = accuracy.score_polnear(OfflineAnalyzer(), accuracy.load_polnear(shared_data, "dev", 30), "dev")
    assert s.precision >= 0.76 and s.recall >= 0.52, s  # the targets are on all of dev: P >= 0.80
    assert s.speech_recall is not None and s.speech_recall >= 0.85, s  # ... and reported speech R >= 0.90


@pytest.mark.parametrize("argv", [["--limit", "100"]])
def test_cli_runs_and_writes_json(shared_data: Path, tmp_path: Path, argv: list[str],
                                  capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "scores.json"
    assert accuracy.main(["--data", str(shared_data), "--json", str(out), *argv]) == 0
    printed = capsys.readouterr().out
    assert "claimbuster" in printed and "desk: skipped with --limit" in printed and "Targets:" in printed
    assert out.read_text().count('"dataset"') == 4


def test_failed_calls_score_as_nothing_and_are_counted() -> None:
    from bot.analyzers.base import AnalyzerError

    class Flaky(KeywordAnalyzer):
        def analyze(self, text: str) -> AnalysisResult:
            if self.calls == 0:
                self.calls += 1
                raise AnalyzerError("timeout", "slow", retryable=True)
            return super().analyze(text)

    sentences = ["Prices rose."] * 100
    s = accuracy.score_claimbuster(Flaky(), sentences, [True] * 100)
    assert s.errors == 1 and s.recall == 0.5


def test_desk_is_skipped_with_a_reason_when_its_scorer_is_absent(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    report, why = accuracy.run_desk(tmp_path / "data", "offline")
    assert report is None and why.startswith("skipped: no ") and "desk_score.py" in why


def test_targets_say_which_hold() -> None:
    polnear = accuracy.Score("polnear-dev", "source span (overlap)", 0.79, 0.6, 0.69, 10,
                             speech_recall=0.93, speech_n=5, other_recall=0.3, other_n=5)
    claimbuster = accuracy.Score("claimbuster", "check-worthy sentence", 0.7, 0.7, 0.7, 10)
    rates = {"must_recall": 0.98, "correct_rate": 0.9, "precision": 0.96, "dup_rate": 0.01,
             "type_accuracy": 0.97, "basis_accuracy": 0.9}
    lines = accuracy.targets([claimbuster, polnear], {"total": {"rates": rates, "ungrounded": 0}})
    text = "\n".join(lines)
    assert "ok   polnear-dev reported-speech recall 0.930" in text
    assert "MISS polnear-dev source precision 0.790" in text
    assert "claimbuster F1 0.700: printed, no longer a target" in text
    assert "MISS desk correct 0.900" in text and "ok   desk duplicates 0.010 (<= 0.02)" in text
