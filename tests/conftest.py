"""Shared fixtures: a fresh ledger on each store kind, and small hand-made filings."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import psycopg
import pytest

from ledger.application import Ledger

DATA = Path(__file__).parent / "data"
SEEDS = DATA / "seeds"
PG_URL_ENV = "PLANLEDGER_TEST_POSTGRES"


def postgres_base_url() -> str | None:
    """The test server's URL, or None when no server answers."""
    candidates = [os.environ[PG_URL_ENV]] if os.environ.get(PG_URL_ENV) else [
        f"postgresql://{user}@127.0.0.1:5432/test" for user in ("postgres", "root")
    ]
    for url in candidates:
        try:
            psycopg.connect(url, connect_timeout=3).close()
        except psycopg.Error:
            continue
        return url
    return None


PG_BASE_URL = postgres_base_url()


@pytest.fixture(autouse=True, scope="session")
def receipt_key(tmp_path_factory):
    """Every import signs a receipt: the tests' key lives in a temporary folder, never in the
    user's ~/.config, and no user setting redirects the receipts."""
    key = tmp_path_factory.mktemp("key") / "receipt-key"
    saved = {name: os.environ.pop(name, None) for name in ("PLANLEDGER_KEY", "PLANLEDGER_RECEIPTS")}
    os.environ["PLANLEDGER_KEY"] = str(key)
    yield key
    os.environ.pop("PLANLEDGER_KEY", None)
    os.environ.update({k: v for k, v in saved.items() if v is not None})


def require_postgres() -> str:
    if PG_BASE_URL:
        return PG_BASE_URL
    reason = "no PostgreSQL server at 127.0.0.1:5432 (set PLANLEDGER_TEST_POSTGRES to a URL)"
    if os.environ.get("PLANLEDGER_REQUIRE_POSTGRES") == "1":
        pytest.fail(f"PLANLEDGER_REQUIRE_POSTGRES=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture
def pg_url():
    """A PostgreSQL store URL in a schema of its own, dropped afterwards."""
    base = require_postgres()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    yield f"{base}?schema={schema}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request, tmp_path):
    """Each store kind the ledger supports, empty."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'events.sqlite3'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def ledger(store_url, tmp_path):
    app = Ledger.open(tmp_path, store_url)
    yield app
    app.close()
