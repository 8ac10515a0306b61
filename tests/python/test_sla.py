"""The Python binding of the SLA engine (crm/sla.h): stored calendars,
policies, timers and cycles, the due iterator, crm_tick's warnings and
breaches. Standard unittest only."""
import json
import os
import shutil
import tempfile
import unittest

import crm

T0 = 1_772_442_000  # Monday 2026-03-02 09:00 UTC
HOUR = 3600

TIMER_GETTERS = (
    "sla_timer_id", "sla_timer_case", "sla_timer_metric", "sla_timer_cycle", "sla_timer_view",
    "sla_timer_policy", "sla_timer_policy_version", "sla_timer_calendar",
    "sla_timer_calendar_version", "sla_timer_target", "sla_timer_started_at",
    "sla_timer_due_at", "sla_timer_warned_at", "sla_timer_breached_at", "sla_timer_met_at",
    "sla_timer_stopped_at", "sla_timer_business_elapsed", "sla_timer_calendar_elapsed",
    "sla_timer_as_of", "sla_timer_paused", "sla_timer_open", "sla_timer_segment_count")


class Base(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="crm-py-sla-")
        self.now = T0
        self.db = crm.open("sqlite:" + os.path.join(self.dir, "t.db"), clock=lambda: self.now)
        self.cust = crm.customer_create(self.db, "Mario")

    def tearDown(self):
        crm.close(self.db)
        shutil.rmtree(self.dir, ignore_errors=True)

    def timers(self, case_id, view=crm.SLA_AS_REPORTED):
        return {t.metric: t for t in crm.sla_timer_iterator_new(self.db, case_id, view)}

    def office(self):
        cal = crm.calendar_new("Europe/Rome")
        for day in range(1, 6):
            crm.calendar_add_hours(cal, day, 9 * 60, 13 * 60)
            crm.calendar_add_hours(cal, day, 14 * 60, 18 * 60)
        return cal


class Names(unittest.TestCase):
    def test_names_and_enums(self):
        self.assertEqual(crm.sla_metric_name(crm.SLA_FIRST_RESPONSE), "first_response")
        self.assertEqual(crm.sla_metric_name(crm.SlaMetric.PERIODIC_UPDATE), "periodic_update")
        self.assertIsNone(crm.sla_metric_name(0))
        self.assertEqual(crm.sla_segment_name(crm.SLA_SEGMENT_BREACH), "breach")
        self.assertIs(crm.SLA_RECOMPUTED, crm.SlaView.RECOMPUTED)
        spec = crm.sla_policy_spec_init(crm.SLA_POLICY_SPEC_VERSION)
        self.assertEqual(spec["version"], crm.SLA_POLICY_SPEC_VERSION)
        self.assertEqual(spec["first_response"], 0)
        with self.assertRaises(crm.InvalidInput):
            crm.sla_policy_spec_init(99)


class Policies(Base):
    def test_create_update_version_and_errors(self):
        p = crm.sla_policy_create(self.db, name="normal", first_response=8 * HOUR,
                                  resolution=40 * HOUR, warn_percent=75,
                                  pause_statuses=[crm.CASE_PENDING_CUSTOMER])
        self.assertEqual(crm.sla_policy_version(self.db, p), 1)
        self.db.sla_policy_update(p, name="normal", first_response=4 * HOUR)
        self.assertEqual(self.db.sla_policy_version(p), 2)
        with self.assertRaises(crm.InvalidInput) as e:
            crm.sla_policy_create(self.db, name="bad", warn_percent=101)
        self.assertIn("warn_percent 101", e.exception.message)
        with self.assertRaises(crm.InvalidInput):
            crm.sla_policy_create(self.db, name="bad", resolution=-1)
        with self.assertRaises(crm.NotFound):
            crm.sla_policy_create(self.db, name="bad", calendar=999)
        with self.assertRaises(crm.NotFound):
            crm.sla_policy_update(self.db, 999, name="x")
        with self.assertRaises(crm.NotFound):
            crm.sla_policy_version(self.db, 999)


