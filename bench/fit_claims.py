"""Fit the check-worthiness group weights in ``bot/analyzers/offline/claims.py`` on ClaimBuster.

    python -m bench.fit_claims --data ../shared/data [--write]

Input per sentence (``claims.unit_features``): for each feature group of ``claims.GROUPS``, how many
of its entries occur, plus the shape features ``claims.SHAPES``. Model: L2-regularised logistic
regression (AdaGrad, pure Python, deterministic). Reports 5-fold cross-validated P/R/F1 (fit on 4/5,
score the held-out 1/5, threshold chosen on the pooled out-of-fold scores) and the weights fitted on
all sentences. ``--write`` replaces the block between the "fitted by" markers in claims.py.
"""

from __future__ import annotations

import argparse
import math
import random
import re
from pathlib import Path

from bench.accuracy import load_claimbuster, prf
from bot.analyzers.offline import claims

EPOCHS = 25
L2 = 1e-3
RATE = 0.2


def featurize(sentence: str) -> dict[str, float]:
    return claims.unit_features(claims.prepare(sentence), 0, len(sentence))


def train(xs: list[dict[str, float]], ys: list[bool], seed: int = 0) -> tuple[dict[str, float], float]:
    w: dict[str, float] = {}
    g2: dict[str, float] = {}
    b, gb = 0.0, 1e-8
    order = list(range(len(xs)))
    rng = random.Random(seed)
    for _ in range(EPOCHS):
        rng.shuffle(order)
        for i in order:
            x = xs[i]
            z = b + sum(w.get(k, 0.0) * v for k, v in x.items())
            g = 1 / (1 + math.exp(-max(-30.0, min(30.0, z)))) - ys[i]
            gb += g * g
            b -= RATE * g / math.sqrt(gb)
            for k, v in x.items():
                wk = w.get(k, 0.0)
                gk = g * v + L2 * wk
                g2[k] = g2.get(k, 1e-8) + gk * gk
                w[k] = wk - RATE * gk / math.sqrt(g2[k])
    return w, b


def predict(w: dict[str, float], b: float, x: dict[str, float]) -> float:
    return b + sum(w.get(k, 0.0) * v for k, v in x.items())


def best_threshold(scores: list[float], ys: list[bool]) -> tuple[float, float]:
    best = (0.0, 0.0)
    for t in (x / 20 for x in range(-60, 41)):
        tp = sum(1 for s, y in zip(scores, ys, strict=True) if s >= t and y)
        fp = sum(1 for s, y in zip(scores, ys, strict=True) if s >= t and not y)
        best = max(best, (prf(tp, fp, sum(ys) - tp)[2], t))
    return best[1], best[0]


def cross_validate(xs: list[dict[str, float]], ys: list[bool], k: int = 5) -> tuple[float, list[str]]:
    perm = list(range(len(xs)))
    random.Random(42).shuffle(perm)
    folds = [perm[i::k] for i in range(k)]
    oof = [0.0] * len(xs)
    for held in folds:
        held_set = set(held)
        tr = [i for i in range(len(xs)) if i not in held_set]
        w, b = train([xs[i] for i in tr], [ys[i] for i in tr])
        for i in held:
            oof[i] = predict(w, b, xs[i])
    t, _ = best_threshold(oof, ys)
    lines = []
    for n, held in enumerate(folds):
        tp = sum(1 for i in held if oof[i] >= t and ys[i])
        fp = sum(1 for i in held if oof[i] >= t and not ys[i])
        fn = sum(1 for i in held if oof[i] < t and ys[i])
        lines.append(f"fold {n + 1}: P {prf(tp, fp, fn)[0]:.3f} R {prf(tp, fp, fn)[1]:.3f} F1 {prf(tp, fp, fn)[2]:.3f}")
    tp = sum(1 for s, y in zip(oof, ys, strict=True) if s >= t and y)
    fp = sum(1 for s, y in zip(oof, ys, strict=True) if s >= t and not y)
    p, r, f = prf(tp, fp, sum(ys) - tp)
    lines.append(f"pooled: P {p:.3f} R {r:.3f} F1 {f:.3f} at threshold {t}")
    return t, lines


def block(w: dict[str, float], b: float, t: float, cv: list[str]) -> str:
    names = [*claims.GROUPS, *claims.SHAPES]
    body = "\n".join(f"    {n!r}: {w.get(n, 0.0):.2f}," for n in names)
    note = "\n".join(f"    {line!r}," for line in cv)
    return (
        f"BIAS = {b:.2f}\nWEIGHTS: dict[str, float] = {{\n{body}\n}}\nTHRESHOLD = {t}\n"
        f"CV_NOTE = (  # python -m bench.fit_claims --data ../shared/data: 5-fold CV on ClaimBuster\n{note}\n)\n"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=Path("../shared/data"))
    ap.add_argument("--write", action="store_true", help="write the weights into claims.py")
    args = ap.parse_args(argv)
    sentences, labels = load_claimbuster(args.data)
    xs = [featurize(s) for s in sentences]
    t, cv = cross_validate(xs, labels)
    w, b = train(xs, labels)
    text = block(w, b, t, cv)
    print(text)
    if args.write:
        path = Path(claims.__file__)
        src = path.read_text(encoding="utf-8")
        rx = re.compile(r"(# --- fitted by bench/fit_claims\.py[^\n]*\n).*?(# -{20,}\n)", re.S)
        path.write_text(rx.sub(lambda m: m.group(1) + text + m.group(2), src, count=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
