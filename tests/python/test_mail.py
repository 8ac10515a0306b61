"""The mail functions from Python (crm/mail.h)."""
import os
import shutil
import tempfile
import unittest

import crm

MESSAGE = (b"From: Mario Rossi <mario@example.it>\r\n"
           b"To: help@desk.example\r\n"
           b"Subject: Order not received\r\n"
           b"Date: Mon, 22 Sep 2025 09:30:00 +0200\r\n"
           b"Message-ID: <m1@example.it>\r\n"
           b"\r\n"
           b"Where are my books?\r\n")


def message(n):
    return MESSAGE.replace(b"<m1@", b"<m%d@" % n).replace(b"received", b"received %d" % n)


@unittest.skipUnless(hasattr(crm, "mail_ingest"), "built without crm/mail.h")
class Mail(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="crm-py-mail-")
        self.db = crm.open(":memory:", clock=lambda: 1_758_600_000)
        crm.setting_set(self.db, "helpdesk_addresses", "help@desk.example")

    def tearDown(self):
        crm.close(self.db)
        shutil.rmtree(self.dir, ignore_errors=True)

    def test_ingest_and_reply(self):
        opts = crm.mail_options_init(crm.MAIL_OPTIONS_VERSION)
        self.assertEqual(opts["queue"], 0)
        r = crm.mail_ingest(self.db, MESSAGE)
        self.assertEqual(r.rule, crm.MAIL_NEW_CASE)
        self.assertTrue(r.created_customer)
        self.assertEqual(crm.customer_find(self.db, crm.IDENTITY_EMAIL, "mario@example.it"),
                         r.customer)
        again = self.db.mail_ingest(MESSAGE)
        self.assertEqual((again.rule, again.interaction), (crm.MAIL_DUPLICATE, r.interaction))
        self.assertEqual(crm.mail_rule_name(crm.MAIL_DUPLICATE), "duplicate")
        raw = crm.mail_reply(self.db, r.case_id, 0, "They are on their way.")
        self.assertIsInstance(raw, bytes)
        self.assertIn(b"mario@example.it", raw)
        with self.assertRaises(crm.InvalidInput):
            crm.mail_ingest(self.db, b"")

    def test_imports_with_progress(self):
        mbox = os.path.join(self.dir, "box.mbox")
        with open(mbox, "wb") as f:
            for n in (1, 2):
                f.write(b"From mario@example.it Mon Sep 22 09:30:00 2025\n")
                f.write(message(n).replace(b"\r\n", b"\n") + b"\n")
        seen = []
        stats = crm.mail_import_mbox(self.db, mbox, progress=lambda done, total: seen.append(done))
        self.assertEqual((stats.filed, stats.failed, stats.failures), (2, 0, ""))
        self.assertTrue(seen)
        maildir = os.path.join(self.dir, "Maildir")
        for sub in ("new", "cur", "tmp"):
            os.makedirs(os.path.join(maildir, sub))
        with open(os.path.join(maildir, "new", "1.host"), "wb") as f:
            f.write(message(3))
        stats = crm.mail_import_maildir(self.db, maildir)
        self.assertEqual(stats.filed, 1)
        with self.assertRaises(ZeroDivisionError):
            crm.mail_import_maildir(self.db, maildir, progress=lambda done, total: 1 / 0)


if __name__ == "__main__":
    unittest.main()
