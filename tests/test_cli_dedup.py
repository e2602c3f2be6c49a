"""`scraper dedup` and cron-grade state: real subprocesses, real SQLite files, real SIGKILL."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from scraper.record import build_article
from scraper.store import RunLock
from tests.conftest import ROOT, SEEDS, run_cli


def _write_records(path: Path, articles) -> None:
    path.write_text("".join(a.to_json() + "\n" for a in articles), encoding="utf-8")


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _distinct_articles(n: int, seed: int = 1) -> list:
    """`n` different articles: 150-word texts drawn from the seeds' own vocabulary."""
    vocab = sorted({w for p in SEEDS.glob("*.txt") for w in p.read_text().split()})
    rng = random.Random(seed)
    return [build_article(source=f"gen{i}", text=" ".join(rng.choices(vocab, k=150)),
                          url=f"https://contoh.id/berita/{i}") for i in range(n)]


def test_dedup_drops_duplicates_and_reports_clusters(tmp_path: Path) -> None:
    articles = _distinct_articles(3)
    copy = build_article(source="copy", text="Judul lain\n" + articles[0].text,
                         url="https://lain.id/berita/copy")
    same_url = build_article(source="amp", text="teks lain sama sekali",
                             url="https://www.contoh.id/berita/1/?utm_source=x")
    _write_records(tmp_path / "a.jsonl", articles)
    _write_records(tmp_path / "b.jsonl", [copy, same_url])
    report = tmp_path / "clusters.json"
    result = run_cli("dedup", str(tmp_path / "a.jsonl"), str(tmp_path / "b.jsonl"),
                     "--report", str(report), "-o", str(tmp_path / "out.jsonl"))
    assert result.returncode == 0, result.stderr
    assert [r["id"] for r in _lines(tmp_path / "out.jsonl")] == [a.id for a in articles]
    clusters = {c["id"]: c for c in json.loads(report.read_text())["clusters"]}
    assert clusters[articles[0].id]["duplicates"][0]["reason"] == "near"
    assert clusters[articles[1].id]["duplicates"][0]["reason"] == "url"

    kept = run_cli("dedup", str(tmp_path / "a.jsonl"), str(tmp_path / "b.jsonl"),
                   "--keep-duplicates")
    marked = [json.loads(line) for line in kept.stdout.splitlines()]
    assert len(marked) == 5 and marked[3]["duplicate_of"] == articles[0].id
    assert 0.5 <= marked[3]["similarity"] <= 1.0


def test_bad_lines_are_reported_and_the_rest_kept(tmp_path: Path) -> None:
    good = _distinct_articles(2)
    path = tmp_path / "mixed.jsonl"
    path.write_text(good[0].to_json() + "\n{not json\n" + '{"schema_version": 99}\n'
                    + good[1].to_json() + "\n", encoding="utf-8")
    result = run_cli("dedup", str(path))
    assert result.returncode == 1
    assert "mixed.jsonl:2: not a record" in result.stderr
    assert "mixed.jsonl:3: not a record: schema_version 99" in result.stderr
    assert len(result.stdout.splitlines()) == 2 and "Traceback" not in result.stderr


def test_second_run_on_the_same_state_emits_nothing_new(tmp_path: Path, backend) -> None:
    first, second = _distinct_articles(6)[:4], _distinct_articles(6)[4:]
    _write_records(tmp_path / "monday.jsonl", first)
    _write_records(tmp_path / "tuesday.jsonl", first[2:] + second)
    out = tmp_path / "all.jsonl"
    for name in ("monday.jsonl", "tuesday.jsonl", "tuesday.jsonl"):
        result = run_cli("dedup", str(tmp_path / name), "--state", backend.at, "-o", str(out))
        assert result.returncode == 0, result.stderr
    assert [r["id"] for r in _lines(out)] == [a.id for a in first + second]
    assert "0 records written, 0 duplicates, 4 seen before" in result.stderr


def test_a_second_run_is_refused_while_one_holds_the_lock(tmp_path: Path) -> None:
    _write_records(tmp_path / "r.jsonl", _distinct_articles(1))
    state = tmp_path / "state"
    with RunLock(state):
        result = run_cli("dedup", str(tmp_path / "r.jsonl"), "--state", str(state))
    assert result.returncode == 75
    assert f"PID {os.getpid()}" in result.stderr and "Traceback" not in result.stderr
    # The holder is gone: its lock is free again at once.
    assert run_cli("dedup", str(tmp_path / "r.jsonl"), "--state", str(state)).returncode == 0


def test_stale_lock_of_a_killed_run_is_recovered(tmp_path: Path) -> None:
    state = tmp_path / "state"
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; from pathlib import Path; from scraper.store import RunLock\n"
        f"with RunLock(Path({str(state)!r})):\n    print('held', flush=True); time.sleep(60)")],
        cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    _write_records(tmp_path / "r.jsonl", _distinct_articles(1))
    assert run_cli("dedup", str(tmp_path / "r.jsonl"), "--state", str(state)).returncode == 75
    holder.kill()
    holder.wait()
    assert (state / "lock").exists()  # the file stays; the kernel dropped the lock
    assert run_cli("dedup", str(tmp_path / "r.jsonl"), "--state", str(state)).returncode == 0


def test_sigkill_at_any_moment_loses_nothing_and_writes_nothing_twice(tmp_path: Path) -> None:
    articles = _distinct_articles(2500, seed=5)
    # Every tenth article is republished right after with one more sentence: those must stay
    # out across the kills too.
    stream = []
    for i, article in enumerate(articles):
        stream.append(article)
        if i % 10 == 0:
            stream.append(build_article(source=f"re{i}", text=article.text + " Tambahan berita.",
                                        url=f"https://lain.id/{i}"))
    records = tmp_path / "in.jsonl"
    _write_records(records, stream)
    state, out = tmp_path / "state", tmp_path / "out.jsonl"
    cmd = [sys.executable, "-m", "scraper", "-q", "dedup", str(records),
           "--state", str(state), "-o", str(out)]
    kills = 0
    for delay in (0.9, 0.4, 1.3, 0.2, 0.7):
        proc = subprocess.Popen(cmd, cwd=ROOT, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 30
        while (not out.exists() or out.stat().st_size == 0) and proc.poll() is None:
            assert time.monotonic() < deadline
            time.sleep(0.01)
        time.sleep(delay * random.random())
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait()
    final = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert final.returncode == 0, final.stderr
    assert kills >= 2, "the run finished before it could be killed: make it longer"
    ids = [r["id"] for r in _lines(out)]
    assert len(ids) == len(set(ids)), "a record was written twice"
    assert ids == [a.id for a in articles], "a record was lost or a duplicate kept"
