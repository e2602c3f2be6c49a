"""The README's examples run: every command in its code blocks that needs no network
runs and exits as documented (0), its Python runs, and its settings file loads."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from scraper.settings import load_settings
from tests.conftest import FIXTURES, ROOT, SEEDS

README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```(\w+)\n(.*?)```", README, re.S)


def _offline(line: str) -> bool:
    """A command that runs here: no crawl of the web, no make (the suite runs under it),
    and jq only where it is installed. (`extract --url URL` fetches nothing.)"""
    return (line.startswith(("scraper ", "cat "))
            and not line.startswith(("scraper crawl", "scraper sites check"))
            and "curl " not in line and (" jq" not in line or shutil.which("jq") is not None))


COMMANDS = [line.split("  #")[0].strip() for lang, block in BLOCKS if lang == "sh"
            for line in block.splitlines() if _offline(line.strip())]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding every file the examples name, and `scraper` on the PATH."""
    here = tmp_path_factory.mktemp("readme")
    shutil.copytree(SEEDS, here / "seeds", ignore=shutil.ignore_patterns("demo"))
    shutil.copytree(SEEDS, here / "dumps", ignore=shutil.ignore_patterns("demo"))
    shutil.copy(SEEDS / "003_6760c82734fcc8c4.txt", here / "dump.txt")
    (here / "my-site.toml").write_text("drop = ['iklan rahasia.*']\n")
    (here / "saved-pages").mkdir()
    for name in ("id_article.html",):
        shutil.copy(FIXTURES / "html" / name, here / "saved-pages" / name)
        shutil.copy(FIXTURES / "html" / name, here / "page.html")
    (here / "bin").mkdir()
    shim = here / "bin" / "scraper"
    shim.write_text(f'#!/bin/sh\nexec {sys.executable} -m scraper "$@"\n')
    shim.chmod(0o755)
    env = _env(here)
    # Archives and other tools' records the batch examples read.
    from tests.corpus.warcs import demo_responses, write_warc

    write_warc(here / "crawl.warc.gz", demo_responses())
    (here / "archives").mkdir()
    write_warc(here / "archives" / "a.warc.gz", demo_responses())
    text = (sorted(SEEDS.glob("*.txt"))[0]).read_text(encoding="utf-8")
    (here / "trafilatura.json").write_text(json.dumps(
        {"title": "Satu", "id": None, "text": text, "source": "https://a.co.id/1"}) + "\n")
    for name, seed in (("monday", 1), ("tuesday", 3), ("new", 4)):
        source = sorted(SEEDS.glob("*.txt"))[seed]
        subprocess.run(["scraper", "clean", str(source), "-o", f"{name}.jsonl"], cwd=here,
                       env=env, check=True, capture_output=True)
    subprocess.run(["scraper", "clean", "seeds/", "-o", "records.parquet"], cwd=here,
                   env=env, check=True, capture_output=True)
    return here


def _env(here: Path) -> dict[str, str]:
    return {**os.environ, "PATH": f"{here / 'bin'}{os.pathsep}{os.environ['PATH']}",
            "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8"}


def test_the_readme_has_offline_examples() -> None:
    assert len(COMMANDS) >= 8, COMMANDS


@pytest.mark.parametrize("command", COMMANDS)
def test_a_readme_command_runs_and_exits_0(command: str, workdir: Path) -> None:
    result = subprocess.run(["bash", "-o", "pipefail", "-c", command], cwd=workdir,
                            env=_env(workdir), capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, (command, result.stderr[-2000:])
    assert "Traceback" not in result.stderr


def test_the_readme_python_runs(workdir: Path) -> None:
    for lang, block in BLOCKS:
        if lang == "python":
            code = block.replace('"seeds/', f'"{workdir}/seeds/')
            subprocess.run([sys.executable, "-c", code], cwd=workdir, env=_env(workdir),
                           check=True, capture_output=True, timeout=60)


def test_the_readme_settings_file_loads(workdir: Path) -> None:
    (toml,) = [block for lang, block in BLOCKS if lang == "toml" and "[kabar]" not in block]
    config = workdir / "scraper.toml"
    config.write_text(toml)
    settings = load_settings(config)
    assert settings.crawl.give_up_after == 5


def test_the_readme_registry_entry_loads(tmp_path: Path) -> None:
    from scraper.sites import load_registry

    (toml,) = [block for lang, block in BLOCKS if lang == "toml" and "[kabar]" in block]
    (tmp_path / "sites.toml").write_text(toml)
    outlet = load_registry([tmp_path / "sites.toml"]).get("kabar")
    assert outlet.timezone == "Asia/Makassar" and outlet.feeds
