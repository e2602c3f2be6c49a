"""`scraper crawl` given a site: sources discovered from a homepage, listings told from
articles, newest first, later runs taking only what is new, the outlet registry, and
`scraper sites`. The real CLI in a subprocess against local sites built here."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from tests.conftest import read_records as records
from tests.conftest import run_cli
from tests.httpd import FAST, LocalServer, article_html, story

NOW = datetime.now(timezone.utc).replace(microsecond=0)


def ago(hours: float) -> str:
    """An ISO 8601 date-time `hours` before now, in WIB."""
    return (NOW - timedelta(hours=hours)).astimezone(timezone(timedelta(hours=7))).isoformat()


def add_article(site: LocalServer, path: str, seed: int, hours_ago: float) -> str:
    """An article page (og:type article) published `hours_ago`; returns its title."""
    title, paras = story(seed)
    page = article_html(title, paras, published=ago(hours_ago)).replace(
        "<head>", '<head><meta property="og:type" content="article">', 1)
    site.page(path, page)
    return title


def homepage(links: list[str], *, feeds: tuple[str, ...] = (), extra: str = "") -> str:
    """A news homepage: a nav, cards of article links with short teasers, a footer."""
    heads = "".join(f'<link rel="alternate" type="application/rss+xml" href="{f}">'
                    for f in feeds)
    cards = "".join(f'<div class="card"><h3><a href="{u}">Judul berita nomor {i} hari '
                    f'ini</a></h3><p>Ringkasan singkat berita nomor {i}.</p></div>'
                    for i, u in enumerate(links))
    return f"""<!DOCTYPE html><html lang="id"><head><meta charset="utf-8">
