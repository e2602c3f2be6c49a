"""scraper: news pages and text dumps in, clean deduplicated article records out."""

__version__ = "0.1.0"

from scraper.errors import InputError, ScraperError
from scraper.extract import clean_text, extract_html
from scraper.record import SCHEMA_VERSION, Article

__all__ = [
    "Article",
    "InputError",
    "SCHEMA_VERSION",
    "ScraperError",
    "__version__",
    "clean_text",
    "extract_html",
]
