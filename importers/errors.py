"""The one exception the parsers raise: an expected problem that rejects the document."""

from __future__ import annotations


class ParseError(Exception):
    def __init__(self, reason: str, line: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line

    def at(self, line: int, where: str = "") -> ParseError:
        """The same problem, placed on a line (and in a part of the document) once known."""
        reason = f"{where}: {self.reason}" if where else self.reason
        return ParseError(reason, self.line or line)
