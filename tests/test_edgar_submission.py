"""EDGAR full submissions: the SGML envelope, its header's facts, and statements found in
whichever <DOCUMENT> holds them (the 11-K itself or an EX-99 exhibit)."""

from __future__ import annotations

from datetime import date

from importers import parse_document
from ledger import events as ev
from ledger.batch import FilingBatch, Skipped
from tests.conftest import SEEDS

FY2000 = (SEEDS / "000_7d7b012b68c2cbfb.txt").read_text()
PRESS_RELEASE = (SEEDS / "003_61a9feee0681f8da.txt").read_text()

HEADER = """<SEC-DOCUMENT>0000950134-01-500123.txt : 20010629
<SEC-HEADER>0000950134-01-500123.hdr.sgml : 20010629
ACCESSION NUMBER:\t\t0000950134-01-500123
CONFORMED SUBMISSION TYPE:\t11-K
PUBLIC DOCUMENT COUNT:\t\t3
CONFORMED PERIOD OF REPORT:\t20001231
FILED AS OF DATE:\t\t20010629

FILER:

\tCOMPANY DATA:
\t\tCOMPANY CONFORMED NAME:\t\t\tSOS STAFFING SERVICES INC
\t\tCENTRAL INDEX KEY:\t\t\t0000930420
</SEC-HEADER>
"""


def document(kind: str, filename: str, text: str) -> str:
    return f"<DOCUMENT>\n<TYPE>{kind}\n<SEQUENCE>1\n<FILENAME>{filename}\n<TEXT>\n{text}\n</TEXT>\n</DOCUMENT>\n"


def submission(*documents: str) -> str:
    return HEADER + "".join(documents) + "</SEC-DOCUMENT>\n"


def figures(batch: FilingBatch) -> list[tuple]:
    """The figures read, with the text of the line each was printed on (not its number)."""
    (plan,) = batch.plans
    return sorted(
        (type(e).__name__, e.as_of, str(getattr(e, "amount", "")), e.provenance.text)
        for e in plan.events
        if e.provenance.section in ("net_assets", "changes", "schedule_h_4i") and not isinstance(e, ev.StatementRead)
    )


def test_a_submission_reads_the_same_figures_as_its_11k_and_cites_the_envelopes_lines():
    text = submission(document("11-K", "d11k.txt", FY2000), document("EX-99.1", "ex99.txt", PRESS_RELEASE))
    alone = parse_document("fy2000.txt", FY2000.encode())
    wrapped = parse_document("0000950134-01-500123.txt", text.encode())
    assert isinstance(wrapped, FilingBatch) and isinstance(alone, FilingBatch)
    assert figures(wrapped) == figures(alone)
    lines = text.split("\n")
    for e in wrapped.plans[0].events:
        assert lines[e.provenance.line - 1].rstrip() == e.provenance.text


def test_the_header_facts_are_kept_with_their_line():
    text = submission(document("11-K", "d11k.txt", FY2000))
    batch = parse_document("sub.txt", text.encode())
    (fact,) = [e for e in batch.plans[0].events if isinstance(e, ev.SubmissionReported)]
    assert (fact.company, fact.form, fact.period, fact.filed, fact.accession) == (
        "SOS STAFFING SERVICES INC", "11-K", date(2000, 12, 31), date(2001, 6, 29), "0000950134-01-500123",
    )
    assert fact.provenance.line == 3 and "ACCESSION NUMBER" in fact.provenance.text


def test_statements_in_an_exhibit_are_found():
    cover, statements = FY2000.split("Report of Independent", 1)
    text = submission(
        document("11-K", "d11k.txt", cover),
        document("EX-23", "consent.txt", "CONSENT OF INDEPENDENT ACCOUNTANTS\n\nWe consent to the incorporation."),
        document("EX-99", "ex99.txt", "Report of Independent" + statements),
    )
    batch = parse_document("sub.txt", text.encode())
    assert isinstance(batch, FilingBatch)
    assert figures(batch) == figures(parse_document("fy2000.txt", FY2000.encode()))


def test_a_submission_without_plan_statements_is_skipped():
    text = submission(document("8-K", "d8k.txt", PRESS_RELEASE))
    result = parse_document("sub.txt", text.encode())
    assert isinstance(result, Skipped)
