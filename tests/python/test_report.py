"""The Python binding of crm/report.h: a small data set on a 24x7 SLA
policy, every grouping, the rows as objects and as JSON, permissions and
argument errors."""
import json
import os
import shutil
import tempfile
import unittest

import crm

T0 = 1_750_000_000  # a Sunday; the policy's calendar is 24x7
DAY = 86400


class ReportTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="crm-py-report-")
        self.now = T0
        self.uri = "sqlite:" + os.path.join(self.dir, "t.db")
        self.db = crm.open(self.uri, clock=lambda: self.now)
        db = self.db
        self.q1 = crm.queue_create(db, "billing")
        self.q2 = crm.queue_create(db, "network")
        self.anna = crm.agent_create(db, "Anna", "anna@example.com")
        self.boss = crm.agent_create(db, "Boss", "boss@example.com")
        crm.agent_join(db, self.anna, self.q1, crm.ROLE_AGENT)
        crm.agent_join(db, self.boss, self.q1, crm.ROLE_SUPERVISOR)
        crm.sla_policy_create(db, name="all", first_response=3600, resolution=DAY)
        cust, _ = crm.customer_ensure(db, crm.IDENTITY_EMAIL, "c@example.com")
        # K1: e-mail at T0, reply +600, resolved +1200, CSAT 4 (first-contact resolution)
        k1 = crm.case_open(db, customer=cust, subject="invoice", queue=self.q1,
                           assignee=self.anna)
        self.contact(cust, k1, T0, crm.CHANNEL_EMAIL, crm.DIRECTION_INBOUND)
        self.contact(cust, k1, T0 + 600, crm.CHANNEL_EMAIL, crm.DIRECTION_OUTBOUND, self.anna)
        self.now = T0 + 1200
        crm.case_set_status(db, k1, crm.CASE_RESOLVED)
        crm.case_set_csat(db, k1, 4, "ok")
        # K2: call at +100 in network, transferred to billing, abandoned IVR
        # call at depth 2, reply at +3000, stays open
        self.now = T0 + 100
        k2 = crm.case_open(db, customer=cust, subject="line", queue=self.q2)
        self.contact(cust, k2, T0 + 100, crm.CHANNEL_PHONE, crm.DIRECTION_INBOUND)
        self.now = T0 + 200
        crm.case_assign(db, k2, self.q1, 0)
        ivr = self.contact(cust, k2, T0 + 300, crm.CHANNEL_IVR, crm.DIRECTION_INBOUND,
                           outcome=crm.OUTCOME_ABANDONED)
        crm.interaction_set_attribute(db, ivr, "ivr_depth", "2")
        self.contact(cust, k2, T0 + 3000, crm.CHANNEL_PHONE, crm.DIRECTION_OUTBOUND, self.anna)
        self.now = T0 + DAY

    def tearDown(self):
        crm.close(self.db)
        shutil.rmtree(self.dir, ignore_errors=True)

    def contact(self, cust, case, at, channel, direction, agent=0, outcome=None):
        self.now = at
        if outcome is None:
            outcome = (crm.OUTCOME_ANSWERED if channel in (crm.CHANNEL_PHONE, crm.CHANNEL_IVR)
                       else crm.OUTCOME_NONE)
        return crm.interaction_record(self.db, customer=cust, case_id=case, channel=channel,
                                      direction=direction, outcome=outcome, occurred_at=at,
                                      agent=agent)

    def rows(self, group=crm.REPORT_BY_NONE, db=None):
        report = crm.report_run(db or self.db, {"from": T0, "to": T0 + DAY, "group_by": group})
        self.assertEqual(crm.report_from(report), T0)
        self.assertEqual(crm.report_to(report), T0 + DAY)
        self.assertEqual(crm.report_group_by(report), group)
        rows = list(crm.report_row_iterator_new(report))
        self.assertEqual(crm.report_row_count(report), len(rows))
        it = crm.report_row_iterator_new(report)
        self.assertEqual(crm.report_row_key(crm.report_row_next(it)), rows[0].key)
        return rows

    def test_total(self):
        [row] = self.rows()
        self.assertEqual(crm.report_row_group(row), crm.ReportGroup.NONE)
        self.assertEqual(crm.report_row_key(row), 0)
        self.assertEqual(crm.report_row_label(row), "total")
        # in: K1 e-mail, K2 call, the IVR call; out: the two replies
        self.assertEqual(crm.report_row_contacts_in(row), 3)
        self.assertEqual(crm.report_row_contacts_out(row), 2)
        self.assertEqual(crm.report_row_abandoned(row), 1)
        self.assertEqual(crm.report_row_abandoned_at_depth(row, 2), 1)
        self.assertEqual(crm.report_row_abandoned_at_depth(row, 0), 0)
        self.assertEqual(crm.report_row_max_depth(row), 2)
        self.assertEqual(crm.report_row_cases(row), 2)
        self.assertEqual(crm.report_row_resolved(row), 1)
        self.assertEqual(crm.report_row_fcr(row), 1)
        self.assertEqual(crm.report_row_fcr_rate(row), 1.0)
        self.assertEqual(crm.report_row_reopened(row), 0)
        self.assertEqual(crm.report_row_reopen_rate(row), 0.0)
        self.assertEqual(crm.report_row_transfers(row), 1)
        self.assertEqual(crm.report_row_transfers_per_case(row), 0.5)
        self.assertEqual(crm.report_row_csat_count(row), 1)
        self.assertEqual(crm.report_row_csat_average(row), 4.0)
        self.assertEqual(crm.report_row_csat_score(row, 4), 1)
        self.assertEqual(crm.report_row_backlog(row), 1)  # K2
        # first response 600 (K1) and 2900 (K2): median rank 1, p90 rank 2
        fr = crm.SLA_FIRST_RESPONSE
        self.assertEqual(crm.report_row_time(row, fr, crm.REPORT_TIME_COUNT), 2)
        self.assertEqual(crm.report_row_time(row, fr, crm.REPORT_TIME_MEDIAN_BUSINESS), 600)
        self.assertEqual(crm.report_row_time(row, fr, crm.REPORT_TIME_P90_CALENDAR), 2900)
        self.assertEqual(crm.report_row_time(row, crm.SLA_RESOLUTION,
                                             crm.REPORT_TIME_MEDIAN_CALENDAR), 1200)
        self.assertEqual(crm.report_row_sla_met(row, fr), 2)
        self.assertEqual(crm.report_row_sla_breached(row, fr), 0)
        self.assertEqual(crm.report_row_sla_rate(row, fr), 1.0)
        self.assertEqual(crm.report_row_sla_rate(row, crm.SLA_NEXT_RESPONSE), -1.0)
        # the getters as attributes
        self.assertEqual((row.cases, row.label, row.fcr_rate), (2, "total", 1.0))

    def test_groupings(self):
        by_queue = self.rows(crm.REPORT_BY_QUEUE)
        # both cases are in billing now (K2 was transferred)
        self.assertEqual([(r.key, r.label, r.cases) for r in by_queue],
                         [(self.q1, "billing", 2)])
        by_channel = self.rows(crm.REPORT_BY_CHANNEL)
        self.assertEqual([(r.label, r.contacts_in, r.cases) for r in by_channel],
                         [("email", 1, 1), ("phone", 1, 1), ("ivr", 1, 0)])
        by_agent = self.rows(crm.REPORT_BY_AGENT)
        self.assertEqual([(r.label, r.cases) for r in by_agent], [("none", 1), ("Anna", 1)])
        by_priority = self.rows(crm.REPORT_BY_PRIORITY)
        self.assertEqual([r.label for r in by_priority], ["normal"])
        by_day = self.rows(crm.REPORT_BY_DAY)
        self.assertEqual([r.label for r in by_day], ["2025-06-15", "2025-06-16"])
        self.assertEqual(sum(r.cases for r in by_day), 2)
        rome = crm.report_run(self.db, from_=T0, to=T0 + DAY, group_by=crm.REPORT_BY_DAY,
                              timezone="Europe/Rome")
        self.assertEqual([r.label for r in crm.report_row_iterator_new(rome)],
                         ["2025-06-15", "2025-06-16"])
        self.assertEqual(crm.report_group_name(crm.REPORT_BY_DAY), "day")

    def test_json(self):
        report = self.db.report_run({"from": T0, "to": T0 + DAY})
        doc = json.loads(crm.report_json(report))
        self.assertEqual(doc["group_by"], "none")
        row = doc["rows"][0]
        self.assertEqual(row["contacts"]["abandoned_by_ivr_depth"], {"2": 1})
        self.assertEqual(row["first_response"]["business"], {"median": 600, "p90": 2900})
        self.assertEqual(row["csat"]["scores"], [0, 0, 0, 1, 0])
        self.assertIsNone(row["sla"]["next_response"]["rate"])

    def test_permissions(self):
        boss = crm.open(self.uri, actor=self.boss, clock=lambda: self.now)
        self.assertEqual([r.cases for r in self.rows(db=boss)], [2])
        crm.close(boss)
        anna = crm.open(self.uri, actor=self.anna, clock=lambda: self.now)
        with self.assertRaises(crm.PermissionDenied) as cm:
            crm.report_run(anna, {"from": T0, "to": T0 + DAY})
        self.assertIn("agent %d" % self.anna, cm.exception.message)
        crm.close(anna)

    def test_errors(self):
        spec = crm.report_spec_init(crm.REPORT_SPEC_VERSION)
        self.assertEqual(spec["group_by"], 0)
        with self.assertRaises(crm.InvalidInput):
            crm.report_spec_init(9)
        with self.assertRaises(crm.InvalidInput):
            crm.report_run(self.db, {"from": T0, "to": T0})
        with self.assertRaises(crm.InvalidInput):
            crm.report_run(self.db, {"from": T0, "to": T0 + 1, "group_by": 9})
        with self.assertRaises(crm.InvalidInput):
            crm.report_run(self.db, {"from": T0, "to": T0 + 1, "group_by": crm.REPORT_BY_DAY,
                                     "timezone": "Nowhere/Town"})


if __name__ == "__main__":
    unittest.main()
