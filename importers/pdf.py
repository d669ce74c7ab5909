"""The PDF reader (not written yet): refuses by name."""

from __future__ import annotations

from importers.errors import ParseError
from importers.model import Document


def read_pdf(name: str, data: bytes) -> Document:
    raise ParseError("a PDF filing is not read yet")
