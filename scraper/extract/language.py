"""Language identification (py3langid: a small model shipped inside the package, 97 languages,
no download at run time)."""

from __future__ import annotations

from functools import cache

from scraper.textnorm import words

#: Below this many words a guess is noise; the record says null instead.
MIN_WORDS = 5
#: Characters looked at: langid's accuracy is flat past a few thousand, its cost linear.
SAMPLE_CHARS = 3000


@cache
def _identifier():  # loading the model takes ~0.1 s: once per process, and only when needed
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE)


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or None when the text is too short to tell."""
    if len(words(text)) < MIN_WORDS:
        return None
    code, _prob = _identifier().classify(text[:SAMPLE_CHARS])
    return code
