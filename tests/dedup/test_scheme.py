"""The signature scheme: republished versions are still found, and an index made with the
scheme before is refused with the command that rebuilds it, never mixed with new signatures."""

from __future__ import annotations

import random
import re
import sqlite3
from pathlib import Path

import pytest

from scraper.dedup import DuplicateIndex, MemoryStore
from scraper.extract import clean_text
from scraper.record import build_article
from scraper.settings import DedupSettings
from scraper.store.state import STATE_FILE, State
from tests.conftest import SEEDS, read_records, run_cli

#: What the index of a --state folder made before this scheme records (scraper 0.x, the
#: xxh32 of each shingle's bytes): the folders users have today.
OLD_SCHEME = "datasketch2-xxh32-words;perm=128;k=3;b=32;r=4;seed=1"


@pytest.fixture(scope="module")
def seeds() -> list:
    return [clean_text(p.read_text(encoding="utf-8"), p.name) for p in sorted(SEEDS.glob("*.txt"))]


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text) if s]


def republished(text: str, other: str, rng: random.Random) -> dict[str, str]:
    """The edits bench/dedup.py measures, one each (the old scheme found every one)."""
    paras = [p for p in text.split("\n") if p.strip()]
    sents = _sentences(text)
    edited = sents[:]
    for i in rng.sample(range(len(edited)), 3):
        words = edited[i].split()
        for j in rng.sample(range(len(words)), min(3, len(words))):
            words[j] = rng.choice(["kabarnya", "baru", "pejabat", "kata", "pada Senin"])
        edited[i] = " ".join(words)
    added = sents[:]
    for s in _sentences(other)[:3]:
        added.insert(rng.randint(0, len(added)), s)
    removed = sents[:]
    for _ in range(3):
        removed.pop(rng.randrange(len(removed)))
    moved = paras[:]
    moved.insert(rng.randrange(len(moved)), moved.pop(rng.randrange(len(moved))))
    return {
        "chrome": "\n".join(["Beranda | Nasional | Dunia", "Iklan", *paras,
                             "Bagikan: Facebook Twitter WhatsApp", "Hak cipta 2024"]),
        "edited": " ".join(edited), "added": " ".join(added), "removed": " ".join(removed),
        "moved": "\n".join(moved), "cut": text[:int(len(text) * 0.7)],
        "quotes": re.sub(r"\s+", "  ", text.replace('"', "\u201c").replace("'", "\u2019")),
    }


def test_every_republished_version_of_each_seed_is_found_and_no_other(seeds: list) -> None:
    rng = random.Random(3)
    index = DuplicateIndex.from_settings(MemoryStore(), DedupSettings())
    for verdict in index.check_many(seeds):
        assert verdict.reason is None
        index.add(verdict)
    for n, seed in enumerate(seeds):
        versions = republished(seed.text, seeds[(n + 1) % len(seeds)].text, rng)
        articles = [build_article(source=f"{n}-{edit}", text=text)
                    for edit, text in versions.items()]
        for edit, verdict in zip(versions, index.check_many(articles)):
            assert verdict.reason in ("near", "exact"), (seed.source, edit)
            assert verdict.article.duplicate_of == seed.id, (seed.source, edit)


def _old_folder(tmp_path: Path, seeds: list) -> tuple[Path, Path, Path]:
    """A --state folder whose index the scheme before made, as `scraper dedup RECORDS
    --state FOLDER -o OUT` leaves it: (folder, records, output)."""
    records, out, folder = tmp_path / "in.jsonl", tmp_path / "all.jsonl", tmp_path / "old"
    lines = "".join(a.to_json() + "\n" for a in seeds)
    records.write_text(lines, encoding="utf-8")
    out.write_text(lines, encoding="utf-8")
    with State.open(folder) as state:
        index = DuplicateIndex.from_settings(state, DedupSettings())
        for verdict in index.check_many(seeds):
            index.add(verdict)
        state.commit((out, out.stat().st_size))
    with sqlite3.connect(folder / STATE_FILE) as db:
        db.execute("UPDATE meta SET value = ? WHERE key = 'signature'", (OLD_SCHEME,))
    return folder, records, out


def test_an_index_of_the_old_scheme_is_refused_with_the_rebuild_command(
        tmp_path: Path, seeds: list) -> None:
    folder, records, out = _old_folder(tmp_path, seeds)
    before = out.read_bytes()
    done = run_cli("dedup", str(records), "--state", str(folder), "-o", str(out))
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert OLD_SCHEME in done.stderr and "cannot be compared" in done.stderr
    assert f"scraper dedup {out.resolve()} --state NEW_FOLDER" in done.stderr
    assert out.read_bytes() == before  # nothing written, nothing mixed into the old index
    with sqlite3.connect(folder / STATE_FILE) as db:
        assert db.execute("SELECT value FROM meta WHERE key = 'signature'").fetchone() == \
            (OLD_SCHEME,)
        assert db.execute("SELECT count(*) FROM docs").fetchone() == (5,)


def test_the_rebuild_command_carries_the_records_over(tmp_path: Path, seeds: list) -> None:
    _, records, out = _old_folder(tmp_path, seeds)
    new = tmp_path / "new"
    rebuilt = run_cli("dedup", str(out), "--state", str(new))  # its stdout: > /dev/null
    assert rebuilt.returncode == 0, rebuilt.stderr
    before = out.read_bytes()
    again = run_cli("dedup", str(records), "--state", str(new), "-o", str(out))
    assert again.returncode == 0, again.stderr
    assert "5 seen before" in again.stderr
    assert out.read_bytes() == before and len(read_records(out)) == 5
