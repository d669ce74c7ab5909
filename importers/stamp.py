"""What every event of one filing shares: the filing, the date it became known, its unit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from uuid import UUID

from ledger.events import Provenance, Section, Unit

from importers.model import Source
from importers.text import Line, year_end


@dataclass(frozen=True, slots=True)
class Stamp:
    filing_id: UUID
    known_at: date
    fiscal_year_end: date

    @property
    def prior_year_end(self) -> date:
        return year_end(self.fiscal_year_end.year - 1, self.fiscal_year_end)

    @property
    def period_start(self) -> date:
        return self.prior_year_end + timedelta(days=1)

    def provenance(self, section: Section, at: Source | Line, column: str = "", unit: Unit = "dollars") -> Provenance:
        line, text = (at.line, at.text) if isinstance(at, Source) else (at.no, at.raw)
        return Provenance(filing_id=self.filing_id, section=section, line=line, text=text, column=column, unit=unit)

    def common(self, section: Section, line: Source | Line, as_of: date, column: str = "", unit: Unit = "dollars") -> dict:
        """The keyword arguments every PlanEvent needs."""
        return {
            "as_of": as_of,
            "known_at": self.known_at,
            "provenance": self.provenance(section, line, column, unit),
        }
