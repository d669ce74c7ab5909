"""The three sample filings (tests/data/seeds 000-002) transcribed by hand into events.

Every figure, line number and date below was read off the documents, so audit tests can name
the lines they expect without depending on the importer.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from ledger import events as ev
from ledger.batch import FilingBatch, PlanBatch, PlanRef
from ledger.identity import document_digest, filing_id

SEEDS = Path(__file__).parent / "data" / "seeds"
FY2000, FY2001, FY2002 = "000_7d7b012b68c2cbfb.txt", "001_554202e7201048b9.txt", "002_70e8a79881a820c9.txt"
PLAN = PlanRef(name="SOS Staffing Services, Inc. 401 (k) Plan", sponsor="SOS Staffing Services, Inc.",
               ein="87-0295503", plan_number="002")
D = Decimal


class Writer:
    """Events of one document: each figure cites its line as printed."""

    def __init__(self, document: str, year_end: date, prior: date, signed: date) -> None:
        data = (SEEDS / document).read_bytes()
        self.document = document
        self.digest = document_digest(data)
        self.fid = filing_id(self.digest)
        self.lines = data.decode().splitlines()
        self.year_end, self.prior, self.signed = year_end, prior, signed
        self.events: list[ev.PlanEvent] = []

    def at(self, line: int, section: ev.Section, as_of: date | None = None, column: str = "") -> dict:
        as_of = as_of or self.year_end
        return {
            "as_of": as_of,
            "known_at": self.signed,
            "provenance": ev.Provenance(filing_id=self.fid, section=section, line=line,
                                        text=self.lines[line - 1].rstrip(), column=column),
        }

    def add(self, cls, line: int, section: ev.Section, as_of: date | None = None, column: str = "", **fields) -> None:
        self.events.append(cls(**fields, **self.at(line, section, as_of, column)))

    def columns(self, cls, line: int, current, prior, **fields) -> None:
        """A statement-of-net-assets line with a figure in each year's column ("--" is None)."""
        for as_of, amount in ((self.year_end, current), (self.prior, prior)):
            if amount is not None:
                self.add(cls, line, "net_assets", as_of, str(as_of.year), amount=D(amount), **fields)

    def cover(self) -> None:
        self.add(ev.PlanIdentified, 1, "cover", name=PLAN.name, sponsor=PLAN.sponsor, ein=PLAN.ein,
                 plan_number=PLAN.plan_number)
        self.add(ev.FilingReported, 1, "cover", filing_id=self.fid, form="11-K", document=self.document,
                 digest=self.digest, period_start=date(self.year_end.year, 1, 1), prior_year_end=self.prior,
                 date_signed=self.signed)

    def batch(self) -> FilingBatch:
        return FilingBatch(document=self.document, digest=self.digest, filing_id=self.fid,
                           plans=[PlanBatch(plan=PLAN, events=self.events)])


def holdings(w: Writer, rows) -> None:
    for line, label, current, prior in rows:
        w.columns(ev.HoldingReported, line, current, prior, label=label)


def schedule_h(w: Writer, rows) -> None:
    for line, issuer, shares, value, star in rows:
        w.add(ev.HoldingReported, line, "schedule_h_4i", column="(d)", amount=D(value), issuer=issuer,
              shares=None if shares is None else D(shares), party_in_interest=star,
              description="money market fund" if "Money Market" in issuer else "")


def changes(w: Writer, flows, totals, beginning: tuple[int, int], end: tuple[int, int]) -> None:
    for cls, line, amount, extra in flows:
        w.add(cls, line, "changes", amount=D(amount), **extra)
    for kind, line, amount in totals:
        w.add(ev.TotalReported, line, "changes", total=kind, amount=D(amount))
    w.add(ev.NetAssetsReported, beginning[0], "changes", w.prior, amount=D(beginning[1]))
    w.add(ev.NetAssetsReported, end[0], "changes", amount=D(end[1]))


