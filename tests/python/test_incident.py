"""The Python binding of crm/incident.h: attach, scope, match, update,
resolve (story S3 in small), and their errors."""
import json
import os
import shutil
import tempfile
import unittest

import crm

T0 = 1_750_000_000


class IncidentTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="crm-py-inc-")
        self.now = T0
        self.db = crm.open("sqlite:" + os.path.join(self.dir, "t.db"), clock=lambda: self.now)
        self.noc, _ = crm.customer_ensure(self.db, crm.IDENTITY_EMAIL, "noc@isp.example")
        self.incident = crm.case_open(self.db, customer=self.noc, subject="Fibre cut",
                                      kind=crm.CASE_INCIDENT)

    def tearDown(self):
        crm.close(self.db)
        shutil.rmtree(self.dir, ignore_errors=True)

    def affected(self, email, area="06-58"):
        c, _ = crm.customer_ensure(self.db, crm.IDENTITY_EMAIL, email)
        crm.customer_set_attribute(self.db, c, "area_code", area)
        k = crm.case_open(self.db, customer=c, subject="No line")
        return c, k

    def updates_after(self, seq):
        return [json.loads(e.payload) for e in crm.event_iterator_new(self.db, seq)
                if e.kind == "incident.update"]

    def last_seq(self):
        seq = 0
        for e in crm.event_iterator_new(self.db):
            seq = e.seq
        return seq

    def test_outage_story(self):
        crm.incident_set_scope(self.db, self.incident, "area_code", "06-58")
        self.assertEqual(crm.incident_scope_get(self.db, self.incident, "area_code"), "06-58")
        pairs = [self.affected("s%d@example.it" % i) for i in range(5)]
        for _c, k in pairs:
            self.db.incident_attach(self.incident, k)
        caller, _ = crm.customer_ensure(self.db, crm.IDENTITY_EMAIL, "caller@example.it")
        crm.customer_set_attribute(self.db, caller, "area_code", "06-58")
        seen = [k.id for k in crm.incident_match(self.db, caller)]
        self.assertEqual(seen, [self.incident])
        far, _ = self.affected("far@example.it", area="02-11")
        self.assertIsNone(crm.incident_next(self.db.incident_match(far)))

        seq = self.last_seq()
        self.assertIsNone(crm.incident_update(self.db, self.incident, "Technicians on site."))
        updates = self.updates_after(seq)
        self.assertEqual([u["customer"] for u in updates], [c for c, _ in pairs])
        self.assertFalse(updates[0]["resolved"])

        seq = self.last_seq()
        self.now += 3600
        n = crm.incident_resolve(self.db, self.incident, "Service restored.")
        self.assertEqual(n, 5)
        for _c, k in pairs:
            self.assertEqual(crm.case_lookup(self.db, k).status, crm.CASE_RESOLVED)
        updates = self.updates_after(seq)
        self.assertEqual(len(updates), 5)
        self.assertTrue(all(u["resolved"] for u in updates))
        self.assertEqual(list(crm.incident_match(self.db, caller)), [])

    def test_scope_removal_and_errors(self):
        crm.incident_set_scope(self.db, self.incident, "product", "fibra")
        crm.incident_set_scope(self.db, self.incident, "product", None)
        with self.assertRaises(crm.NotFound):
            crm.incident_scope_get(self.db, self.incident, "product")
        request = crm.case_open(self.db, customer=self.noc, subject="A question")
        with self.assertRaises(crm.InvalidInput):
            crm.incident_set_scope(self.db, request, "k", "v")
        with self.assertRaises(crm.InvalidInput):
            crm.incident_set_scope(self.db, self.incident, "", "v")
        with self.assertRaises(crm.NotFound):
            crm.incident_attach(self.db, 9999, request)
        with self.assertRaises(crm.InvalidInput):
            crm.incident_attach(self.db, self.incident, self.incident)
        with self.assertRaises(crm.NotFound):
            crm.incident_match(self.db, 9999)
        with self.assertRaises(crm.InvalidInput):
            crm.incident_update(self.db, self.incident, "")
        crm.incident_resolve(self.db, self.incident, "Done.")
        with self.assertRaises(crm.InvalidInput) as cm:
            crm.incident_resolve(self.db, self.incident, "Again.")
        self.assertIn("resolved", cm.exception.message)


if __name__ == "__main__":
    unittest.main()
