"""The exception tree: catch `ScraperError` for everything, or a child for one stage."""


class ScraperError(Exception):
    """Base of every error this package raises on purpose."""


class InputError(ScraperError):
    """An input (file, folder, stdin, URL list) cannot be read or is not usable text."""


class NotHtml(InputError):
    """An input given to `extract` is something else: JSON, PDF, plain text, binary data."""


class ExtractError(ScraperError):
    """A document could be read but not turned into an article."""


class ConfigError(ScraperError):
    """A settings file or option value is invalid."""
