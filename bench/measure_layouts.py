"""How well the importer and the audit do on filings in layouts they have never seen.

Renders P plans x Y years of rich filings (`bench.synth.rich_filings`), each plan in a layout
drawn from the seed that drifts a little from year to year as typists change, imports them with
the `planledger` command into a fresh home and audits them, and reports: filings imported, year
ends reconciled (replayed net assets equal to reported and to the truth), planted discrepancies
found on their plan and date, false alarms by check, rejections by reason, and the parse rate.
Only public surfaces are used: `parse_document`, the command line and its JSON.

    python -m bench.measure_layouts --seed 1 --plans 20 --years 5 --discrepancy-rate 0.2 [--out DIR] [--json FILE]
        [--format FORMAT] [--form-5500-notes]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, fields, replace
from pathlib import Path

from bench.layouts import CHOICES, Layout, figures, render
from bench.reconciliation import read_back as reconciliations
from bench.reconciliation import with_reconciliations
from bench.synth import Filing, rich_features, rich_filings
from importers import parse_document
from ledger import events as ev
from ledger.batch import FilingBatch

DRIFT = 3  # knobs a typist changes at most from one year to the next
WORST = 8  # misread figures and layout habits listed


@dataclass
class Document:
    filing: Filing
    layout: Layout
    path: Path

    @property
    def plan(self) -> str:
        ref = self.filing.batch.plans[0].plan
        return f"{ref.ein}-{ref.plan_number}"

    @property
    def year_end(self) -> str:
        return self.filing.batch.plans[0].events[0].as_of.isoformat()

    @property
    def net_assets(self) -> str:
        """The true year-end net assets, as the audit prints money."""
        amount = next(e.amount for e in self.filing.batch.plans[0].events
                      if isinstance(e, ev.NetAssetsReported) and e.as_of.isoformat() == self.year_end)
        return f"{amount:.2f}"


def drifted(layout: Layout, rng: random.Random) -> Layout:
    """Next year's layout: the same typist, with a few habits changed."""
    names = rng.sample([f.name for f in fields(Layout)], rng.randint(0, DRIFT))
    return replace(layout, **{name: rng.choice(CHOICES[name]) for name in names})


FORMATS = ("text", "dollar_cells", "font_soup", "css_colspan", "ixbrl", "submission", "pdf_mono", "pdf_proportional",
           "pdf_kerned")


def printed(filing: Filing, layout: Layout, fmt: str) -> tuple[bytes, str]:
    """The filing as a document of the format: its bytes and its file name's ending."""
    if fmt == "text":
        return render(filing, layout).encode(), ".txt"
    if fmt.startswith("pdf_"):
        from bench.pdf_render import render_pdf

        return render_pdf(render(filing, layout), fmt.removeprefix("pdf_")), ".pdf"
    from bench.html_render import render_html, render_submission

    if fmt == "submission":
        return render_submission(filing, layout, "font_soup").encode(), ".txt"
    return render_html(filing, layout, fmt).encode(), ".htm"


def write_documents(filings: list[Filing], seed: int, out: Path, fmt: str = "text") -> list[Document]:
    rng = random.Random(f"layouts/{seed}")
    documents, layouts = [], {}
    for filing in filings:
        plan = filing.batch.plans[0].plan.ein
        layouts[plan] = drifted(layouts[plan], rng) if plan in layouts else Layout.draw(rng)
        data, suffix = printed(filing, layouts[plan], fmt)
        path = out / Path(filing.batch.document).with_suffix(suffix).name
        path.write_bytes(data)
        documents.append(Document(filing, layouts[plan], path))
    return documents


def parse_rate(documents: list[Document]) -> tuple[float, list]:
    """Documents parsed per second in this process, and what each parsed to."""
    data = [(d.path.name, d.path.read_bytes()) for d in documents]
    started = time.perf_counter()
    parsed = [parse_document(name, text) for name, text in data]
    return len(data) / (time.perf_counter() - started), parsed


def read_back(documents: list[Document], parsed: list) -> dict:
    """How many documents gave back every figure; which figures the others lost or gained, and
    the layout habits (knob=value) and kinds of plan-year under which the fewest read back exactly."""
    exact, misread, seen, good = 0, Counter(), Counter(), Counter()
    notes, notes_exact = 0, 0
    for document, result in zip(documents, parsed, strict=True):
        truth_notes = reconciliations(document.filing.batch)
        notes += sum(truth_notes.values())
        notes_exact += sum((truth_notes & reconciliations(result)).values())
        want = figures(document.filing.batch, document.layout)
        got = figures(result) if isinstance(result, FilingBatch) else Counter()
        ok = got == want
        exact += ok
        knobs = [f"{f.name}={getattr(document.layout, f.name)!r}" for f in fields(Layout)]
        knobs += [f"plan-year with {feature}" for feature in rich_features(document.filing)]
        seen.update(knobs)
        good.update(knobs if ok else [])
        if isinstance(result, FilingBatch):
            misread.update(f"{section} {kind} missing" for section, kind, *_ in want - got)
            misread.update(f"{section} {kind} extra" for section, kind, *_ in got - want)
    worst = sorted(seen, key=lambda k: (good[k] / seen[k], -seen[k]))[:WORST]
    return {"exact": exact, "reconciliations": notes, "reconciliations_exact": notes_exact,
            "misread_figures": dict(misread.most_common()),
            "worst_habits": {k: f"{good[k]}/{seen[k]}" for k in worst}}


