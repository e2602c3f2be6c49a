"""The exception tree, by stage: catch `ScraperError` for everything, or a child for one.

The CLI maps each class to its exit code in one table (`scraper.cli.EXIT_CODES`), so a
new error gets the right code by choosing its parent, not by the CLI guessing from
`OSError` or `sqlite3.Error`: the stages turn those into the classes below where they
happen.
"""


class ScraperError(Exception):
    """Base of every error this package raises on purpose."""


class UsageError(ScraperError):
    """The command line asks for something that cannot be done as given (exit 2):
    `--url` with a folder, a `--follow` that is not a regular expression."""


class ConfigError(ScraperError):
    """A settings file, option value or rule table is invalid (exit 2, bad usage)."""


class InputError(ScraperError):
    """An input (file, folder, stdin, URL list) cannot be read or is not usable text."""


class OutputError(ScraperError):
    """Records, a report or a WARC file cannot be written (full disk, no such folder)."""


class StateError(ScraperError):
    """The `--state` folder cannot be opened, read or committed."""


class AlreadyRunning(StateError):
    """Another run holds the state folder's lock (exit 75: try again later)."""


class FetchError(ScraperError):
    """What a URL returned cannot be used (a sitemap that is not XML, ...). The fetcher
    itself never raises: its `FetchResult` says what went wrong."""
