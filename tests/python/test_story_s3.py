"""Story S3, the outage (../shared/stories/STORIES.md), from Python with the
injected clock: each test is one "What libcrm must do" line. Played once
per class, on SQLite in a file and in memory; the times and figures are
those of tests/stories/test_s3_outage.c (Tuesday 10 November 2026, Rome)."""
import unittest

import crm
import story
from story import HOUR, MINUTE, Story, rome

AFFECTED = 500
CABINET = "ROMA-TRA-07"
CAUSE = "Fibre cut by road works at cabinet " + CABINET


def at(h, m, s=0):
    return rome(2026, 11, 10, h, m) + s


class Outage(Story):
    @classmethod
    def play(cls):
        db = cls.db
        cls.at(rome(2026, 10, 1, 9, 0))
        # Weeks before: service levels per kind and priority (24x7).
        cls.outage_policy = crm.sla_policy_create(
            db, name="Outage updates", order=10, kinds=[crm.CASE_INCIDENT],
            periodic_update=30 * MINUTE, warn_percent=75)
        cls.high_policy = crm.sla_policy_create(
            db, name="High priority", order=20, kinds=[crm.CASE_REQUEST],
            priorities=[crm.PRIORITY_HIGH, crm.PRIORITY_URGENT],
            first_response=HOUR, resolution=8 * HOUR)
        cls.normal_policy = crm.sla_policy_create(
            db, name="Normal", order=30, kinds=[crm.CASE_REQUEST],
            first_response=8 * HOUR, resolution=40 * HOUR)
        noc = crm.customer_create(db, "Network operations")
        cls.customers = []
        for i in range(AFFECTED):
            c, _ = crm.customer_ensure(db, crm.IDENTITY_EMAIL, "subscriber%03d@example.it" % i)
            crm.customer_set_attribute(db, c, "cabinet", CABINET)
            cls.customers.append(c)
        cls.elsewhere, _ = crm.customer_ensure(db, crm.IDENTITY_EMAIL, "far@example.it")
        crm.customer_set_attribute(db, cls.elsewhere, "cabinet", "ROMA-OST-02")

        # 02:15 the incident, with its cause and scope.
        cls.at(at(2, 15))
        cls.incident = crm.case_open(db, customer=noc, subject=CAUSE, kind=crm.CASE_INCIDENT,
                                     priority=crm.PRIORITY_URGENT)
        crm.incident_set_scope(db, cls.incident, "cabinet", CABINET)
        crm.case_set_status(db, cls.incident, crm.CASE_OPEN)
        # 02:16 a high-priority case per affected subscriber, attached.
        cls.at(at(2, 16))
        cls.cases = []
        for c in cls.customers:
            k = crm.case_open(db, customer=c, subject="No line: outage " + CABINET,
                              priority=crm.PRIORITY_HIGH)
            crm.incident_attach(db, cls.incident, k)
            cls.cases.append(k)
        # 02:40 the first update; ticks around the second cycle's instants.
        cls.at(at(2, 40))
        crm.incident_update(db, cls.incident, "Fibre cut located; a crew is on its way.")
        warn = at(3, 2, 30)
        cls.fired = [crm.tick(db, t) for t in (warn - 1, warn, at(3, 10) - 1, at(3, 10))]
        cls.fired.append(sum(crm.tick(db, t) for t in range(at(3, 15), at(7, 46), 15 * MINUTE)))

        # 07:50 subscriber 42 calls: what the agent sees.
        cls.at(at(7, 50))
        cls.caller = crm.customer_find(db, crm.IDENTITY_EMAIL, "subscriber042@example.it")
        cls.matched = [(k.id, k.status, k.subject) for k in crm.incident_match(db, cls.caller)]
        latest = list(crm.timeline_iterator_new(db, case_id=cls.incident, limit=1))
        cls.latest_note = latest[0].body
        cls.matched_elsewhere = list(crm.incident_match(db, cls.elsewhere))
        call = crm.interaction_record(db, customer=cls.caller, case_id=cls.cases[42],
                                      channel=crm.CHANNEL_PHONE, direction=crm.DIRECTION_INBOUND,
                                      outcome=crm.OUTCOME_ANSWERED,
                                      subject="No line since last night")
        cls.call_case = crm.interaction_lookup(db, call).case

        # 08:30 the second update.
        cls.at(at(8, 30))
        seq = cls.last_seq()
        crm.incident_update(db, cls.incident, "Splice done; lines back from 08:45.")
        cls.update_events = cls.events("incident.update", seq)
        cls.last_bodies = [list(crm.timeline_iterator_new(db, case_id=k, limit=1))[0].body
                           for k in cls.cases]

        # 08:50 the line is back: one call.
        cls.at(at(8, 50))
        seq = cls.last_seq()
        cls.affected = crm.incident_resolve(db, cls.incident,
                                            "Service restored at 08:47. Cause: %s." % CAUSE)
        cls.resolve_events = cls.events("incident.update", seq)

    def test_incident_links_the_cases_it_causes(self):
        """an incident (a case of kind incident) links the many customer
        cases it causes"""
        self.assertEqual(crm.case_lookup(self.db, self.incident).kind, crm.CASE_INCIDENT)
        links = list(crm.link_iterator_new(self.db, self.incident))
        self.assertEqual([(l.from_, l.kind, l.to) for l in links],
                         [(k, crm.LINK_CAUSED_BY, self.incident) for k in self.cases])
        self.assertEqual(crm.incident_scope_get(self.db, self.incident, "cabinet"), CABINET)

    def test_caller_is_matched_and_sees_status_and_cause(self):
        """a customer who calls is matched to the open incident that covers
        him, and the agent sees its status and cause"""
        self.assertEqual(self.caller, self.customers[42])
        self.assertEqual(self.matched, [(self.incident, crm.CASE_OPEN, CAUSE)])
        self.assertEqual(self.latest_note, "Fibre cut located; a crew is on its way.")
        self.assertEqual(self.matched_elsewhere, [])
        self.assertEqual(self.call_case, self.cases[42])
        # resolved now: it covers nobody any more
        self.assertEqual(list(crm.incident_match(self.db, self.caller)), [])

    def test_incident_has_a_periodic_update_sla(self):
        """the incident carries its own periodic-update SLA ("tell affected
        customers every N minutes")"""
        # one second early nothing; at 02:40 + 22:30 the warning, at 03:10 the breach
        self.assertEqual(self.fired, [0, 1, 0, 1, 0])
        cycles = [t for t in crm.sla_cycle_iterator_new(self.db, self.incident,
                                                         crm.SLA_AS_REPORTED)
                  if t.metric == crm.SLA_PERIODIC_UPDATE]
        c1, c2, c3 = cycles[:3]
        self.assertEqual((c1.policy, c1.target), (self.outage_policy, 30 * MINUTE))
        self.assertEqual((c1.started_at, c1.due_at, c1.met_at, c1.breached_at),
                         (at(2, 15), at(2, 45), at(2, 40), 0))
        self.assertEqual((c2.started_at, c2.warned_at, c2.breached_at, c2.met_at),
                         (at(2, 40), at(3, 2, 30), at(3, 10), at(8, 30)))
        self.assertEqual((c3.started_at, c3.due_at, c3.met_at, c3.breached_at),
                         (at(8, 30), at(9, 0), at(8, 50), 0))
        self.assertFalse(any(t.open for t in cycles))
        breaches = self.events("sla.breached")
        self.assertEqual([(e.entity_id, e.data["metric"], e.data["cycle"], e.data["at"])
                          for e in breaches],
                         [(self.incident, "periodic_update", 2, at(3, 10))])

    def test_one_update_reaches_every_linked_case(self):
        """(the incident's updates reach) every linked case, one event per
        affected customer"""
        self.assertEqual([e.entity_id for e in self.update_events], self.customers)
        self.assertEqual([e.data["cases"] for e in self.update_events],
                         [[k] for k in self.cases])
        self.assertFalse(any(e.data["resolved"] for e in self.update_events))
        self.assertEqual(self.last_bodies, ["Splice done; lines back from 08:45."] * AFFECTED)

    def test_resolved_with_one_call_one_event_per_customer(self):
        """resolving it resolves or updates the linked cases with one call,
        emitting one event per affected customer so they can be notified
        proactively"""
        self.assertEqual(self.affected, AFFECTED)
        inc = crm.case_lookup(self.db, self.incident)
        self.assertEqual((inc.status, inc.resolved_at), (crm.CASE_RESOLVED, at(8, 50)))
        for k in self.cases:
            c = crm.case_lookup(self.db, k)
            self.assertEqual((c.status, c.resolved_at), (crm.CASE_RESOLVED, at(8, 50)))
        self.assertEqual([e.entity_id for e in self.resolve_events], self.customers)
        self.assertTrue(all(e.data["resolved"] and e.data["incident"] == self.incident
                            for e in self.resolve_events))
        self.assertEqual([e.data["resolved_cases"] for e in self.resolve_events],
                         [[k] for k in self.cases])

    def test_service_levels_up_front_per_priority(self):
        """service levels are defined up front and per priority, not
        discovered after the fact"""
        for k in self.cases:
            timers = {t.metric: t for t in crm.sla_timer_iterator_new(self.db, k,
                                                                      crm.SLA_AS_REPORTED)}
            fr = timers[crm.SLA_FIRST_RESPONSE]
            self.assertEqual((fr.policy, fr.policy_version), (self.high_policy, 1))
            self.assertEqual((fr.started_at, fr.due_at), (at(2, 16), at(3, 16)))
            self.assertEqual((fr.met_at, fr.breached_at), (at(2, 40), 0))
            self.assertEqual(timers[crm.SLA_RESOLUTION].due_at, at(10, 16))
        # a normal request gets the normal promise at once
        self.at(at(7, 55))
        k = crm.case_open(self.db, customer=self.elsewhere, subject="Change of address")
        fr = {t.metric: t for t in crm.sla_timer_iterator_new(self.db, k, crm.SLA_AS_REPORTED)}[
            crm.SLA_FIRST_RESPONSE]
        self.assertEqual((fr.policy, fr.due_at), (self.normal_policy, at(15, 55)))


class OutageInMemory(Outage):
    uri_kind = "memory"


if story.PG:
    class OutageOnPostgres(Outage):
        uri_kind = "postgres"


if __name__ == "__main__":
    unittest.main()
