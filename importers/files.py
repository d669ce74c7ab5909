"""Which files an import run reads: named files as given, folders walked in sorted order."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path


def iter_documents(paths: Iterable[Path]) -> Iterator[Path]:
    """Each named file, then every file under each named folder (recursively, sorted, hidden
    files and folders skipped, symbolic links to folders not followed). A folder that cannot be
    listed is yielded itself, so that reading it reports why; nothing is opened here."""
    for path in map(Path, paths):
        if not path.is_dir():
            yield path
            continue
        found = []
        for folder, dirs, files in os.walk(path, onerror=lambda e: found.append(Path(e.filename))):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            found += [Path(folder, f) for f in files if not f.startswith(".")]
        yield from sorted(found)
