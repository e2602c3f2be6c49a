"""Extract: documents (text dumps now, HTML later) in, `Article` records out."""

from scraper.extract.template import TemplateLines
from scraper.extract.text import clean_text

__all__ = ["TemplateLines", "clean_text"]
