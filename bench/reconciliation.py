"""How well the note reconciling the statements to the Form 5500 reads back, per format.

Rich filings (`bench.synth.rich_filings`) get truth `Form5500ReconciliationReported` events
consistent with their statements (`with_reconciliations`: benefits payable, the contract value
adjustment, deemed distributions of loans, as Form 5500 preparers reconcile them), are printed
by `bench.layouts` (text, PDF) or `bench.html_render` in drifting layouts, parsed back, and
each reconciliation compared exactly: measure, dates, both figures and every signed item.

    python -m bench.reconciliation --seed 7 --plans 20 --years 3 [--format text pdf_mono ...]
"""

from __future__ import annotations

import argparse
import random
from collections import Counter
from datetime import date
from decimal import Decimal

from bench.layouts import Layout, figures, long_date, statements_figure
from bench.synth import LOANS, Filing, rich_filings
from importers import parse_document
from ledger import events as ev
from ledger.batch import FilingBatch, PlanBatch

PAYABLE = "Benefits payable"
ADJUSTMENT = "Adjustment from contract value to fair value for fully benefit-responsive investment contracts"
DEEMED = "Deemed distributions of participant loans"
WITHDRAWING = "Amounts allocated to withdrawing participants at"


def with_reconciliations(filing: Filing, rng: random.Random) -> Filing:
    """The filing with the reconciliations its plan's Form 5500 would call for (none for some)."""
    (plan,) = filing.batch.plans
    events = plan.events
    filed = next(e for e in events if isinstance(e, ev.FilingReported))
    end, prior = filed.as_of, filed.prior_year_end
    net = {e.as_of: e.amount for e in events if isinstance(e, ev.NetAssetsReported) and e.provenance.section == "net_assets"}
    adjustment = {e.as_of: e.amount for e in events if isinstance(e, ev.ValueAdjustmentReported)}
    size = max(int(net[end]), 1000)
    payable = {d: dollars(rng, size // 100) for d in (end, prior)}
    deemed = {prior: dollars(rng, size // 400)}
    deemed[end] = deemed[prior] + dollars(rng, size // 400)
    common = {"known_at": filed.known_at, "provenance": ev.Provenance(filing_id=filed.filing_id, section="notes", line=0, text="")}

    def made(measure: ev.Reconciled, as_of: date, per_statements, items, flow: bool) -> ev.Form5500ReconciliationReported:
        kept = tuple(ev.ReconcilingItem(label=label, amount=amount, line=0) for label, amount in items if amount)
        return ev.Form5500ReconciliationReported(
            **common, as_of=as_of, measure=measure, per_statements=per_statements,
            per_form_5500=per_statements + sum((i.amount for i in kept), Decimal(0)), items=kept,
            period_start=filed.period_start if flow else None)

    out: list[ev.PlanEvent] = []
    if rng.random() < 0.8:
        for d in (end, prior):
            items = [(PAYABLE, -payable[d]), (ADJUSTMENT, -adjustment.get(d, 0)), (DEEMED, -deemed[d])]
            out.append(made("net_assets", d, net[d], items, False))
    benefits = next((e.amount for e in events if isinstance(e, ev.BenefitPaid)), None)
    if benefits is not None and rng.random() < 0.7:
        items = [(f"{WITHDRAWING} {long_date(end)}", payable[end]), (f"{WITHDRAWING} {long_date(prior)}", -payable[prior]),
                 (DEEMED, deemed[end] - deemed[prior])]
        out.append(made("benefits", end, benefits, items, True))
    change = next((e.amount for e in events if isinstance(e, ev.TotalReported) and e.total == "net_change"), None)
    if change is not None and rng.random() < 0.4:
        items = [(f"Change in {PAYABLE.lower()}", payable[prior] - payable[end]),
                 ("Change in adjustment from contract value to fair value", adjustment.get(prior, 0) - adjustment.get(end, 0)),
                 (DEEMED, deemed[prior] - deemed[end])]
        out.append(made("net_income", end, change, items, True))
    loans = next((e.amount for e in events if isinstance(e, ev.HoldingReported) and e.label == LOANS and e.as_of == end), None)
    if loans is not None and rng.random() < 0.3:
        out.append(made("participant_loans", end, loans, [(DEEMED, -deemed[end])], False))
    out = [e for e in out if e.items]
    batch = FilingBatch(document=filing.batch.document, digest=filing.batch.digest, filing_id=filing.batch.filing_id,
                        plans=[PlanBatch(plan=plan.plan, events=[*events, *out])])
    return Filing(batch, filing.injected, filing.planted, filing.scale)


def dollars(rng: random.Random, high: int) -> Decimal:
    """Dollars between 0 and high, now and then none at all."""
    return Decimal(0) if high <= 0 or rng.random() < 0.2 else Decimal(rng.randint(1, high))


def read_back(batch) -> Counter:
    """Each reconciliation as its figures, dates and signed items (labels compared as words)."""
    if not isinstance(batch, FilingBatch):
        return Counter()
    return Counter(
        (e.measure, e.as_of, e.period_start, statements_figure(e), e.per_form_5500,
         tuple((" ".join(i.label.split()).lower(), i.amount) for i in e.items if i.amount))
        for plan in batch.plans for e in plan.events if isinstance(e, ev.Form5500ReconciliationReported)
    )


def measure(seed: int, plans: int, years: int, formats: list[str]) -> dict[str, dict[str, int]]:
    """Per format: reconciliations printed and read back exactly; documents whose statements
    still read back exactly."""
    from bench.measure_layouts import drifted, printed

    rng = random.Random(f"reconciliation-truth/{seed}")
    filings = [with_reconciliations(f, rng) for f in rich_filings(plans, years, seed=seed)]
    layouts_rng = random.Random(f"layouts/{seed}")
    layouts: dict[str, Layout] = {}
    drawn = []
    for filing in filings:
        key = filing.batch.plans[0].plan.ein
        layouts[key] = drifted(layouts[key], layouts_rng) if key in layouts else Layout.draw(layouts_rng)
        drawn.append((filing, layouts[key]))
    results = {}
    for fmt in formats:
        notes = exact = statements = 0
        for filing, layout in drawn:
            data, suffix = printed(filing, layout, fmt)
            parsed = parse_document(filing.batch.document.removesuffix(".txt") + suffix, data)
            want, got = read_back(filing.batch), read_back(parsed)
            notes += sum(want.values())
            exact += sum((want & got).values())
            statements += isinstance(parsed, FilingBatch) and figures(parsed) == figures(filing.batch, layout)
        results[fmt] = {"reconciliations": notes, "read_back_exactly": exact, "documents": len(drawn),
                        "statements_read_back_exactly": statements}
    return results


def main(argv: list[str] | None = None) -> None:
    from bench.measure_layouts import FORMATS

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--plans", type=int, default=20)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--format", nargs="+", choices=FORMATS, default=list(FORMATS))
    args = parser.parse_args(argv)
    for fmt, r in measure(args.seed, args.plans, args.years, args.format).items():
        print(f"{fmt:<18} reconciliations read back exactly {r['read_back_exactly']:>5} / {r['reconciliations']:<5}"
              f" statements read back exactly {r['statements_read_back_exactly']:>4} / {r['documents']}")


if __name__ == "__main__":
    main()
