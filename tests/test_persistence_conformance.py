"""Our transcoder and recorders pass the eventsourcing library's own test cases."""

from __future__ import annotations

import uuid
from unittest import skip
from urllib.parse import urlparse

import psycopg
from eventsourcing.persistence import JSONTranscoder
from eventsourcing.postgres import PostgresDatastore
from eventsourcing.sqlite import SQLiteDatastore
from eventsourcing.tests.persistence import (
    ApplicationRecorderTestCase,
    CustomType1AsDict,
    CustomType2AsDict,
    TranscoderTestCase,
)
from eventsourcing.persistence import UUIDAsHex

from ledger.store import AppendOnlyPostgresApplicationRecorder, AppendOnlySQLiteApplicationRecorder
from ledger.transcoding import MsgspecTranscoder
from tests.conftest import require_postgres


class TestMsgspecTranscoder(TranscoderTestCase):
    def construct_transcoder(self) -> MsgspecTranscoder:
        transcoder = MsgspecTranscoder()
        transcoder.register(CustomType1AsDict())
        transcoder.register(CustomType2AsDict())
        transcoder.register(UUIDAsHex())
        return transcoder

    # The library skips these for its own JSON transcoder too: JSON has no tuples, and
    # subclasses of builtins come back as the builtin.
    test_tuple = skip("JSON has no tuple")(TranscoderTestCase.test_tuple)
    test_mixed = skip("JSON has no tuple")(TranscoderTestCase.test_mixed)
    test_dict_subclass = skip("dict subclasses come back as dict")(TranscoderTestCase.test_dict_subclass)
    test_list_subclass = skip("list subclasses come back as list")(TranscoderTestCase.test_list_subclass)
    test_str_subclass = skip("str subclasses come back as str")(TranscoderTestCase.test_str_subclass)
    test_int_subclass = skip("int subclasses come back as int")(TranscoderTestCase.test_int_subclass)

    def test_same_wire_format_as_library(self) -> None:
        library = JSONTranscoder()
        library.register(UUIDAsHex())
        value = {"a": [1, "x", {"b": uuid.UUID(int=7)}]}
        self.assertEqual(self.transcoder.encode(value), library.encode(value))


class TestAppendOnlySQLiteRecorder(ApplicationRecorderTestCase):
    def setUp(self) -> None:
        import tempfile

        self.tmp = tempfile.TemporaryDirectory()

    def tearDown(self) -> None:
        self.tmp.cleanup()

    def create_recorder(self) -> AppendOnlySQLiteApplicationRecorder:
        datastore = SQLiteDatastore(db_name=f"{self.tmp.name}/{uuid.uuid4().hex}.sqlite3")
        recorder = AppendOnlySQLiteApplicationRecorder(datastore)
        recorder.create_table()
        return recorder


class TestAppendOnlyPostgresRecorder(ApplicationRecorderTestCase):
    EXPECT_CONTIGUOUS_NOTIFICATION_IDS = False

    def setUp(self) -> None:
        self.base = require_postgres()
        self.schemas: list[str] = []
        self.datastores: list[PostgresDatastore] = []

    def tearDown(self) -> None:
        for datastore in self.datastores:
            datastore.close()
        with psycopg.connect(self.base, autocommit=True) as conn:
            for schema in self.schemas:
                conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')

    def create_recorder(self) -> AppendOnlyPostgresApplicationRecorder:
        url = urlparse(self.base)
        schema = f"t_{uuid.uuid4().hex[:12]}"
        self.schemas.append(schema)
        datastore = PostgresDatastore(
            dbname=url.path.strip("/"),
            host=url.hostname,
            port=url.port or 5432,
            user=url.username,
            password="",
            schema=schema,
            pool_size=4,
            max_overflow=4,
        )
        self.datastores.append(datastore)
        recorder = AppendOnlyPostgresApplicationRecorder(datastore, events_table_name="planledger_events")
        recorder.create_table()
        return recorder


del ApplicationRecorderTestCase, TranscoderTestCase