def planledger(home: Path, *args: str) -> object:
    result = subprocess.run([sys.executable, "-m", "ledger", "--home", str(home), *args, "--format", "json"],
                            check=False, capture_output=True, text=True, timeout=3600)  # import exits 1 on a rejection
    if not result.stdout.strip():
        raise SystemExit(f"planledger {' '.join(args)} failed: {result.stderr}")
    return json.loads(result.stdout)


def measure(seed: int, plans: int, years: int, discrepancy_rate: float, out: Path, home: Path, fmt: str = "text",
            notes: bool = False) -> dict:
    filings = list(rich_filings(plans, years, seed=seed, discrepancy_rate=discrepancy_rate))
    if notes:  # each with the reconciliations to the Form 5500 its plan would print
        rng = random.Random(f"reconciliation-truth/{seed}")
        filings = [with_reconciliations(f, rng) for f in filings]
    documents = write_documents(filings, seed, out, fmt)
    rate, parsed = parse_rate(documents)
    reports = planledger(home, "import", str(out))
    plan_keys = {p["plan_id"]: f"{p['ein']}-{p['plan_number']}" for p in planledger(home, "plans")}
    report = planledger(home, "audit")
    return summarise(documents, reports, plan_keys, report, rate, read_back(documents, parsed))


def summarise(documents: list[Document], reports: list[dict], plan_keys: dict[str, str], report: dict,
              rate: float, readings: dict) -> dict:
    statuses = Counter(r["status"] for r in reports)
    rejected = Counter(re.sub(r"line \d+", "line N", r["reason"]) for r in reports if r["status"] == "rejected")
    balances = {(plan_keys.get(b["plan_id"], b["plan_id"]), b["year_end"]): b for b in report["balances"]}
    reconciled = sum(reconciles(balances.get((d.plan, d.year_end)), d.net_assets) for d in documents)
    planted = {(d.plan, d.filing.planted.as_of.isoformat()) for d in documents if d.filing.planted}
    flagged = {(plan_keys.get(f["plan_id"]), f["as_of"]) for f in report["findings"]}
    false_alarms = Counter(f["check"] for f in report["findings"] if (plan_keys.get(f["plan_id"]), f["as_of"]) not in planted)
    return {
        "documents": len(documents),
        "imported": statuses["imported"],
        "statuses": dict(statuses),
        "figures_read_back_exactly": readings["exact"],
        "reconciliations": readings["reconciliations"],
        "reconciliations_read_back_exactly": readings["reconciliations_exact"],
        "year_ends_reconciled": reconciled,
        "planted": len(planted),
        "planted_found": len(planted & flagged),
        "false_alarms": sum(false_alarms.values()),
        "false_alarms_by_check": dict(false_alarms.most_common()),
        "rejected_by_reason": dict(rejected.most_common()),
        "parse_documents_per_second": round(rate, 1),
        "misread_figures": readings["misread_figures"],
        "worst_habits": readings["worst_habits"],
    }


def reconciles(balance: dict | None, truth: str) -> bool:
    """Replayed net assets equal the reported ones, and both are what the plan truly held."""
    return bool(balance) and balance["difference"] == "0.00" and balance["reported"] == truth


def table(s: dict) -> str:
    lines = [
        f"filings imported            {s['imported']:>6} / {s['documents']}"
        + "".join(f", {n} {status}" for status, n in s["statuses"].items() if status != "imported"),
        f"figures read back exactly   {s['figures_read_back_exactly']:>6} / {s['documents']}",
        f"year ends reconciled        {s['year_ends_reconciled']:>6} / {s['documents']}  (replayed = reported = true)",
        *([f"Form 5500 notes read back   {s['reconciliations_read_back_exactly']:>6} / {s['reconciliations']}"]
          if s["reconciliations"] else []),
        f"planted found               {s['planted_found']:>6} / {s['planted']}  (a finding on its plan and date)",
        f"false alarms                {s['false_alarms']:>6}  (findings on any other plan and date)",
        f"parse rate                  {s['parse_documents_per_second']:>6} documents/s",
    ]
    lines += [f"  false alarms, {check}: {n}" for check, n in s["false_alarms_by_check"].items()]
    lines += [f"  rejected ({n}): {reason}" for reason, n in s["rejected_by_reason"].items()]
    lines += [f"  misread ({n}): {what}" for what, n in list(s["misread_figures"].items())[:WORST]]
    lines += [f"  read back exactly, {habit}: {share}" for habit, share in s["worst_habits"].items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--plans", type=int, default=20)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--discrepancy-rate", type=float, default=0.0)
    parser.add_argument("--out", type=Path, help="where to write the documents (default: a temporary folder)")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON to this file")
    parser.add_argument("--format", choices=FORMATS, default="text", help="how the filings are printed")
    parser.add_argument("--form-5500-notes", action="store_true", help="print a note reconciling the statements to the Form 5500")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        out = args.out or Path(tmp) / "filings"
        out.mkdir(parents=True, exist_ok=True)
        if any(out.iterdir()):
            raise SystemExit(f"{out} is not empty: every document in it would be imported and counted")
        summary = measure(args.seed, args.plans, args.years, args.discrepancy_rate, out, Path(tmp) / "home", args.format,
                          args.form_5500_notes)
    summary["arguments"] = {"seed": args.seed, "plans": args.plans, "years": args.years,
                            "discrepancy_rate": args.discrepancy_rate, "format": args.format, "form_5500_notes": args.form_5500_notes}
    print(table(summary))
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2) + "\n")


if __name__ == "__main__":
    main()
