"""Accuracy scorers for any analyzer (``.analyze(text) -> AnalysisResult``) on the shared data sets.

    python -m bench.accuracy --data ../shared/data [--analyzer offline|llm] [--json out.json] [--limit N]

- hedge (CoNLL-2010 Wikipedia): a sentence is predicted uncertain when a finding in it carries a
  hedge cue or cites a vague or anonymous source; P/R/F1 of the uncertain class.
- claimbuster: a sentence is predicted check-worthy when a claim finding falls in it; P/R/F1 of label 1.
- polnear: predicted Source spans are the source findings' ``source_phrase`` located in the text;
  a span counts if it overlaps a gold Source span. Gold is one annotator per article: the
  alphabetically first annotator file, so the choice is deterministic. Recall is also split by the
  kind of attribution: reported speech and publication (the cue is "said", "told", "according to",
  "wrote", "polls show"...: ``REPORTING_CUES``), which is what an editor checks, and all the others
  PolNeAR annotates (beliefs, feelings, perceptions: "he figures", "you don't like", "mocked").

- desk (``../shared/data/desk``): what a demanding copy editor would flag, scored by the editor's own
  scorer ``../shared/tools/desk_score.py`` over ``factcheck check --json``, when that scorer is there.

Targets (printed after the table): PolNeAR reported-speech recall >= 0.90 at source precision >= 0.80
(beliefs and feelings are printed, not a target), and the desk targets; ClaimBuster is printed but is
no longer a target (debate transcripts, not news, and its test split mostly repeats its training data).

Sentence sets are analyzed in batches joined by newlines (one request per batch for the LLM), and
findings are mapped back to sentences by their position in the batch.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import NamedTuple, Protocol

from bot.analyzers.base import AnalyzerError
from bot.models import AnalysisResult, Finding, source_findings


class _Analyzer(Protocol):
    def analyze(self, text: str) -> AnalysisResult: ...


@dataclass
class Score:
    dataset: str
    metric: str
    precision: float
    recall: float
    f1: float
    n: int  # items scored (sentences or gold spans)
    tp: int = 0
    fp: int = 0
    fn: int = 0
    seconds: float = 0.0
    errors: int = 0  # analyzer calls that raised AnalyzerError (scored as finding nothing)
    # PolNeAR only: recall over the gold sources of reported speech, and over the other attributions
    speech_recall: float | None = None
    speech_n: int = 0
    other_recall: float | None = None
    other_n: int = 0


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def binary_score(dataset: str, metric: str, gold: Sequence[bool], pred: Sequence[bool]) -> Score:
    tp = sum(1 for g, p in zip(gold, pred, strict=True) if g and p)
    fp = sum(1 for g, p in zip(gold, pred, strict=True) if p and not g)
    fn = sum(1 for g, p in zip(gold, pred, strict=True) if g and not p)
    p, r, f = prf(tp, fp, fn)
    return Score(dataset, metric, p, r, f, len(gold), tp, fp, fn)


# --- locating findings ----------------------------------------------------------------------------


def locate(text: str, finding: Finding) -> int:
    """Start of the finding's quote in ``text``: the hint when it checks out, else the first match."""
    hint = finding.offset_hint
    if hint is not None and text[hint : hint + len(finding.quote)] == finding.quote:
        return hint
    return text.find(finding.quote) if finding.quote else -1


def source_span(text: str, finding: Finding) -> tuple[int, int] | None:
    """Where the finding's ``source_phrase`` is: inside its quote if possible, else anywhere."""
    phrase = finding.source_phrase
    if not phrase:
        return None
    start = locate(text, finding)
    if start >= 0:
        inner = text.find(phrase, start, start + len(finding.quote))
        if inner >= 0:
            return inner, inner + len(phrase)
    pos = text.find(phrase)
    return (pos, pos + len(phrase)) if pos >= 0 else None


def _findings(analyzer: _Analyzer, text: str, errors: list[str]) -> list[Finding]:
    """The analyzer's findings; a failed call (LLM refusal, timeout) counts as none, and is noted."""
    try:
        return analyzer.analyze(text).findings
    except AnalyzerError as exc:
        errors.append(exc.kind)
        return []


