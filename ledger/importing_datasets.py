"""Importing the DOL's Form 5500 datasets: streamed, joined on ACK_ID, one batch per filing.

A dataset import is not a set of documents: one filing's rows are spread over several files and
one file holds hundreds of thousands of filings. So the files are surveyed first (headers only:
a file that lacks a needed column refuses the whole import, before anything is written), the
schedules are staged on disk, and the forms are streamed, `group` filings per transaction, each
filing whole or absent. A filing already stored (by its ACK_ID) is reported a duplicate before
its events are built.

On more than one core the reading (CSV, join, duplicate check, events) runs in a second process
and this one only appends: the two halves cost about the same, so two cores nearly halve the
time. The reading half also prepares each batch for the append (`ledger.prepared`: checked, its
events encoded), so what crosses between the processes is msgpack of bytes and strings.
"""

from __future__ import annotations

import os
import signal
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from uuid import UUID

import msgspec

from importers.dol import Dataset, Joined, Orphan, SourceError, Staging, build, digest, document, expand, joined, survey
from importers.dol.filings import PREFIX as FORM_5500
from ledger.application import Ledger
from ledger.batch import Rejected
from ledger.collecting import fewer_collections
from ledger.identity import filing_id
from ledger.importing import ImportReport, _dry, display_name, import_groups
from ledger.parsing import clean_context
from ledger.prepared import PreparedBatch, ready

__all__ = ["FORM_5500", "import_datasets"]  # FORM_5500: how a filing's report is named

DATASET_GROUP = 2000  # filings per transaction: a dataset's filings are small (4 to 5 events), and a commit costs tens of milliseconds
PARALLEL_BYTES = 16 << 20  # below this, a second process costs more (its start-up) than it saves
Item = PreparedBatch | Rejected | ImportReport


def import_datasets(
    ledger: Ledger, paths: list[Path], group: int = DATASET_GROUP, *, dry_run: bool = False, parallel: bool | None = None
) -> Iterator[ImportReport]:
    """A report per filing (imported, duplicate or rejected), per schedule row no filing claims,
    and per file refused or left unread. `parallel`: None decides by the cores and the input's size."""
    try:
        sources = expand(paths, display_name)
    except SourceError as e:
        yield _refused(e)
        return
    found = survey(sources)
    for source, note in found.ignored:
        yield ImportReport(document=source.name, status="skipped", reason=note)
    if found.refused:
        for e in found.refused:
            yield _refused(e)
        return
    if parallel is None:
        parallel = (os.cpu_count() or 1) > 1 and sum(_size(d) for d in found.read) >= PARALLEL_BYTES
    chunks = _in_process(dict(ledger.env), found.read, group) if parallel else produce(ledger.recorder.stored_originators, found.read, group)
    with fewer_collections():
        if dry_run:
            yield from (_dry(_name(item), item) for chunk in chunks for item in chunk)
        else:
            yield from import_groups(ledger, ([(_name(item), item) for item in chunk] for chunk in chunks), checked=True)


def produce(stored: Callable[[list[UUID]], set[UUID]], datasets: list[Dataset], group: int) -> Iterator[list[Item]]:
    """The import's items, `group` filings at a time: each filing's batch, or why it is refused,
    or that it is already stored (asked of `stored` once per group, before any event is built).
    The question for one group is asked while the group before it is built: the answer is the
    database's work, not this process's."""
    staging = Staging()
    pending: list[Joined] = []
    orphans: list[Item] = []
    with ThreadPoolExecutor(1, thread_name_prefix="planledger-lookup") as lookup:
        asked: deque[tuple[list[Joined], dict[str, UUID], Future]] = deque()

        def ask(filings: list[Joined]) -> None:
            if filings:
                ids = {j.ack_id: filing_id(digest(j.ack_id)) for j in filings}
                asked.append((filings, ids, lookup.submit(stored, list(set(ids.values())))))

        def answered(waiting: int) -> Iterator[list[Item]]:
            while len(asked) > waiting:
                yield _built(*asked.popleft())

        try:
            for item in joined(datasets, staging):
                if isinstance(item, Orphan):
                    orphans.append(_orphan(item))
                    if len(orphans) >= group:
                        yield orphans
                        orphans = []
                    continue
                pending.append(item)
                if len(pending) >= group:
                    ask(pending)
                    pending = []
                    yield from answered(1)
            ask(pending)
        except SourceError as e:
            ask(pending)
            orphans.append(_refused(e))
        finally:
            staging.close()
        yield from answered(0)
    if orphans:
        yield orphans


