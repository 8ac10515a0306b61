"""The mail gateway example (examples/python/mail_gateway.py), run as a user
runs it: a subprocess against a temporary Maildir and database.

Needs the crm package importable (PYTHONPATH=<build>/bindings, as meson sets
it); the messages come from tests/data/mail/.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

import crm

ROOT = os.environ.get("CRM_SOURCE_ROOT") or os.path.join(os.path.dirname(
    os.path.abspath(__file__)), os.pardir, os.pardir)
GATEWAY = os.path.join(ROOT, "examples", "python", "mail_gateway.py")
MAIL = os.path.join(ROOT, "tests", "data", "mail")

# Delivered in this order (Maildir names sort by delivery time): a new
# message, its reply by In-Reply-To, one by References, another sender's
# new message and an auto-reply threading into the first case.
MESSAGES = [
    ("1771838100.M1P1.mx", "01-plain.eml", "new_case", "no"),
    ("1771838200.M2P1.mx", "09-reply-in-reply-to.eml", "in_reply_to", "no"),
    ("1771838300.M3P1.mx", "10-reply-references.eml", "references", "no"),
    ("1771838400.M4P1.mx", "02-alternative.eml", "new_case", "no"),
    ("1771838500.M5P1.mx", "16-out-of-office.eml", "in_reply_to", "yes"),
]

LINE = re.compile(r'^filed (\S+): case=(\d+) customer=(\d+) "([^"]*)" rule=(\w+) '
                  r'auto_generated=(yes|no)((?: \w+)*)$')


class MailGateway(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="crm-gateway-")
        self.maildir = os.path.join(self.dir, "Maildir")
        self.db = os.path.join(self.dir, "crm.db")
        for sub in ("new", "cur", "tmp"):
            os.makedirs(os.path.join(self.maildir, sub))

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def deliver(self, name, source=None, content=None):
        if source is not None:
            with open(os.path.join(MAIL, source), "rb") as f:
                content = f.read()
        with open(os.path.join(self.maildir, "new", name), "wb") as f:
            f.write(content)

    def gateway(self, maildir=None):
        p = subprocess.run([sys.executable, GATEWAY, "--db", self.db, "--once",
                            maildir or self.maildir], capture_output=True, text=True, timeout=120)
        return p.returncode, p.stdout.splitlines(), p.stderr

    def filed_lines(self, lines):
        parsed = [LINE.match(line) for line in lines if line.startswith("filed ")]
        self.assertNotIn(None, parsed, lines)
        return [m.groups() for m in parsed]

    def listing(self, sub):
        path = os.path.join(self.maildir, sub)
        return sorted(os.listdir(path)) if os.path.isdir(path) else []

    def test_files_moves_and_reports_then_files_nothing_new(self):
        for name, source, _, _ in MESSAGES:
            self.deliver(name, source)
        rc, lines, err = self.gateway()
        self.assertEqual(rc, 0, err)
        filed = self.filed_lines(lines)
        self.assertEqual([(f[0], f[4], f[5]) for f in filed],
                         [(name, rule, auto) for name, _, rule, auto in MESSAGES])
        # Alice's first message opened case 1; the replies and her auto-reply
        # joined it; Dan's message opened a case of its own
        alice = filed[0]
        self.assertEqual(alice[3], "Alice Example")
        self.assertEqual(alice[6].split(), ["new_case", "new_customer"])
        for f in (filed[1], filed[2], filed[4]):
            self.assertEqual((f[1], f[2], f[3]), alice[1:4])
            self.assertEqual(f[6], "")
        self.assertNotEqual(filed[3][1], alice[1])
        self.assertNotEqual(filed[3][2], alice[2])
        self.assertEqual(filed[3][3], "Dan Dawson")
        self.assertEqual(lines[-1], "5 filed, 0 failed")
        self.assertEqual(self.listing("new"), [])
        self.assertEqual(self.listing("cur"), sorted(name + ":2," for name, _, _, _ in MESSAGES))
        self.assertEqual(self.listing("failed"), [])

        # the database holds what the lines said
        with crm.open(self.db) as db:
            self.assertEqual(crm.customer_find(db, crm.IDENTITY_EMAIL, "alice@example.com"),
                             int(alice[2]))
            timeline = list(crm.timeline_iterator_new(db, case_id=int(alice[1])))
            self.assertEqual(len(timeline), 4)

        # a second pass finds nothing new and changes nothing
        rc, lines, err = self.gateway()
        self.assertEqual((rc, lines, err), (0, ["0 filed, 0 failed"], ""))
        self.assertEqual(len(self.listing("cur")), len(MESSAGES))

    def test_redelivered_copy_is_a_duplicate(self):
        self.deliver("1771838100.M1P1.mx", "01-plain.eml")
        rc, first, err = self.gateway()
        self.assertEqual(rc, 0, err)
        self.deliver("1771839999.M9P1.mx", "01-plain.eml")
        rc, again, err = self.gateway()
        self.assertEqual(rc, 0, err)
        (f1,), (f2,) = self.filed_lines(first), self.filed_lines(again)
        self.assertEqual(f2[4], "duplicate")
        self.assertEqual(f2[1:4], f1[1:4])
        self.assertEqual(len(self.listing("cur")), 2)

    def test_bad_message_goes_to_failed_and_the_rest_is_filed(self):
        self.deliver("1771838100.M1P1.mx", content=b"")  # empty: libcrm refuses it
        self.deliver("1771838200.M2P1.mx", "02-alternative.eml")
        rc, lines, err = self.gateway()
        self.assertEqual(rc, 1)  # --once: some message failed
        self.assertIn("failed 1771838100.M1P1.mx", err)
        self.assertIn("empty", err)
        self.assertEqual([f[0] for f in self.filed_lines(lines)], ["1771838200.M2P1.mx"])
        self.assertEqual(lines[-1], "1 filed, 1 failed")
        self.assertEqual(self.listing("failed"), ["1771838100.M1P1.mx"])
        self.assertEqual(self.listing("cur"), ["1771838200.M2P1.mx:2,"])
        self.assertEqual(self.listing("new"), [])
        # not retried on the next pass
        self.assertEqual(self.gateway()[:2], (0, ["0 filed, 0 failed"]))

    def test_watching_files_new_mail_and_stops_on_sigterm(self):
        p = subprocess.Popen([sys.executable, GATEWAY, "--db", self.db, "--interval", "0.05",
                              self.maildir], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
        try:
            self.assertTrue(p.stdout.readline().startswith("watching "))
            self.deliver("1771838100.M1P1.mx", "01-plain.eml")
            # readline blocks until the next pass has filed it
            (filed,) = self.filed_lines([p.stdout.readline().rstrip("\n")])
            self.assertEqual((filed[0], filed[4]), ("1771838100.M1P1.mx", "new_case"))
            p.terminate()
            self.assertEqual(p.wait(timeout=30), 0)
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
            p.stdout.close()
            p.stderr.close()
        self.assertEqual(self.listing("cur"), ["1771838100.M1P1.mx:2,"])

    def test_hidden_files_and_missing_maildir(self):
        self.deliver(".1771838100.M1P1.mx", "01-plain.eml")  # not a message (Maildir rule)
        self.assertEqual(self.gateway()[:2], (0, ["0 filed, 0 failed"]))
        self.assertEqual(self.listing("new"), [".1771838100.M1P1.mx"])
        rc, _, err = self.gateway(os.path.join(self.dir, "nowhere"))
        self.assertNotEqual(rc, 0)
        self.assertIn("not a Maildir", err)


if __name__ == "__main__":
    unittest.main()
