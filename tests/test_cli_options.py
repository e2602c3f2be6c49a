"""Options through the real CLI: global options anywhere, one validation for settings,
messages and wording, charsets in `clean`, non-HTML given to `extract`, settings and
rule tables of one's own in every mode."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, SEEDS, run_cli
from tests.httpd import article_html, story

SEED = SEEDS / "003_6760c82734fcc8c4.txt"
PAGE = FIXTURES / "html" / "id_article.html"


def records(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines()]


# --- global options before or after the command ---

def test_quiet_log_format_and_config_work_after_the_command(tmp_path: Path) -> None:
    config = tmp_path / "scraper.toml"
    config.write_text("keep_duplicates = true\n")
    quiet = run_cli("clean", str(SEED), str(SEED), "-q", "--config", str(config))
    assert quiet.returncode == 0 and quiet.stderr == "" and len(records(quiet.stdout)) == 2
    logged = run_cli("--config", str(config), "clean", str(SEED), str(SEED),
                     "--log-format", "json")
    assert json.loads(logged.stderr.splitlines()[-1])["summary"]["written"] == 2


def test_crawl_help_lists_the_global_options_and_reads_like_the_readme() -> None:
    text = run_cli("crawl", "-h").stdout
    for option in ("--quiet", "--log-format", "--config", "--force-empty", "--rules"):
        assert option in text, option
    assert text.startswith("Usage: python -m scraper crawl [OPTIONS] [SOURCE]...\n")


def test_usage_errors_are_json_with_log_format_json() -> None:
    for args in (("clean", "--bogus", "x", "--log-format", "json"),
                 ("--log-format=json", "dedup", "x", "--threshold", "lots")):
        result = run_cli(*args)
        assert result.returncode == 2, args
        (line,) = result.stderr.splitlines()
        entry = json.loads(line)
        assert entry["level"] == "error" and entry["message"] and "Usage:" in entry["usage"]


# --- one validation for settings ---

def test_a_threshold_the_flag_refuses_is_refused_in_the_config_file_too(tmp_path: Path) -> None:
    flag = run_cli("dedup", "x.jsonl", "--threshold", "0.01")
    config = tmp_path / "scraper.toml"
    config.write_text("[dedup]\nthreshold = 0.01\n")
    file = run_cli("dedup", "x.jsonl", "--config", str(config))
    assert flag.returncode == file.returncode == 2
    assert "--threshold must be a number from 0.05 to 1, not 0.01" in flag.stderr
    assert f"{config}: dedup.threshold must be a number from 0.05 to 1, not 0.01" in file.stderr
    config.write_text("[fetch]\nconcurrency = 0\n")
    assert run_cli("crawl", "http://x", "--config", str(config)).returncode == 2


def test_url_with_a_folder_is_bad_usage(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text(PAGE.read_text(encoding="utf-8"), encoding="utf-8")
    result = run_cli("extract", str(tmp_path), "--url", "https://x.example/a")
    assert result.returncode == 2 and "--url is the URL of one page" in result.stderr


# --- wording ---

def test_one_input_is_one_input_and_clean_help_has_examples() -> None:
    result = run_cli("clean", str(SEED))
    assert "clean: 1 input, 1 record written, 0 duplicates," in result.stderr
    clean_help = run_cli("clean", "--help").stdout
    assert clean_help.startswith("Usage: python -m scraper clean [OPTIONS] PATH...\n")
    assert "Examples:" in clean_help and "scraper clean seeds/" in clean_help


def test_a_second_demo_run_says_what_the_file_holds(tmp_path: Path) -> None:
    out, state = tmp_path / "d2.jsonl", tmp_path / "state"
    first = run_cli("demo", "-o", str(out), "--state", str(state))
    assert first.returncode == 0 and "5 records in" in first.stdout
    second = run_cli("demo", "-o", str(out), "--state", str(state))
    assert second.returncode == 0, second.stderr
    assert f"5 records in {out} (0 written by this run)" in second.stdout
    assert "0 records in" not in second.stdout


# --- clean reads any charset ---

def test_clean_reads_a_latin1_dump(tmp_path: Path) -> None:
    dump = tmp_path / "latin1.txt"
    dump.write_bytes(("Kafe Baru Dibuka di Jakarta\n\nCafé résumé: pengunjung memadati kafe "
                      "baru di pusat kota sejak pagi hari, kata pemiliknya.\n").encode("latin-1"))
    result = run_cli("clean", str(dump))
    assert result.returncode == 0, result.stderr
    (record,) = records(result.stdout)
    assert "Café résumé" in record["text"]


# --- extract: inputs that are not HTML ---

def test_extract_skips_json_pdf_and_plain_text_with_a_warning_naming_the_type(
        tmp_path: Path) -> None:
    inputs = {"page.json": b'{"title": "not a page"}\n',
              "paper.pdf": b"%PDF-1.7\n%\xe2\xe3\n1 0 obj",
              "notes.txt": b"Just some notes, no markup at all.\n"}
    for name, data in inputs.items():
        (tmp_path / name).write_bytes(data)
    paths = [str(tmp_path / name) for name in inputs]
    result = run_cli("extract", *paths, str(PAGE), "-o", str(tmp_path / "out.jsonl"))
    assert result.returncode == 0, result.stderr
    for name, kind in (("page.json", "JSON"), ("paper.pdf", "PDF"), ("notes.txt", "plain text")):
        assert f"{tmp_path / name}: {kind}, not an HTML page: skipped" in result.stderr
    assert "3 skipped" in result.stderr
    assert [r["source"] for r in records((tmp_path / "out.jsonl").read_text())] == [str(PAGE)]
    forced = run_cli("extract", str(tmp_path / "notes.txt"), "--as-html")
    assert forced.returncode == 0 and records(forced.stdout)[0]["text"].startswith("Just some")


# --- settings and rule tables of one's own reach every mode ---

MY_RULES = "drop = ['iklan rahasia khusus.*']\n"
AD = ("Iklan rahasia khusus untuk pembaca setia: diskon besar menanti Anda di toko kami, "
      "kunjungi sekarang juga dan nikmati promonya bersama keluarga.")


def test_own_rule_table_applies_to_clean_and_extract(tmp_path: Path) -> None:
    rules = tmp_path / "mine.toml"
    rules.write_text(MY_RULES)
    dump = tmp_path / "dump.txt"
    paragraphs = SEED.read_text(encoding="utf-8").split("\n\n")
    dump.write_text("\n\n".join(paragraphs[:4] + [AD] + paragraphs[4:]), encoding="utf-8")
    title, paras = story(7)
    page = tmp_path / "page.html"
    page.write_text(article_html(title, paras[:2] + [AD] + paras[2:]), encoding="utf-8")
    plain = run_cli("clean", str(dump))
    assert AD in records(plain.stdout)[0]["text"]
    mine = run_cli("clean", str(dump), "--rules", str(rules))
    assert mine.returncode == 0, mine.stderr
    assert AD not in records(mine.stdout)[0]["text"]
    config = tmp_path / "scraper.toml"
    config.write_text('[rules]\npaths = ["mine.toml"]\n')  # relative to the settings file
    result = run_cli("extract", str(page), "--config", str(config))
    assert AD not in records(result.stdout)[0]["text"]


def test_clean_settings_apply_to_extract(tmp_path: Path) -> None:
    title, paras = story(5)
    page = tmp_path / "page.html"
    page.write_text(article_html(title, paras[:2] + ["Harga Cabai Naik Lagi"] + paras[2:]),
                    encoding="utf-8")
    config = tmp_path / "scraper.toml"
    config.write_text("[clean]\nlist_run = 1\n")  # a lone headline-like line is a list
    assert "Harga Cabai" in records(run_cli("extract", str(page)).stdout)[0]["text"]
    result = run_cli("extract", str(page), "--config", str(config))
    assert "Harga Cabai" not in records(result.stdout)[0]["text"]


@pytest.mark.parametrize("table", ["drop = ['(unclosed']\n", None])
def test_a_bad_rule_table_is_bad_usage(tmp_path: Path, table: str | None) -> None:
    rules = tmp_path / "bad.toml"
    if table is not None:
        rules.write_text(table)
    result = run_cli("clean", str(SEED), "--rules", str(rules))
    assert result.returncode == 2 and str(rules) in result.stderr
    assert "Traceback" not in result.stderr