def _built(filings: list[Joined], ids: dict[str, UUID], present: Future) -> list[Item]:
    stored = present.result()
    return [_duplicate(j) if ids[j.ack_id] in stored else ready(build(j)) for j in filings]


def _name(item: Item) -> str:
    return item.document


def _size(dataset: Dataset) -> int:
    try:
        return dataset.source.path.stat().st_size
    except OSError:
        return 0


def _duplicate(j: Joined) -> ImportReport:
    return ImportReport(document=document(j.ack_id), status="duplicate", reason="already in the ledger (not read again)")


def _orphan(orphan: Orphan) -> ImportReport:
    row = orphan.row
    reason = f"ACK_ID {orphan.ack_id}: a {row.dataset} row whose filing is in no F_5500 or F_5500_SF file of this import"
    return ImportReport(document=row.document, status="rejected", reason=reason, line=row.line)


def _refused(e: SourceError) -> ImportReport:
    return ImportReport(document=e.name, status="rejected", reason=e.reason, line=e.line)


# -- the reading half in a second process ------------------------------------------------------



def _in_process(env: dict[str, str], datasets: list[Dataset], group: int) -> Iterator[list[Item]]:
    """`produce` run in a process of its own (`clean_context`: one forked from this one would share
    its store connections), its chunks passed through a bounded queue, so memory holds a few
    groups whatever the input."""
    context = clean_context(produce)
    queue = context.Queue(maxsize=4)
    worker = context.Process(target=_reader, args=(env, datasets, group, queue), daemon=True)
    worker.start()
    decode = _Decoder()
    try:
        while (message := queue.get()) is not None:
            if isinstance(message, str):
                name = ", ".join(d.source.name for d in datasets)
                yield [ImportReport(document=name, status="rejected", reason=f"the reading stopped: {message}")]
                return
            yield decode(message)
    finally:
        if worker.is_alive():
            worker.terminate()
        worker.join()


def _reader(env: dict[str, str], datasets: list[Dataset], group: int, queue) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the importing process's to handle; it ends this one
    ledger = Ledger(env)
    encode = _Encoder()
    try:
        with fewer_collections():
            for chunk in produce(ledger.recorder.stored_originators, datasets, group):
                queue.put(encode(chunk))
        queue.put(None)
    except Exception as e:  # noqa: BLE001 - reported to the importing process, which stops with it
        queue.put(f"{type(e).__name__}: {e}")
    finally:
        ledger.close()


class _Chunk(msgspec.Struct, array_like=True):
    """A chunk as it crosses between the processes: one typed list per kind of item, and the
    order to put them back in (one decode for the whole chunk)."""

    order: str
    batches: list[PreparedBatch]
    rejected: list[Rejected]
    reports: list[ImportReport]


class _Encoder:
    def __init__(self) -> None:
        self._encode = msgspec.msgpack.Encoder().encode

    def __call__(self, chunk: Sequence[Item]) -> bytes:
        kinds: dict[str, list] = {"b": [], "r": [], "i": []}
        order = []
        for item in chunk:
            kind = "b" if isinstance(item, PreparedBatch) else "r" if isinstance(item, Rejected) else "i"
            kinds[kind].append(item)
            order.append(kind)
        return self._encode(_Chunk("".join(order), kinds["b"], kinds["r"], kinds["i"]))


class _Decoder:
    def __init__(self) -> None:
        self._decode = msgspec.msgpack.Decoder(_Chunk).decode

    def __call__(self, data: bytes) -> list[Item]:
        wire = self._decode(data)
        kinds = {"b": iter(wire.batches), "r": iter(wire.rejected), "i": iter(wire.reports)}
        return [next(kinds[kind]) for kind in wire.order]
