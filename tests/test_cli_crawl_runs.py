"""`scraper crawl` as cron runs it: the exit rule, URLs that keep failing, summaries that
agree, Ctrl-C, messages, tracking parameters, settings and rule tables. The real CLI in a
subprocess against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from scraper.dedup.urls import url_key
from tests.conftest import ROOT, run_cli
from tests.conftest import read_records as records
from tests.httpd import FAST, LocalServer, add_story, article_html, rss, status, story


def json_summary(stderr: str) -> dict:
    (summary,) = [entry["summary"] for entry in map(json.loads, stderr.splitlines())
                  if "summary" in entry]
    return summary


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- item 3: the exit rule, and URLs that keep failing ---

def test_a_url_that_keeps_failing_backs_off_and_is_given_up(server: LocalServer,
                                                            tmp_path: Path, backend) -> None:
    add_story(server, "/read/ok", 1)
    server.routes["/read/down"] = status(500)
    # The same article twice, once with a tracking parameter: one URL, one warning.
    server.validated_page("/feed.xml", rss("/read/ok", "/read/down",
                                           "/read/down?utm_source=rss"), etag='"f1"')
    config = tmp_path / "scraper.toml"
    config.write_text("[fetch]\nretries = 0\n[crawl]\ngive_up_after = 3\n")
    out = tmp_path / "news.jsonl"
    args = ("crawl", server.base + "/feed.xml", *FAST, "--state", backend.at, "-o", str(out),
            "--config", str(config))
    runs = [run_cli(*args) for _ in range(4)]
    # Run 1: one article written, one failed: exit 0 (some articles failing is no cron
    # alarm). Run 2: the retry failed and nothing else was new, so nothing could be
    # written: exit 1. Run 3: waiting (tried again 2 runs after the 2nd failure). Run 4:
    # the 3rd failure gives it up: exit 0, and the feed is complete at last.
    assert [r.returncode for r in runs] == [0, 1, 0, 0], [r.stderr for r in runs]
    assert server.hits["/read/down"] == 3
    warnings = [l for l in runs[0].stderr.splitlines() if "/read/down" in l]
    assert warnings == [f"scraper: warning: {server.base}/read/down: HTTP 500"]
    assert "skipped 1: waiting to retry" in runs[2].stderr
    assert "given up after 3 failed runs" in runs[3].stderr
    assert "0 failed, 1 given up" in runs[3].stderr and "given up 1: HTTP 500" in runs[3].stderr
    assert len(records(out)) == 1
    with backend.open() as state:  # the feed is complete: its validators kept
        assert state.last_fetch(url_key(server.base + "/feed.xml")).etag == '"f1"'


# --- item 4: summaries that agree ---

TEXT_FIGURES = {"sources": "sources?", "sources_failed": "sources? failed", "fetched": "fetched",
                "written": "records? written", "duplicates": "duplicates?",
                "seen": "seen before", "unchanged": r"unchanged \(304\)", "empty": "without text",
                "skipped": "skipped", "failed": "failed", "given_up": "given up"}


def test_text_and_json_summaries_agree_and_totals_are_sums_of_hosts(server: LocalServer,
                                                                   tmp_path: Path) -> None:
    other = f"http://localhost:{server.server_address[1]}"  # a second host name
    add_story(server, "/read/1", 10)
    add_story(server, "/read/2", 11)
    server.routes["/read/3"] = status(503)
    server.page("/private/4", "<p>never fetched</p>")
    title, paras = story(12, paragraphs=6)
    pager = ('<div class="pagination">Halaman <a href="/multi">1</a> '
             '<a href="/multi?page=2">2</a></div>')
    server.page("/multi", article_html(title, paras[:3], pager=pager))
    server.page("/multi?page=2", article_html(title, paras[3:], pager=pager))
    server.page("/feed.xml", rss(f"{server.base}/read/1", f"{other}/read/2", f"{other}/read/3",
                                 f"{server.base}/private/4", f"{server.base}/multi",
                                 f"{other}/old", dates=("", "", "", "", "",
                                                        "Mon, 01 Jan 2001 00:00:00 +0000")))
    config = tmp_path / "scraper.toml"
    config.write_text("[fetch]\nretries = 0\n")
    result = run_cli("crawl", server.base + "/feed.xml", server.base + "/missing.xml", *FAST,
                     "--since", "2020-01-01", "--config", str(config), "--log-format", "json")
    summary = json_summary(result.stderr)
    # The text summary is these messages (text logs print them after "scraper: info: ").
    text = "\n".join("scraper: info: " + json.loads(line)["message"]
                     for line in result.stderr.splitlines())
    assert set(summary["hosts"]) == {"127.0.0.1", "localhost"}
    for figure in TEXT_FIGURES:
        if figure.startswith("sources"):
            continue
        assert summary[figure] == sum(h.get(figure, 0) for h in summary["hosts"].values()), figure
    for figure in ("skipped", "failed", "given_up"):
        assert summary[figure] == sum(summary[f"{figure}_by_reason"].values()), figure
    # feed + missing source + 3 articles + the later page; robots.txt in neither
    assert (summary["fetched"], summary["written"], summary["failed"], summary["skipped"]) == \
        (5, 3, 2, 2)
    assert summary["failed_by_reason"] == {"HTTP 404": 1, "HTTP 503": 1}
    assert summary["skipped_by_reason"] == {"disallowed by robots.txt": 1,
                                            "older than --since": 1}
    (first,) = [l for l in text.splitlines() if l.startswith("scraper: info: crawl:")]
    for figure, words in TEXT_FIGURES.items():
        found = re.search(rf"(\d+) {words}(,|$)", first)
        assert found and int(found.group(1)) == summary[figure], (figure, first)
    for host, counts in summary["hosts"].items():
        line = next(l for l in text.splitlines() if l.startswith(f"scraper: info:   {host}: "))
        for figure, n in counts.items():
            assert re.search(rf"\b{n} {TEXT_FIGURES[figure]}(,|$)", line), (host, figure, line)
    assert "?" not in summary["hosts"]


# --- item 5: Ctrl-C ---

def test_ctrl_c_stops_the_crawl_with_one_line_and_the_next_run_resumes(
        server: LocalServer, tmp_path: Path) -> None:
    paths = [f"/read/{i}" for i in range(10)]
    for i, path in enumerate(paths):
        title, paras = story(400 + i)
        page = article_html(title, paras).encode()
        server.routes[path] = (lambda body: lambda h: (time.sleep(0.1), h.send(200, body)))(page)
    server.page("/feed.xml", rss(*paths))
    state, out = tmp_path / "state", tmp_path / "news.jsonl"
    cmd = [sys.executable, "-m", "scraper", "crawl", server.base + "/feed.xml", *FAST,
           "--concurrency", "2", "--state", str(state), "-o", str(out)]
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    # Its own process group, as a shell gives a job; Ctrl-C signals the whole group.
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True,
                            process_group=0)
    deadline = time.monotonic() + 60
    while len(records(out)) < 2 and proc.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr, stderr
    assert [l for l in stderr.splitlines() if "interrupted" in l] == ["scraper: error: interrupted"]
    assert not _group_members(proc.pid), "a worker outlived the crawl"
    done = len(records(out))
    assert 2 <= done < len(paths)
    again = run_cli(*cmd[3:])
    assert again.returncode == 0, again.stderr
    urls = [r["url"] for r in records(out)]
    assert len(urls) == len(set(urls)) == len(paths)
    assert f"{done} seen before" in again.stderr


def _group_members(pgid: int) -> list[int]:
    time.sleep(0.5)
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(stat.parent.name))
    return members


# --- items 6 and 10: messages name what happened; tracking parameters are not requested ---

def test_messages_name_what_happened_and_tracking_parameters_are_not_requested(
        server: LocalServer, tmp_path: Path) -> None:
    down = f"http://127.0.0.1:{closed_port()}"
    add_story(server, "/read/1", 20)
    server.page("/feed.xml", rss("/read/1?id=5&utm_source=rss&utm_medium=feed&fbclid=x",
                                 f"{down}/read/2"))
    server.page("/nasional", '<html><body><nav><a href="/read/1">Satu</a> <a href="/read/2">'
                'Dua</a></nav></body></html>')
    config = tmp_path / "scraper.toml"
    config.write_text("[fetch]\nretries = 0\n")
    out = tmp_path / "out.jsonl"
    result = run_cli("crawl", server.base + "/feed.xml", server.base + "/nasional", *FAST,
                     "--config", str(config), "-o", str(out))
    assert result.returncode == 0, result.stderr
    # A host that cannot be reached is not a robots.txt refusal.
    assert f"{down}/read/2: robots.txt unreachable (connection refused)" in result.stderr
    assert "disallowed by robots.txt" not in result.stderr
    # A section page crawled without --follow, and a page without text, are named.
    assert f"{server.base}/nasional: an HTML page, read as one article" in result.stderr
    assert "--follow REGEX" in result.stderr
    assert f"scraper: warning: {server.base}/nasional: no article text found" in result.stderr
    # The page's own parameter is requested, the tracking ones are not.
    assert server.hits["/read/1?id=5"] == 1
    assert not [p for p in server.hits if "utm_" in p or "fbclid" in p]
    assert [r["url"] for r in records(out) if r["text"]] == [f"{server.base}/read/1?id=5"]


# --- item 11: settings and rule tables reach the crawl ---

def test_own_rule_table_and_clean_settings_apply_to_the_crawl(server: LocalServer,
                                                              tmp_path: Path) -> None:
    ad = ("Iklan rahasia khusus untuk pembaca setia: diskon besar menanti Anda di toko kami, "
          "kunjungi sekarang juga dan nikmati promonya bersama keluarga.")
    title, paras = story(40)
    server.page("/read/1", article_html(title, paras[:2] + [ad, "Harga Cabai Naik Lagi"]
                                        + paras[2:]))
    (tmp_path / "mine.toml").write_text("drop = ['iklan rahasia khusus.*']\n")
    config = tmp_path / "scraper.toml"
    config.write_text('[rules]\npaths = ["mine.toml"]\n[clean]\nlist_run = 1\n')
    mine = tmp_path / "mine.jsonl"
    result = run_cli("crawl", server.base + "/read/1", *FAST, "-o", str(mine),
                     "--config", str(config))
    assert result.returncode == 0, result.stderr
    (record,) = records(mine)  # extract tests show both lines stay without these settings
    assert paras[0] in record["text"]
    assert ad not in record["text"] and "Harga Cabai" not in record["text"]
