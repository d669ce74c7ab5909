"""Parsing documents on every core while the caller appends: results come back in the order of
the paths, and only a bounded window of documents is ever in flight.

The main process reads each document (so a duplicate is found by its digest before it is
parsed) and hands its bytes to a pool of parser processes; a parse is pure, so it can run
anywhere. Workers ignore SIGINT: Ctrl-C stops the main process between groups, and closing
the iterator cancels what is queued and waits only for the documents being parsed. Workers
are not forked from the main process, which holds database connections and their threads
(`clean_context`).
"""

from __future__ import annotations

import gc
import multiprocessing
import multiprocessing.connection
import os
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from functools import partial
from typing import TypeVar

from ledger.collecting import BULK_THRESHOLD

Result = TypeVar("Result")
Parsed = TypeVar("Parsed")

IN_FLIGHT_PER_JOB = 32  # documents queued per parser: enough to keep it busy while the caller appends a group
CHUNK = 4  # documents sent to a parser at once
IN_FLIGHT_BYTES = 64 * 1024 * 1024  # and never more than this much of their text, however large they are
MIN_DOCUMENTS_PER_JOB = 16  # fewer documents than this per parser: starting processes costs more than it saves


def available_cores() -> int:
    """The cores this process may run on (its affinity), not every core of the machine."""
    counted = getattr(os, "process_cpu_count", None)  # Python 3.13+
    if counted is not None:
        return counted() or 1
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:
        return os.cpu_count() or 1


def parsed_in_order(
    items: Sequence[Result],
    read: Callable[[Result], tuple[str, bytes] | Parsed],
    parse: Callable[[str, bytes], Parsed],
    jobs: int = 1,
) -> Iterator[Parsed]:
    """`read(item)` gives (name, bytes) to parse, or an outcome that needs no parse (a refusal,
    a duplicate); each item's outcome is yielded in the order of `items`. Documents go to the
    parsers a few at a time (`CHUNK`): fewer messages between processes for each."""
    if jobs <= 1 or len(items) < MIN_DOCUMENTS_PER_JOB * jobs:
        for item in items:
            got = read(item)
            yield parse(*got) if isinstance(got, tuple) else got
        return
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=clean_context(parse), initializer=_start_worker)
    window: deque[tuple[Future, list[tuple[str, bytes] | Parsed]]] = deque()
    chunk: list[tuple[str, bytes] | Parsed] = []
    queued, in_flight = 0, 0

    def send() -> None:
        nonlocal chunk
        documents = [got for got in chunk if isinstance(got, tuple)]
        window.append((pool.submit(_parse_all, parse, documents), chunk))
        chunk = []

    def receive() -> Iterator[Parsed]:
        nonlocal queued, in_flight
        future, sent = window.popleft()
        parsed = iter(future.result())
        for got in sent:
            queued -= 1
            if isinstance(got, tuple):
                in_flight -= len(got[1])
                yield next(parsed)
            else:
                yield got

    try:
        for item in items:
            got = read(item)
            chunk.append(got)
            queued += 1
            in_flight += len(got[1]) if isinstance(got, tuple) else 0
            if len(chunk) >= CHUNK or in_flight >= IN_FLIGHT_BYTES:
                send()
            while window and (queued >= IN_FLIGHT_PER_JOB * jobs or in_flight >= IN_FLIGHT_BYTES):
                yield from receive()
        if chunk:
            send()
        while window:
            yield from receive()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def clean_context(work: Callable) -> multiprocessing.context.BaseContext:
    """Processes that share nothing with this one: forked from a server process that holds no
    connection and no thread, and has already imported the main module and `work`'s (a
    spawned process imports them anew, a third of a second each, more from the `planledger`
    script, which imports the whole CLI); spawned where there is no such server (Windows)."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["__main__", *_modules(work)])
    return context


def _modules(work: Callable) -> list[str]:
    """The modules defining `work`, and what a `functools.partial` binds into it."""
    if isinstance(work, partial):
        return [*_modules(work.func), *(m for a in work.args if callable(a) for m in _modules(a))]
    module = getattr(work, "__module__", None)
    return [module] if module else []


def _parse_all(parse: Callable[[str, bytes], Parsed], documents: list[tuple[str, bytes]]) -> list[Parsed]:
    return [parse(name, data) for name, data in documents]


def _start_worker() -> None:
    """Ctrl-C is the main process's to handle; and a worker ends when the main process does,
    even killed (SIGKILL): an orphan would hold the terminal's pipes open and wait forever."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.set_threshold(BULK_THRESHOLD)  # a parser does bulk work for its whole life (see ledger.collecting)
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent.sentinel,), daemon=True).start()


def _exit_with(sentinel: int) -> None:
    multiprocessing.connection.wait([sentinel])
    os._exit(1)
