"""Content-Type values read apart: the media type and the charset parameter (HTTP
responses fetched, and those archived in WARC files)."""

from __future__ import annotations


def media_type(content_type: str) -> str:
    """A Content-Type's media type without parameters, lower case ("" when absent)."""
    return content_type.split(";")[0].strip().lower()


def charset_of(content_type: str) -> str | None:
    """A Content-Type's charset parameter, if any."""
    for part in content_type.split(";")[1:]:
        name, _, value = part.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None