def fy2000() -> FilingBatch:
    w = Writer(FY2000, date(2000, 12, 31), date(1999, 12, 31), date(2001, 6, 28))
    w.cover()
    holdings(w, [
        (152, "Spartan U.S. Treasury Money Market Fund", 600055, 937901),
        (153, "Fidelity U.S. Bond Index Fund", 229207, 228188),
        (154, "Loomis Sayles Bond Fund", 180606, 195900),
        (155, "Fidelity Puritan Fund", 300752, 432724),
        (156, "Fidelity Equity Income I Fund", 550114, 631250),
        (157, "Fidelity Spartan U.S. Equity Index Fund", 865996, 1086888),
        (158, "Dreyfus Appreciation Fund", 827182, 958129),
        (159, "Neuberger Berman Genesis Trust", 271946, 295916),
        (160, "Manager's Special Equity Fund", 539993, 575733),
        (161, "Mercury HW International Fund", 94870, 92946),
        (162, "Cohen & Steers Realty Shares Fund", 93610, 67198),
        (163, "Gabelli Growth Fund", 296215, None),
        (164, "Janus Overseas Fund", 73075, None),
        (165, "Invesco Technology Fund", 171417, None),
        (166, "Fidelity Freedom 2010 Fund", 56982, 9520),
        (167, "Fidelity Freedom 2020 Fund", 83035, 13977),
        (168, "Fidelity Freedom 2030 Fund", 75877, 31859),
        (169, "Templeton Developing Markets Trust", None, 67063),
        (172, "SOS Staffing Services, Inc. Common Stock", 83401, 143930),
        (173, "Participant Loans", 43536, 48032),
        (174, "Kemper Advantage III, variable annuity", None, 34419),
    ])
    w.columns(ev.TotalReported, 176, 5437869, 5851573, total="total_investments")
    w.columns(ev.CashReported, 179, 150241, 69908, label="Cash")
    w.columns(ev.ReceivableReported, 183, 64055, 68224, kind="participant")
    w.columns(ev.ReceivableReported, 184, 185528, 278515, kind="employer")
    w.columns(ev.TotalReported, 186, 249583, 346739, total="total_receivables")
    w.columns(ev.NetAssetsReported, 188, 5837693, 6268220)
    changes(w, [
        (ev.ContributionReceived, 207, 1881455, {"source": "participant"}),
        (ev.ContributionReceived, 208, 173589, {"source": "employer"}),
        (ev.ContributionReceived, 209, 87602, {"source": "rollover"}),
        (ev.NetAppreciation, 214, -537891, {}),
        (ev.InterestAndDividends, 215, 385809, {}),
        (ev.BenefitPaid, 221, 2421091, {}),
    ], [
        ("total_contributions", 211, 2142646),
        ("total_investment_income", 217, -152082),
        ("total_additions", 219, 1990564),
        ("net_change", 223, -430527),
    ], beginning=(225, 6268220), end=(227, 5837693))
    w.add(ev.ForfeitureBalanceReported, 295, "notes", amount=D(149952), approximate=True)
    w.add(ev.ParticipantLoansReported, 451, "notes", rate_low=D("9.25"), rate_high=D("9.5"), new_loans_allowed=False)
    w.add(ev.DeemedLoanMade, 655, "schedule_g_iii", date(1998, 7, 1), loan="sos/1998-07-01",
          counterparty="SOS Staffing Services, Inc.", principal=D(9627), rate=D("16.5"), maturity=date(2000, 6, 28))
    w.add(ev.DeemedLoanRepaid, 655, "schedule_g_iii", date(2000, 6, 28), loan="sos/1998-07-01",
          counterparty="SOS Staffing Services, Inc.", principal=D(9627), interest=D(3430), rate=D("16.5"),
          start_date=date(1998, 7, 1))
    schedule_h(w, [
        (556, "Spartan U.S. Treasury Money Market Fund", 600055, 600055, True),
        (559, "Fidelity U.S. Bond Index Fund", 21644, 229207, True),
        (562, "Loomis Sayles Bond Fund", 16330, 180606, False),
        (565, "Fidelity Puritan Fund", 15972, 300752, True),
        (568, "Fidelity Equity Income I Fund", 10296, 550114, True),
        (571, "Fidelity Spartan U.S. Equity Index Fund", 18500, 865996, True),
        (574, "Dreyfus Appreciation Fund", 19264, 827182, False),
        (577, "Neuberger Berman Genesis Trust", 10166, 271946, False),
        (580, "Manager's Special Equity Fund", 7031, 539993, False),
        (583, "Mercury HW International Fund", 3860, 94870, False),
        (604, "Cohen & Steers Realty Shares Fund", 2115, 93610, False),
        (607, "Gabelli Growth Fund", 7838, 296215, False),
        (610, "Janus Overseas Fund", 2753, 73075, False),
        (613, "Invesco Technology Fund", 2868, 171417, False),
        (616, "Fidelity Freedom 2010 Fund", 4117, 56982, True),
        (619, "Fidelity Freedom 2020 Fund", 5703, 83035, True),
        (622, "Fidelity Freedom 2030 Fund", 5058, 75877, True),
        (625, "SOS Staffing Services, Inc.", 47658, 83401, True),
        (628, "Participant loans", None, 43536, True),
    ])
    return w.batch()


