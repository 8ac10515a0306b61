"""Shared by the story tests (test_story_*.py): an injected clock, Rome
wall-clock instants, and one database per story class on SQLite in a file
or in memory, and on PostgreSQL when CRM_TEST_PG names a server (a schema
of its own, made and dropped with psql): subclass with ``uri_kind``."""
import datetime
import os
import shutil
import subprocess
import tempfile
import unittest
import zoneinfo

import crm

ROME = zoneinfo.ZoneInfo("Europe/Rome")
# "postgres:CONNINFO" of the test server, as the C suites read it; "" for none
PG = os.environ.get("CRM_TEST_PG", "")
MINUTE, HOUR, DAY = 60, 3600, 86400


def _psql(sql):
    conninfo = PG[len("postgres:"):] if PG.startswith("postgres:") else PG
    # Not with the sanitizer runtime the sanitized binding needs preloaded:
    # psql hangs under it.
    env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}
    subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", conninfo, "-c",
                    "SET client_min_messages TO warning; " + sql], check=True,
                   stdout=subprocess.DEVNULL, env=env)
    return conninfo


def rome(y, mo, d, h=0, mi=0):
    """The instant (epoch seconds) of a wall-clock time in Europe/Rome."""
    return int(datetime.datetime(y, mo, d, h, mi, tzinfo=ROME).timestamp())


class Story(unittest.TestCase):
    """A story played once in setUpClass (``play``), each test asserting
    one "What libcrm must do" line on what it left behind."""

    uri_kind = "file"  # or "memory", "postgres"
    now = 0
    schema = None

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="crm-py-story-")
        if cls.uri_kind == "postgres":
            cls.schema = "crm_py_%d_%s" % (os.getpid(), cls.__name__.lower())
            conninfo = _psql("DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s"
                             % (cls.schema, cls.schema))
            uri = "postgres:%s options='-c search_path=%s'" % (conninfo, cls.schema)
        elif cls.uri_kind == "memory":
            uri = ":memory:"
        else:
            uri = "sqlite:" + os.path.join(cls.dir, "s.db")
        cls.db = crm.open(uri, clock=lambda: cls.now, default_phone_region="IT")
        try:
            cls.play()
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        crm.close(cls.db)
        shutil.rmtree(cls.dir, ignore_errors=True)
        if cls.schema:
            _psql("DROP SCHEMA IF EXISTS %s CASCADE" % cls.schema)

    @classmethod
    def at(cls, when):
        cls.now = when

    @classmethod
    def events(cls, kind, after=0):
        return [e for e in crm.event_iterator_new(cls.db, after) if e.kind == kind]

    @classmethod
    def last_seq(cls):
        seq = 0
        for e in crm.event_iterator_new(cls.db, 0):
            seq = e.seq
        return seq
