"""Synthetic Form 5500 filings (`bench.form5500_synth`) written as the DOL's CSV datasets.

One file per dataset and form year, `F_SCH_H_2023_latest.csv` and so on, each with exactly the
header of the DOL's layout for that form year and rows as `bench.form5500_rows` prints them.
Filings are written as they are generated, so a million plan-years never sit in memory (and in
parallel, in order, with `workers`); `manifest.jsonl` beside them holds what was planted.

    python -m bench.form5500_files --plan-years 100000 --seed 1 --out DIR [--workers N] [--zip]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import time
import zipfile
from collections import deque
from collections.abc import Iterable
from pathlib import Path

from bench.form5500_rows import DATASETS, file_name, header, lines
from bench.form5500_synth import Filing5500, Options, Plan, plan_filings, plan_years, sponsor_plans

def rendered(filing: Filing5500) -> tuple[list[tuple[int, str, str]], list[str]]:
    """The filing's lines as written, with their form year and dataset, and its manifest lines."""
    year = filing.form_year
    return [(year, dataset, text) for dataset, text in lines(filing)], [json.dumps(e) + "\n" for e in filing.manifest]


class DatasetWriter:
    """Writes filings as they come into the files of their form year, opened on first use, and
    every manifest entry into `manifest.jsonl`. Use as a context manager."""

    def __init__(self, folder: Path, form_years: Iterable[int] = ()):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.files: dict[tuple[int, str], object] = {}
        self.counts: dict[str, int] = {}
        self.manifest = (self.folder / "manifest.jsonl").open("w", encoding="utf-8")
        for form_year in form_years:
            for dataset in DATASETS:
                self._file(form_year, dataset)

    def _file(self, form_year: int, dataset: str):
        handle = self.files.get((form_year, dataset))
        if handle is None:
            handle = (self.folder / file_name(dataset, form_year)).open("w", encoding="utf-8", newline="")
            handle.write(header(form_year, dataset))
            self.files[(form_year, dataset)] = handle
        return handle

    def write(self, filing: Filing5500) -> None:
        self.put(*rendered(filing))

    def put(self, lines: list[tuple[int, str, str]], manifest: list[str]) -> None:
        """Rendered rows (form year, dataset, line) and manifest lines, as `rendered` gives them."""
        for year, dataset, text in lines:
            self._file(year, dataset).write(text)
            self.counts[dataset] = self.counts.get(dataset, 0) + 1
        self.manifest.writelines(manifest)

    def paths(self) -> list[Path]:
        return sorted(Path(h.name) for h in self.files.values())

    def close(self) -> None:
        for handle in self.files.values():
            handle.close()
        self.manifest.close()

    def __enter__(self) -> DatasetWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def write_datasets(folder: Path, form_year: int, filings: Iterable[Filing5500]) -> list[Path]:
    """One form year's five datasets (a header alone where no filing has a row) and the manifest."""
    with DatasetWriter(folder, [form_year]) as writer:
        for filing in filings:
            if filing.form_year != form_year:
                raise ValueError(f"filing {filing.ack_id} is of form year {filing.form_year}, not {form_year}")
            writer.write(filing)
    return writer.paths()


def write_all(folder: Path, filings: Iterable[Filing5500]) -> DatasetWriter:
    """Every filing into the datasets of its form year; the writer, closed, tells what was written."""
    with DatasetWriter(folder) as writer:
        for filing in filings:
            writer.write(filing)
    return writer


def _sponsor_block(seed: int, first: int, count: int, o: Options) -> list[tuple[int, Plan, list, list]]:
    """A block of sponsors' plans, each rendered whole: its plan-years, the plan, its lines."""
    out = []
    for sponsor in range(first, first + count):
        for plan in sponsor_plans(seed, sponsor, o.mix):
            span, filings = plan_filings(seed, plan, o)
            lines, manifest = [], []
            for filing in filings:
                more, notes = rendered(filing)
                lines += more
                manifest += notes
            out.append((span, plan, lines, manifest))
    return out


def generate(folder: Path, n: int, seed: int = 0, *, workers: int = 1, block: int = 200, **options) -> DatasetWriter:
    """`plan_years(n, seed, **options)` written into `folder`; with `workers` processes, blocks of
    sponsors are drawn and rendered in parallel and written in order: the same files either way."""
    if workers <= 1:
        return write_all(folder, plan_years(n, seed, **options))
    o = Options(**options)
    with DatasetWriter(folder) as writer, multiprocessing.get_context("fork").Pool(workers) as pool:
        pending: deque = deque()
        made, blocks = 0, 0
        while made < n:
            while len(pending) < 2 * workers:
                pending.append(pool.apply_async(_sponsor_block, (seed, blocks * block, block, o)))
                blocks += 1
            for span, plan, lines, manifest in pending.popleft().get():
                if made + span > n:  # the last plan, cut short as plan_years cuts it
                    span, filings = plan_filings(seed, plan, o, n - made)
                    for filing in filings:
                        writer.write(filing)
                else:
                    writer.put(lines, manifest)
                made += span
                if made >= n:
                    break
    return writer


def zipped(paths: Iterable[Path], target: Path) -> Path:
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in paths:
            archive.write(path, path.name)
    return target


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--plan-years", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--error-rate", type=float, default=0.01)
    parser.add_argument("--amended-rate", type=float, default=0.03)
    parser.add_argument("--large-share", type=float, default=0.2, help="share of plans filing Schedule H")
    parser.add_argument("--years", type=int, nargs=2, default=(2019, 2025), metavar=("FIRST", "LAST"),
                        help="form years the plan-years fall in (a year without a layout of its own is written in the latest earlier one)")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="processes drawing the filings (default: one per core)")
    parser.add_argument("--zip", action="store_true", help="also write the datasets as one .zip")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    writer = generate(args.out, args.plan_years, args.seed, workers=args.workers, error_rate=args.error_rate,
                      amended_rate=args.amended_rate, mix=(args.large_share, 0.7), years=tuple(args.years))
    seconds = time.perf_counter() - started
    rows_written = sum(writer.counts.values())
    print(f"{args.plan_years} plan-years, {args.workers} workers: {rows_written} rows in {seconds:.1f} s ({rows_written / seconds:,.0f} rows/s)")
    for dataset in DATASETS:
        size = sum(p.stat().st_size for p in writer.paths() if p.name.startswith(dataset + "_2"))
        print(f"  {dataset:<15} {writer.counts.get(dataset, 0):>10} rows {size / 1e6:>10.1f} MB")
    if args.zip:
        archive = zipped(writer.paths(), args.out / "form5500.zip")
        print(f"  zip {archive.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
