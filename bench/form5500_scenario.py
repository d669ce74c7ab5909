"""Plans that file both: their 11-Ks printed as documents and their Form 5500s as DOL datasets.

`bench.synth.rich_filings` makes the 11-Ks, `bench.form5500_11k` each plan-year's Form 5500 from
the same true figures (agreeing, differing as a reconciliation note explains, or differing
unexplained), and the 11-K of a plan-year whose Form 5500 differs by reconciling items prints
that note (`bench.layouts`). What
the audit must then say is known in advance: a `form5500_vs_11k` finding for each planted
disagreement, an explained difference for each reconciled measure the audit compares, nothing
else.

    python -m bench.form5500_scenario --seed 5 --plans 20 --years 4 --out DIR
"""

from __future__ import annotations

import argparse
import json
import random
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from bench.form5500_11k import form5500_for_11ks
from bench.form5500_files import write_all
from bench.layouts import Layout
from bench.measure_layouts import drifted, printed
from bench.synth import Filing, rich_filings
from ledger import events as ev
from ledger.batch import FilingBatch, PlanBatch

COMPARED = ("net_assets", "contributions", "benefits", "participant_loans")
"""The measures the audit weighs an 11-K against its Form 5500 by."""


@dataclass
class Expected:
    """What the audit of the scenario must find, keyed (EIN without hyphen, plan number, date, measure)."""

    disagreements: set[tuple[str, str, str, str]] = field(default_factory=set)
    explained: set[tuple[str, str, str, str]] = field(default_factory=set)
    documents: int = 0
    form5500s: int = 0

    def to_dict(self) -> dict:
        return {"disagreements": sorted(map(list, self.disagreements)), "explained": sorted(map(list, self.explained)),
                "documents": self.documents, "form5500s": self.form5500s}


def with_note(filing: Filing, reconciliations: list[dict]) -> Filing:
    """The 11-K with its "Reconciliation of financial statements to Form 5500" note."""
    (plan,) = filing.batch.plans
    filed = next(e for e in plan.events if isinstance(e, ev.FilingReported))
    common = {"known_at": filed.known_at, "provenance": ev.Provenance(filing_id=filed.filing_id, section="notes", line=0, text="")}
    notes = [
        ev.Form5500ReconciliationReported(
            **common,
            as_of=date.fromisoformat(r["as_of"]) if r["as_of"] else filed.as_of,
            measure=r["measure"],
            per_statements=Decimal(r["per_statements"]),
            per_form_5500=Decimal(r["per_form_5500"]),
            items=tuple(ev.ReconcilingItem(label=bare(label), amount=Decimal(amount), line=0) for label, amount in r["items"]),
            period_start=None if r["as_of"] else filed.period_start,
        )
        for r in reconciliations
    ]
    batch = FilingBatch(document=filing.batch.document, digest=filing.batch.digest, filing_id=filing.batch.filing_id,
                        plans=[PlanBatch(plan=plan.plan, events=[*plan.events, *notes])])
    return Filing(batch, filing.injected, filing.planted, filing.scale)


def bare(label: str) -> str:
    """The printer writes its own "Less:" and "Add:"."""
    for prefix in ("Add: ", "Less: "):
        label = label.removeprefix(prefix)
    return label[:1].upper() + label[1:]


def write_scenario(out: Path, plans: int, years: int, seed: int, fmt: str = "text",
                   weights: tuple[float, float, float] = (0.4, 0.3, 0.3)) -> Expected:
    """The 11-Ks into `out/11k`, the Form 5500 datasets into `out/5500`; what the audit must find."""
    (out / "11k").mkdir(parents=True, exist_ok=True)
    expected, form5500s, layouts = Expected(), [], {}
    rng = random.Random(f"scenario/{seed}")
    for filing, f5500 in form5500_for_11ks(rich_filings(plans, years, seed=seed), seed, share=1.0, weights=weights):
        if f5500 is not None:
            entry = f5500.manifest[0]
            key = (entry["ein"], entry["pn"])
            if entry["reconciliations"]:  # explained, or carried over from last year's into a disagreeing one
                filing = with_note(filing, entry["reconciliations"])
                expected.explained |= {(*key, r["as_of"] or entry["year_end"], r["measure"]) for r in entry["reconciliations"]
                                       if r["measure"] in COMPARED and r["per_statements"] != r["per_form_5500"]}
            if entry["disagreement"]:
                d = entry["disagreement"]
                expected.disagreements.add((*key, d["as_of"] or entry["year_end"], d["measure"]))
            form5500s.append(f5500)
        ein = filing.batch.plans[0].plan.ein
        layouts[ein] = drifted(layouts[ein], rng) if ein in layouts else Layout.draw(rng)
        data, suffix = printed(filing, layouts[ein], fmt)
        (out / "11k" / Path(filing.batch.document).with_suffix(suffix).name).write_bytes(data)
        expected.documents += 1
    write_all(out / "5500", form5500s)
    expected.form5500s = len(form5500s)
    return expected


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--plans", type=int, default=20)
    parser.add_argument("--years", type=int, default=4)
    parser.add_argument("--format", default="text")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    expected = write_scenario(args.out, args.plans, args.years, args.seed, args.format)
    print(json.dumps(expected.to_dict(), indent=1))


if __name__ == "__main__":
    main()
