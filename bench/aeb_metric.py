"""The Article Extraction Benchmark's own metric (see ../shared/bench/README.md).

Tokens are re.findall(r"\\w+"), case kept; units are overlapping 4-token shingles counted as
multisets. Per page TP = min(true, pred), FP = excess predicted, FN = excess true.
P = TP/(TP+FP), R = TP/(TP+FN) (1 when there is no error; P = 0 for an empty prediction).
Corpus P and R are means over pages; F1 = 2PR/(P+R) of the means. Accuracy is the share of
pages whose token sequence equals the truth exactly.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

_TOKEN = re.compile(r"\w+")
SHINGLE = 4


def _shingles(text: str) -> Counter:
    tokens = _TOKEN.findall(text)
    if len(tokens) < SHINGLE:
        return Counter([tuple(tokens)]) if tokens else Counter()
    return Counter(tuple(tokens[i:i + SHINGLE]) for i in range(len(tokens) - SHINGLE + 1))


def page_scores(truth: str, pred: str) -> tuple[float, float, bool]:
    """(precision, recall, exact) for one page."""
    t, p = _shingles(truth), _shingles(pred)
    tp = sum((t & p).values())
    fp = sum((p - t).values())
    fn = sum((t - p).values())
    if fp == 0 and fn == 0:
        precision = recall = 1.0
    else:
        precision = tp / (tp + fp) if (tp + fp) and p else 0.0
        recall = tp / (tp + fn) if (tp + fn) else 1.0
    return precision, recall, _TOKEN.findall(truth) == _TOKEN.findall(pred)


@dataclass
class Score:
    precision: float
    recall: float
    f1: float
    accuracy: float
    pages: int


def corpus_score(pairs: list[tuple[str, str]]) -> Score:
    """Score (truth, prediction) pairs the benchmark's way."""
    if not pairs:
        return Score(0, 0, 0, 0, 0)
    results = [page_scores(t, p) for t, p in pairs]
    precision = sum(r[0] for r in results) / len(results)
    recall = sum(r[1] for r in results) / len(results)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    accuracy = sum(r[2] for r in results) / len(results)
    return Score(precision, recall, f1, accuracy, len(results))
