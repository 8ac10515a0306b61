"""Roles and per-queue permissions from Python: a handle opened with an
actor raises crm.PermissionDenied for what the agent may not do, and its
iterators skip what the agent may not see. Standard unittest only."""
import os
import shutil
import tempfile
import unittest

import crm


class Permissions(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="crm-py-perm-")
        self.uri = "sqlite:" + os.path.join(self.dir, "t.db")
        self.db = crm.open(self.uri)
        self.billing = crm.queue_create(self.db, "Billing")
        self.elsewhere = crm.queue_create(self.db, "Elsewhere")
        self.outsider = crm.agent_create(self.db, "Olga", None)
        crm.agent_join(self.db, self.outsider, self.elsewhere, crm.ROLE_AGENT)
        self.agent = crm.agent_create(self.db, "Ann", None)
        crm.agent_join(self.db, self.agent, self.billing, crm.ROLE_AGENT)
        self.customer, _ = crm.customer_ensure(self.db, crm.IDENTITY_EMAIL, "mario@example.it")
        self.case = crm.case_open(self.db, customer=self.customer, subject="No dial tone",
                                  queue=self.billing)

    def tearDown(self):
        crm.close(self.db)
        shutil.rmtree(self.dir, ignore_errors=True)

    def as_agent(self, agent):
        return crm.open(self.uri, actor=agent)

    def test_outsider_is_denied(self):
        db = self.as_agent(self.outsider)
        try:
            self.assertEqual(crm.actor(db), self.outsider)
            with self.assertRaises(crm.PermissionDenied) as cm:
                crm.case_lookup(db, self.case)
            self.assertEqual(cm.exception.code, crm.EPERM)
            self.assertIn("agent %d may not read case %d in queue %d (Billing)"
                          % (self.outsider, self.case, self.billing), cm.exception.message)
            with self.assertRaises(crm.PermissionDenied):
                db.case_set_priority(self.case, crm.PRIORITY_HIGH, 0)
            with self.assertRaises(crm.PermissionDenied):
                crm.setting_set(db, "reopen_window", "60")
            # iterators filter rather than fail
            self.assertEqual(list(crm.case_iterator_new(db)), [])
        finally:
            crm.close(db)

    def test_member_may(self):
        db = self.as_agent(self.agent)
        try:
            self.assertEqual(crm.case_lookup(db, self.case).id, self.case)
            self.assertEqual([c.id for c in crm.case_iterator_new(db)], [self.case])
            with self.assertRaises(crm.PermissionDenied):  # supervisors only
                crm.case_set_priority(db, self.case, crm.PRIORITY_HIGH, 0)
        finally:
            crm.close(db)

    def test_unknown_actor(self):
        with self.assertRaises(crm.NotFound):
            crm.open(self.uri, actor=999)


if __name__ == "__main__":
    unittest.main()
