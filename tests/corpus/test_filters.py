"""Which archived pages become records: the page rules, then --domain, --since, --until and
--lang, each with the reason it is counted under."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from scraper.corpus import WarcHead
from scraper.corpus.filters import (
    PageFilter,
    in_domains,
    parse_bound,
    parse_domains,
    parse_languages,
)
from scraper.errors import InputError, UsageError
from scraper.record import build_article


def head(uri: str = "https://news.detik.com/a", *, status: int | None = 200,
         content_type: str = "text/html; charset=utf-8",
         date: str | None = "2024-05-31T23:00:00+00:00") -> WarcHead:
    return WarcHead(uri=uri, date=datetime.fromisoformat(date) if date else None, status=status,
                    headers={"content-type": content_type} if content_type else {},
                    offset=0, length=10)


def test_domains_keep_the_host_and_its_subdomains_only() -> None:
    domains = parse_domains(["detik.com", "*.id", "https://www.Kompas.com/news"])
    assert domains == {"detik.com", "id", "www.kompas.com"}
    assert in_domains("https://news.detik.com/x", domains)
    assert in_domains("https://detik.com/", domains)
    assert in_domains("https://www.antaranews.co.id/berita", domains)
    assert not in_domains("https://notdetik.com/", domains)
    assert not in_domains("https://kompas.com/", domains)  # www.kompas.com was asked for
    assert not in_domains("not a url", domains)


def test_a_domain_file_lists_one_a_line(tmp_path: Path) -> None:
    listed = tmp_path / "domains.txt"
    listed.write_text("# Indonesian outlets\ndetik.com\n\n  kompas.com  \n", encoding="utf-8")
    assert parse_domains([f"@{listed}", "tempo.co"]) == {"detik.com", "kompas.com", "tempo.co"}
    with pytest.raises(InputError, match="missing.txt: cannot read the domain list"):
        parse_domains([f"@{tmp_path / 'missing.txt'}"])


@pytest.mark.parametrize("value", ["", "*.", "detik com", "a/b?c"])
def test_what_is_no_domain_is_bad_usage(value: str) -> None:
    with pytest.raises(UsageError, match="is not a domain"):
        parse_domains([value])


def test_date_bounds_include_the_whole_day_given() -> None:
    assert parse_bound("2024-05-01", "--since") == datetime(2024, 5, 1, tzinfo=UTC)
    until = parse_bound("2024-05-31", "--until", end=True)
    assert until.date().isoformat() == "2024-05-31" and until.hour == 23 and until.tzinfo
    assert parse_bound("2024-05-01T06:00+07:00", "--since").isoformat() == \
        "2024-05-01T06:00:00+07:00"
    with pytest.raises(UsageError, match="--until: 'mei' is not an ISO 8601 date"):
        parse_bound("mei", "--until")


def test_the_users_filters_come_before_the_page_rules_each_with_its_reason() -> None:
    pages = PageFilter(domains=parse_domains(["detik.com"]),
                       since=parse_bound("2024-05-01", "--since"),
                       until=parse_bound("2024-05-31", "--until", end=True))
    assert pages.skip_record(head()) is None
    assert pages.skip_record(head("https://kompas.com/a", status=404)) == "outside --domain"
    assert pages.skip_record(head(date="2024-04-30T23:59:59+00:00")) == "before --since"
    assert pages.skip_record(head(date="2024-06-01T00:00:00+00:00")) == "after --until"
    assert pages.skip_record(head(date=None)) == "no WARC-Date (--since)"
    assert pages.skip_record(head(status=404)) == "HTTP 404"
    assert pages.skip_record(head(content_type="image/jpeg")) == "not HTML (image/jpeg)"
    assert pages.skip_record(head(content_type="")) is None  # sniffed after reading
    assert PageFilter().skip_record(head(status=301)) == "HTTP 301"


def test_languages_are_checked_on_the_record() -> None:
    pages = PageFilter(languages=parse_languages(["id,ms", "EN"]))
    assert pages.languages == {"id", "ms", "en"}
    assert pages.skip_article(build_article(source="x", text="", language="id")) is None
    assert pages.skip_article(build_article(source="x", text="", language="de")) == \
        "language de (--lang)"
    assert pages.skip_article(build_article(source="x", text="")) == "language unknown (--lang)"
    with pytest.raises(UsageError, match="'indonesia' is not an ISO 639-1 code"):
        parse_languages(["indonesia"])
