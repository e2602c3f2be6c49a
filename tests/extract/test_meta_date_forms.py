"""Structured dates in forms other than ISO 8601, read as the page means them."""

from __future__ import annotations

import pytest

from scraper.extract.dates import normalise_date


@pytest.mark.parametrize(("value", "expected"), [
    # dots: day first in every language, English too
    ("10.12.2022, 07:00:03", "2022-12-10T07:00:03"),
    ("10.12.2022", "2022-12-10"),
    # slashes in English stay month first
    ("10/05/2022", "2022-10-05T00:00:00"),
])
def test_a_numeric_structured_date(value: str, expected: str) -> None:
    assert normalise_date(value, languages=("en",)) == expected