def batch_sentences(
    analyzer: _Analyzer, sentences: Sequence[str], batch: int = 50, errors: list[str] | None = None
) -> list[list[Finding]]:
    """Findings per sentence, analyzing ``batch`` sentences per call, joined by newlines."""
    errors = [] if errors is None else errors
    per: list[list[Finding]] = [[] for _ in sentences]
    for b in range(0, len(sentences), batch):
        chunk = [s.replace("\n", " ") for s in sentences[b : b + batch]]
        text = "\n".join(chunk)
        starts, pos = [], 0
        for s in chunk:
            starts.append(pos)
            pos += len(s) + 1
        for f in _findings(analyzer, text, errors):
            at = locate(text, f)
            if at < 0:
                continue
            per[b + bisect_right(starts, at) - 1].append(f)
    return per


# --- data loading ---------------------------------------------------------------------------------

_PTB = {
    "-LRB-": "(", "-RRB-": ")", "-LSB-": "[", "-RSB-": "]", "-LCB-": "{", "-RCB-": "}",
    "``": "“", "''": "”",
}


def detokenize(s: str) -> str:
    """Undo PTB tokenisation well enough for surface rules: brackets, quotes, clitics, punctuation."""
    toks = [_PTB.get(t, t) for t in s.strip().split()]
    out = " ".join(toks)
    for a, b in ((" n't", "n't"), (" 's", "'s"), (" 're", "'re"), (" 've", "'ve"), (" 'll", "'ll"),
                 (" 'd", "'d"), (" 'm", "'m"), ("( ", "("), (" )", ")"), (" ,", ","), (" .", "."),
                 (" ;", ";"), (" :", ":"), (" ?", "?"), (" !", "!"), ("“ ", "“"), (" ”", "”"),
                 ("[ ", "["), (" ]", "]")):
        out = out.replace(a, b)
    return out


def spread(rows: list, limit: int | None) -> list:
    """``limit`` rows evenly spread over the file: the data files are sorted by label."""
    if not limit or limit >= len(rows):
        return rows
    step = len(rows) / limit
    return [rows[int(i * step)] for i in range(limit)]


