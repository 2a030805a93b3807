"""The base of every source's errors: a one-line message a user can act on, and the HTTP status."""

from __future__ import annotations


class SourceError(Exception):
    """Anything that went wrong talking to a data source; ``status`` is the HTTP status, if any."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status