def fy2001() -> FilingBatch:
    w = Writer(FY2001, date(2001, 12, 31), date(2000, 12, 31), date(2002, 5, 30))
    w.cover()
    holdings(w, [
        (166, "Spartan U.S. Treasury Money Market Fund", 852540, 600055),
        (167, "Fidelity U.S. Bond Index Fund", 219054, 229207),
        (168, "Loomis Sayles Bond Fund", 157665, 180606),
        (169, "Fidelity Puritan Fund", 263691, 300752),
        (170, "Fidelity Equity Income Fund", 431660, 550114),
        (171, "Spartan U.S. Equity Index Fund", 510762, 865996),
        (172, "Dreyfus Appreciation Fund", 407882, 827182),
        (173, "Neuberger Berman Genesis Trust", 166918, 271946),
        (174, "Manager's Special Equity Fund", 335917, 539993),
        (175, "Mercury HW International Fund", 47282, 94870),
        (176, "Cohen & Steers Realty Shares Fund", 73533, 93610),
        (177, "Gabelli Growth Fund", 86287, 296215),
        (178, "Janus Overseas Fund", 86812, 73075),
        (179, "Invesco Technology Fund", 111628, 171417),
        (180, "Fidelity Freedom 2010 Fund", 49439, 56982),
        (181, "Fidelity Freedom 2020 Fund", 72170, 83035),
        (182, "Fidelity Freedom 2030 Fund", 52739, 75877),
        (184, "SOS Staffing Services, Inc. common stock", 71797, 83401),
        (185, "Participant loans", 1046, 43536),
    ])
    w.columns(ev.TotalReported, 187, 3998822, 5437869, total="total_investments")
    w.columns(ev.CashReported, 189, 1470, 150241, label="CASH")
    w.columns(ev.ReceivableReported, 191, 22522, 64055, kind="participant")
    w.columns(ev.ReceivableReported, 192, None, 185528, kind="employer")
    w.columns(ev.TotalReported, 194, 22522, 249583, total="total_receivables")
    w.columns(ev.TotalReported, 196, 4022814, 5837693, total="total_assets")
    w.columns(ev.LiabilityReported, 200, 393, None, kind="excess contributions refundable")
    w.columns(ev.TotalReported, 202, 393, None, total="total_liabilities")
    w.columns(ev.NetAssetsReported, 204, 4022421, 5837693)
    changes(w, [
        (ev.ContributionReceived, 221, 892081, {"source": "participant"}),
        (ev.NetAppreciation, 225, -545303, {}),
        (ev.InterestAndDividends, 226, 118470, {}),
        (ev.BenefitPaid, 232, 2280520, {}),
    ], [
        ("total_investment_income", 226, -426833),
        ("total_additions", 229, 465248),
        ("net_change", 234, -1815272),
    ], beginning=(237, 5837693), end=(241, 4022421))
    w.add(ev.ParticipantLoansReported, 328, "notes", count=1, rate_low=D("8.5"), rate_high=D("8.5"),
          new_loans_allowed=False)
    w.add(ev.ForfeitureBalanceReported, 338, "notes", amount=D(127451), approximate=True)
    w.add(ev.ForfeituresReallocated, 287, "notes", amount=D(150000), use="reallocated_to_participants",
          approximate=True, period_start=date(2001, 1, 1))
    w.add(ev.ForfeituresReallocated, 340, "notes", amount=D(149952), use="reallocated_to_participants",
          approximate=True, period_start=date(2001, 1, 1))
    w.add(ev.NetAppreciation, 393, "notes", amount=D(-500554), asset_class="mutual funds")
    w.add(ev.NetAppreciation, 394, "notes", amount=D(-44749), asset_class="common stock")
    schedule_h(w, [
        (450, "Spartan U.S. Treasury Money Market Fund", 852540, 852540, True),
        (452, "Fidelity U.S. Bond Index Fund", 20283, 219054, True),
        (454, "Loomis Sayles Bond Fund", 15102, 157665, False),
        (456, "Fidelity Puritan Fund", 14923, 263691, True),
        (458, "Fidelity Equity Income Fund", 8851, 431660, True),
        (460, "Spartan U.S. Equity Index Fund", 12568, 510762, True),
        (462, "Dreyfus Appreciation Fund", 10728, 407882, False),
        (464, "Neuberger Berman Genesis Trust", 5734, 166918, False),
        (466, "Manager's Special Equity Fund", 4758, 335917, False),
        (468, "Mercury HW International Fund", 2428, 47282, False),
        (470, "Cohen & Steers Realty Shares Fund", 1656, 73533, False),
        (472, "Gabelli Growth Fund", 3009, 86287, False),
        (474, "Janus Overseas Fund", 4277, 86812, False),
        (476, "Invesco Technology Fund", 3427, 111628, False),
        (478, "Fidelity Freedom 2010 Fund", 3920, 49439, True),
        (480, "Fidelity Freedom 2020 Fund", 5737, 72170, True),
        (482, "Fidelity Freedom 2030 Fund", 4199, 52739, True),
        (484, "SOS Staffing Services, Inc.", 64624, 71797, True),
        (487, "Participant loan", None, 1046, True),
    ])
    return w.batch()


