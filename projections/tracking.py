"""Where each projection has got to in the notification log, kept in DuckDB itself.

A projection writes its rows and its position in one DuckDB transaction, so after a crash the
position says exactly which events are already applied: none is applied twice or skipped.
One row per upstream name (eventsourcing's "single-row tracking"): a position at or below the
recorded one is refused with `IntegrityError`.
"""

from __future__ import annotations

import duckdb
from eventsourcing.persistence import IntegrityError, Tracking, TrackingRecorder

CREATE_TRACKING = (
    "CREATE TABLE IF NOT EXISTS tracking ("
    "application_name VARCHAR PRIMARY KEY, notification_id BIGINT NOT NULL)"
)


class DuckDBTrackingRecorder(TrackingRecorder):
    def __init__(self, connection: duckdb.DuckDBPyConnection) -> None:
        self.connection = connection
        self.connection.execute(CREATE_TRACKING)

    def insert_tracking(self, tracking: Tracking) -> None:
        """Record a position, in the caller's transaction if one is open."""
        recorded = self.max_tracking_id(tracking.application_name)
        if recorded is not None and recorded >= tracking.notification_id:
            msg = (
                f"{tracking.application_name}: notification {tracking.notification_id} "
                f"is at or below the recorded position {recorded}"
            )
            raise IntegrityError(msg)
        self.connection.execute(
            "INSERT INTO tracking VALUES ($name, $id) "
            "ON CONFLICT (application_name) DO UPDATE SET notification_id = excluded.notification_id",
            {"name": tracking.application_name, "id": tracking.notification_id},
        )

    def max_tracking_id(self, application_name: str) -> int | None:
        row = self.connection.execute(
            "SELECT notification_id FROM tracking WHERE application_name = ?", [application_name]
        ).fetchone()
        return None if row is None else row[0]
