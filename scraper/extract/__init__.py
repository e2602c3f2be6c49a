"""Extract: documents (HTML pages, text dumps) in, `Article` records out."""

from scraper.extract.html import extract_html
from scraper.extract.template import TemplateLines
from scraper.extract.text import clean_text

__all__ = ["TemplateLines", "clean_text", "extract_html"]
