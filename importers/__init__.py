"""Importers: a document's bytes in, one filing's events (or a clear refusal) out.

    parse_document(name, data) -> FilingBatch | Skipped | Rejected   # pure, never raises
    iter_documents(paths) -> Iterator[Path]                          # what an import run reads
    MAX_BYTES                                                        # larger documents are refused unread
"""

from importers.filing import parse_document
from importers.files import iter_documents
from importers.text import MAX_BYTES

__all__ = ["MAX_BYTES", "iter_documents", "parse_document"]