def fy2002() -> FilingBatch:
    w = Writer(FY2002, date(2002, 12, 31), date(2001, 12, 31), date(2003, 6, 30))
    w.cover()
    holdings(w, [
        (166, "Spartan U.S. Treasury Money Market Fund", 732307, 852540),
        (167, "Fidelity U.S. Bond Index Fund", 295005, 219054),
        (168, "Loomis Sayles Bond Fund", 164729, 157665),
        (169, "Fidelity Puritan Fund", 174365, 263691),
        (170, "Fidelity Equity Income Fund", 277818, 431660),
        (171, "Spartan U.S. Equity Index Fund", 293504, 510762),
        (172, "Dreyfus Appreciation Fund", 274282, 407882),
        (173, "Neuberger Berman Genesis Trust", 157325, 166918),
        (174, "Manager's Special Equity Fund", 206626, 335917),
        (175, "Mercury HW International Fund", 39366, 47282),
        (176, "Cohen & Steers Realty Shares Fund", 83399, 73533),
        (177, "Gabelli Growth Fund", 47015, 86287),
        (178, "Janus Overseas Fund", 78012, 86812),
        (179, "Invesco Technology Fund", 62502, 111628),
        (180, "Fidelity Fredom 2010 Fund", 80088, 49439),
        (181, "Fidelity Fredom 2020 Fund", 58687, 72170),
        (182, "Fidelity Fredom 2030 Fund", 35777, 52739),
        (185, "SOS Staffing Services, Inc. common stock", 44460, 71797),
        (186, "Participant loans", None, 1046),
    ])
    w.columns(ev.TotalReported, 188, 3105557, 3998822, total="total_investments")
    w.columns(ev.CashReported, 190, None, 4170, label="CASH")
    w.columns(ev.ReceivableReported, 193, 1907, 22522, kind="participant")
    w.columns(ev.TotalReported, 195, 3107464, 4022814, total="total_assets")
    w.columns(ev.LiabilityReported, 199, None, 393, kind="excess contributions refundable")
    w.columns(ev.TotalReported, 201, None, 393, total="total_liabilities")
    w.columns(ev.NetAssetsReported, 204, 3107464, 4022421)
    changes(w, [
        (ev.ContributionReceived, 221, 487809, {"source": "participant"}),
        (ev.NetAppreciation, 224, -481363, {}),
        (ev.InterestAndDividends, 225, 10796, {}),
        (ev.BenefitPaid, 230, 932199, {}),
    ], [
        ("total_investment_income", 225, -470567),
        ("total_additions", 227, 17242),
        ("net_change", 233, -914957),
    ], beginning=(237, 4022421), end=(241, 3107464))
    w.add(ev.ParticipantLoansReported, 326, "notes", count=0, new_loans_allowed=False)
    w.add(ev.ForfeitureBalanceReported, 335, "notes", amount=D(43700), approximate=True)
    w.add(ev.ForfeituresReallocated, 284, "notes", amount=D(127800), use="reallocated_to_participants",
          approximate=True, period_start=date(2002, 1, 1))
    w.add(ev.ForfeituresReallocated, 337, "notes", amount=D(127800), use="reallocated_to_participants",
          approximate=True, period_start=date(2002, 1, 1))
    w.add(ev.NetAppreciation, 388, "notes", amount=D(-427778), asset_class="mutual funds")
    w.add(ev.NetAppreciation, 389, "notes", amount=D(-53585), asset_class="common stock")
    schedule_h(w, [
        (439, "Spartan U.S. Treasury Money Market Fund", 732849, 732597, True),
        (442, "Fidelity U.S. Bond Index Fund", 26246, 295005, True),
        (445, "Loomis Sayles Bond Fund", 14999, 164729, False),
        (448, "Fidelity Puritan Fund", 11043, 174365, True),
        (451, "Fidelity Equity Income Fund", 7003, 277818, True),
        (454, "Spartan U.S. Equity Index Fund", 9422, 293504, True),
        (457, "Dreyfus Appreciation Fund", 8791, 274282, False),
        (460, "Neuberger Berman Genesis Trust", 5591, 157325, False),
        (463, "Manager's Special Equity Fund", 3751, 206626, False),
        (466, "Mercury HW International Fund", 2373, 39366, False),
        (469, "Cohen & Steers Realty Shares Fund", 1924, 83399, False),
        (472, "Gabelli Growth Fund", 2476, 47015, False),
        (475, "Janus Overseas Fund", 5102, 78012, False),
        (478, "Invesco Technology Fund", 3636, 62502, False),
        (481, "Fidelity Freedom 2010 Fund", 7001, 80088, True),
        (484, "Fidelity Freedom 2020 Fund", 5516, 58687, True),
        (487, "Fidelity Freedom 2030 Fund", 3494, 35777, True),
        (490, "SOS Staffing Services, Inc.", 88921, 44460, True),
    ])
    return w.batch()


def sample_batches() -> list[FilingBatch]:
    return [fy2000(), fy2001(), fy2002()]


def transcribed_samples_home(home: Path) -> Path:
    """A ledger home holding the transcribed samples, projections caught up."""
    from ledger.application import Ledger
    from projections import runner

    ledger = Ledger.open(home)
    try:
        ledger.record_many(sample_batches())
        runner.catch_up(ledger, home)
    finally:
        ledger.close()
    return home
