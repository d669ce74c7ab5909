"""The Department of Labor's Form 5500 datasets (CSV, one file per dataset and form year).

    expand(paths, display) -> list[Source]      # CSV files, zip archives as their CSV members
    survey(sources) -> Survey                   # each file's dataset by its header; refusals by name
    joined(datasets, Staging()) -> Joined | Orphan  # each filing's rows across datasets, streamed
    build(joined) -> FilingBatch | Rejected     # one filing's events
    is_dataset(path) -> bool                    # a DOL dataset file, by name or header
"""

from importers.dol.filings import build, digest, document
from importers.dol.join import Dataset, Joined, Orphan, Row, Staging, Survey, joined, survey
from importers.dol.sources import Source, SourceError, expand, is_dataset

__all__ = [
    "Dataset", "Joined", "Orphan", "Row", "Source", "SourceError", "Staging", "Survey",
    "build", "digest", "document", "expand", "is_dataset", "joined", "survey",
]
