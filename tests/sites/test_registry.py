"""The outlet registry: the bundled Indonesian file as data, and user files over it."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from scraper.errors import ConfigError
from scraper.sites import Outlet, Registry, format_table, load_registry

REQUIRED = ["detik", "kompas", "tribunnews", "liputan6", "cnnindonesia", "antaranews", "tempo",
            "republika", "sindonews", "okezone", "suara", "kumparan", "merdeka", "viva", "jpnn",
            "beritasatu", "bisnis", "kontan", "cnbcindonesia", "mediaindonesia", "jawapos",
            "wartaekonomi", "idntimes", "inews", "katadata"]


@pytest.fixture(scope="module")
def bundled() -> Registry:
    return load_registry()


def _file(tmp_path: Path, text: str, name: str = "mine.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- The bundled file ---------------------------------------------------------------------

def test_bundled_has_the_major_indonesian_outlets(bundled):
    outlets = bundled.country("id")
    assert len(outlets) >= 25
    assert set(REQUIRED) <= {o.key for o in outlets}
    assert bundled.countries() == ["id"]


def test_bundled_homepages_are_https_with_unique_hosts(bundled):
    hosts = [o.host for o in bundled]
    assert all(o.homepage.startswith("https://") for o in bundled)
    assert all(hosts) and len(set(hosts)) == len(hosts)


def test_bundled_fields_are_complete_and_valid(bundled):
    for o in bundled:
        ZoneInfo(o.timezone)
        assert o.language == "id" and o.country == "id"
        assert o.kind in ("national", "regional", "wire", "business")
        assert all(url.startswith("https://") for url in o.sources)
    assert bundled.get("antaranews").kind == "wire"
    assert bundled.get("balipost").timezone == "Asia/Makassar"


def test_sources_are_feeds_then_sitemaps():
    outlet = Outlet("x", "X", "https://WWW.X.ID/", "id", None, None, None,
                    feeds=("https://x.id/rss",), sitemaps=("https://x.id/sitemap.xml",))
    assert outlet.sources == ("https://x.id/rss", "https://x.id/sitemap.xml")
    assert outlet.host == "www.x.id"


def test_format_table_aligns_columns(bundled):
    lines = format_table([bundled.get("detik"), bundled.get("kompas")])
    assert lines[0].split() == ["KEY", "NAME", "HOMEPAGE", "LANG", "TIMEZONE", "SOURCES"]
    assert lines[1].split() == ["detik", "detikcom", "https://www.detik.com/", "id",
                                "Asia/Jakarta", "1"]
    starts = {line.index("https://") for line in lines[1:]}
    assert len(starts) == 1 and lines[0].index("HOMEPAGE") in starts


# --- Lookups ------------------------------------------------------------------------------

def test_unknown_site_suggests_close_matches(bundled):
    assert bundled.get("DETIK").key == "detik"
    with pytest.raises(ConfigError, match="detk.*did you mean detik"):
        bundled.get("detk")
    with pytest.raises(ConfigError, match="unknown site 'zzzzqq'") as info:
        bundled.get("zzzzqq")
    assert "did you mean" not in str(info.value)


def test_unknown_country_lists_known_ones(bundled):
    with pytest.raises(ConfigError, match="'xx'.*known: id"):
        bundled.country("xx")


# --- User files ---------------------------------------------------------------------------

def test_user_file_overrides_one_field(tmp_path):
    path = _file(tmp_path, '[detik]\nfeeds = ["https://example.com/detik.xml"]\n')
    registry = load_registry([path])
    detik = registry.get("detik")
    assert detik.feeds == ("https://example.com/detik.xml",)
    assert (detik.name, detik.homepage, detik.timezone) == (
        "detikcom", "https://www.detik.com/", "Asia/Jakarta")
    assert len(registry) == len(load_registry())


def test_user_file_adds_outlets(tmp_path):
    path = _file(tmp_path, '[koranku]\nhomepage = "https://koranku.example/"\n\n'
                           '[lokal]\nhomepage = "http://lokal.example/"\ncountry = "id"\n'
                           'timezone = "Asia/Makassar"\nkind = "regional"\n')
    registry = load_registry([path])
    new = registry.get("koranku")
    assert (new.name, new.country, new.language, new.feeds) == ("koranku", "user", None, ())
    assert registry.get("lokal") in registry.country("id")
    assert registry.countries() == ["id", "user"]
    assert len(registry) == len(load_registry()) + 2


def test_later_user_files_win(tmp_path):
    first = _file(tmp_path, '[detik]\nname = "one"\n', "a.toml")
    second = _file(tmp_path, '[detik]\nname = "two"\n', "b.toml")
    assert load_registry([first, second]).get("detik").name == "two"


@pytest.mark.parametrize(("text", "words"), [
    ('[detik]\nhompage = "https://x.id/"\n', "unknown field"),
    ('[detik]\nhomepage = "ftp://x.id/"\n', "http(s) URL"),
    ('[detik]\nhomepage = "www.detik.com"\n', "http(s) URL"),
    ('[detik]\ntimezone = "Asia/Jakrta"\n', "unknown time zone"),
    ('[detik]\nfeeds = "https://x.id/rss"\n', "list of http(s) URLs"),
    ('[detik]\nsitemaps = ["/sitemap.xml"]\n', "list of http(s) URLs"),
    ('[detik]\nkind = "tabloid"\n', "one of"),
    ('[detik]\nname = 3\n', "string"),
    ('[baru]\nname = "Baru"\n', "needs a homepage"),
])
def test_invalid_values_name_file_and_key(tmp_path, text, words):
    path = _file(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_registry([path])
    message = str(info.value)
    assert str(path) in message and words in message
    assert "[detik]" in message or "[baru]" in message


def test_top_level_value_and_bad_key_are_errors(tmp_path):
    with pytest.raises(ConfigError, match=r"mine\.toml: homepage must be a table"):
        load_registry([_file(tmp_path, 'homepage = "https://x.id/"\n')])
    with pytest.raises(ConfigError, match=r"mine\.toml: \[Detik\]"):
        load_registry([_file(tmp_path, '[Detik]\nhomepage = "https://x.id/"\n')])


def test_bad_toml_and_missing_file_name_the_file(tmp_path):
    broken = _file(tmp_path, "[detik\nname = 1\n")
    with pytest.raises(ConfigError, match=r"mine\.toml: not a valid TOML file"):
        load_registry([broken])
    with pytest.raises(ConfigError, match=r"nothere\.toml: cannot read"):
        load_registry([tmp_path / "nothere.toml"])