class Timers(Base):
    def test_timers_cycles_tick_and_replay(self):
        p = crm.sla_policy_create(self.db, name="24x7", first_response=4 * HOUR,
                                  next_response=2 * HOUR, resolution=40 * HOUR, warn_percent=50)
        k = crm.case_open(self.db, customer=self.cust, subject="line drops")
        timers = self.timers(k)
        fr = timers[crm.SLA_FIRST_RESPONSE]
        self.assertEqual(fr.due_at, T0 + 4 * HOUR)
        self.assertEqual(fr.case, k)
        self.assertEqual(fr.policy, p)
        self.assertTrue(fr.open)
        for name in TIMER_GETTERS:
            fn = getattr(crm, name)
            attr = name[len("sla_timer_"):]
            self.assertEqual(fn(fr), getattr(fr, attr), name)
        self.assertEqual(crm.sla_timer_segment_kind(fr, 0), crm.SLA_SEGMENT_ACTIVATE)
        self.assertEqual(crm.sla_timer_segment_at(fr, 0), T0)
        self.assertEqual(crm.sla_timer_segment_business_elapsed(fr, 0), 0)
        self.assertEqual(crm.sla_timer_segment_calendar_elapsed(fr, 0), 0)
        self.assertEqual(crm.sla_timer_segment_due_at(fr, 0), T0 + 4 * HOUR)
        self.assertEqual(crm.sla_timer_segment_calendar_version(fr, 0), 0)
        self.assertEqual(crm.sla_timer_segment_policy_version(fr, 0), 1)
        # warnings and breaches, once
        self.assertEqual(crm.tick(self.db, T0 + 2 * HOUR), 1)
        self.assertEqual(crm.tick(self.db, T0 + 2 * HOUR), 0)
        self.assertEqual(crm.tick(self.db, T0 + 5 * HOUR), 1)
        kinds = [e.kind for e in crm.event_iterator_new(self.db, 0)]
        self.assertEqual(kinds.count("sla.warning"), 1)
        self.assertEqual(kinds.count("sla.breached"), 1)
        # a reply, then a conversation: next-response cycles
        self.now = T0 + 6 * HOUR
        crm.interaction_record(self.db, customer=self.cust, case_id=k,
                               channel=crm.CHANNEL_EMAIL, direction=crm.DIRECTION_OUTBOUND)
        self.now += HOUR
        crm.interaction_record(self.db, customer=self.cust, case_id=k,
                               channel=crm.CHANNEL_EMAIL, direction=crm.DIRECTION_INBOUND)
        fr = self.timers(k)[crm.SLA_FIRST_RESPONSE]
        self.assertFalse(fr.open)
        self.assertEqual(fr.breached_at, T0 + 4 * HOUR)
        self.assertEqual(fr.met_at, T0 + 6 * HOUR)
        nr = self.timers(k)[crm.SLA_NEXT_RESPONSE]
        self.assertEqual((nr.cycle, nr.due_at), (1, self.now + 2 * HOUR))
        cycles = list(self.db.sla_cycle_iterator_new(k, crm.SLA_AS_REPORTED))
        self.assertEqual([c.metric for c in cycles], [1, 2, 3])
        # due iterator and the case query
        due = list(crm.sla_due_iterator_new(self.db, T0 + 100 * HOUR))
        self.assertEqual(sorted(t.metric for t in due), [2, 3])
        self.assertEqual([c.id for c in crm.case_iterator_new(self.db, due_before=T0 + 100 * HOUR)],
                         [k])
        # both views side by side
        both = list(crm.sla_timer_iterator_new(self.db, k, crm.SLA_AS_REPORTED | crm.SLA_RECOMPUTED))
        self.assertEqual([t.view for t in both][:2], [crm.SLA_AS_REPORTED, crm.SLA_RECOMPUTED])
        it = crm.sla_timer_iterator_new(self.db, k, crm.SLA_RECOMPUTED)
        t = crm.sla_timer_next(it)
        self.assertEqual(t.view, crm.SLA_RECOMPUTED)
        # errors
        with self.assertRaises(crm.NotFound):
            crm.sla_timer_iterator_new(self.db, 999, crm.SLA_AS_REPORTED)
        with self.assertRaises(crm.InvalidInput):
            crm.sla_cycle_iterator_new(self.db, k, 7)
        with self.assertRaises(crm.InvalidInput):
            crm.sla_due_iterator_new(self.db, 0)


