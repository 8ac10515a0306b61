"""The customer lifecycle from Python: preferences with provenance,
duplicates, merge and unmerge, export, erasure. Standard unittest only."""
import json
import os
import shutil
import tempfile
import unittest

import crm

T0 = 1_750_000_000


class Lifecycle(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="crm-py-life-")
        self.path = os.path.join(self.dir, "t.db")
        self.now = T0
        self.db = crm.open("sqlite:" + self.path, clock=lambda: self.now)

    def tearDown(self):
        crm.close(self.db)
        shutil.rmtree(self.dir, ignore_errors=True)

    def customer(self, email):
        cid, _created = crm.customer_ensure(self.db, crm.IDENTITY_EMAIL, email)
        return cid

    def test_preferences_with_source(self):
        c = self.customer("mario@example.it")
        crm.customer_set_preference_ext(self.db, c, crm.CHANNEL_LETTER, "marketing", False,
                                        "phone call")
        self.db.customer_set_preference_ext(c, crm.CHANNEL_SMS, "service", True)
        prefs = list(crm.preference_iterator_new(self.db, c))
        self.assertEqual([p.channel for p in prefs], [crm.Channel.SMS, crm.Channel.LETTER])
        letter = prefs[1]
        self.assertEqual(crm.preference_channel(letter), crm.CHANNEL_LETTER)
        self.assertEqual(crm.preference_purpose(letter), "marketing")
        self.assertIs(crm.preference_allowed(letter), False)
        self.assertEqual(crm.preference_source(letter), "phone call")
        self.assertEqual(crm.preference_updated_at(letter), letter.updated_at)
        self.assertIsNone(prefs[0].source)
        it = crm.preference_iterator_new(self.db, c)
        self.assertIsNotNone(crm.preference_next(it))
        with self.assertRaises(crm.NotFound):
            crm.preference_iterator_new(self.db, 999)

    def test_duplicates(self):
        a = self.customer("mario.rossi@gmail.com")
        b = self.customer("mariorossi+shop@googlemail.com")
        self.customer("someone@example.it")
        dups = list(self.db.customer_duplicates(a))
        self.assertEqual(len(dups), 1)
        d = dups[0]
        self.assertEqual(crm.duplicate_customer(d), b)
        self.assertEqual(crm.duplicate_reason(d), crm.DuplicateReason.EMAIL_ALIAS)
        self.assertEqual(crm.duplicate_reasons(d), 1 << crm.DUPLICATE_EMAIL_ALIAS)
        self.assertEqual(crm.duplicate_score(d), d.score)
        self.assertEqual(crm.duplicate_reason_name(d.reason), "email_alias")
        it = crm.customer_duplicates(self.db, b)
        self.assertEqual(crm.duplicate_next(it).customer, a)
        self.assertIsNone(crm.duplicate_next(it))

    def test_merge_unmerge_export(self):
        a = self.customer("a@example.it")
        b = self.customer("b@example.it")
        crm.customer_set_attribute(self.db, b, "member", "M-1")
        before = json.loads(crm.customer_export(self.db, b))
        self.assertEqual(before["format"], "libcrm.customer-export")
        self.assertEqual(before["customer"]["attributes"], {"member": "M-1"})
        crm.customer_merge(self.db, a, b)
        c = crm.customer_lookup(self.db, b)
        self.assertEqual((c.id, c.resolved_from), (a, b))
        self.assertEqual(crm.customer_resolved_from(c), b)
        self.assertEqual(crm.customer_lookup(self.db, a).status, crm.CustomerStatus.ACTIVE)
        with self.assertRaises(crm.InvalidInput):
            crm.customer_merge(self.db, a, b)
        self.db.customer_unmerge(b)
        with self.assertRaises(crm.InvalidInput):
            crm.customer_unmerge(self.db, b)
        after = json.loads(self.db.customer_export_ext(b, {"attachment_content": 1}))
        self.assertEqual(after["customer"]["attributes"], {"member": "M-1"})
        opts = crm.customer_export_options_init(crm.CUSTOMER_EXPORT_OPTIONS_VERSION)
        self.assertEqual(opts["attachment_content"], 0)

    def test_erase(self):
        c = self.customer("mario.rossi@example.it")
        crm.customer_update(self.db, c, {"display_name": "Mario Rossi"})
        crm.customer_erase(self.db, c, "GDPR request 1")
        self.assertEqual(crm.customer_lookup(self.db, c).status, crm.CustomerStatus.ERASED)
        crm.db_compact(self.db)
        self.db.db_compact()
        with open(self.path, "rb") as f:
            data = f.read()
        self.assertNotIn(b"Mario Rossi", data)
        self.assertNotIn(b"mario.rossi@example.it", data)
        with self.assertRaises(crm.InvalidInput):
            self.db.customer_erase(c, "")


if __name__ == "__main__":
    unittest.main()
