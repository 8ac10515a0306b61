#!/usr/bin/python3
"""Tests of the crm command-line tool (tools/crm/), run against a fresh
SQLite database per test.

Runs the binary named by $CRM_BIN (meson sets it: `meson test --suite cli`).
The tool's clock is injected with --now / $CRM_NOW and TZ is UTC, so times
and relative times ("3 days ago") are predictable. Standard library only.

SPDX-License-Identifier: MIT
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

CRM = os.environ.get("CRM_BIN")
NOW = "2025-11-10T12:00:00Z"  # the pretended "now" of every test
NOW_EPOCH = 1762776000

# exit codes (crm --help, crm.1)
EXIT_USAGE = 2
EXIT_NOTFOUND = 13
EXIT_EXISTS = 14
EXIT_INVALID = 15
EXIT_CONFLICT = 16
EXIT_PERM = 18


class CliTestCase(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="crm-cli-")
        self.db = os.path.join(self.dir, "test.db")
        self.env = dict(os.environ, TZ="UTC", CRM_NOW=NOW, LC_ALL="C.UTF-8")
        self.env.pop("CRM_DB", None)
        self.ok("init")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    # ---- running crm -----------------------------------------------------

    def run_crm(self, *args, env=None, db=True, stdin=None, cwd=None):
        argv = [CRM] + (["--db", self.db] if db else []) + [str(a) for a in args]
        p = subprocess.run(argv, input=stdin, capture_output=True, text=True,
                           env=env if env is not None else self.env,
                           cwd=cwd or self.dir, timeout=60)
        return p.returncode, p.stdout, p.stderr

    def ok(self, *args, **kw):
        """Run crm, expect success, return its standard output."""
        rc, out, err = self.run_crm(*args, **kw)
        self.assertEqual(rc, 0, "crm %s failed (%d): %s" % (" ".join(map(str, args)), rc, err))
        return out

    def js(self, *args, **kw):
        """Run crm --json ARGS, expect success, return the parsed JSON."""
        out = self.ok("--json", *args, **kw)
        try:
            return json.loads(out)
        except ValueError as e:
            self.fail("crm --json %s printed invalid JSON (%s): %r" % (" ".join(map(str, args)), e, out))

    def fails(self, code, *args, message=None, **kw):
        """Run crm, expect exit `code` and (optionally) `message` on stderr."""
        rc, out, err = self.run_crm(*args, **kw)
        self.assertEqual(rc, code, "crm %s: expected exit %d, got %d (%s)" %
                         (" ".join(map(str, args)), code, rc, err))
        if message is not None:
            self.assertIn(message, err)
        return err

    def event_count(self):
        return len(self.js("events"))

    # ---- fixtures ---------------------------------------------------------

    def customer(self, email="mario@example.com", name="Mario Rossi"):
        return self.js("customer", "add", "--name", name, "--email", email)["id"]

    def case(self, customer, subject="Line drops"):
        return self.js("case", "open", customer, subject)["id"]


class TestGlobal(CliTestCase):
    def test_help_lists_commands_and_exit_codes(self):
        out = self.ok("--help", db=False)
        for text in ("customer add", "case list", "contact record", "timeline", "events",
                     "Exit status", "13", "not found", "15", "invalid value"):
            self.assertIn(text, out)

    def test_subcommand_help(self):
        out = self.ok("case", "list", "--help")
        self.assertIn("--status", out)
        self.assertIn("crm case list", out)
        self.assertIn("case open", self.ok("case", "--help"))

    def test_version(self):
        self.assertRegex(self.ok("--version", db=False), r"^crm \(libcrm\) \d+\.\d+\.\d+")

    def test_usage_errors_exit_2(self):
        self.fails(EXIT_USAGE, db=False)
        self.fails(EXIT_USAGE, "frobnicate", message="unknown command 'frobnicate'")
        self.fails(EXIT_USAGE, "case", message="needs a verb")
        self.fails(EXIT_USAGE, "case", "frob", message="unknown verb")
        self.fails(EXIT_USAGE, "--bogus", "case", "list")
        self.fails(EXIT_USAGE, "case", "list", "--bogus")
        self.fails(EXIT_USAGE, "case", "show", message="missing arguments")
        self.fails(EXIT_USAGE, "case", "show", "1", "2", message="unexpected argument '2'")
        self.fails(EXIT_USAGE, "case", "list", "--limit", "many")
        self.fails(EXIT_USAGE, "contact", "record", "1", message="--channel is required")
        self.fails(EXIT_USAGE, "customer", "add", message="--name")
        self.fails(EXIT_USAGE, "case", "assign", "1", message="--queue")

    def test_init_creates_database_and_other_commands_need_one(self):
        other = os.path.join(self.dir, "other.db")
        self.fails(EXIT_NOTFOUND, "--db", other, "case", "list", db=False, message="crm init")
        self.assertFalse(os.path.exists(other))
        out = self.ok("--db", other, "init", db=False)
        self.assertIn(other, out)
        self.assertTrue(os.path.exists(other))
        self.assertEqual(self.js("--db", other, "case", "list", db=False), [])
        # init on an existing database leaves it as it is
        self.customer()
        self.assertEqual(self.js("init")["db"], self.db)
        self.assertEqual(len(self.js("case", "list")), 0)
        self.assertEqual(self.js("customer", "show", "1")["name"], "Mario Rossi")

    def test_crm_db_environment_and_default(self):
        env_db = os.path.join(self.dir, "env.db")
        env = dict(self.env, CRM_DB=env_db)
        self.ok("init", env=env, db=False)
        self.assertTrue(os.path.exists(env_db))
        self.ok("customer", "add", "--name", "Env", env=env, db=False)
        self.assertEqual(self.js("customer", "show", "1", env=env, db=False)["name"], "Env")
        # --db wins over CRM_DB
        self.fails(EXIT_NOTFOUND, "customer", "show", "1", env=env)  # self.db has no customer
        # neither: ./crm.db in the working directory
        cwd = os.path.join(self.dir, "cwd")
        os.mkdir(cwd)
        self.ok("init", db=False, cwd=cwd)
        self.assertTrue(os.path.exists(os.path.join(cwd, "crm.db")))

    def test_now_option_and_relative_times(self):
        c = self.customer()
        self.ok("contact", "record", c, "--channel", "email", "--at", "2025-11-07T12:00:00Z")
        out = self.ok("timeline", c)
        self.assertIn("3 days ago", out)
        out = self.ok("--now", "2025-11-07T15:00:00Z", "timeline", c)
        self.assertIn("3 hours ago", out)
        self.assertEqual(self.js("customer", "show", c)["created_at"], NOW_EPOCH)
        self.fails(EXIT_INVALID, "--now", "yesterday-ish", "case", "list", message="ISO 8601")

    def test_as_agent_is_the_actor(self):
        agent = self.js("agent", "create", "Anna")["id"]
        c = self.customer()
        self.ok("--as", agent, "case", "open", c, "Hello")
        events = self.js("events", "--kind", "case.created")
        self.assertEqual(events[-1]["actor"], agent)
        self.fails(EXIT_INVALID, "--as", "anna", "case", "list", message="agent id")

    def test_region_for_national_phone_numbers(self):
        self.fails(EXIT_INVALID, "customer", "add", "--phone", "02 1234 5678")
        out = self.js("--region", "IT", "customer", "add", "--phone", "02 1234 5678")
        self.assertEqual(out["identities"], [{"kind": "phone", "value": "+390212345678"}])


class TestCustomer(CliTestCase):
    def test_add_show_find(self):
        out = self.ok("customer", "add", "--name", "Mario Rossi", "--email", "Mario@Example.com",
                      "--phone", "+39 02 1234 5678", "--external", "M-1234", "--org", "ACME",
                      "--segment", "gold")
        self.assertIn("Mario Rossi", out)
        self.assertIn("mario@example.com", out)
        self.assertIn("+390212345678", out)
        c = self.js("customer", "show", "mario@example.com")
        self.assertEqual(c["id"], 1)
        self.assertEqual(c["organization"], "ACME")
        self.assertEqual(c["segment"], "gold")
        self.assertEqual(c["status"], "active")
        self.assertEqual([i["kind"] for i in c["identities"]], ["email", "phone", "external"])
        self.assertEqual(c["cases"], [])
        for ref in ("1", "#1", "mario@example.com", "+390212345678", "external:M-1234",
                    "phone:0039 02 1234 5678"):
            self.assertEqual(self.js("customer", "find", ref)["id"], 1, ref)
        self.assertEqual(self.js("customer", "find", "--kind", "external", "M-1234")["id"], 1)
        self.assertIn("ACME", self.ok("customer", "find", "mario@example.com"))

    def test_add_name_from_identity(self):
        c = self.js("customer", "add", "--email", "luca.bianchi@example.it")
        self.assertTrue(c["name"])
        self.assertEqual(c["identities"][0]["value"], "luca.bianchi@example.it")

    def test_add_existing_identity_exits_14_and_writes_nothing(self):
        self.customer()
        before = self.event_count()
        self.fails(EXIT_EXISTS, "customer", "add", "--name", "Other", "--email", "MARIO@example.com",
                   message="already belongs to customer 1")
        self.fails(EXIT_EXISTS, "customer", "add", "--email", "new@example.com",
                   "--email", "mario@example.com")
        self.assertEqual(self.event_count(), before)
        self.fails(EXIT_NOTFOUND, "customer", "find", "new@example.com")

    def test_unknown_customer_exits_13(self):
        self.fails(EXIT_NOTFOUND, "customer", "show", "42", message="42")
        self.fails(EXIT_NOTFOUND, "customer", "show", "nobody@example.com")
        self.fails(EXIT_NOTFOUND, "customer", "find", "external:X-9")
        self.fails(EXIT_NOTFOUND, "case", "open", "42", "Subject")
        self.fails(EXIT_NOTFOUND, "timeline", "42")

    def test_invalid_values_exit_15(self):
        self.fails(EXIT_INVALID, "customer", "add", "--email", "bob@", message="bob@")
        self.fails(EXIT_INVALID, "customer", "show", "bob", message="'bob'")
        self.fails(EXIT_INVALID, "customer", "show", "0")
        self.fails(EXIT_INVALID, "customer", "find", "--kind", "pigeon", "x", message="pigeon")
        self.fails(EXIT_INVALID, "customer", "update", "1", "--status", "erased")

    def test_update(self):
        c = self.customer()
        out = self.js("customer", "update", c, "--name", "Mario R.", "--timezone", "Europe/Rome",
                      "--language", "it", "--status", "inactive")
        self.assertEqual(out["name"], "Mario R.")
        self.assertEqual(out["timezone"], "Europe/Rome")
        self.assertEqual(out["language"], "it")
        self.assertEqual(out["status"], "inactive")
        version = out["version"]
        self.fails(EXIT_CONFLICT, "customer", "update", c, "--segment", "x",
                   "--expect-version", version - 1)
        self.assertIn("Mario R.", self.ok("customer", "update", c, "--segment", "gold",
                                          "--expect-version", version))
        self.assertEqual(self.js("customer", "update", c, "--org", "")["organization"], None)
        self.fails(EXIT_USAGE, "customer", "update", c)
        self.fails(EXIT_INVALID, "customer", "update", c, "--timezone", "Mars/Base")

    def test_attr(self):
        c = self.customer()
        self.assertEqual(self.js("customer", "attr", c, "plan", "flat24")["value"], "flat24")
        self.assertIn("flat24", self.ok("customer", "attr", c, "plan"))
        self.assertEqual(self.js("customer", "show", c, "--attr", "plan", "--attr", "none")
                         ["attributes"], {"plan": "flat24", "none": None})
        self.assertIsNone(self.js("customer", "attr", c, "plan", "--unset")["value"])
        self.fails(EXIT_NOTFOUND, "customer", "attr", c, "plan", message="no attribute 'plan'")
        self.fails(EXIT_USAGE, "customer", "attr", c, "plan", "x", "--unset")

    def test_prefs(self):
        c = self.customer()
        out = self.js("customer", "prefs", c, "--purpose", "marketing")
        self.assertEqual(out["purpose"], "marketing")
        self.assertEqual(len(out["channels"]), 11)
        self.assertTrue(all(ch["allowed"] for ch in out["channels"]))
        before = self.event_count()
        out = self.js("customer", "prefs", c, "--purpose", "marketing", "--channel", "letter",
                      "--channel", "email", "--deny")
        self.assertEqual(out["channels"], [{"channel": "letter", "allowed": False},
                                           {"channel": "email", "allowed": False}])
        self.assertEqual(self.event_count(), before + 2)
        out = self.ok("customer", "prefs", c, "--purpose", "marketing", "--channel", "letter")
        self.assertRegex(out, r"letter\s+no")
        self.assertRegex(self.ok("customer", "prefs", c, "--channel", "letter"), r"letter\s+yes")
        self.fails(EXIT_USAGE, "customer", "prefs", c, "--deny")
        self.fails(EXIT_USAGE, "customer", "prefs", c, "--channel", "sms", "--deny", "--allow")
        self.fails(EXIT_INVALID, "customer", "prefs", c, "--channel", "pigeon", "--deny")
        self.assertEqual(self.js("events", "--kind", "customer.preference")[-1]["payload"]
                         ["channel"], "email")


class TestIdentity(CliTestCase):
    def test_add_remove_list(self):
        c = self.customer()
        out = self.js("identity", "add", c, "external", " M-1234 ")
        self.assertEqual(out[-1], {"kind": "external", "value": "M-1234"})
        self.assertIn("M-1234", self.ok("identity", "list", c))
        self.assertEqual(len(self.js("identity", "list", c)), 2)
        out = self.js("identity", "remove", c, "email", "mario@example.com")
        self.assertEqual(out, [{"kind": "external", "value": "M-1234"}])
        self.fails(EXIT_NOTFOUND, "identity", "remove", c, "email", "mario@example.com")
        other = self.customer("luca@example.com", "Luca")
        self.fails(EXIT_EXISTS, "identity", "add", other, "external", "M-1234")
        self.fails(EXIT_INVALID, "identity", "add", c, "fax", "123", message="identity kind")
        self.fails(EXIT_USAGE, "identity", "add", c, "email")


class TestCases(CliTestCase):
    def test_open_show_list(self):
        c = self.customer()
        out = self.ok("case", "open", c, "Line drops", "--priority", "high", "--kind", "incident")
        self.assertIn("Line drops", out)
        self.assertRegex(out, r"Priority:\s+high")
        case = self.js("case", "show", 1)
        for key, value in (("id", 1), ("customer", c), ("subject", "Line drops"),
                           ("status", "new"), ("priority", "high"), ("kind", "incident"),
                           ("version", 1), ("tags", []), ("links", []), ("csat", None)):
            self.assertEqual(case[key], value, key)
        self.case(c, "Invoice")
        other = self.customer("luca@example.com", "Luca")
        self.case(other, "Catalogue")
        out = self.ok("case", "list")
        self.assertIn("Invoice", out)
        self.assertIn("Catalogue", out)
        self.assertEqual([x["id"] for x in self.js("case", "list", "--customer", "luca@example.com")],
                         [3])
        self.assertEqual([x["id"] for x in self.js("case", "list", "--limit", 2)], [1, 2])
        self.assertEqual([x["id"] for x in self.js("case", "list", "--after", 2)], [3])
        self.assertEqual([x["id"] for x in self.js("case", "list", "--kind", "incident")], [1])
        self.ok("case", "status", 2, "resolved")
        self.assertEqual([x["id"] for x in self.js("case", "list", "--open")], [1, 3])
        self.assertEqual([x["id"] for x in self.js("case", "list", "--status", "resolved,open")], [2])
        self.assertEqual(self.js("case", "list", "--status", "closed"), [])
        self.fails(EXIT_INVALID, "case", "list", "--status", "done", message="case status")
        self.fails(EXIT_NOTFOUND, "case", "show", 99)
        self.fails(EXIT_INVALID, "case", "show", "x")
        self.fails(EXIT_INVALID, "case", "open", c, "")
        # "--" ends the options: a subject may start with a dash
        self.assertEqual(self.js("case", "open", c, "--", "-urgent-")["subject"], "-urgent-")

    def test_status_priority_and_versions(self):
        c = self.customer()
        case = self.case(c)
        self.assertEqual(self.js("case", "status", case, "pending-customer")["status"],
                         "pending_customer")
        self.fails(EXIT_INVALID, "case", "status", case, "new", message="pending_customer -> new")
        self.fails(EXIT_INVALID, "case", "status", case, "finished", message="finished")
        out = self.js("case", "priority", case, "urgent", "--expect-version", 2)
        self.assertEqual(out["priority"], "urgent")
        self.assertEqual(out["version"], 3)
        self.fails(EXIT_CONFLICT, "case", "status", case, "open", "--expect-version", 2)
        self.assertEqual(self.js("case", "show", case)["status"], "pending_customer")
        self.ok("case", "status", case, "resolved")
        out = self.js("case", "status", case, "open")
        self.assertEqual(out["reopen_count"], 1)
        self.assertRegex(self.ok("case", "show", case), r"Reopens:\s+1")

    def test_assign_and_transfers(self):
        c = self.customer()
        case = self.case(c)
        q1 = self.js("queue", "create", "First line")["id"]
        q2 = self.js("queue", "create", "Billing")["id"]
        agent = self.js("agent", "create", "Anna")["id"]
        out = self.js("case", "assign", case, "--queue", q1)
        self.assertEqual((out["queue"], out["assignee"], out["transfer_count"]), (q1, None, 0))
        out = self.js("case", "assign", case, "--agent", agent)
        self.assertEqual((out["queue"], out["assignee"], out["transfer_count"]), (q1, agent, 0))
        out = self.js("case", "assign", case, "--queue", q2, "--agent", "none")
        self.assertEqual((out["queue"], out["assignee"]), (q2, None))
        self.assertEqual(out["transfer_count"], 1)  # one call, one transfer
        self.assertRegex(self.ok("case", "assign", case, "--queue", q1), r"Transfers:\s+2")
        self.fails(EXIT_NOTFOUND, "case", "assign", case, "--queue", 99)
        self.fails(EXIT_CONFLICT, "case", "assign", case, "--queue", q1, "--expect-version", 1)
        self.assertIn("Line drops", self.ok("case", "list", "--queue", q1))
        self.assertEqual(self.js("case", "list", "--queue", q2), [])

    def test_tag_untag_link_csat(self):
        c = self.customer()
        a, b = self.case(c, "Outage"), self.case(c, "No line")
        self.assertEqual(self.js("case", "tag", a, "outage", "north")["tags"], ["north", "outage"])
        self.assertRegex(self.ok("case", "show", a), r"Tags:\s+north, outage")
        self.assertEqual([x["id"] for x in self.js("case", "list", "--tag", "north")], [a])
        self.assertEqual(self.js("case", "untag", a, "north")["tags"], ["outage"])
        before = self.event_count()
        self.fails(EXIT_NOTFOUND, "case", "untag", a, "outage", "north")  # all or nothing
        self.assertEqual(self.event_count(), before)
        self.assertEqual(self.js("case", "show", a)["tags"], ["outage"])
        out = self.js("case", "link", b, "caused-by", a)
        self.assertEqual(out["links"][0]["kind"], "caused_by")
        self.assertEqual((out["links"][0]["from"], out["links"][0]["to"]), (b, a))
        self.assertIn("caused_by", self.ok("case", "show", a))
        self.fails(EXIT_INVALID, "case", "link", b, "causes", a, message="link kind")
        self.fails(EXIT_INVALID, "case", "link", b, "related", b)
        self.fails(EXIT_NOTFOUND, "case", "link", b, "related", 99)
        out = self.js("case", "csat", a, 4, "--comment", "quick")
        self.assertEqual((out["csat"], out["csat_comment"]), (4, "quick"))
        self.assertRegex(self.ok("case", "csat", a, 5), r"CSAT:\s+5")
        self.fails(EXIT_INVALID, "case", "csat", a, 6)
        self.fails(EXIT_INVALID, "case", "csat", a, "five")


class TestContact(CliTestCase):
    def test_record_every_channel(self):
        c = self.customer()
        sync = {"phone", "ivr", "chat", "in_person"}
        channels = ["email", "phone", "ivr", "chat", "sms", "fax", "letter", "web", "social",
                    "in_person", "note"]
        for n, channel in enumerate(channels, 1):
            args = ["contact", "record", c, "--channel", channel, "--subject", "about " + channel]
            if channel in sync:
                args += ["--outcome", "answered"]
            out = self.js(*args)
            self.assertEqual(out["id"], n)
            self.assertEqual(out["channel"], channel)
            self.assertEqual(out["direction"], "internal" if channel == "note" else "inbound")
            self.assertEqual(out["outcome"], "answered" if channel in sync else None)
        timeline = self.js("timeline", c)
        self.assertEqual(sorted(x["channel"] for x in timeline), sorted(channels))
        inbound = [x for x in timeline if x["direction"] == "inbound"]
        self.assertTrue(all(x["case"] for x in inbound), "every inbound contact has a case")
        self.ok("contact", "record", c, "--channel", "in-person", "--outcome", "missed")

    def test_record_options(self):
        c = self.customer()
        agent = self.js("agent", "create", "Anna", "--email", "anna@helpdesk.example")["id"]
        first = self.js("contact", "record", c, "--channel", "email", "--ref", "<m1@example.com>",
                        "--subject", "Line drops", "--body", "It drops", "--at",
                        "2025-11-03T09:15:00+01:00")
        self.assertEqual(first["occurred_at"], 1762157700)
        self.assertEqual(first["recorded_at"], NOW_EPOCH)
        self.assertEqual(first["case_status"], "new")
        self.assertEqual((first["subject"], first["body"], first["external_ref"]),
                         ("Line drops", "It drops", "<m1@example.com>"))
        reply = self.js("--as", agent, "contact", "record", c, "--channel", "email", "--direction",
                        "outbound", "--in-reply-to", "<m1@example.com>", "--body", "On it",
                        "--at", "2025-11-03 10:00")
        self.assertEqual(reply["case"], first["case"])
        self.assertEqual(reply["agent"], agent)
        self.assertEqual(reply["in_reply_to"], "<m1@example.com>")
        self.assertEqual(reply["occurred_at"], 1762164000)
        call = self.js("contact", "record", "mario@example.com", "--channel", "phone", "--outcome",
                       "busy", "--case", first["case"], "--at", "1762200000", "--attr",
                       "duration=0", "--attr", "line=toll free", "--agent", agent)
        self.assertEqual(call["attributes"], {"duration": "0", "line": "toll free"})
        self.assertEqual(call["occurred_at"], 1762200000)
        self.assertEqual(call["outcome"], "busy")
        self.assertEqual(self.js("case", "show", first["case"])["inbound_count"], 2)
        out = self.ok("contact", "show", call["id"], "--attr", "line")
        self.assertIn("toll free", out)
        self.assertIn("busy", out)
        stdin_body = self.js("contact", "record", c, "--channel", "web", "--body", "-",
                             stdin="from a form\nsecond line\n")
        self.assertEqual(stdin_body["body"], "from a form\nsecond line\n")

    def test_record_errors(self):
        c = self.customer()
        self.ok("contact", "record", c, "--channel", "email", "--ref", "<dup@x>")
        before = self.event_count()
        self.fails(EXIT_EXISTS, "contact", "record", c, "--channel", "email", "--ref", "<dup@x>")
        self.fails(EXIT_INVALID, "contact", "record", c, "--channel", "pigeon", message="pigeon")
        self.fails(EXIT_INVALID, "contact", "record", c, "--channel", "email", "--outcome", "busy")
        self.fails(EXIT_INVALID, "contact", "record", c, "--channel", "phone", "--outcome", "late")
        self.fails(EXIT_INVALID, "contact", "record", c, "--channel", "note", "--direction",
                   "inbound")
        self.fails(EXIT_INVALID, "contact", "record", c, "--channel", "email", "--at",
                   "3rd of November", message="ISO 8601")
        self.fails(EXIT_INVALID, "contact", "record", c, "--channel", "email", "--attr", "novalue")
        self.fails(EXIT_NOTFOUND, "contact", "record", c, "--channel", "email", "--case", 77)
        self.fails(EXIT_NOTFOUND, "contact", "record", "nobody@example.com", "--channel", "email")
        self.fails(EXIT_NOTFOUND, "contact", "show", 99)
        self.assertEqual(self.event_count(), before)


class TestTimeline(CliTestCase):
    def test_paging(self):
        c = self.customer()
        for day in range(1, 6):
            self.ok("contact", "record", c, "--channel", "phone", "--outcome", "answered",
                    "--at", "2025-11-0%d 09:00" % day, "--subject", "call %d" % day)
        full = self.js("timeline", c)
        self.assertEqual([x["subject"] for x in full], ["call %d" % d for d in range(5, 0, -1)])
        page1 = self.js("timeline", c, "--limit", 2)
        self.assertEqual([x["subject"] for x in page1], ["call 5", "call 4"])
        page2 = self.js("timeline", c, "--limit", 2, "--before", page1[-1]["id"])
        self.assertEqual([x["subject"] for x in page2], ["call 3", "call 2"])
        page3 = self.js("timeline", c, "--limit", 2, "--before", page2[-1]["id"])
        self.assertEqual([x["subject"] for x in page3], ["call 1"])
        rc, out, err = self.run_crm("timeline", c, "--limit", 2)
        self.assertEqual(rc, 0)
        self.assertIn("call 5", out)
        self.assertIn("--before %d" % page1[-1]["id"], err)
        until = self.js("timeline", c, "--until", "2025-11-03 09:00")
        self.assertEqual([x["subject"] for x in until], ["call 2", "call 1"])
        case = full[0]["case"]
        self.assertEqual([x["subject"] for x in self.js("timeline", "--case", case)],
                         [x["subject"] for x in full if x["case"] == case])
        self.fails(EXIT_USAGE, "timeline")
        self.fails(EXIT_USAGE, "timeline", c, "--case", case)
        self.fails(EXIT_NOTFOUND, "timeline", "--case", 99)
        self.fails(EXIT_NOTFOUND, "timeline", c, "--before", 99)
        self.fails(EXIT_INVALID, "timeline", c, "--limit", -1)


class TestSearch(CliTestCase):
    def test_search(self):
        c = self.customer(name="Niccolò Bellè")
        self.ok("contact", "record", c, "--channel", "email", "--subject", "Perché?",
                "--body", "La caldaia rotta in città non parte")
        for i in range(4):
            self.ok("contact", "record", c, "--channel", "note", "--direction", "internal",
                    "--body", "bolletta " * (i + 1))
        hits = self.js("search", "perche")  # the contact, and the case it opened
        self.assertEqual(sorted((h["kind"], h["customer"]) for h in hits),
                         [("case", c), ("interaction", c)])
        self.assertIn("[", hits[0]["snippet"])
        self.assertIsInstance(hits[0]["rank"], float)
        self.assertEqual([h["kind"] for h in self.js("search", "belle")], ["customer"])
        self.assertEqual(self.js("search", "citta", "--kind", "customer"), [])
        self.assertEqual(len(self.js("search", '"caldaia rotta"', "--kind", "interaction,case")), 1)
        self.assertEqual(self.js("search", '"rotta caldaia"'), [])
        # pages: --limit, then --after the last cursor
        page1 = self.js("search", "bollett*", "--limit", 3)
        self.assertEqual(len(page1), 3)
        rc, out, err = self.run_crm("search", "bollett*", "--limit", 3)
        self.assertEqual(rc, 0)
        self.assertIn("--after %s" % page1[-1]["cursor"], err)
        page2 = self.js("search", "bollett*", "--limit", 3, "--after", page1[-1]["cursor"])
        self.assertEqual(len(page2), 1)
        self.assertEqual(len({h["id"] for h in page1 + page2}), 4)
        # hostile input is text; malformed input is refused
        self.assertEqual(self.js("search", "'; DROP TABLE interactions; --"), [])
        self.assertEqual(len(self.js("search", "caldaia")), 1)
        self.fails(EXIT_INVALID, "search", '"caldaia', message="quote is not closed")
        self.fails(EXIT_INVALID, "search", "*", message="no word")
        self.fails(EXIT_INVALID, "search", "x", "--kind", "ticket", message="unknown kind")
        self.fails(EXIT_INVALID, "search", "x", "--after", "nope", message="cursor")
        self.fails(EXIT_USAGE, "search")


class TestQueueAgent(CliTestCase):
    def test_queue(self):
        out = self.js("queue", "create", "Billing", "--skill", "italian", "--skill", "billing")
        self.assertEqual((out["id"], out["name"], out["skills"]), (1, "Billing", ["billing", "italian"]))
        self.assertEqual(self.js("queue", "skill", 1, "fibre")["skills"], ["billing", "fibre", "italian"])
        self.assertRegex(self.ok("queue", "show", 1), r"Skills:\s+billing, fibre, italian")
        self.fails(EXIT_EXISTS, "queue", "create", "Billing")
        self.fails(EXIT_NOTFOUND, "queue", "show", 9)
        self.fails(EXIT_INVALID, "queue", "create", "")

    def test_agent(self):
        out = self.js("agent", "create", "Anna", "--email", "Anna@Helpdesk.example", "--skill", "fibre")
        self.assertEqual((out["name"], out["email"], out["skills"]),
                         ("Anna", "anna@helpdesk.example", ["fibre"]))
        self.assertEqual(self.js("agent", "skill", 1, "billing")["skills"], ["billing", "fibre"])
        self.assertIn("anna@helpdesk.example", self.ok("agent", "show", 1))
        q = self.js("queue", "create", "First line")["id"]
        self.assertEqual(self.js("agent", "join", 1, q, "--role", "supervisor"),
                         {"agent": 1, "queue": q, "role": "supervisor"})
        self.assertIn("agent", self.ok("agent", "join", 1, q))
        self.assertEqual(self.js("agent", "leave", 1, q)["role"], None)
        self.fails(EXIT_NOTFOUND, "agent", "leave", 1, q)
        self.fails(EXIT_INVALID, "agent", "join", 1, q, "--role", "boss", message="role")
        self.fails(EXIT_NOTFOUND, "agent", "show", 7)
        self.fails(EXIT_EXISTS, "agent", "create", "Other", "--email", "anna@helpdesk.example")


class TestSettingsTick(CliTestCase):
    def test_settings(self):
        settings = {s["name"]: s["value"] for s in self.js("settings", "get")}
        self.assertEqual(settings["reopen_window"], "604800")
        self.assertIn("subject_tag", settings)
        self.assertEqual(self.js("settings", "set", "reopen_window", "3600"),
                         {"name": "reopen_window", "value": "3600"})
        self.assertIn("3600", self.ok("settings", "get", "reopen_window"))
        self.fails(EXIT_INVALID, "settings", "set", "reopen_window", "soon")
        self.fails(EXIT_INVALID, "settings", "get", "colour")

    def test_tick_autocloses(self):
        c = self.customer()
        case = self.case(c)
        self.ok("case", "status", case, "resolved")
        self.assertEqual(self.js("tick")["fired"], 0)
        out = self.js("tick", "--at", "2026-01-01")
        self.assertEqual(out["fired"], 1)
        self.assertEqual(out["at"], 1767225600)
        self.assertEqual(self.js("case", "show", case)["status"], "closed")
        self.assertRegex(self.ok("tick"), r"Fired:\s+0")
        self.fails(EXIT_INVALID, "tick", "--at", "never")


class TestEvents(CliTestCase):
    def test_since_and_kinds(self):
        c = self.customer()
        self.case(c)
        events = self.js("events")
        self.assertEqual([e["seq"] for e in events], list(range(1, len(events) + 1)))
        self.assertEqual(events[0]["kind"], "customer.created")
        self.assertEqual(events[0]["payload"], {"customer": 1, "display_name": "Mario Rossi"})
        self.assertEqual(events[-1]["kind"], "case.created")
        self.assertEqual(events[-1]["entity"], "case")
        self.assertEqual(events[-1]["time"], NOW_EPOCH)
        last = events[-1]["seq"]
        since = self.js("events", "--since", last - 1)
        self.assertEqual([e["seq"] for e in since], [last])
        out = self.ok("events", "--since", last - 1)
        self.assertIn("case.created", out)
        self.assertNotIn("customer.created", out)
        self.assertRegex(out, r"SEQ\s+TIME\s+ACTOR\s+KIND")
        self.assertEqual(self.js("events", "--since", last), [])
        self.assertEqual([e["kind"] for e in self.js("events", "--kind", "case.")], ["case.created"])
        self.assertEqual(len(self.js("events", "--limit", 1)), 1)
        self.fails(EXIT_USAGE, "events", "--since", "x")
        self.fails(EXIT_INVALID, "events", "--since", -5)

    def test_consumer_cursor(self):
        self.customer()
        first = self.js("events", "--consumer", "mailer")
        self.assertTrue(first)
        self.assertEqual(self.js("events", "--consumer", "mailer"), [])
        self.customer("luca@example.com", "Luca")
        again = self.js("events", "--consumer", "mailer")
        self.assertEqual(again[0]["seq"], first[-1]["seq"] + 1)
        self.assertEqual(again[0]["payload"]["display_name"], "Luca")
        # another consumer starts from the beginning; --since overrides the cursor
        self.assertEqual(self.js("events", "--consumer", "auditor")[0]["seq"], 1)
        self.assertEqual(self.js("events", "--consumer", "mailer", "--since", 1)[0]["seq"], 2)

    def test_follow(self):
        self.customer()
        count = self.event_count()
        rc, out, _ = self.run_crm("--json", "events", "--follow", "--limit", 2)
        self.assertEqual(rc, 0)
        lines = out.splitlines()
        self.assertEqual([json.loads(line)["seq"] for line in lines], [1, 2])
        # a follower sees an event committed after it started
        argv = [CRM, "--db", self.db, "--json", "events", "--follow", "--since", count,
                "--limit", 1, "--consumer", "follower"]
        follower = subprocess.Popen([str(a) for a in argv], stdout=subprocess.PIPE, text=True,
                                    env=self.env)
        try:
            time.sleep(0.3)
            self.ok("queue", "create", "Late")
            out, _ = follower.communicate(timeout=20)
        finally:
            if follower.poll() is None:
                follower.kill()
                follower.wait()
        self.assertEqual(follower.returncode, 0)
        event = json.loads(out)
        self.assertEqual((event["seq"], event["kind"]), (count + 1, "queue.created"))
        self.assertEqual(self.js("events", "--consumer", "follower"), [])


MAIL = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "data", "mail")


def mail(name):
    return os.path.join(MAIL, name)


def capture_tty_stderr(argv, env, cwd):
    """Run argv with stderr on a pseudo-terminal; returns (rc, stdout, what the
    terminal received)."""
    import pty
    master, slave = pty.openpty()
    try:
        p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=slave, env=env, cwd=cwd,
                           timeout=60)
    finally:
        os.close(slave)
    received = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO: the terminal's other side is closed
            break
        if not chunk:
            break
        received += chunk
    os.close(master)
    return p.returncode, p.stdout.decode(), received.decode(errors="replace")


class TestMail(CliTestCase):
    def maildir(self, *names, empty=()):
        path = os.path.join(self.dir, "Maildir")
        for sub in ("new", "cur", "tmp"):
            os.makedirs(os.path.join(path, sub), exist_ok=True)
        for name in names:
            shutil.copy(mail(name), os.path.join(path, "new", name))
        for name in empty:
            open(os.path.join(path, "new", name), "wb").close()
        return path

    def mbox(self, *names):
        path = os.path.join(self.dir, "box.mbox")
        with open(path, "wb") as out:
            for name in names:
                with open(mail(name), "rb") as f:
                    out.write(b"From sender@example.com Mon Feb 23 10:15:00 2026\n")
                    out.write(f.read().replace(b"\r\n", b"\n").rstrip(b"\n") + b"\n\n")
        return path

    def test_ingest_files_rules_and_duplicates(self):
        # Relative names inside the test directory: the FILE column must not depend on
        # how deep the checkout is (long paths are cut with an ellipsis).
        names = ("01-plain.eml", "09-reply-in-reply-to.eml", "16-out-of-office.eml")
        for name in names:
            shutil.copy(mail(name), os.path.join(self.dir, name))
        out = self.ok("mail", "ingest", *names)
        self.assertRegex(out, r"01-plain.eml\s+new_case\s+1\s+1\s+Alice Example\s+1\s+yes\s+no")
        self.assertRegex(out, r"09-reply-in-reply-to.eml\s+in_reply_to\s+1\s+1\s+Alice Example")
        self.assertRegex(out, r"16-out-of-office.eml\s+in_reply_to\s+1\s+1\s.*\byes$")
        filed = self.js("mail", "ingest", mail("10-reply-references.eml"), mail("02-alternative.eml"),
                        mail("01-plain.eml"))
        self.assertEqual([(f["rule"], f["case"], f["customer"]) for f in filed],
                         [("references", 1, 1), ("new_case", 2, 2), ("duplicate", 1, 1)])
        self.assertEqual(filed[0]["file"], mail("10-reply-references.eml"))
        self.assertEqual(filed[1]["customer_name"], "Dan Dawson")
        self.assertEqual((filed[1]["created_case"], filed[1]["created_customer"]), (True, True))
        self.assertEqual((filed[2]["created_case"], filed[2]["interaction"]), (False, 1))
        self.assertFalse(filed[0]["auto_generated"])
        self.assertEqual(len(self.js("timeline", "--case", "1")), 4)
        # standard input
        with open(mail("06-rfc2047-utf8.eml"), "rb") as f:
            raw = f.read().decode("utf-8", errors="surrogateescape")
        (f,) = self.js("mail", "ingest", "-", stdin=raw)
        self.assertEqual((f["file"], f["rule"]), ("-", "new_case"))

    def test_ingest_queue(self):
        q = self.js("queue", "create", "Mail")["id"]
        (f,) = self.js("mail", "ingest", "--queue", q, mail("01-plain.eml"))
        self.assertEqual(self.js("case", "show", f["case"])["queue"], q)
        before = self.event_count()
        self.fails(EXIT_NOTFOUND, "mail", "ingest", "--queue", "99", mail("02-alternative.eml"))
        self.fails(EXIT_INVALID, "mail", "ingest", "--queue", "first", mail("02-alternative.eml"),
                   message="queue id 'first'")
        self.assertEqual(self.event_count(), before)

    def test_ingest_errors_keep_going(self):
        empty = os.path.join(self.dir, "empty.eml")
        open(empty, "wb").close()
        before = self.event_count()
        err = self.fails(EXIT_INVALID, "mail", "ingest", empty, message="empty.eml")
        self.assertIn("empty", err)
        self.assertEqual(self.event_count(), before)
        # a missing file: reported, the others filed, the first failure's exit code
        rc, out, err = self.run_crm("--json", "mail", "ingest", os.path.join(self.dir, "nope.eml"),
                                    mail("01-plain.eml"), empty)
        self.assertEqual(rc, EXIT_NOTFOUND, err)
        self.assertIn("nope.eml", err)
        self.assertIn("empty.eml", err)
        self.assertEqual([f["rule"] for f in json.loads(out)], ["new_case"])
        self.fails(EXIT_USAGE, "mail", "ingest", message="--mbox FILE or --maildir DIR")
        self.fails(EXIT_USAGE, "mail", "ingest", "--mbox", "a", "--maildir", "b", message="either")
        self.fails(EXIT_USAGE, "mail", "ingest", "--mbox", "a", mail("01-plain.eml"))
        self.fails(EXIT_NOTFOUND, "mail", "ingest", "--mbox", os.path.join(self.dir, "no.mbox"))
        self.fails(EXIT_NOTFOUND, "mail", "ingest", "--maildir", os.path.join(self.dir, "nodir"))

    def test_import_maildir_totals_and_reimport(self):
        path = self.maildir("01-plain.eml", "02-alternative.eml", "09-reply-in-reply-to.eml",
                            "15-bounce.eml", empty=["zz-empty"])
        out = self.ok("mail", "ingest", "--maildir", path)
        for pattern in (r"Maildir:\s+" + re.escape(path), r"Filed:\s+4", r"Duplicates:\s+0",
                        r"Auto-generated:\s+1", r"Failed:\s+1", r"Failures:\s+zz-empty: .*empty"):
            self.assertRegex(out, pattern)
        stats = self.js("mail", "ingest", "--maildir", path)
        self.assertEqual((stats["source"], stats["filed"], stats["duplicate"], stats["failed"]),
                         (path, 0, 4, 1))
        self.assertEqual(len(stats["failures"]), 1)
        self.assertTrue(stats["failures"][0].startswith("zz-empty: "))
        self.assertEqual(len(self.js("case", "list")), 3)

    def test_import_mbox(self):
        path = self.mbox("01-plain.eml", "10-reply-references.eml", "02-alternative.eml")
        rc, out, err = self.run_crm("--json", "mail", "ingest", "--mbox", path)
        self.assertEqual(rc, 0, err)
        self.assertEqual(err, "")  # stderr is not a terminal: no progress bar
        stats = json.loads(out)
        self.assertEqual((stats["filed"], stats["duplicate"], stats["auto_generated"],
                          stats["failed"], stats["failures"]), (3, 0, 0, 0, []))
        self.assertEqual(self.js("mail", "ingest", "--mbox", path)["duplicate"], 3)
        self.assertRegex(self.ok("mail", "ingest", "--mbox", path), r"Mbox:\s+" + re.escape(path))

    def test_progress_bar_only_on_a_terminal(self):
        path = self.maildir("01-plain.eml", "02-alternative.eml", "03-html-only.eml")
        argv = [CRM, "--db", self.db, "--json", "mail", "ingest", "--maildir", path]
        rc, out, tty = capture_tty_stderr(argv, self.env, self.dir)
        self.assertEqual(rc, 0, tty)
        self.assertEqual(json.loads(out)["filed"], 3)  # stdout stays clean JSON
        self.assertIn("Importing %s: [" % path, tty)
        self.assertIn("] 3/3", tty)
        self.assertTrue(tty.endswith("\r\x1b[K"), repr(tty))  # the bar's line is cleared
        # an mbox has no total: a count
        mbox = self.mbox("04-attachment-pdf.eml", "05-inline-image.eml")
        argv[-2:] = ["--mbox", mbox]
        rc, out, tty = capture_tty_stderr(argv, self.env, self.dir)
        self.assertEqual(rc, 0, tty)
        self.assertRegex(tty, r"Importing .*box.mbox: \d")
        self.assertNotRegex(tty, r"\[[#-]")

    def test_reply(self):
        self.ok("mail", "ingest", mail("01-plain.eml"))
        before = self.event_count()
        self.fails(EXIT_INVALID, "mail", "reply", "1", "--body", "Hi", message="helpdesk_addresses")
        self.assertEqual(self.event_count(), before)
        self.ok("settings", "set", "helpdesk_addresses", "support@helpdesk.example")
        raw = self.ok("mail", "reply", "1", "--body", "A technician is on his way.")
        headers, _, body = raw.partition("\n\n")  # (text mode reads CRLF as \n)
        for header in ("From: support@helpdesk.example", "To: Alice Example <alice@example.com>",
                       "Subject: Re: Printer on fire [#1]", "In-Reply-To: <plain-1@example.com>"):
            self.assertIn(header, headers.splitlines())
        self.assertIn("A technician is on his way.", body)
        timeline = self.js("timeline", "--case", "1")
        self.assertEqual((timeline[0]["direction"], timeline[0]["channel"]), ("outbound", "email"))
        message_id = re.search(r"(?im)^Message-Id: (<[^>]+>)", headers).group(1)
        self.assertEqual(self.js("contact", "show", timeline[0]["id"])["external_ref"], message_id)

        # --json: the summary and the message; --from, --agent
        agent = self.js("agent", "create", "Anna", "--email", "anna@helpdesk.example")["id"]
        r = self.js("mail", "reply", "1", "--body", "Fixed?", "--from", "anna@helpdesk.example",
                    "--agent", agent)
        self.assertEqual((r["case"], r["to"], r["subject"], r["out"]),
                         (1, "Alice Example <alice@example.com>", "Re: Printer on fire [#1]", None))
        self.assertIn("\r\nFrom: anna@helpdesk.example\r\n", r["message"])  # CRLF line ends
        self.assertEqual(r["bytes"], len(r["message"].encode()))
        shown = self.js("contact", "show", r["interaction"])
        self.assertEqual((shown["agent"], shown["external_ref"]), (agent, r["message_id"]))

        # --body-file (standard input) and --out: the summary on stdout
        out_file = os.path.join(self.dir, "reply.eml")
        out = self.ok("mail", "reply", "1", "--body-file", "-", "--out", out_file,
                      stdin="Read from standard input.\n")
        self.assertRegex(out, r"Written to:\s+" + re.escape(out_file))
        self.assertRegex(out, r"Subject:\s+Re: Printer on fire \[#1\]")
        with open(out_file, "rb") as f:
            written = f.read()
        self.assertIn(b"Read from standard input.", written)
        self.assertIn(b"Bytes:       %d" % len(written), out.encode())
        body_file = os.path.join(self.dir, "body.txt")
        with open(body_file, "w") as f:
            f.write("From a file.")
        self.assertIn("From a file.", self.js("mail", "reply", "1", "--body-file", body_file)["message"])

    def test_reply_errors_write_nothing(self):
        self.ok("mail", "ingest", mail("01-plain.eml"))
        self.ok("settings", "set", "helpdesk_addresses", "support@helpdesk.example")
        before = self.event_count()
        self.fails(EXIT_USAGE, "mail", "reply", "1", message="--body or --body-file")
        self.fails(EXIT_USAGE, "mail", "reply", "1", "--body", "x", "--body-file", "f")
        self.fails(EXIT_USAGE, "mail", "reply", "--body", "x", message="missing arguments")
        self.fails(EXIT_NOTFOUND, "mail", "reply", "99", "--body", "x", message="99")
        self.fails(EXIT_NOTFOUND, "mail", "reply", "1", "--body", "x", "--agent", "42")
        self.fails(EXIT_INVALID, "mail", "reply", "one", "--body", "x", message="case id 'one'")
        self.fails(EXIT_INVALID, "mail", "reply", "1", "--body", "x", "--from", "not-an-address")
        self.fails(EXIT_NOTFOUND, "mail", "reply", "1", "--body-file",
                   os.path.join(self.dir, "missing.txt"), message="missing.txt")
        # the message cannot be written: the reply is not recorded either
        self.fails(11, "mail", "reply", "1", "--body", "x", "--out",
                   os.path.join(self.dir, "no", "such", "dir", "r.eml"))
        self.assertEqual(self.event_count(), before)
        self.assertEqual(len(self.js("timeline", "--case", "1")), 1)


class TestCustomerLifecycle(CliTestCase):
    def test_prefs_source_and_recorded(self):
        c = self.customer()
        out = self.js("customer", "prefs", c, "--purpose", "marketing", "--channel", "letter",
                      "--deny", "--source", "shop visit")
        self.assertEqual(out["recorded"], [{"channel": "letter", "purpose": "marketing",
                                            "allowed": False, "source": "shop visit",
                                            "updated_at": NOW_EPOCH}])
        self.assertRegex(self.ok("customer", "prefs", c), r"letter\s+marketing\s+no\s+shop visit")
        self.fails(EXIT_USAGE, "customer", "prefs", c, "--source", "x", message="--source")

    def test_duplicates_merge_unmerge(self):
        a = self.customer("mario.rossi@gmail.com")
        b = self.customer("mariorossi+shop@googlemail.com", "M. Rossi")
        self.customer("someone@example.com", "Someone Else")
        dups = self.js("customer", "duplicates", a)
        self.assertEqual([(d["customer"], d["name"], d["reason"]) for d in dups],
                         [(b, "M. Rossi", "email_alias")])
        self.assertIn("email_alias", dups[0]["reasons"])
        self.assertTrue(1 <= dups[0]["score"] <= 99)
        self.assertRegex(self.ok("customer", "duplicates", a), r"M\. Rossi\s+\d+\s+email_alias")
        case_b = self.case(b, "Order never came")
        merged = self.js("customer", "merge", a, b)
        self.assertEqual((merged["id"], merged["merged"]), (a, b))
        self.assertEqual(len(merged["identities"]), 2)
        self.assertEqual([c["id"] for c in merged["cases"]], [case_b])
        # the merged id reads the survivor, and says so
        shown = self.js("customer", "show", b)
        self.assertEqual((shown["id"], shown["resolved_from"]), (a, b))
        self.assertIn("Merged id:", self.ok("customer", "show", b))
        self.assertEqual(self.js("customer", "show", a)["resolved_from"], None)
        self.assertEqual(self.js("customer", "duplicates", a), [])
        self.fails(EXIT_INVALID, "customer", "merge", a, a)
        undone = self.js("customer", "unmerge", b)
        self.assertEqual((undone["id"], undone["survivor"]), (b, a))
        self.assertEqual([c["id"] for c in undone["cases"]], [case_b])
        self.assertEqual(len(self.js("customer", "show", a)["identities"]), 1)
        self.fails(EXIT_INVALID, "customer", "unmerge", b)
        self.fails(EXIT_NOTFOUND, "customer", "merge", a, 99)
        self.fails(EXIT_USAGE, "customer", "merge", a)

    def test_export(self):
        c = self.customer()
        self.case(c, "Line drops")
        doc = self.js("customer", "export", c)
        self.assertEqual(doc["format"], "libcrm.customer-export")
        self.assertEqual(doc["customer"]["display_name"], "Mario Rossi")
        self.assertEqual([x["subject"] for x in doc["cases"]], ["Line drops"])
        self.assertEqual(json.loads(self.ok("customer", "export", "mario@example.com")), doc)
        path = os.path.join(self.dir, "export.json")
        out = self.js("customer", "export", c, "--attachments", "--out", path)
        with open(path, encoding="utf-8") as f:
            written = json.load(f)
        self.assertEqual(written["customer"]["id"], c)
        self.assertEqual((out["customer"], out["file"]), (c, path))
        self.assertEqual(out["bytes"], os.path.getsize(path))
        self.fails(EXIT_NOTFOUND, "customer", "export", 42)
        self.fails(11, "customer", "export", c, "--out", os.path.join(self.dir, "no", "x.json"))

    def test_erase(self):
        c = self.customer()
        self.case(c, "Mario's line drops")
        self.fails(EXIT_USAGE, "customer", "erase", c, message="--reason")
        out = self.js("customer", "erase", c, "--reason", "GDPR request 2025-17")
        self.assertEqual(out["status"], "erased")
        self.assertEqual(out["identities"], [])
        self.assertNotIn("Mario", json.dumps(self.js("customer", "export", c)))
        self.fails(EXIT_NOTFOUND, "customer", "find", "mario@example.com")
        self.assertEqual(self.js("events", "--kind", "customer.erased")[0]["entity_id"], c)


CALENDAR = {"tz": "Europe/Rome",
            "hours": {"mon": [["09:00", "13:00"], ["14:00", "18:00"]],
                      "tue": [["09:00", "18:00"]], "wed": [["09:00", "18:00"]],
                      "thu": [["09:00", "18:00"]], "fri": [["09:00", "18:00"]]},
            "holidays": ["2025-12-25", ["2025-12-26", "Santo Stefano"]],
            "special_hours": {"2025-12-24": [["09:00", "12:00"]]},
            "breaks": {"2025-11-12": [["10:00", "11:00"]]}}


class TestCalendarPolicySla(CliTestCase):
    def write(self, name, value):
        path = os.path.join(self.dir, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(value if isinstance(value, str) else json.dumps(value))
        return path

    def calendar(self):
        return self.js("calendar", "define", "Office", self.write("cal.json", CALENDAR))["id"]

    def test_calendar_define_show_update(self):
        cal = self.js("calendar", "define", "Office", self.write("cal.json", CALENDAR))
        # NOW is Monday 2025-11-10 12:00 UTC, 13:00 in Rome: the lunch break
        self.assertEqual((cal["name"], cal["version"], cal["timezone"]), ("Office", 1, "Europe/Rome"))
        self.assertFalse(cal["open_now"])
        self.assertEqual(cal["next_open"], NOW_EPOCH + 3600)
        # Mon 13:00 -> Mon 13:00 next week: 4h + 4x9h - 1h (Wednesday's break) + 4h
        self.assertEqual(cal["business_next_week"], (4 + 36 - 1 + 4) * 3600)
        shown = self.js("calendar", "show", cal["id"])
        self.assertEqual(shown["business_next_week"], cal["business_next_week"])
        self.assertEqual((shown["name"], shown["version"]), ("Office", 1))
        # the definition as libcrm stores it (crm_calendar_to_json)
        definition = shown["definition"]
        self.assertEqual(definition["tz"], "Europe/Rome")
        self.assertEqual(definition["hours"], CALENDAR["hours"])
        self.assertEqual(definition["holidays"], [["2025-12-25", None], ["2025-12-26", "Santo Stefano"]])
        self.assertEqual(definition["special_hours"], CALENDAR["special_hours"])
        self.assertEqual(definition["breaks"], CALENDAR["breaks"])
        human = self.ok("calendar", "show", cal["id"])
        self.assertRegex(human, r"Open now:\s+no")
        self.assertRegex(human, r"Name:\s+Office")
        self.assertRegex(human, r"Mon:\s+09:00-13:00, 14:00-18:00")
        self.assertRegex(human, r"Holidays:\s+2025-12-25, 2025-12-26 \(Santo Stefano\)")
        self.assertRegex(human, r"2025-12-24:\s+09:00-12:00")
        self.assertRegex(human, r"2025-11-12:\s+10:00-11:00")
        self.assertRegex(self.ok("--now", "2025-11-10T09:00:00Z", "calendar", "show", cal["id"]),
                         r"Open now:\s+yes")
        always = dict(CALENDAR, hours={d: [["00:00", "24:00"]] for d in ("mon", "tue")})
        up = self.js("calendar", "update", cal["id"], "-", stdin=json.dumps(always))
        self.assertEqual((up["version"], up["open_now"]), (2, True))
        first = self.js("calendar", "show", cal["id"], "--version", "1")
        self.assertEqual((first["version"], first["name"], first["definition"]), (1, "Office", definition))
        # what show --json prints is a calendar file again
        again = self.js("calendar", "update", cal["id"], "-", stdin=json.dumps(definition))
        self.assertEqual((again["version"], again["definition"]), (3, definition))
        # overnight shifts: an end before the start runs into the next day
        night = self.js("calendar", "define", "Night",
                        self.write("n.json", {"tz": "Etc/UTC", "hours": {"mon": [["22:00", "06:00"]]}}))
        self.assertEqual(night["business_next_week"], 8 * 3600)
        self.assertEqual(night["definition"]["hours"], {"mon": [["22:00", "30:00"]]})
        always = self.js("calendar", "define", "Always", "-", stdin='{"tz": "24x7"}')
        self.assertEqual((always["business_next_week"], always["definition"]), (7 * 86400, {"tz": "24x7"}))
        self.assertRegex(self.ok("calendar", "show", always["id"]), r"Hours:\s+always open")

    def test_calendar_errors(self):
        before = self.event_count()
        for bad, message in ((CALENDAR.keys() and dict(CALENDAR, tz="Mars/Base"), "Mars/Base"),
                             ({"hours": {}}, '"tz"'),
                             ({"tz": ["Europe/Rome"]}, '"tz"'),
                             (dict(CALENDAR, hours={"mon": [["9:00", "18:00"]]}), "HH:MM"),
                             (dict(CALENDAR, hours={"lun": [["09:00", "18:00"]]}), "lun"),
                             (dict(CALENDAR, holidays=["2025-02-30"]), "2025-02-30"),
                             (dict(CALENDAR, opening={}), '"opening"')):
            self.fails(EXIT_INVALID, "calendar", "define", "Bad", self.write("bad.json", bad),
                       message=message)
        self.fails(EXIT_INVALID, "calendar", "define", "Bad", self.write("bad.json", "{nope"),
                   message="bad.json")
        self.fails(EXIT_NOTFOUND, "calendar", "define", "Bad", os.path.join(self.dir, "none.json"))
        self.fails(EXIT_NOTFOUND, "calendar", "show", "42")
        self.fails(EXIT_NOTFOUND, "calendar", "update", "42", self.write("ok.json", CALENDAR))
        self.assertEqual(self.event_count(), before)

    def test_policy_define_update_show(self):
        cal = self.calendar()
        q = self.js("queue", "create", "Billing")["id"]
        spec = {"order": 5, "calendar": cal, "priorities": ["high", "urgent"], "kinds": ["request"],
                "channels": ["email", "phone"], "queue": q, "segment": "gold",
                "targets": {"first_response": "4h", "next_response": 7200, "resolution": "2d 4h"},
                "warn_percent": 80, "pause_statuses": ["pending_customer"]}
        p = self.js("policy", "define", "Gold", self.write("p.json", spec))
        self.assertEqual((p["name"], p["version"], p["order"], p["calendar"], p["queue"]),
                         ("Gold", 1, 5, cal, q))
        self.assertEqual(p["priorities"], ["high", "urgent"])
        self.assertEqual(p["channels"], ["email", "phone"])
        self.assertEqual(p["targets"], {"first_response": 14400, "next_response": 7200,
                                        "resolution": 187200})
        self.assertEqual((p["kinds"], p["pause_statuses"], p["segment"], p["warn_percent"]),
                         (["request"], ["pending_customer"], "gold", 80))
        # show prints the stored definition (crm_sla_policy_to_json)
        self.assertEqual(self.js("policy", "show", p["id"]), p)
        out = self.ok("policy", "show", p["id"])
        self.assertRegex(out, r"Version:\s+1")
        self.assertRegex(out, r"Name:\s+Gold")
        self.assertRegex(out, r"Priorities:\s+high, urgent")
        self.assertRegex(out, r"Pause statuses:\s+pending_customer")
        self.assertRegex(out, r"first_response:\s+4h")
        self.assertRegex(out, r"Warn at %:\s+80")
        up = self.js("policy", "update", p["id"], "Gold v2", self.write("p2.json", {"targets": {"resolution": "1w"}}))
        self.assertEqual((up["version"], up["name"], up["targets"]), (2, "Gold v2", {"resolution": 604800}))
        self.assertEqual((up["calendar"], up["queue"], up["segment"], up["priorities"]), (None, None, None, []))
        self.assertEqual(self.js("policy", "show", p["id"])["version"], 2)
        self.assertEqual(self.js("policy", "show", p["id"], "--version", "1"), p)
        self.fails(EXIT_NOTFOUND, "policy", "show", p["id"], "--version", "3", message="no version 3")
        self.fails(EXIT_INVALID, "policy", "show", p["id"], "--version", "-1", message="-1")
        before = self.event_count()
        for bad, message in (({"targets": {"first_response": "soon"}}, "soon"),
                             ({"targets": {"speed": "1h"}}, "speed"),
                             ({"priorities": ["whenever"]}, "whenever"),
                             ({"order": "first"}, '"order"'),
                             ({"colour": "red"}, '"colour"'),
                             ({"warn_percent": 150}, "150")):
            self.fails(EXIT_INVALID, "policy", "define", "Bad", self.write("bad.json", bad),
                       message=message)
        self.fails(EXIT_NOTFOUND, "policy", "define", "Bad", self.write("bad.json", {"calendar": 99}))
        self.fails(EXIT_NOTFOUND, "policy", "show", "99")
        self.assertEqual(self.event_count(), before)

    def test_sla_tick_due_show(self):
        """S1: the e-mail of early November, answered six weeks later."""
        cal = self.calendar()
        self.js("policy", "define", "Standard", self.write("p.json", {
            "calendar": cal, "targets": {"first_response": "8h"}, "warn_percent": 75}))
        c = self.customer()
        env = dict(self.env, CRM_NOW="2025-11-03T08:00:00Z")  # Monday 09:00 in Rome
        case = self.js("contact", "record", c, "--channel", "email", "--subject", "Line drops",
                       env=env)["case"]
        (t,) = self.js("sla", "show", case, env=env)
        self.assertEqual((t["metric"], t["state"], t["target"]), ("first_response", "running", 28800))
        self.assertEqual(t["due_at"], 1762156800 + 9 * 3600)  # one lunch hour later
        due = self.js("sla", "due", env=env)
        self.assertEqual([(d["case"], d["metric"]) for d in due], [(case, "first_response")])
        self.assertEqual(self.js("sla", "due", "--within", "1h", env=env), [])
        self.assertEqual(len(self.js("sla", "due", "--before", "2025-11-03T18:00:00Z", env=env)), 1)
        late = dict(self.env, CRM_NOW="2025-12-15T10:00:00Z")
        self.assertEqual(self.js("sla", "tick", env=late)["fired"], 2)  # warning and breach
        (t,) = self.js("sla", "show", case, env=late)
        self.assertEqual((t["state"], t["breached_at"], t["warned_at"]),
                         ("breached", t["due_at"], t["due_at"] - 7200))
        self.assertEqual([s["kind"] for s in t["segments"]], ["activate", "warning", "breach"])
        self.assertRegex(self.ok("sla", "due", env=late), r"first_response\s+1\s+as_reported\s+breached")
        self.ok("contact", "record", c, "--channel", "email", "--direction", "outbound",
                "--case", case, env=late)
        (t,) = self.js("sla", "show", case, "--all", env=late)
        self.assertEqual(t["state"], "met_late")
        both = self.js("sla", "show", case, "--both", env=late)
        self.assertEqual([x["view"] for x in both], ["as_reported", "recomputed"])
        out = self.ok("sla", "show", case, "--segments", env=late)
        self.assertRegex(out, r"first_response\s+1\s+as_reported\s+breach\s")
        self.assertRegex(out, r"fulfil")
        self.assertEqual(self.js("sla", "due", env=late), [])
        self.fails(EXIT_USAGE, "sla", "show", case, "--both", "--recomputed")
        self.fails(EXIT_USAGE, "sla", "due", "--within", "1h", "--before", "2025-11-03")
        self.fails(EXIT_INVALID, "sla", "due", "--within", "soon", message="soon")
        self.fails(EXIT_NOTFOUND, "sla", "show", "99")


class TestIncident(CliTestCase):
    def test_s3_outage(self):
        noc = self.customer("noc@isp.example", "Network operations")
        anna = self.customer("anna@example.it", "Anna")
        self.ok("customer", "attr", anna, "area_code", "06-58")
        bob = self.customer("bob@example.it", "Bob")
        self.ok("customer", "attr", bob, "area_code", "02-11")
        inc = self.js("incident", "open", noc, "Fibre cut in Trastevere", "--scope",
                      "area_code=06-58", "--priority", "urgent")
        self.assertEqual((inc["kind"], inc["priority"], inc["scope"]),
                         ("incident", "urgent", {"area_code": "06-58"}))
        self.assertEqual((inc["linked_count"], inc["cases"]), (0, []))
        i = inc["id"]
        self.assertEqual([x["id"] for x in self.js("incident", "match", "anna@example.it")], [i])
        self.assertEqual(self.js("incident", "match", bob), [])
        call = self.js("contact", "record", anna, "--channel", "phone", "--outcome", "answered",
                       "--subject", "No line since last night")["case"]
        shown = self.js("incident", "attach", i, call)
        self.assertEqual(([c["id"] for c in shown["cases"]], shown["linked_open"]), ([call], 1))
        self.assertEqual(self.js("case", "show", call)["links"][0]["kind"], "caused_by")
        scope = self.js("incident", "scope", i, "street=Via Roma", "area_code")
        self.assertEqual(scope["scope"], {"street": "Via Roma", "area_code": "06-58"})
        self.assertEqual(self.js("incident", "match", anna), [])  # Anna has no street attribute
        self.assertEqual(self.js("incident", "scope", i, "--remove", "street")["scope"], {"street": None})
        self.assertEqual(self.js("incident", "show", i, "--scope", "area_code")["scope"],
                         {"area_code": "06-58"})
        self.js("incident", "update", i, "Technicians on site")
        timeline = self.js("timeline", "--case", call)
        self.assertEqual((timeline[0]["direction"], timeline[0]["channel"]), ("outbound", "web"))
        out = self.ok("incident", "resolve", i, "Line restored")
        self.assertRegex(out, r"Status:\s+resolved")
        self.assertRegex(out, r"Notified cases:\s+1")
        self.assertRegex(out, r"%d\s+%d\s+resolved" % (call, anna))
        self.assertEqual(self.js("case", "show", call)["status"], "resolved")
        self.assertEqual([e["payload"]["customer"] for e in
                          self.js("events", "--kind", "incident.update")], [anna, anna])
        self.assertEqual([x["id"] for x in self.js("incident", "list")], [i])
        self.assertEqual(self.js("incident", "list", "--open"), [])
        self.fails(EXIT_INVALID, "incident", "attach", i, call, message="resolved")
        self.fails(EXIT_INVALID, "incident", "update", call, "x")
        self.fails(EXIT_INVALID, "incident", "open", noc, "x", "--scope", "nokey")
        self.fails(EXIT_NOTFOUND, "incident", "show", 99)
        self.fails(EXIT_USAGE, "incident", "resolve", i)
class TestReport(CliTestCase):
    """crm report: the figures of crm/report.h as a table and as JSON."""

    def at(self, when, *args):
        return self.js("--now", when, *args)

    def test_report(self):
        self.ok("init")
        c = self.customer()
        q = self.js("queue", "create", "Billing")["id"]
        a = self.js("agent", "create", "Anna")["id"]
        self.ok("agent", "join", a, q)
        call = self.at("2025-11-03T09:00:00Z", "contact", "record", c, "--channel", "phone",
                       "--outcome", "answered")
        k = call["case"]
        self.at("2025-11-03T09:01:00Z", "case", "assign", k, "--queue", q, "--agent", a)
        self.at("2025-11-03T09:05:00Z", "contact", "record", c, "--channel", "ivr",
                "--outcome", "abandoned", "--attr", "ivr_depth=2", "--case", k)
        self.at("2025-11-03T09:10:00Z", "case", "status", k, "resolved")
        self.at("2025-11-03T09:11:00Z", "case", "csat", k, "5")
        other = self.at("2025-11-04T10:00:00Z", "case", "open", c, "Invoice")["id"]
        rng = ["--from", "2025-11-03T00:00:00Z", "--to", "2025-11-05T00:00:00Z"]

        total = self.at("2025-11-05T12:00:00Z", "report", *rng)
        self.assertEqual((total["group_by"], len(total["rows"])), ("none", 1))
        row = total["rows"][0]
        self.assertEqual(row["contacts"], {"in": 2, "out": 0, "abandoned": 1,
                                           "abandoned_by_ivr_depth": {"2": 1}})
        self.assertEqual((row["cases"], row["resolved"], row["backlog"]), (2, 1, 1))
        self.assertEqual(row["fcr"], {"count": 0, "rate": 0.0})  # two inbound contacts
        self.assertEqual(row["csat"]["scores"], [0, 0, 0, 0, 1])

        by_queue = self.at("2025-11-05T12:00:00Z", "report", *rng, "--by", "queue")["rows"]
        self.assertEqual([(r["label"], r["cases"]) for r in by_queue],
                         [("none", 1), ("Billing", 1)])
        by_day = self.at("2025-11-05T12:00:00Z", "report", *rng, "--by", "day",
                         "--tz", "Europe/Rome")["rows"]
        self.assertEqual([r["label"] for r in by_day], ["2025-11-03", "2025-11-04", "2025-11-05"])
        self.assertEqual([r["cases"] for r in by_day], [1, 1, 0])
        for by in ("channel", "agent", "priority"):
            self.assertTrue(self.at("2025-11-05T12:00:00Z", "report", *rng, "--by", by)["rows"])

        table = self.ok("--now", "2025-11-05T12:00:00Z", "report", *rng, "--by", "agent")
        lines = table.splitlines()
        self.assertIn("ABANDONED", lines[0])
        self.assertIn("BACKLOG", lines[0])
        self.assertTrue(lines[2].startswith("Anna "), table)
        self.assertIn("5.00 (1)", lines[2])
        self.assertIsNotNone(other)

        self.fails(EXIT_INVALID, "report", "--by", "week", message="channel, queue")
        self.fails(EXIT_INVALID, "report", "--from", "2025-11-05", "--to", "2025-11-03",
                   message="empty")
        self.fails(EXIT_INVALID, "report", "--by", "day", "--tz", "Nowhere/Town")
        self.fails(EXIT_PERM, "--as", a, "report", message="agent %d" % a)


class TestJsonEverywhere(CliTestCase):
    """Every command's --json output parses, with the fields expected."""

    def test_every_command(self):
        seen = set()

        def check(command, args, expect):
            value = self.js(*(command.split() + args))
            seen.add(command)
            if isinstance(expect, type):
                self.assertIsInstance(value, expect, command)
            else:
                item = value[0] if isinstance(value, list) else value
                for key in expect:
                    self.assertIn(key, item, "%s: no %r in %r" % (command, key, item))
            return value

        check("init", [], ["db", "libcrm"])
        check("customer add", ["--name", "Mario", "--email", "m@example.com"],
              ["id", "name", "identities", "cases", "version", "created_at"])
        check("customer find", ["m@example.com"], ["id", "name", "status"])
        check("customer show", ["1"], ["id", "identities", "cases"])
        check("customer prefs", ["1", "--channel", "sms", "--deny"], ["customer", "purpose", "channels"])
        check("customer update", ["1", "--segment", "gold"], ["id", "segment"])
        check("customer attr", ["1", "plan", "flat"], ["customer", "key", "value"])
        check("identity add", ["1", "phone", "+390212345678"], ["kind", "value"])
        check("identity list", ["1"], ["kind", "value"])
        check("identity remove", ["1", "phone", "+390212345678"], list)
        check("queue create", ["Support"], ["id", "name", "skills"])
        check("queue show", ["1"], ["id", "name", "skills"])
        check("queue skill", ["1", "fibre"], ["skills"])
        check("agent create", ["Anna"], ["id", "name", "email", "skills"])
        check("agent show", ["1"], ["id", "name"])
        check("agent skill", ["1", "fibre"], ["skills"])
        check("agent join", ["1", "1"], ["agent", "queue", "role"])
        check("agent leave", ["1", "1"], ["agent", "queue", "role"])
        check("case open", ["1", "Hello"], ["id", "status", "priority", "links", "tags"])
        check("case show", ["1"], ["id", "customer", "subject", "version"])
        check("case list", [], ["id", "status", "subject"])
        check("case status", ["1", "open"], ["status"])
        check("case priority", ["1", "high"], ["priority"])
        check("case assign", ["1", "--queue", "1"], ["queue", "assignee", "transfer_count"])
        check("case tag", ["1", "x"], ["tags"])
        check("case untag", ["1", "x"], ["tags"])
        self.case(1, "Other")
        check("case link", ["2", "related", "1"], ["links"])
        check("case csat", ["1", "5"], ["csat", "csat_comment"])
        check("contact record", ["1", "--channel", "chat", "--outcome", "answered"],
              ["id", "case", "channel", "direction", "outcome", "occurred_at", "case_status"])
        check("contact show", ["1"], ["id", "body", "subject"])
        check("timeline", ["1"], ["id", "channel", "occurred_at"])
        check("search", ["mario"], ["kind", "id", "customer", "case", "rank", "snippet", "cursor"])
        check("settings get", [], ["name", "value"])
        check("settings set", ["subject_tag", "[CRM %id]"], ["name", "value"])
        check("events", [], ["seq", "time", "actor", "kind", "entity", "entity_id", "payload"])
        check("tick", [], ["at", "fired"])
        check("sla tick", [], ["at", "fired"])
        cal_file = os.path.join(self.dir, "cal.json")
        with open(cal_file, "w") as f:
            json.dump(CALENDAR, f)
        policy_file = os.path.join(self.dir, "policy.json")
        with open(policy_file, "w") as f:
            json.dump({"targets": {"first_response": "1h"}}, f)
        cal = check("calendar define", ["Office", cal_file], ["id", "version", "timezone", "open_now"])
        check("calendar update", [cal["id"], cal_file], ["id", "version", "next_open"])
        check("calendar show", [cal["id"]], ["id", "name", "version", "business_next_week", "definition"])
        policy = check("policy define", ["Std", policy_file], ["id", "version", "name", "targets"])
        check("policy update", [policy["id"], "Std", policy_file], ["id", "version", "targets"])
        check("policy show", [policy["id"]], ["id", "version", "name", "targets", "priorities"])
        check("contact record", ["1", "--channel", "email"], ["case"])
        sla_case = self.js("case", "list")[-1]["id"]
        check("sla show", [sla_case], ["metric", "cycle", "view", "state", "due_at", "segments"])
        check("sla due", ["--within", "1w"], ["case", "metric", "due_at"])
        incident = check("incident open", ["1", "Outage", "--scope", "area=1"],
                         ["id", "kind", "scope", "cases", "linked_count"])["id"]
        check("incident attach", [incident, "1"], ["cases"])
        check("incident scope", [incident, "area"], ["incident", "scope"])
        check("incident match", ["1"], list)
        check("incident update", [incident, "Working on it"], ["cases"])
        check("incident show", [incident], ["id", "cases", "linked_open"])
        check("incident list", [], ["id", "kind"])
        check("incident resolve", [incident, "Fixed"], ["status", "cases"])
        check("customer add", ["--name", "Mario", "--email", "m@gmail.com"], ["id"])
        check("customer add", ["--name", "M", "--email", "m+x@googlemail.com"], ["id"])
        check("customer duplicates", ["m@gmail.com"], ["customer", "score", "reason", "reasons"])
        check("customer merge", ["m@gmail.com", "m+x@googlemail.com"], ["id", "merged"])
        check("customer unmerge", ["3"], ["id", "survivor"])
        check("customer export", ["2"], ["format", "customer", "cases", "events"])
        check("customer erase", ["3", "--reason", "test"], ["id", "status"])
        check("report", ["--by", "queue"], ["from", "to", "group_by", "rows"])
        filed = check("mail ingest", [mail("01-plain.eml")],
                      ["file", "rule", "case", "customer", "interaction", "auto_generated"])
        maildir = os.path.join(self.dir, "Maildir")
        os.makedirs(os.path.join(maildir, "new"))
        check("mail ingest", ["--maildir", maildir], ["source", "filed", "duplicate", "failed"])
        check("settings set", ["helpdesk_addresses", "support@helpdesk.example"], ["name", "value"])
        check("mail reply", [filed[0]["case"], "--body", "Hello"],
              ["case", "interaction", "to", "subject", "message_id", "bytes", "message"])

        # every command of `crm --help` was run above
        listing = self.ok("--help", db=False).split("Commands:")[1].split("\n\n")[0]
        commands = {re.split(r"\s{2,}", line.strip())[0] for line in listing.strip().splitlines()}
        self.assertTrue(commands)
        self.assertEqual(commands - seen, set())


class TestManPage(unittest.TestCase):
    def test_man_page_has_version_and_exit_codes(self):
        path = os.environ.get("CRM_MAN")
        if not path:
            self.skipTest("CRM_MAN not set")
        with open(path, encoding="utf-8") as f:
            text = f.read()
        self.assertNotIn("@VERSION@", text)
        self.assertIn(".TH CRM 1", text)
        for command in ("customer add", "contact record", "events", "mail ingest", "mail reply",
                        "customer merge", "customer erase", "calendar define", "policy define",
                        "sla due", "sla show", "incident open", "incident resolve",
                        "CALENDAR FILES", "POLICY FILES", "special_hours", "warn_percent",
                        "search"):
            self.assertIn(command, text)
        self.assertIn("EXIT STATUS", text)


if __name__ == "__main__":
    if not CRM or not os.access(CRM, os.X_OK):
        print("1..0 # SKIP CRM_BIN does not name the crm executable", file=sys.stderr)
        sys.exit(77)
    unittest.main()