def load_hedge(data: Path, limit: int | None = None) -> tuple[list[str], list[bool]]:
    with (data / "conll2010-wikipedia-hedge" / "train.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    rows = spread(rows, limit)
    return [detokenize(r["text"]) for r in rows], [r["label"].strip() == "1" for r in rows]


def load_claimbuster(data: Path, limit: int | None = None) -> tuple[list[str], list[bool]]:
    rows = json.loads((data / "claimbuster" / "train-kfold25.json").read_text(encoding="utf-8"))
    rows = spread(rows, limit)
    return [r["text"].strip() for r in rows], [int(r["label"]) == 1 for r in rows]


Span = tuple[int, int]


class PolnearArticle(NamedTuple):
    text: str
    sources: Sequence[Span]  # every gold Source span
    speech_sources: Sequence[Span] = ()  # those whose attribution cue is in REPORTING_CUES


def load_polnear(data: Path, split: str, limit: int | None = None) -> list[PolnearArticle]:
    """The text and gold Source spans of each article, one annotator per article (see module doc)."""
    root = data / "polnear" / split
    by_article: dict[str, list[Path]] = {}
    for ann in sorted((root / "attributions").glob("*.ann")):
        by_article.setdefault(ann.stem.rsplit("_", 1)[0], []).append(ann)
    out = []
    for stem in sorted(by_article):
        txt = root / "text" / f"{stem}.txt"
        if not txt.exists():
            continue
        ann = by_article[stem][0].read_text(encoding="utf-8")
        out.append(PolnearArticle(txt.read_text(encoding="utf-8"), parse_sources(ann), parse_speech_sources(ann)))
        if limit and len(out) >= limit:
            break
    return out


def _text_bounds(ann: str) -> dict[str, tuple[str, Span, str]]:
    """brat text-bound annotations by id: ``(kind, outer bounds, covered text)``; a discontinuous
    span is taken as its outer bounds."""
    bounds = {}
    for line in ann.splitlines():
        parts = line.split("\t")
        if len(parts) < 2 or not parts[0].startswith("T"):
            continue
        kind, _, offsets = parts[1].partition(" ")
        nums = [int(x) for frag in offsets.split(";") for x in frag.split()]
        bounds[parts[0]] = (kind, (min(nums), max(nums)), parts[2] if len(parts) > 2 else "")
    return bounds


def parse_sources(ann: str) -> list[Span]:
    """Source spans from brat standoff."""
    return [span for kind, span, _ in _text_bounds(ann).values() if kind == "Source"]


# Cues of reported speech and publication, by their first word. A fixed list written for the scorer
# (not the analyzer's lexicon, so the split does not flatter the analyzer).
_REPORTING_FORMS = (
    "say says said saying", "tell tells told telling", "according", "add adds added adding",
    "state states stated statement", "announce announces announced announcement", "note notes noted",
    "explain explains explained", "write writes wrote written", "report reports reported",
    "claim claims claimed", "argue argues argued", "ask asks asked", "insist insists insisted",
    "acknowledge acknowledges acknowledged", "admit admits admitted", "declare declares declared",
    "warn warns warned", "suggest suggests suggested", "predict predicts predicted",
    "confirm confirms confirmed", "deny denies denied", "tweet tweets tweeted", "testify testifies testified",
    "recall recalls recalled", "reply replies replied", "respond responds responded",
    "describe describes described", "call calls called", "estimate estimates estimated",
    "show shows showed shown", "find finds found", "quote quotes quoted", "interview",
    "promise promises promised", "vow vows vowed",
)
REPORTING_CUES = frozenset(word for forms in _REPORTING_FORMS for word in forms.split())


def is_reporting_cue(cue: str) -> bool:
    words = cue.lower().split()
    return bool(words) and words[0].strip(".,;:\"“”'’") in REPORTING_CUES


def parse_speech_sources(ann: str) -> list[Span]:
    """Source spans of the attributions whose cue is reported speech or publication."""
    bounds = _text_bounds(ann)
    spans = []
    for line in ann.splitlines():
        parts = line.split("\t")
        if len(parts) < 2 or not parts[0].startswith("E"):
            continue
        roles = dict(arg.split(":", 1) for arg in parts[1].split()[1:] if ":" in arg)
        source, cue = bounds.get(roles.get("Source", "")), bounds.get(roles.get("Cue", ""))
        if source and cue and is_reporting_cue(cue[2]):
            spans.append(source[1])
    return spans


# --- scorers --------------------------------------------------------------------------------------

_UNCERTAIN_SOURCES = frozenset({"vague_group", "anonymous"})


def is_uncertain(findings: Iterable[Finding]) -> bool:
    return any(
        f.hedge_cues or f.source_type in _UNCERTAIN_SOURCES
        or (f.attribution is not None and f.attribution.source_type in _UNCERTAIN_SOURCES)
        for f in findings
    )


def score_hedge(analyzer: _Analyzer, sentences: Sequence[str], labels: Sequence[bool]) -> Score:
    errors: list[str] = []
    per = batch_sentences(analyzer, sentences, errors=errors)
    s = binary_score("conll2010-hedge", "uncertain sentence", labels, [is_uncertain(f) for f in per])
    s.errors = len(errors)
    return s


def score_claimbuster(analyzer: _Analyzer, sentences: Sequence[str], labels: Sequence[bool]) -> Score:
    errors: list[str] = []
    per = batch_sentences(analyzer, sentences, errors=errors)
    pred = [any(f.kind == "claim" for f in fs) for fs in per]
    s = binary_score("claimbuster", "check-worthy sentence", labels, pred)
    s.errors = len(errors)
    return s


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def span_counts(pred: Sequence[Span], gold: Sequence[Span]) -> tuple[int, int, int, int]:
    """``(pred matched, pred total, gold matched, gold total)`` with overlap matching."""
    pred = sorted(set(pred))
    gold = sorted(set(gold))
    pm = sum(1 for p in pred if any(overlaps(p, g) for g in gold))
    gm = sum(1 for g in gold if any(overlaps(p, g) for p in pred))
    return pm, len(pred), gm, len(gold)


def score_polnear(analyzer: _Analyzer, articles: Sequence[PolnearArticle], split: str) -> Score:
    pm = pt = gm = gt = sm = st = 0
    errors: list[str] = []
    for article in articles:
        text = article.text
        spans = [
            sp for f in source_findings(_findings(analyzer, text, errors))
            if (sp := source_span(text, f)) is not None
        ]
        a, b, c, d = span_counts(spans, article.sources)
        pm, pt, gm, gt = pm + a, pt + b, gm + c, gt + d
        _, _, c, d = span_counts(spans, article.speech_sources)
        sm, st = sm + c, st + d
    p = pm / pt if pt else 0.0
    r = gm / gt if gt else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    score = Score(
        f"polnear-{split}", "source span (overlap)", p, r, f, gt, tp=gm, fp=pt - pm, fn=gt - gm, errors=len(errors)
    )
    if st:
        score.speech_recall, score.speech_n = sm / st, st
        other = gt - st  # speech sources are a subset of the gold sources
        score.other_recall, score.other_n = ((gm - sm) / other if other else None), other
    return score


def recall_split(score: Score) -> str:
    """One line for a PolNeAR score: recall on reported speech and on the other attributions."""
    other = f"{score.other_recall:.3f}" if score.other_recall is not None else "-"
    return (
        f"recall on reported speech {score.speech_recall:.3f} (n={score.speech_n}), "
        f"on other attributions {other} (n={score.other_n})"
    )


# --- the desk set: the editor's scorer ------------------------------------------------------------

DESK_TARGETS = (  # (name in desk_score's rates, label, target, at least (True) or at most (False))
    ("must_recall", "must recall", 0.97, True),
    ("correct_rate", "correct", 0.92, True),
    ("precision", "precision", 0.95, True),
    ("dup_rate", "duplicates", 0.02, False),
    ("type_accuracy", "source-type accuracy", 0.95, True),
    ("basis_accuracy", "claim-basis accuracy", 0.85, True),
)


def desk_scorer(data: Path) -> Path | None:
    """``../shared/tools/desk_score.py`` beside the data folder, if it is there."""
    path = data.resolve().parent / "tools" / "desk_score.py"
    return path if path.is_file() and (data / "desk").is_dir() else None


def run_desk(data: Path, analyzer: str) -> tuple[dict | None, str]:
    """The desk scorer's report for ``factcheck check --json`` on each desk article, or (None, why not)."""
    scorer = desk_scorer(data)
    if scorer is None:
        return None, f"skipped: no {data.resolve().parent / 'tools' / 'desk_score.py'} or {data / 'desk'}"
    command = f"{sys.executable} -m bot check {{article}} --json" + (" --offline" if analyzer == "offline" else "")
    with tempfile.TemporaryDirectory() as cache:  # a fresh embedded Redis: no result from older rules
        env = {**os.environ, "XDG_CACHE_HOME": cache}
        env.pop("REDIS_URL", None)
        proc = subprocess.run(
            [sys.executable, str(scorer), str(data / "desk"), "--run", command, "--json"],
            capture_output=True, text=True, env=env, timeout=1800, check=False,
        )
    try:
        return json.loads(proc.stdout), ""
    except ValueError:
        return None, f"failed (exit {proc.returncode}): {proc.stderr.strip()[-300:]}"


def desk_table(report: dict) -> str:
    total = report["total"]
    x = total["rates"]
    head = (f"{'desk':<18} {'must rec':>8} {'correct':>8} {'prec':>6} {'dups':>6} {'type':>6} {'basis':>6} "
            f"{'items':>6} {'ungr':>5}")
    row = (f"{'TOTAL (micro)':<18} {x['must_recall']:8.3f} {x['correct_rate']:8.3f} {x['precision']:6.3f} "
           f"{x['dup_rate']:6.3f} {x['type_accuracy']:6.3f} {x['basis_accuracy']:6.3f} {total['items']:6d} "
           f"{total['ungrounded']:5d}")
    return "\n".join([head, row])


def targets(scores: Sequence[Score], desk: dict | None) -> list[str]:
    """One line per target: the figure, the target, and whether it holds."""
    lines = []
    for s in scores:
        if s.dataset.startswith("polnear") and s.speech_recall is not None:
            lines.append(_target(f"{s.dataset} reported-speech recall", s.speech_recall, 0.90, True))
            lines.append(_target(f"{s.dataset} source precision", s.precision, 0.80, True))
            lines.append(f"  {s.dataset} other attributions (beliefs, feelings) recall {s.other_recall or 0:.3f}: "
                         "printed, not a target")
        elif s.dataset == "claimbuster":
            lines.append(f"  claimbuster F1 {s.f1:.3f}: printed, no longer a target")
    if desk is not None:
        x = desk["total"]["rates"]
        for key, name, goal, at_least in DESK_TARGETS:
            lines.append(_target(f"desk {name}", x[key] or 0.0, goal, at_least))
        lines.append(_target("desk ungrounded spans", desk["total"]["ungrounded"], 0, False))
    return lines


def _target(name: str, value: float, goal: float, at_least: bool) -> str:
    ok = value >= goal if at_least else value <= goal
    return f"  {'ok  ' if ok else 'MISS'} {name} {value:.3f} ({'>=' if at_least else '<='} {goal})"


# --- CLI ------------------------------------------------------------------------------------------


def build_analyzer(kind: str) -> _Analyzer:
    if kind == "offline":
        from bot.analyzers.offline import OfflineAnalyzer

        return OfflineAnalyzer()
    try:
        from bot.config import Settings
        from bot.llm.checklist import LLMAnalyzer
    except ImportError as exc:
        raise SystemExit(
            f"--analyzer llm needs bot.llm.checklist.LLMAnalyzer and bot.config.Settings: {exc}"
        ) from exc
    return LLMAnalyzer(Settings.from_env())


def run(data: Path, analyzer: _Analyzer, limit: int | None = None) -> list[Score]:
    scores = []
    t = time.perf_counter()
    s = score_hedge(analyzer, *load_hedge(data, limit))
    s.seconds, t = time.perf_counter() - t, time.perf_counter()
    scores.append(s)
    s = score_claimbuster(analyzer, *load_claimbuster(data, limit))
    s.seconds, t = time.perf_counter() - t, time.perf_counter()
    scores.append(s)
    for split in ("train", "dev"):
        # For PolNeAR, --limit caps articles, not sentences (an article is one request per chunk).
        s = score_polnear(analyzer, load_polnear(data, split, limit and max(1, limit // 50)), split)
        s.seconds, t = time.perf_counter() - t, time.perf_counter()
        scores.append(s)
    return scores


def table(scores: Sequence[Score]) -> str:
    head = f"{'dataset':<18} {'metric':<24} {'P':>6} {'R':>6} {'F1':>6} {'n':>7} {'sec':>6} {'errors':>6}"
    rows = []
    for s in scores:
        rows.append(
            f"{s.dataset:<18} {s.metric:<24} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f} {s.n:7d} "
            f"{s.seconds:6.1f} {s.errors:6d}"
        )
        if s.speech_recall is not None:
            rows.append(f"{'':<18} {recall_split(s)}")
    return "\n".join([head, *rows])


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=Path("../shared/data"))
    ap.add_argument("--analyzer", choices=["offline", "llm"], default="offline")
    ap.add_argument("--json", type=Path, help="also write the scores here")
    ap.add_argument("--limit", type=int, help="score only the first N sentences (N/50 articles)")
    args = ap.parse_args(argv)
    if not args.data.is_dir():
        print(f"data folder not found: {args.data}", file=sys.stderr)
        return 2
    if args.analyzer == "llm" and not args.limit:
        print("note: --analyzer llm without --limit sends one request per 50 sentences", file=sys.stderr)
    scores = run(args.data, build_analyzer(args.analyzer), args.limit)
    print(table(scores))
    desk, why_not = (None, "skipped with --limit") if args.limit else run_desk(args.data, args.analyzer)
    print()
    print(desk_table(desk) if desk is not None else f"desk: {why_not}")
    print("\nTargets:")
    print("\n".join(targets(scores, desk)))
    if args.json:
        rows: list[dict] = [asdict(s) for s in scores]
        if desk is not None:
            rows.append({"desk": desk["total"]})
        args.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
