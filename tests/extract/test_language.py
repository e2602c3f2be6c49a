"""`language` is ISO 639-1, as documented: never one of the model's three-letter labels."""

from __future__ import annotations

import pytest

from scraper import clean_text, extract_html
from scraper.extract.language import _identifier, detect_language, iso639_1

PIDGIN = ("Di man wey dey sell market for Lagos don talk say e no go fit continue because "
          "wetin dem dey charge don too much. Na so dem take waka go house.")
ACEHNESE = ("Ureueng Aceh jinoe le that nyang ka jeut keu peutaba nanggroe, meunyo hana "
            "geupubuet lagee nyan.")


def test_the_model_labels_these_with_three_letters() -> None:
    """The premise: py3langid answers "pcm" and "ace" for these texts."""
    assert _identifier().classify(PIDGIN)[0] == "pcm"
    assert _identifier().classify(ACEHNESE)[0] == "ace"


def test_a_creole_or_variety_maps_to_its_language_and_others_to_null() -> None:
    assert detect_language(PIDGIN) == "en"     # an English-based creole
    assert detect_language(ACEHNESE) is None   # no ISO 639-1 code, none near


def test_every_model_label_comes_out_as_two_letters_or_null() -> None:
    from scraper.extract.language import TO_ISO639_1

    for label in _identifier().nb_classes:
        code = label if len(label) == 2 else TO_ISO639_1.get(label)
        assert code is None or (len(code) == 2 and code.isalpha()), label


@pytest.mark.parametrize(("markup", "code"), [
    ("id", "id"), ("ID-id", "id"), ("en_US", "en"), ("ind", "id"), ("zsm", "ms"),
    ("xyz", None), ("", None), (None, None),
])
def test_markup_codes(markup: str | None, code: str | None) -> None:
    assert iso639_1(markup) == code


def test_records_carry_two_letter_codes() -> None:
    page = f"<html lang='ind'><body><article><p>{ACEHNESE} {ACEHNESE}</p></article></body></html>"
    assert extract_html(page).language == "id"  # the page's own lang, made ISO 639-1
    assert clean_text(f"Harga Naik di Pasar Lagos\n\n{PIDGIN}\n", "x").language == "en"