class Calendars(Base):
    def save(self, name, cal):
        try:
            return crm.calendar_save(self.db, name, cal)
        except crm.NotSupported as e:
            self.skipTest(e.message)

    def test_stored_calendars_and_versions(self):
        c = self.save("office", self.office())
        self.assertEqual(crm.calendar_version(self.db, c), 1)
        back = crm.calendar_load(self.db, c)
        self.assertEqual(back.timezone, "Europe/Rome")
        shorter = crm.calendar_new("Europe/Rome")
        crm.calendar_add_hours(shorter, 1, 9 * 60, 10 * 60)
        self.db.calendar_update(c, shorter)
        self.assertEqual(self.db.calendar_version(c), 2)
        first = crm.calendar_load_version(self.db, c, 1)
        self.assertTrue(crm.calendar_is_open(first, T0 + 2 * HOUR))  # Monday 11:00 in Rome
        self.assertFalse(crm.calendar_is_open(crm.calendar_load(self.db, c), T0 + 2 * HOUR))
        with self.assertRaises(crm.NotFound):
            crm.calendar_load(self.db, 999)
        with self.assertRaises(crm.InvalidInput):
            crm.calendar_save(self.db, "closed", crm.calendar_new("Europe/Rome"))

    def test_business_hours_timer(self):
        c = self.save("office", self.office())
        crm.sla_policy_create(self.db, name="office", calendar=c, first_response=8 * HOUR)
        self.now = T0 + 8 * HOUR  # Monday 18:00 in Rome, after closing
        k = crm.case_open(self.db, customer=self.cust, subject="s")
        fr = self.timers(k)[crm.SLA_FIRST_RESPONSE]
        self.assertEqual(fr.calendar, c)
        self.assertEqual(fr.due_at, T0 + 24 * HOUR + 8 * HOUR)  # Tuesday 18:00 in Rome


class Definitions(Base):
    """Calendar JSON (crm_calendar_from_json / _to_json) and reading stored
    definitions back (crm_calendar_name, crm_sla_policy_to_json)."""

    def test_calendar_json_round_trip_and_errors(self):
        text = json.dumps({"tz": "Europe/Rome", "_from": "a comment",
                           "hours": {"mon": [["09:00", "13:00"], ["22:00", "06:00"]]},
                           "holidays": ["2026-12-24", ["2026-12-25", "Natale"]],
                           "special_hours": {"2026-03-03": [["10:00", "12:00"]]}})
        cal = crm.calendar_from_json(text)
        self.assertTrue(crm.calendar_is_open(cal, T0 + 2 * HOUR))  # Monday 11:00 in Rome
        out = json.loads(crm.calendar_to_json(cal))
        self.assertEqual(out["hours"], {"mon": [["09:00", "13:00"], ["22:00", "30:00"]]})
        self.assertEqual(out["holidays"], [["2026-12-24", None], ["2026-12-25", "Natale"]])
        again = crm.calendar_from_json(crm.calendar_to_json(cal))
        self.assertEqual(crm.calendar_to_json(again), crm.calendar_to_json(cal))
        self.assertEqual(json.loads(crm.calendar_to_json(crm.calendar_new("24x7"))), {"tz": "24x7"})
        for bad, message in (('{"tz": "Europe/Rome", "opening": {}}', '"opening"'),
                             ('{"hours": {}}', '"tz"'),
                             ('{"tz": "Europe/Rome", "hours": {"mon": [["9:00", "18:00"]]}}',
                              "9:00"),
                             ("[1]", "not an object")):
            with self.assertRaises(crm.InvalidInput) as e:
                crm.calendar_from_json(bad)
            self.assertIn(message, e.exception.message)

    def test_stored_calendar_name_and_policy_json(self):
        c = crm.calendar_save(self.db, "office", self.office())
        self.assertEqual(crm.calendar_name(self.db, c), "office")
        self.db.calendar_update(c, self.office())
        self.assertEqual(self.db.calendar_name(c), "office")
        with self.assertRaises(crm.NotFound):
            crm.calendar_name(self.db, 999)
        p = crm.sla_policy_create(self.db, name="gold", order=5, calendar=c, segment="gold",
                                  priorities=[crm.PRIORITY_HIGH, crm.PRIORITY_URGENT],
                                  first_response=4 * HOUR, warn_percent=80,
                                  pause_statuses=[crm.CASE_PENDING_CUSTOMER])
        self.db.sla_policy_update(p, name="gold v2", resolution=40 * HOUR)
        first = json.loads(crm.sla_policy_to_json(self.db, p, 1))
        self.assertEqual((first["name"], first["version"], first["order"], first["calendar"]),
                         ("gold", 1, 5, c))
        self.assertEqual(first["priorities"], ["high", "urgent"])
        self.assertEqual(first["pause_statuses"], ["pending_customer"])
        self.assertEqual(first["targets"], {"first_response": 4 * HOUR})
        self.assertEqual((first["queue"], first["segment"], first["warn_percent"]),
                         (None, "gold", 80))
        current = json.loads(self.db.sla_policy_to_json(p, 0))
        self.assertEqual((current["name"], current["version"], current["calendar"]),
                         ("gold v2", 2, None))
        self.assertEqual(current["targets"], {"resolution": 40 * HOUR})
        with self.assertRaises(crm.NotFound):
            crm.sla_policy_to_json(self.db, p, 3)
        with self.assertRaises(crm.InvalidInput):
            crm.sla_policy_to_json(self.db, p, -1)


if __name__ == "__main__":
    unittest.main()
