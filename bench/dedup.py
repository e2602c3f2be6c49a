"""Near-duplicate detection: accuracy on realistic republishing edits, speed, and the cost of
checking new documents against large persistent indexes.

    python bench/dedup.py                 # accuracy + speed + 100k index
    python bench/dedup.py --big 1000000   # also the 1M index (builds ~1.5 GB on disk, minutes)

Labelled set: every article body of ../shared/bench/aeb (ground truth) and id-news with at
least 80 words; for each body seven variants, one edit each: other header/footer chrome,
one to three sentences edited, one to three sentences added, one to three removed, one
paragraph moved, cut to its first 70%, quotes and white space changed. All documents are
shuffled and streamed through the index; a document flagged as a duplicate of an earlier
one is a true positive when both come from the same body. Recall counts the documents that
had an earlier member of their family in the stream.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scraper.dedup import DuplicateIndex, MemoryStore, SignatureParams  # noqa: E402
from scraper.dedup.index import Entry  # noqa: E402
from scraper.dedup.minhash import band_keys, params_for  # noqa: E402
from scraper.record import build_article  # noqa: E402
from scraper.store.state import State  # noqa: E402

SHARED = ROOT.parent / "shared" / "bench"
CHROME_HEAD = ["Home | News | Politics | Business | Sport | Tech", "Breaking News",
               "Follow us on Twitter and Facebook", "Advertisement"]
CHROME_FOOT = ["Share this article: Facebook Twitter WhatsApp", "Read more news on our app",
               "Copyright © 2024 Daily Media Group. All rights reserved.",
               "Subscribe to our newsletter for the latest updates"]


def bodies() -> list[str]:
    """Real article bodies from both labelled sets."""
    found = [v["articleBody"] for v in
             json.loads((SHARED / "aeb" / "ground-truth.json").read_text()).values()]
    for path in sorted((SHARED / "id-news" / "html").glob("*.json")):
        content = json.loads(path.read_text()).get("content")
        if content:
            found.append(content)
    return [b for b in found if len(re.findall(r"\w+", b)) >= 80]


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text) if s]


def variants(body: str, other: str, rng: random.Random) -> list[str]:
    """Seven realistic republications of `body` (`other` lends sentences to add)."""
    paras = [p for p in body.split("\n") if p.strip()]
    sents = _sentences(body)
    n = rng.randint(1, 3)
    out = []
    out.append("\n".join(rng.sample(CHROME_HEAD, 2) + paras + rng.sample(CHROME_FOOT, 2)))
    edited = sents[:]
    for i in rng.sample(range(len(edited)), min(n, len(edited))):
        ws = edited[i].split()
        for j in rng.sample(range(len(ws)), min(3, len(ws))):
            ws[j] = rng.choice(["reportedly", "new", "officials", "said", "the", "on Monday"])
        edited[i] = " ".join(ws)
    out.append(" ".join(edited))
    extra = _sentences(other)[:n]
    added = sents[:]
    for s in extra:
        added.insert(rng.randint(0, len(added)), s)
    out.append(" ".join(added))
    removed = sents[:]
    for _ in range(min(n, len(removed) - 1)):
        removed.pop(rng.randrange(len(removed)))
    out.append(" ".join(removed))
    moved = paras[:]
    if len(moved) > 1:
        moved.insert(rng.randrange(len(moved)), moved.pop(rng.randrange(len(moved))))
    out.append("\n".join(moved))
    out.append(body[: int(len(body) * 0.7)])
    out.append(re.sub(r"\s+", "  ", body.replace('"', "\u201c").replace("'", "\u2019")))
    return out


def labelled(seed: int = 7) -> tuple[int, list[tuple[int, str]]]:
    """(number of bodies, shuffled (family, text) documents)."""
    rng = random.Random(seed)
    base = bodies()
    docs: list[tuple[int, str]] = []
    for i, body in enumerate(base):
        docs.append((i, body))
        docs.extend((i, v) for v in variants(body, base[(i + 1) % len(base)], rng))
    rng.shuffle(docs)
    return len(base), docs


def speed_at(params: SignatureParams, threshold: float, words: int) -> float:
    """docs/s for signature + query + insert over the same documents cut to `words` words."""
    _, docs = labelled()
    articles = [build_article(source=f"doc{k}", text=" ".join(t.split()[:words]))
                for k, (_, t) in enumerate(docs)]
    index = DuplicateIndex(MemoryStore(), params, threshold)
    start = time.perf_counter()
    for verdict in index.check_many(articles):
        index.add(verdict)
    return len(articles) / (time.perf_counter() - start)


def memory_per_doc(params: SignatureParams, threshold: float) -> tuple[float, float]:
    """(bytes the in-memory index holds per document, after all are added; bytes of the
    index's own tables, whatever its size: the shingler's word table and powers), by
    tracemalloc."""
    import tracemalloc

    _, docs = labelled()
    articles = [build_article(source=f"doc{k}", text=t) for k, (_, t) in enumerate(docs)]
    verdicts = []
    tracemalloc.start()
    start = tracemalloc.get_traced_memory()[0]
    index = DuplicateIndex(MemoryStore(), params, threshold)
    for _ in index.check_many(articles[:8]):  # a check changes nothing: builds the tables
        pass
    before = tracemalloc.get_traced_memory()[0]
    for verdict in index.check_many(articles):
        index.add(verdict)
        verdicts.append(verdict)
    del verdicts  # what is left is what the index keeps
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return (after - before) / len(articles), before - start


def accuracy(params: SignatureParams, threshold: float) -> dict:
    n_bodies, docs = labelled()
    articles = [build_article(source=f"doc{k}", text=t) for k, (_, t) in enumerate(docs)]
    family = {a.id: fam for a, (fam, _) in zip(articles, docs)}
    index = DuplicateIndex(MemoryStore(), params, threshold)
    tp = fp = fn = 0
    seen_families: set[int] = set()
    start, cpu = time.perf_counter(), time.process_time()
    for article, verdict in zip(articles, index.check_many(articles)):
        fam = family[article.id]
        flagged = verdict.article.duplicate_of
        if flagged is not None:
            if family[flagged] == fam:
                tp += 1
            else:
                fp += 1
        if fam in seen_families and (flagged is None or family[flagged] != fam):
            fn += 1
        seen_families.add(fam)
        index.add(verdict)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    words = sum(a.word_count for a in articles)
    return {"bodies": n_bodies, "docs": len(docs), "precision": p, "recall": r,
            "words": words / len(docs), "words_per_s": words / elapsed,
            "f1": 2 * p * r / (p + r) if p + r else 0.0, "docs_per_s": len(docs) / elapsed,
            "docs_per_cpu_s": len(docs) / cpu}


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def persistent(size: int, params: SignatureParams, threshold: float) -> dict:
    """Build a SQLite index of `size` documents, then check and add 1,000 new documents in a
    fresh process-like state (a new connection): time and peak RSS of that step."""
    folder = Path(tempfile.mkdtemp(prefix="bench-dedup-"))
    rng = np.random.default_rng(3)
    start = time.perf_counter()
    with State.open(folder, params) as state:
        batch = 20_000
        for lo in range(0, size, batch):
            # Filler documents: random signatures stand in for unrelated articles (their bands
            # collide no more than real unrelated articles'); building real ones would take
            # the bench minutes per 100k without changing the lookup cost being measured.
            sigs = rng.integers(0, 2**32, size=(min(batch, size - lo), params.num_perm),
                                dtype=np.uint32)
            for k, sig in enumerate(sigs):
                state.add(Entry(f"f{lo + k:015x}", f"https://filler.example/{lo + k}",
                                f"{lo + k:064x}", sig, band_keys(sig, params)))
            state.commit()
    build_s = time.perf_counter() - start
    disk = sum(f.stat().st_size for f in folder.iterdir())
    # The check runs in a new process, as the next cron run would: its peak RSS is its own.
    out = subprocess.run([sys.executable, __file__, "--check", str(folder)], check=True,
                         capture_output=True, text=True).stdout
    check = json.loads(out)
    for f in folder.iterdir():
        f.unlink()
    folder.rmdir()
    return {"size": size, "build_s": build_s, "disk_bytes_per_doc": disk / size,
            "check_1000_s": check["seconds"], "peak_rss_mb": check["peak_rss_mb"]}


def check_new(folder: Path, params: SignatureParams, threshold: float) -> None:
    """Open the index in `folder`, check and add 1,000 new real bodies; print time and RSS."""
    texts = bodies()
    new = [build_article(source=f"new{i}", text=texts[i % len(texts)] + f" update {i}")
           for i in range(1000)]
    start = time.perf_counter()
    with State.open(folder, params) as state:
        index = DuplicateIndex(state, params, threshold)
        for verdict in index.check_many(new):
            index.add(verdict)
        state.commit()
    print(json.dumps({"seconds": time.perf_counter() - start, "peak_rss_mb": _rss_mb()}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--big", type=int, nargs="*", default=[100_000],
                    help="persistent index sizes to measure (default 100000)")
    ap.add_argument("--threshold", type=float, default=None)
    ap.add_argument("--check", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    from scraper.settings import DedupSettings

    defaults = DedupSettings()
    threshold = args.threshold if args.threshold is not None else defaults.threshold
    params = params_for(defaults)
    if args.check:
        check_new(args.check, params, threshold)
        return
    print(f"params: {params.describe()}  threshold={threshold}")
    acc = accuracy(params, threshold)
    print(f"accuracy: {acc['bodies']} bodies, {acc['docs']} docs: precision {acc['precision']:.4f}"
          f"  recall {acc['recall']:.4f}  F1 {acc['f1']:.4f}")
    print(f"speed: {acc['docs_per_s']:.0f} docs/s, {acc['words_per_s'] / 1000:.0f}k words/s "
          f"(signature + query + insert, in memory, one core; {acc['words']:.0f} words/doc); "
          f"{acc['docs_per_cpu_s']:.0f} docs per CPU second (the same pass, not counting "
          f"time the process waited for the core)")
    print(f"speed on the same documents cut to 400 words: "
          f"{speed_at(params, threshold, 400):.0f} docs/s")
    per_doc, tables = memory_per_doc(params, threshold)
    print(f"memory: {per_doc:.0f} bytes per document in the in-memory index, and "
          f"{tables / 1e6:.1f} MB of tables per index (tracemalloc)")
    for size in args.big:
        res = persistent(size, params, threshold)
        print(f"persistent index of {size:,} docs: built in {res['build_s']:.0f} s, "
              f"{res['disk_bytes_per_doc']:.0f} bytes/doc on disk; checking 1,000 new docs: "
              f"{res['check_1000_s']:.2f} s, peak RSS {res['peak_rss_mb']:.0f} MB")
        sys.stdout.flush()


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
