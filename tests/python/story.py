"""Shared by the story tests (test_story_*.py): an injected clock, Rome
wall-clock instants, and one database per story class on SQLite in a file
or in memory (each story runs on both: subclass with ``uri_kind``)."""
import datetime
import os
import shutil
import tempfile
import unittest
import zoneinfo

import crm

ROME = zoneinfo.ZoneInfo("Europe/Rome")
MINUTE, HOUR, DAY = 60, 3600, 86400


def rome(y, mo, d, h=0, mi=0):
    """The instant (epoch seconds) of a wall-clock time in Europe/Rome."""
    return int(datetime.datetime(y, mo, d, h, mi, tzinfo=ROME).timestamp())


class Story(unittest.TestCase):
    """A story played once in setUpClass (``play``), each test asserting
    one "What libcrm must do" line on what it left behind."""

    uri_kind = "file"  # or "memory"
    now = 0

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="crm-py-story-")
        uri = ":memory:" if cls.uri_kind == "memory" else "sqlite:" + os.path.join(cls.dir, "s.db")
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
