"""Benchmark the text cleaner: documents per second and where the time goes.

Run: .venv/bin/python bench/clean.py [--repeat N]
Cleans the seed dumps N times (default 200 -> 1,000 documents) in one process and prints
docs/s, ms/doc and the ten functions with the most cumulative time (cProfile).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import time
from pathlib import Path

from scraper import clean_text

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    docs = [(p.name, p.read_text(encoding="utf-8")) for p in sorted(SEEDS.glob("*.txt"))]
    clean_text(docs[0][1], "warm-up")  # load the language model and dateparser once

    start = time.perf_counter()
    for _ in range(args.repeat):
        for name, text in docs:
            clean_text(text, name)
    elapsed = time.perf_counter() - start
    n = args.repeat * len(docs)
    print(f"text cleaner: {n} docs in {elapsed:.2f} s = {n / elapsed:,.0f} docs/s, "
          f"{1000 * elapsed / n:.2f} ms/doc (one process)")

    profile = cProfile.Profile()
    profile.enable()
    for name, text in docs * 20:
        clean_text(text, name)
    profile.disable()
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(12)
    print("\nwhere the time goes (cProfile, cumulative):")
    print("\n".join(out.getvalue().splitlines()[:30]))


if __name__ == "__main__":
    main()