<title>Kabar Lokal - Berita Terkini</title>{heads}
<meta property="og:type" content="website"></head><body>
<nav><a href="/">Beranda</a> <a href="/nasional">Nasional</a> <a href="/tentang-kami">Tentang</a></nav>
<main>{cards}{extra}</main><footer><a href="/privacy">Privasi</a> Kabar Lokal</footer>
</body></html>"""


def urlset(entries: list[tuple[str, str]], *, news: bool = False) -> str:
    """A sitemap of (path, date) entries: a Google News one or a general one."""
    if news:
        body = "".join(f"<url><loc>{u}</loc><news:news><news:publication><news:name>Kabar"
                       f"</news:name><news:language>id</news:language></news:publication>"
                       f"<news:publication_date>{d}</news:publication_date></news:news></url>"
                       for u, d in entries)
        ns = ' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"'
    else:
        body = "".join(f"<url><loc>{u}</loc><lastmod>{d}</lastmod></url>" for u, d in entries)
        ns = ""
    return (f'<?xml version="1.0" encoding="UTF-8"?><urlset '
            f'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"{ns}>{body}</urlset>')


def sitemap_index(children: list[tuple[str, str]]) -> str:
    body = "".join(f"<sitemap><loc>{u}</loc><lastmod>{d}</lastmod></sitemap>"
                   for u, d in children)
    return ('<?xml version="1.0" encoding="UTF-8"?><sitemapindex '
            f'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{body}</sitemapindex>')


def xml(site: LocalServer, path: str, text: str) -> None:
    site.page(path, text, "application/xml")


def robots(site: LocalServer, *sitemaps: str) -> None:
    site.page("/robots.txt", "User-agent: *\nDisallow: /private/\n"
              + "".join(f"Sitemap: {site.base}{s}\n" for s in sitemaps), "text/plain")


@pytest.fixture
def site():
    srv = LocalServer().start()
    yield srv
    srv.stop()


def crawl(site: LocalServer, tmp_path: Path, *args: str, url: str = "/"):
    out = tmp_path / "news.jsonl"
    result = run_cli("crawl", site.base + url, *FAST, "-o", str(out), "--log-format", "json",
                     *args)
    return result, out


def summary_of(stderr: str) -> dict:
    (summary,) = [e["summary"] for e in map(json.loads, stderr.splitlines()) if "summary" in e]
    return summary


def titles(out: Path) -> set[str]:
    return {r["title"] for r in records(out)}


def test_robots_sitemap_index_of_monthly_archives_read_newest_first_within_the_window(
        site: LocalServer, tmp_path: Path) -> None:
    robots(site, "/sitemap_index.xml")
    site.page("/", homepage([]))
    month = NOW.strftime("%Y-%m")
    xml(site, "/sitemap_index.xml", sitemap_index([
        ("/sitemap-2019-01.xml", "2019-01-31"), (f"/sitemap-{month}.xml", ago(1)),
        ("/sitemap-2020-06.xml", "2020-06-30")]))
    fresh = [add_article(site, f"/read/{n}/berita-baru", n, hours_ago=n * 10) for n in (1, 2, 3)]
    old = add_article(site, "/read/9/berita-lama", 9, hours_ago=24 * 10)
    xml(site, f"/sitemap-{month}.xml", urlset(
        [(f"/read/{n}/berita-baru", ago(n * 10)) for n in (1, 2, 3)]
        + [("/read/9/berita-lama", ago(24 * 10))]))
    result, out = crawl(site, tmp_path)
    assert result.returncode == 0, result.stderr
    assert titles(out) == set(fresh) and old not in titles(out)
    # Archives older than the first run's window (3 days) are not even fetched.
    assert site.hits["/sitemap-2019-01.xml"] == site.hits["/sitemap-2020-06.xml"] == 0
    assert site.hits["/read/9/berita-lama"] == 0
    summary = summary_of(result.stderr)
    assert summary["discovered"] == {"sitemaps (robots.txt)": 1}
    assert summary["skipped_by_reason"]["older than the site's window"] == 1
    # The homepage is a listing: searched for sources, not written.
    assert all(r["url"] != site.base + "/" for r in records(out))
    # Robots sitemaps found: the usual paths are not tried.
    assert site.hits["/sitemap.xml"] == site.hits["/feed"] == 0


def test_a_homepage_with_feed_links_only(site: LocalServer, tmp_path: Path) -> None:
    site.page("/robots.txt", "User-agent: *\n", "text/plain")
    one = add_article(site, "/berita/2024/satu", 1, hours_ago=2)
    two = add_article(site, "/berita/2024/dua", 2, hours_ago=3)
    site.page("/", homepage([], feeds=("/rss/terkini.xml",)))
    site.page("/rss/terkini.xml", _rss([("/berita/2024/satu", 2), ("/berita/2024/dua", 3)]),
              "application/rss+xml")
    result, out = crawl(site, tmp_path)
    assert result.returncode == 0, result.stderr
    assert titles(out) == {one, two}
    assert summary_of(result.stderr)["discovered"] == {"feeds (link)": 1}
    assert site.hits["/sitemap.xml"] == 0


def _rss(entries: list[tuple[str, float]]) -> str:
    from email.utils import format_datetime

    items = "".join(f"<item><title>t</title><link>{u}</link><pubDate>"
                    f"{format_datetime(NOW - timedelta(hours=h))}</pubDate></item>"
                    for u, h in entries)
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>f</title>{items}</channel></rss>'


def test_article_links_only_tag_and_search_pages_followed_not_written_and_a_second_run(
        site: LocalServer, tmp_path: Path) -> None:
    site.page("/robots.txt", "User-agent: *\n", "text/plain")
    links = [f"/read/1000{n}/banjir-melanda-kota-lama" for n in range(1, 4)]
    written = {add_article(site, link, n, hours_ago=n) for n, link in enumerate(links, 1)}
    # A tag page and a search page: listings whose articles are crawled too.
    tagged = add_article(site, "/read/10007/berita-dari-halaman-tag", 7, hours_ago=5)
    found = add_article(site, "/read/10008/berita-dari-halaman-pencarian", 8, hours_ago=6)
    site.page("/tag/banjir", homepage(["/read/10007/berita-dari-halaman-tag", *links]))
    site.page("/search", homepage(["/read/10008/berita-dari-halaman-pencarian"]))
    site.page("/", homepage(links + ["/tag/banjir", "/search?q=banjir", "/tentang-kami"]))
    state = tmp_path / "state"
    result, out = crawl(site, tmp_path, "--state", str(state))
    assert result.returncode == 0, result.stderr
    assert titles(out) == written | {tagged, found}
    summary = summary_of(result.stderr)
    assert summary["skipped_by_reason"] == {"not an article": 2}
    assert summary["discovered"] == {"page links": 3, "usual paths tried": 7}
    assert site.hits["/tentang-kami"] == 0  # the site's own pages are no articles
    for path in ("/sitemap.xml", "/sitemap_index.xml", "/news-sitemap.xml", "/feed", "/rss",
                 "/rss.xml", "/index.xml"):
        assert site.hits[path] == 1, path
    # A new story on the homepage: the next run fetches it and nothing seen before, and
    # does not try the usual paths again (the state remembers they are missing).
    new = add_article(site, "/read/10004/banjir-melanda-kota-lama", 4, hours_ago=0.5)
    site.page("/", homepage(["/read/10004/banjir-melanda-kota-lama", *links]))
    again = run_cli("crawl", site.base + "/", *FAST, "--state", str(state), "-o", str(out),
                    "--log-format", "json")
    assert again.returncode == 0, again.stderr
    assert [r["title"] for r in records(out)][-1] == new and len(records(out)) == 6
    assert site.hits["/read/10001/banjir-melanda-kota-lama"] == 1
    assert site.hits["/sitemap.xml"] == site.hits["/feed"] == 1


def test_a_news_sitemap_wins_over_a_general_one(site: LocalServer, tmp_path: Path) -> None:
    robots(site, "/sitemap.xml", "/sitemap-news.xml")
    site.page("/", homepage([]))
    news = add_article(site, "/read/1/berita-kilat", 1, hours_ago=1)
    add_article(site, "/read/2/halaman-lama-umum", 2, hours_ago=2)
    xml(site, "/sitemap-news.xml", urlset([("/read/1/berita-kilat", ago(1))], news=True))
    xml(site, "/sitemap.xml", urlset([("/read/2/halaman-lama-umum", ago(2)),
                                      ("/read/1/berita-kilat", ago(1))]))
    result, out = crawl(site, tmp_path)
    assert result.returncode == 0, result.stderr
    assert titles(out) == {news}
    assert site.hits["/read/2/halaman-lama-umum"] == 0
    assert summary_of(result.stderr)["discovered"] == {
        "news sitemaps (robots.txt)": 1, "passed over": 1, "sitemaps (robots.txt)": 1}


def _dated_site(site: LocalServer, hours: list[int]) -> dict[int, str]:
    robots(site, "/news.xml")
    # The homepage answers 304 when asked with its ETag: later runs must still read the
    # sitemap it leads to.
    site.validated_page("/", homepage([]))
    xml(site, "/news.xml", urlset([(f"/read/{h}/berita-jam-{h}", ago(h)) for h in hours],
                                  news=True))
    return {h: add_article(site, f"/read/{h}/berita-jam-{h}", h, hours_ago=h) for h in hours}


def test_max_pages_takes_the_newest_and_a_second_run_only_what_is_new(
        site: LocalServer, tmp_path: Path) -> None:
    by_age = _dated_site(site, [30, 5, 50, 1, 12, 20])  # listed in no order
    state = tmp_path / "state"
    result, out = crawl(site, tmp_path, "--max-pages", "3", "--state", str(state))
    assert result.returncode == 0, result.stderr
    assert titles(out) == {by_age[1], by_age[5], by_age[12]}
    # The next run takes the next newest; then two new stories appear and only they are
    # fetched.
    again, _ = crawl(site, tmp_path, "--max-pages", "3", "--state", str(state))
    assert titles(out) == set(by_age.values()), again.stderr
    newer = _dated_site(site, [30, 5, 50, 1, 12, 20, 0, 2])
    third, _ = crawl(site, tmp_path, "--state", str(state))
    assert third.returncode == 0, third.stderr
    assert len(records(out)) == 8 and {r["title"] for r in records(out)[-2:]} == {
        newer[0], newer[2]}
    assert all(site.hits[f"/read/{h}/berita-jam-{h}"] == 1 for h in by_age)


def test_dry_run_prints_the_sources_and_fetches_no_article(site: LocalServer,
                                                           tmp_path: Path) -> None:
    _dated_site(site, [1, 2])
    result, out = crawl(site, tmp_path, "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "news sitemap" in result.stdout and f"{site.base}/news.xml" in result.stdout
    assert "2 pages" in result.stdout
    assert site.hits["/read/1/berita-jam-1"] == 0 and not out.exists()


def test_discover_feeds_only_leaves_sitemaps_alone(site: LocalServer, tmp_path: Path) -> None:
    _dated_site(site, [1])
    result, _ = crawl(site, tmp_path, "--discover", "feeds")
    assert result.returncode == 1  # no feed on this site: the homepage gave no source
    assert site.hits["/news.xml"] == 0
    assert "no feed or sitemap found" in result.stderr
    bad = run_cli("crawl", site.base + "/", "--discover", "rss")
    assert bad.returncode == 2 and "unknown step(s) rss" in bad.stderr


def test_a_registry_entry_through_site_and_sites_check(site: LocalServer,
                                                       tmp_path: Path) -> None:
    by_age = _dated_site(site, [1, 2])
    registry = tmp_path / "mine.toml"
    registry.write_text(f'[kabar]\nname = "Kabar Lokal"\nhomepage = "{site.base}/"\n'
                        'language = "id"\ntimezone = "Asia/Jakarta"\n')
    out = tmp_path / "news.jsonl"
    result = run_cli("crawl", "--site", "kabar", "--registry", str(registry), *FAST,
                     "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert titles(out) == set(by_age.values())
    listed = run_cli("sites", "--registry", str(registry))
    assert listed.returncode == 0 and "kabar" in listed.stdout and "detik" in listed.stdout
    check = run_cli("sites", "check", "kabar", "--registry", str(registry), *FAST)
    assert check.returncode == 0, check.stderr
    row = [line for line in check.stdout.splitlines() if line.startswith("kabar")]
    assert row and row[0].split()[1:4] == ["0", "1", "2"]  # feeds, sitemaps, articles
    unknown = run_cli("crawl", "--site", "detk")
    assert unknown.returncode == 2 and "did you mean detik" in unknown.stderr


def test_a_narrower_since_or_a_failing_source_keeps_the_sites_window(
        site: LocalServer, tmp_path: Path) -> None:
    by_age = _dated_site(site, [1, 30])
    state = tmp_path / "state"
    since = (NOW - timedelta(hours=3)).isoformat()
    result, out = crawl(site, tmp_path, "--state", str(state), "--since", since)
    assert titles(out) == {by_age[1]}, result.stderr
    # The run read only 3 hours back: the next one still reads the site's whole window.
    again, _ = crawl(site, tmp_path, "--state", str(state))
    assert titles(out) == set(by_age.values()), again.stderr


def test_a_usual_path_that_fails_for_now_is_tried_again(site: LocalServer,
                                                        tmp_path: Path) -> None:
    from tests.httpd import status

    site.page("/robots.txt", "User-agent: *\n", "text/plain")
    site.routes["/feed"] = status(503)
    links = [f"/read/2000{n}/kabar-terbaru-dari-kota" for n in range(1, 4)]
    for n, link in enumerate(links, 1):
        add_article(site, link, 30 + n, hours_ago=n)
    site.page("/", homepage(links))
    state = tmp_path / "state"
    for _ in range(2):
        result, out = crawl(site, tmp_path, "--state", str(state), "--config",
                            str(_no_retries(tmp_path)))
        assert result.returncode == 0, result.stderr
    assert len(records(out)) == 3
    assert site.hits["/feed"] == 2 and site.hits["/rss"] == 1  # 503: again; 404: never


def _no_retries(tmp_path: Path) -> Path:
    config = tmp_path / "scraper.toml"
    config.write_text("[fetch]\nretries = 0\n")
    return config
