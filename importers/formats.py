"""Which reader a document needs, told from its bytes, and a refusal by name for formats no
reader reads ("PDF without a text layer", "XLSX not supported"), never "not a plan filing"."""

from __future__ import annotations

import re

from importers.errors import ParseError
from importers.model import Document
from importers.plaintext import read_text

_UNSUPPORTED = (
    (b"PK\x03\x04", "a ZIP archive (XLSX, DOCX or ZIP) is not supported: extract the filing first"),
    (b"\xd0\xcf\x11\xe0", "a Microsoft Office document (XLS or DOC) is not supported"),
    (b"\x89PNG", "a PNG image is not supported: a scan has no text to read"),
    (b"\xff\xd8\xff", "a JPEG image is not supported: a scan has no text to read"),
    (b"GIF8", "a GIF image is not supported"),
    (b"II*\x00", "a TIFF image is not supported: a scan has no text to read"),
    (b"MM\x00*", "a TIFF image is not supported: a scan has no text to read"),
    (b"{\\rtf", "an RTF document is not supported"),
)
_SUBMISSION = re.compile(rb"<SEC-DOCUMENT>|<SEC-HEADER>|<IMS-HEADER>|<DOCUMENT>\s*<TYPE>", re.IGNORECASE)
_HTML = re.compile(rb"<(?:!doctype\s+html|html|body|table|div|p|font)\b", re.IGNORECASE)
_SNIFF = 4096  # bytes looked at to tell a format


def format_of(data: bytes) -> str:
    """'pdf', 'submission', 'html' or 'text'; a ParseError naming a format no reader reads."""
    head = data[:_SNIFF].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"%PDF"):
        return "pdf"
    for magic, reason in _UNSUPPORTED:
        if head.startswith(magic):
            raise ParseError(reason)
    if _SUBMISSION.search(head):
        return "submission"
    if _HTML.search(head) and len(_HTML.findall(data[: _SNIFF * 4])) >= 2:
        return "html"
    return "text"


def read_model(name: str, data: bytes) -> Document:
    """The document in the format-free model, whatever its format."""
    kind = format_of(data)
    if kind == "submission":
        from importers.edgar import read_submission

        return read_submission(name, data)
    if kind == "html":
        from importers.html import read_html

        return read_html(name, data)
    if kind == "pdf":
        from importers.pdf import read_pdf

        return read_pdf(name, data)
    return read_text(name, data)
