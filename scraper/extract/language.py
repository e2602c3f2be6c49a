"""Language identification (py3langid: a small model shipped inside the package, 97 languages,
no download at run time), reported as ISO 639-1 codes."""

from __future__ import annotations

from functools import cache

from scraper.textnorm import words

#: Below this many words a guess is noise; the record says null instead.
MIN_WORDS = 5
#: Characters looked at: langid's accuracy is flat past a few thousand, its cost linear.
SAMPLE_CHARS = 3000

#: Three-letter codes to ISO 639-1: the model's own labels outside ISO 639-1 (to their
#: macrolanguage, the language they are a variety, an older stage or a creole of), and
#: the ISO 639-2/3 codes pages put in `lang` attributes. A code not listed (Acehnese,
#: Kabyle: no ISO 639-1 code, no near one) gives null, as does "no linguistic content".
#: (The model's next guess is no help: for Acehnese it is Sesotho.)
TO_ISO639_1: dict[str, str | None] = {
    "zxx": None,                                   # "no linguistic content"
    "pcm": "en", "gcf": "fr", "gcr": "fr",         # Nigerian Pidgin; Antillean, Guianese Creole
    "ext": "es", "lij": "it", "vec": "it",         # Extremaduran, Ligurian, Venetian
    "arz": "ar", "ary": "ar",                      # Egyptian, Moroccan Arabic
    "yue": "zh", "wuu": "zh", "cmn": "zh",         # Cantonese, Wu, Mandarin
    "uzs": "uz", "sdh": "ku", "ltg": "lv",         # Southern Uzbek, S. Kurdish, Latgalian
    "gug": "gn", "fuv": "ff", "kik": "ki",         # Paraguayan Guaraní, Nigerian Fulfulde, Kikuyu
    "hbo": "he", "grc": "el",                      # Ancient Hebrew, Ancient Greek
    "zsm": "ms", "ind": "id", "msa": "ms", "may": "ms", "jav": "jv", "sun": "su",
    "eng": "en", "deu": "de", "ger": "de", "fra": "fr", "fre": "fr", "spa": "es",
    "por": "pt", "ita": "it", "nld": "nl", "dut": "nl", "rus": "ru", "zho": "zh",
    "chi": "zh", "jpn": "ja", "kor": "ko", "ara": "ar", "tha": "th", "vie": "vi",
    "tgl": "tl", "fil": "tl", "hin": "hi", "tur": "tr", "pol": "pl", "ukr": "uk",
}


@cache
def _identifier():  # loading the model takes ~0.1 s: once per process, and only when needed
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE)


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language; None when the text is too short to tell or
    its language has none (see TO_ISO639_1)."""
    if len(words(text)) < MIN_WORDS:
        return None
    code, _prob = _identifier().classify(text[:SAMPLE_CHARS])
    return code if len(code) == 2 else TO_ISO639_1.get(code)


def iso639_1(code: str | None) -> str | None:
    """A language code from markup ("id", "ID-id", "ind", "en_US") as ISO 639-1, or None."""
    if not code:
        return None
    base = code.strip().replace("_", "-").split("-")[0].lower()
    if len(base) == 2 and base.isalpha():
        return base
    return TO_ISO639_1.get(base)
