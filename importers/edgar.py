"""The EDGAR full submission (`.txt`): an SGML envelope whose header states facts about the
filing and whose <DOCUMENT> parts hold the 11-K and its exhibits, as plain text or HTML. Each
part is read by its own format and the blocks follow one another, numbered as lines of the
envelope, so the statements are found wherever they are (the 11-K body or an EX-99)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from importers.model import Block, Document, HeaderFact, Source
from importers.plaintext import read_lines
from importers.text import Line, decode

_FACTS = {
    "COMPANY CONFORMED NAME": "company",
    "CONFORMED SUBMISSION TYPE": "form",
    "CONFORMED PERIOD OF REPORT": "period",
    "FILED AS OF DATE": "filed",
    "ACCESSION NUMBER": "accession",
}
_FACT = re.compile(r"^\s*([A-Z][A-Z -]{2,40}):\s*(\S.*)$")
_TAG = re.compile(r"^\s*<(/?)(DOCUMENT|TYPE|FILENAME|TEXT)>\s*(.*)$", re.IGNORECASE)
_HTML = re.compile(r"<(?:html|body|table)\b", re.IGNORECASE)
_NOT_READ = re.compile(r"^(?:GRAPHIC|ZIP|PDF|XML|EXCEL|JSON|EX-101|EX-?27)", re.IGNORECASE)
_UUENCODED = re.compile(r"^begin \d{3} ")


def read_submission(name: str, data: bytes) -> Document:
    lines = decode(data)
    facts: dict[str, HeaderFact] = {}
    parts: list[tuple[str, list[Line]]] = []
    kind, body, inside = "", [], False
    for line in lines:
        tag = _TAG.match(line.raw)
        if tag:
            closing, name_, rest = tag.group(1), tag.group(2).upper(), tag.group(3).strip()
            if name_ == "TYPE" and not closing:
                kind = rest
            elif name_ == "TEXT":
                inside = not closing
                if closing:
                    parts.append((kind, body))
                    body = []
            elif name_ == "DOCUMENT" and not closing:
                kind, body = "", []
            continue
        if inside:
            body.append(line)
        elif not parts and (m := _FACT.match(line.raw)) and m.group(1).strip() in _FACTS:
            key = _FACTS[m.group(1).strip()]
            facts.setdefault(key, HeaderFact(key, m.group(2).strip(), Source(line.no, line.raw)))
    if inside and body:  # a last part cut short: read what is there
        parts.append((kind, body))
    blocks: list[Block] = []
    for kind, part in parts or [("", list(lines))]:
        blocks += _read_part(name, kind, part)
    return Document(name, tuple(blocks), tuple(facts.values()))


def _read_part(name: str, kind: str, lines: Sequence[Line]) -> list[Block]:
    if not lines or _NOT_READ.match(kind) or any(_UUENCODED.match(line.raw) for line in lines[:5]):
        return []
    if any(_HTML.search(line.raw) for line in lines[:200]):
        from importers.html import read_html

        data = "\n".join(line.raw for line in lines).encode()
        return list(read_html(name, data, first_line=lines[0].no).blocks)
    return read_lines(lines)
