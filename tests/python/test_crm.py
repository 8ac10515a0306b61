"""The Python binding: every public function, every exception class,
collection order, iterators, callbacks. Standard unittest only."""
import datetime
import gc
import hashlib
import json
import os
import shutil
import tempfile
import unittest

import crm

T0 = 1_750_000_000  # the injected clock's start


class Base(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="crm-py-")
        self.now = T0
        self.db = crm.open("sqlite:" + os.path.join(self.dir, "t.db"), clock=lambda: self.now)

    def tearDown(self):
        crm.close(self.db)
        shutil.rmtree(self.dir, ignore_errors=True)

    def customer(self, email="mario@example.it"):
        cid, _created = crm.customer_ensure(self.db, crm.IDENTITY_EMAIL, email)
        return cid

    def inbound(self, customer, **fields):
        fields.setdefault("channel", crm.CHANNEL_EMAIL)
        fields.setdefault("direction", crm.DIRECTION_INBOUND)
        return crm.interaction_record(self.db, customer=customer, **fields)

    def check_getters(self, obj, *functions):
        """crm.<type>_<field>(obj) equals obj.<field> for each getter."""
        for name in functions:
            fn = getattr(crm, name)
            prop = name[len(type(obj).__name__) + 1:]
            prop = "from_" if prop == "from" else prop
            self.assertEqual(fn(obj), getattr(obj, prop), name)


class ErrorsAndVersion(Base):
    def test_error_classes_from_one_table(self):
        table = {crm.NotFound: -3, crm.AlreadyExists: -4, crm.InvalidInput: -5,
                 crm.Conflict: -6, crm.Busy: -7, crm.PermissionDenied: -8,
                 crm.NotSupported: -9, crm.VersionMismatch: -10}
        for cls, code in table.items():
            self.assertTrue(issubclass(cls, crm.Error))
            self.assertEqual(cls.code, code)
            e = cls(code, "m")
            self.assertEqual((e.code, e.message), (code, "m"))
        for code in (crm.ERROR, crm.ENOMEM, crm.EUSER):
            e = crm.Error(code, "x")
            self.assertEqual(e.name, "Error")
            self.assertIn("x", str(e))

    def test_raised_classes(self):
        with self.assertRaises(crm.NotFound) as cm:
            crm.case_lookup(self.db, 4242)
        self.assertEqual(cm.exception.code, crm.ENOTFOUND)
        self.assertIn("4242", cm.exception.message)
        with self.assertRaises(crm.InvalidInput):
            crm.customer_create(self.db, "")
        with self.assertRaises(crm.InvalidInput) as cm:
            crm.case_open(self.db, customer=self.customer(), subject=b"\xff\xfe")
        self.assertIn("UTF-8", str(cm.exception))
        cid = self.customer()
        with self.assertRaises(crm.Conflict):
            crm.customer_update(self.db, cid, display_name="X", expected_version=99)
        with self.assertRaises(crm.NotSupported):
            crm.open("nosuchscheme://x")
        crm.error_clear()
        self.assertEqual(crm.error_last().code, crm.OK)
        with self.assertRaises(crm.Error):
            crm.timeline_iterator_new(self.db)  # neither customer nor case
        self.assertEqual(crm.error_last().code, crm.EINVALID)
        self.assertEqual(crm.strerror(crm.ENOTFOUND), crm.strerror(-3))

    def test_busy(self):
        path = "sqlite:" + os.path.join(self.dir, "t.db")
        other = crm.open(path, busy_timeout_ms=1)
        crm.begin(other)
        crm.customer_create(other, "Holder")
        try:
            with self.assertRaises(crm.Busy):
                crm.customer_create(self.db, "Waiter")
        finally:
            crm.rollback(other)
            crm.close(other)

    def test_permission_and_version_classes_raise(self):
        # EPERM is raised for real in test_permissions.py; EVERSION needs a
        # database of a newer libcrm: the typemap maps any code through the
        # same table.
        for cls in (crm.PermissionDenied, crm.VersionMismatch):
            with self.assertRaises(crm.Error):
                raise cls(cls.code, "by hand")

    def test_version_and_names(self):
        self.assertEqual(crm.version(), (crm.VERSION_MAJOR, crm.VERSION_MINOR, crm.VERSION_PATCH))
        self.assertEqual(crm.channel_name(crm.CHANNEL_IN_PERSON), "in_person")
        self.assertIsNone(crm.channel_name(99))
        self.assertEqual(crm.customer_status_name(crm.CUSTOMER_ERASED), "erased")
        self.assertEqual(crm.identity_kind_name(crm.IDENTITY_PHONE), "phone")
        self.assertEqual(crm.direction_name(crm.DIRECTION_INTERNAL), "internal")
        self.assertEqual(crm.outcome_name(crm.OUTCOME_BUSY), "busy")
        self.assertEqual(crm.case_status_name(crm.CASE_PENDING_CUSTOMER), "pending_customer")
        self.assertEqual(crm.priority_name(crm.PRIORITY_URGENT), "urgent")
        self.assertEqual(crm.case_kind_name(crm.CASE_INCIDENT), "incident")
        self.assertEqual(crm.link_name(crm.LINK_CAUSED_BY), "caused_by")
        self.assertEqual(crm.role_name(crm.ROLE_SUPERVISOR), "supervisor")

    def test_enums_are_intenums(self):
        self.assertIs(crm.CASE_OPEN, crm.CaseStatus.OPEN)
        self.assertEqual(crm.CASE_OPEN, 2)
        self.assertIs(crm.PRIORITY_URGENT, crm.Priority.URGENT)
        self.assertEqual(crm.LogLevel.DEBUG, crm.LOG_DEBUG)


class Handle(Base):
    def test_options_transactions_settings_tick(self):
        opts = crm.open_options_init(crm.OPEN_OPTIONS_VERSION)
        self.assertEqual(opts["version"], 1)
        self.assertEqual(opts["busy_timeout_ms"], 0)
        with self.assertRaises(crm.InvalidInput):
            crm.open_options_init(99)
        with self.assertRaises(TypeError):
            crm.open(":memory:", no_such_option=1)
        with self.assertRaises(crm.InvalidInput):
            crm.open(":memory:", default_phone_region="XX")
        self.assertEqual(crm.now(self.db), T0)
        self.now = datetime.datetime(2030, 1, 1, tzinfo=datetime.timezone.utc)
        self.assertEqual(crm.now(self.db).datetime.year, 2030)
        self.assertEqual(crm.actor(self.db), 0)

        crm.begin(self.db)
        crm.customer_create(self.db, "Rolled back")
        crm.rollback(self.db)
        crm.begin(self.db)
        cid = crm.customer_create(self.db, "Committed")
        crm.commit(self.db)
        self.assertEqual(crm.customer_lookup(self.db, cid).name, "Committed")
        with self.assertRaises(crm.InvalidInput):
            crm.commit(self.db)

        crm.setting_set(self.db, "reopen_window", "60")
        self.assertEqual(crm.setting_get(self.db, "reopen_window"), "60")
        with self.assertRaises(crm.InvalidInput):
            crm.setting_get(self.db, "nope")
        self.assertEqual(crm.tick(self.db), 0)
        self.assertEqual(crm.tick(self.db, T0 + 10), 0)

    def test_context_managers(self):
        path = "sqlite:" + os.path.join(self.dir, "t.db")
        with crm.open(path) as db:
            with db.transaction():
                db.customer_create("In a transaction")
            with self.assertRaises(ZeroDivisionError):
                with db.transaction():
                    db.customer_create("Never")
                    1 / 0
        self.assertTrue(db.closed)
        names = [crm.customer_lookup(self.db, i).name for i in (1,)]
        self.assertEqual(names, ["In a transaction"])
        with self.assertRaises(crm.NotFound):
            crm.customer_lookup(self.db, 2)

    def test_closed_handle(self):
        db = crm.open(":memory:")
        crm.close(db)
        crm.close(db)  # twice is fine
        with self.assertRaises(crm.InvalidInput) as cm:
            db.customer_create("x")
        self.assertIn("closed", str(cm.exception))

    def test_log_callable(self):
        lines = []
        db = crm.open(":memory:", log=lambda level, message: lines.append((level, message)))
        crm.close(db)
        self.assertTrue(any(level == crm.LOG_INFO for level, _ in lines))

    def test_clock_errors_are_raised_after_the_call(self):
        def broken():
            raise RuntimeError("clock broke")
        db = crm.open(":memory:", clock=broken)
        with self.assertRaises(RuntimeError):
            crm.now(db)
        crm.close(db)


class Customers(Base):
    def test_customers_and_identities(self):
        cid, created = crm.customer_ensure(self.db, crm.IDENTITY_EMAIL, "Mario@Example.it",
                                           "Mario Rossi")
        self.assertTrue(created)
        again, created = crm.customer_ensure(self.db, crm.IDENTITY_EMAIL, "mario@example.it")
        self.assertEqual((again, created), (cid, False))
        self.assertEqual(crm.customer_find(self.db, crm.IDENTITY_EMAIL, " MARIO@example.it"), cid)
        with self.assertRaises(crm.NotFound):
            crm.customer_find(self.db, crm.IDENTITY_EMAIL, "nobody@example.it")
        other = crm.customer_create(self.db, "Other")
        crm.identity_add(self.db, cid, crm.IDENTITY_EXTERNAL, "BC-0042")
        with self.assertRaises(crm.AlreadyExists):
            crm.identity_add(self.db, other, crm.IDENTITY_EXTERNAL, "BC-0042")
        crm.identity_add(self.db, cid, crm.IDENTITY_SOCIAL, "@Mario")
        crm.identity_remove(self.db, cid, crm.IDENTITY_SOCIAL, "@mario")
        with self.assertRaises(crm.NotFound):
            crm.identity_remove(self.db, cid, crm.IDENTITY_SOCIAL, "@mario")
        self.assertEqual(crm.identity_normalize(None, crm.IDENTITY_EMAIL, " A@B.IT "), "a@b.it")
        self.assertEqual(crm.phone_normalize("02 1234 5678", "IT"), "+390212345678")
        self.assertEqual(crm.phone_normalize("+39 02 1234 5678"), "+390212345678")
        with self.assertRaises(crm.InvalidInput):
            crm.identity_normalize(self.db, crm.IDENTITY_EMAIL, "bob@")

        idents = list(crm.identity_iterator_new(self.db, cid))
        self.assertEqual([(i.kind, i.value) for i in idents],
                         [(crm.IDENTITY_EMAIL, "mario@example.it"),
                          (crm.IDENTITY_EXTERNAL, "BC-0042")])
        self.assertIs(idents[0].kind, crm.IdentityKind.EMAIL)
        self.check_getters(idents[0], "identity_kind", "identity_value", "identity_customer")
        it = crm.identity_iterator_new(self.db, cid)
        self.assertIsNotNone(crm.identity_next(it))
        self.assertIsNotNone(crm.identity_next(it))
        self.assertIsNone(crm.identity_next(it))  # CRM_ITEROVER: None, no exception
        self.assertIsNone(crm.identity_next(it))

    def test_lookup_update_attributes_preferences(self):
        cid = self.customer()
        c = crm.customer_lookup(self.db, cid)
        self.assertEqual((c.id, c.name, c.version, c.status), (cid, "mario", 1, crm.CUSTOMER_ACTIVE))
        spec = crm.customer_update_spec_init(crm.CUSTOMER_UPDATE_SPEC_VERSION)
        self.assertIsNone(spec["display_name"])
        crm.customer_update(self.db, cid, display_name="Mario Rossi", organization="Studio",
                            language="it", timezone="Europe/Rome", segment="gold",
                            status=crm.CUSTOMER_INACTIVE, expected_version=c.version)
        crm.customer_set_attribute(self.db, cid, "member", "BC-0042")
        c = crm.customer_lookup(self.db, cid)
        self.check_getters(c, "customer_id", "customer_name", "customer_organization",
                           "customer_language", "customer_timezone", "customer_segment",
                           "customer_status", "customer_created_at", "customer_updated_at",
                           "customer_version")
        self.assertEqual(c.organization, "Studio")
        self.assertEqual(c.attribute("member"), "BC-0042")
        self.assertEqual(crm.customer_attribute(c, "member"), "BC-0042")
        self.assertIsNone(c.attribute("nope"))
        self.assertEqual(c.created_at, T0)
        self.assertIsInstance(c.created_at, crm.Time)
        self.assertTrue(crm.customer_may_contact(self.db, cid, crm.CHANNEL_LETTER, "marketing"))
        crm.customer_set_preference(self.db, cid, crm.CHANNEL_LETTER, "marketing", False)
        self.assertIs(crm.customer_may_contact(self.db, cid, crm.CHANNEL_LETTER, "marketing"),
                      False)
        with self.assertRaises(crm.InvalidInput):
            crm.customer_set_preference(self.db, cid, 99, "marketing", True)
        with self.assertRaises(AttributeError):
            c.name = "read-only"


class InteractionsAndCases(Base):
    def test_interactions(self):
        cid = self.customer()
        spec = crm.interaction_spec_init(crm.INTERACTION_SPEC_VERSION)
        self.assertEqual(spec["customer"], 0)
        when = datetime.datetime(2025, 9, 22, 7, 30)  # naive: UTC
        first = self.inbound(cid, subject="Order", body="Where?", external_ref="<m1@x>",
                             occurred_at=when)
        with self.assertRaises(crm.AlreadyExists) as cm:
            self.inbound(cid, external_ref="<m1@x>")
        self.assertEqual(cm.exception.existing_id, first)
        reply = self.inbound(cid, in_reply_to="<m1@x>", external_ref="<m2@x>")
        ix = crm.interaction_lookup(self.db, first)
        self.assertEqual(ix.occurred_at, int(when.replace(tzinfo=datetime.timezone.utc).timestamp()))
        self.assertEqual(crm.interaction_lookup(self.db, reply).case, ix.case)
        self.check_getters(ix, "interaction_id", "interaction_case", "interaction_customer",
                           "interaction_agent", "interaction_channel", "interaction_direction",
                           "interaction_outcome", "interaction_occurred_at",
                           "interaction_recorded_at", "interaction_subject", "interaction_body",
                           "interaction_external_ref", "interaction_in_reply_to")
        self.assertEqual(ix.channel, crm.CHANNEL_EMAIL)
        self.assertIs(ix.direction, crm.Direction.INBOUND)

        crm.interaction_set_attribute(self.db, first, "hold_seconds", "840")
        self.assertEqual(crm.interaction_attribute(crm.interaction_lookup(self.db, first),
                                                   "hold_seconds"), "840")
        self.assertEqual(crm.interaction_lookup(self.db, first).attribute("hold_seconds"), "840")
        crm.interaction_add_participant(self.db, first, crm.IDENTITY_EMAIL, "cc@x.it", "cc")
        parts = list(crm.participant_iterator_new(self.db, first))
        self.assertEqual([(p.kind, p.value, p.role) for p in parts],
                         [(crm.IDENTITY_EMAIL, "cc@x.it", "cc")])
        self.check_getters(parts[0], "participant_kind", "participant_value", "participant_role")
        self.assertIsNone(crm.participant_next(crm.participant_iterator_new(self.db, reply)))

        data = b"%PDF-1.4\x00\xff binary"
        att = crm.interaction_attach(self.db, first, "order.pdf", "application/pdf", data)
        crm.interaction_attach(self.db, first, "note.txt", None, "text, as UTF-8")
        self.assertEqual(crm.attachment_read(self.db, att), data)
        atts = list(crm.attachment_iterator_new(self.db, first))
        self.assertEqual([a.filename for a in atts], ["order.pdf", "note.txt"])
        self.assertEqual(atts[0].sha256, hashlib.sha256(data).hexdigest())
        self.assertEqual(atts[0].size, len(data))
        self.assertEqual(atts[1].media_type, "application/octet-stream")
        self.check_getters(atts[0], "attachment_id", "attachment_filename",
                           "attachment_media_type", "attachment_size", "attachment_sha256")
        self.assertIsNotNone(crm.attachment_next(crm.attachment_iterator_new(self.db, first)))

        other_case = crm.case_open(self.db, customer=cid, subject="Elsewhere")
        crm.interaction_move(self.db, reply, other_case)
        self.assertEqual(crm.interaction_lookup(self.db, reply).case, other_case)

    def test_cases(self):
        cid = self.customer()
        q = crm.queue_create(self.db, "Customer service")
        agent = crm.agent_create(self.db, "Anna", "anna@desk.example")
        spec = crm.case_spec_init(crm.CASE_SPEC_VERSION)
        self.assertEqual(spec["priority"], 0)
        k = crm.case_open(self.db, customer=cid, subject="Books", queue=q)
        crm.case_assign(self.db, k, q, agent)
        crm.case_set_priority(self.db, k, crm.PRIORITY_HIGH)
        crm.case_set_status(self.db, k, crm.CASE_OPEN)
        crm.case_set_status(self.db, k, crm.CASE_RESOLVED)
        with self.assertRaises(crm.InvalidInput) as cm:
            crm.case_set_status(self.db, k, crm.CASE_NEW)
        self.assertIn("resolved", cm.exception.message)
        with self.assertRaises(crm.Conflict):
            crm.case_set_priority(self.db, k, crm.PRIORITY_LOW, 1)
        crm.case_tag(self.db, k, "books")
        crm.case_tag(self.db, k, "angry")
        crm.case_untag(self.db, k, "angry")
        crm.case_set_csat(self.db, k, 2, "slow")
        c = crm.case_lookup(self.db, k)
        self.check_getters(c, "case_id", "case_customer", "case_subject", "case_kind",
                           "case_status", "case_priority", "case_queue", "case_assignee",
                           "case_created_at", "case_updated_at", "case_resolved_at",
                           "case_version", "case_inbound_count", "case_transfer_count",
                           "case_reopen_count", "case_csat", "case_csat_comment",
                           "case_tag_count")
        self.assertEqual((c.status, c.priority, c.assignee, c.csat), (crm.CASE_RESOLVED,
                                                                     crm.PRIORITY_HIGH, agent, 2))
        self.assertEqual(c.tags, ("books",))
        self.assertEqual(crm.case_tag_at(c, 0), "books")
        self.assertIsNone(crm.case_tag_at(c, 5))
        self.assertTrue(c.has_tag("books"))
        self.assertFalse(crm.case_has_tag(c, "angry"))

        dup = crm.case_open(self.db, {"customer": cid}, subject="Books again",
                            priority=crm.PRIORITY_LOW)
        crm.case_link(self.db, dup, crm.LINK_DUPLICATE_OF, k)
        links = list(crm.link_iterator_new(self.db, k))
        self.assertEqual([(l.from_, l.kind, l.to) for l in links], [(dup, crm.LINK_DUPLICATE_OF, k)])
        self.check_getters(links[0], "link_from", "link_kind", "link_to", "link_created_at")
        self.assertIsNotNone(crm.link_next(crm.link_iterator_new(self.db, dup)))

        query = crm.case_query_init(crm.CASE_QUERY_VERSION)
        self.assertEqual(query["limit"], 0)
        ids = [x.id for x in crm.case_iterator_new(self.db, customer=cid)]
        self.assertEqual(ids, [k, dup])
        new_only = [x.id for x in crm.case_iterator_new(self.db, status_mask=[crm.CASE_NEW])]
        self.assertEqual(new_only, [dup])
        self.assertEqual([x.id for x in db_cases(self.db, status_mask=1 << crm.CASE_RESOLVED)], [k])
        it = crm.case_iterator_new(self.db, limit=1)
        self.assertEqual(crm.case_next(it).id, k)
        self.assertIsNone(crm.case_next(it))
        with self.assertRaises(TypeError):
            crm.case_iterator_new(self.db, no_such_field=1)
        self.assertEqual(list(crm.case_iterator_new(self.db, tag="none")), [])

    def test_queues_and_agents(self):
        q = crm.queue_create(self.db, "Supervisors")
        with self.assertRaises(crm.AlreadyExists) as cm:
            crm.queue_create(self.db, "Supervisors")
        self.assertEqual(cm.exception.existing_id, q)
        a = crm.agent_create(self.db, "Bea", "Bea@Desk.example")
        with self.assertRaises(crm.AlreadyExists) as cm:
            crm.agent_create(self.db, "Bea again", "bea@desk.example")
        self.assertEqual(cm.exception.existing_id, a)
        crm.agent_join(self.db, a, q, crm.ROLE_SUPERVISOR)
        self.assertIs(crm.agent_role(self.db, a, q), crm.Role.SUPERVISOR)
        crm.queue_add_skill(self.db, q, "italian")
        crm.agent_add_skill(self.db, a, "billing")
        queue = crm.queue_lookup(self.db, q)
        self.check_getters(queue, "queue_id", "queue_name", "queue_skill_count")
        self.assertEqual(queue.skills, ("italian",))
        self.assertEqual(crm.queue_skill_at(queue, 0), "italian")
        agent = crm.agent_lookup(self.db, a)
        self.check_getters(agent, "agent_id", "agent_name", "agent_email", "agent_skill_count")
        self.assertEqual(agent.email, "bea@desk.example")
        self.assertEqual(crm.agent_skill_at(agent, 0), "billing")
        self.assertEqual(agent.skills, ("billing",))
        crm.agent_leave(self.db, a, q)
        with self.assertRaises(crm.NotFound):
            crm.agent_role(self.db, a, q)

    def test_timeline_and_datetimes(self):
        cid = self.customer()
        ids = []
        for i in range(5):
            ids.append(self.inbound(cid, occurred_at=T0 - 1000 + i, subject="m%d" % i))
        crm.timeline_query_init(crm.TIMELINE_QUERY_VERSION)
        newest_first = [ix.id for ix in crm.timeline_iterator_new(self.db, customer=cid)]
        self.assertEqual(newest_first, ids[::-1])
        page = list(crm.timeline_iterator_new(self.db, customer=cid, limit=2))
        nxt = list(crm.timeline_iterator_new(self.db, customer=cid, before=page[-1].occurred_at,
                                             before_id=page[-1].id, limit=2))
        self.assertEqual([ix.id for ix in nxt], ids[2:0:-1])
        it = crm.timeline_iterator_new(self.db, case_id=crm.interaction_lookup(self.db, ids[0]).case)
        self.assertEqual(crm.timeline_next(it).id, ids[0])
        self.assertIsNone(crm.timeline_next(it))
        self.assertEqual(page[0].occurred_at.datetime.tzinfo, datetime.timezone.utc)


def db_cases(db, **query):
    """The handle's method form."""
    return db.case_iterator_new(**query)


class Events(Base):
    def test_feed_cursors_and_subscriptions(self):
        seen = []
        token = crm.subscribe(self.db, "case.", lambda ev: seen.append((ev.kind, ev.data)))
        once = []
        crm.subscribe(self.db, "", lambda ev: once.append(ev.kind) or True)  # True: unsubscribe
        cid = self.customer()
        k = crm.case_open(self.db, customer=cid, subject="S")
        crm.case_set_status(self.db, k, crm.CASE_OPEN)
        self.assertEqual([kind for kind, _ in seen], ["case.created", "case.status"])
        self.assertEqual(seen[1][1]["to"], "open")
        self.assertEqual(len(once), 1)
        crm.unsubscribe(self.db, token)
        with self.assertRaises(crm.NotFound):
            crm.unsubscribe(self.db, token)
        crm.case_tag(self.db, k, "x")
        self.assertEqual(len(seen), 2)

        events = list(crm.event_iterator_new(self.db))
        self.assertGreaterEqual(len(events), 4)
        ev = events[-1]
        self.check_getters(ev, "event_seq", "event_time", "event_actor", "event_kind",
                           "event_entity", "event_entity_id", "event_payload")
        self.assertEqual((ev.kind, ev.entity, ev.entity_id), ("case.tagged", "case", k))
        self.assertEqual(json.loads(ev.payload)["tag"], "x")
        copy = crm.event_dup(ev)
        del ev, events
        gc.collect()
        self.assertEqual(copy.kind, "case.tagged")
        later = crm.event_iterator_new(self.db, copy.seq)
        self.assertIsNone(crm.event_next(later))
        crm.case_tag(self.db, k, "y")
        self.assertEqual(crm.event_next(later).kind, "case.tagged")  # the feed grows

        self.assertEqual(crm.event_cursor_get(self.db, "mailer"), 0)
        crm.event_cursor_set(self.db, "mailer", copy.seq)
        self.assertEqual(crm.event_cursor_get(self.db, "mailer"), copy.seq)
        with self.assertRaises(crm.InvalidInput):
            crm.event_cursor_set(self.db, "", 1)

    def test_callback_errors_are_raised_after_the_call(self):
        def broken(ev):
            raise KeyError("in the callback")
        crm.subscribe(self.db, "customer.", broken)
        with self.assertRaises(KeyError):
            crm.customer_create(self.db, "Committed anyway")
        self.assertEqual(crm.customer_lookup(self.db, 1).name, "Committed anyway")
        with self.assertRaises(TypeError):
            crm.subscribe(self.db, "", "not callable")

    def test_callback_may_call_libcrm(self):
        def escalate(ev):
            if ev.data["to"] == "open":
                crm.case_set_priority(self.db, ev.entity_id, crm.PRIORITY_URGENT)
        self.db.subscribe("case.status", escalate)
        k = self.db.case_open(customer=self.customer(), subject="S")
        self.db.case_set_status(k, crm.CASE_OPEN)
        self.assertEqual(self.db.case_lookup(k).priority, crm.PRIORITY_URGENT)

    def test_close_inside_a_callback_is_refused(self):
        errors = []

        def closer(ev):
            try:
                crm.close(self.db)
            except crm.InvalidInput as e:
                errors.append(e)
        crm.subscribe(self.db, "", closer)
        crm.customer_create(self.db, "x")
        self.assertEqual(len(errors), 1)
        self.assertFalse(self.db.closed)


class Lifetimes(Base):
    def test_drop_the_handle_before_its_children(self):
        db = crm.open(":memory:")
        cid = crm.customer_create(db, "C")
        for i in range(3):
            crm.case_open(db, customer=cid, subject="k%d" % i)
        it = crm.case_iterator_new(db)
        first = next(it)
        cust = crm.customer_lookup(db, cid)
        subscribed = []
        crm.subscribe(db, "", subscribed.append)
        del db
        gc.collect()  # the handle's box is collected (and closed) first
        # The page already fetched stays readable; the next page needs the
        # closed handle: an error, never a crash.
        self.assertEqual([crm.case_next(it).subject for _ in range(2)], ["k1", "k2"])
        with self.assertRaises(crm.InvalidInput):
            crm.case_next(it)
        self.assertEqual((first.subject, cust.name), ("k0", "C"))
        del it, first, cust
        gc.collect()

    def test_close_then_use_children(self):
        db = crm.open(":memory:")
        cid = crm.customer_create(db, "C")
        it = crm.identity_iterator_new(db, cid)
        ev_it = crm.event_iterator_new(db)
        crm.close(db)
        with self.assertRaises(crm.InvalidInput):
            next(it)  # the next page needs the closed handle: an error, not a crash
        with self.assertRaises(crm.InvalidInput):
            crm.event_next(ev_it)
        del db
        gc.collect()
        del it, ev_it
        gc.collect()

    def test_iterator_exhaustion(self):
        cid = self.customer()
        it = crm.identity_iterator_new(self.db, cid)
        self.assertEqual(len(list(it)), 1)
        self.assertEqual(list(it), [])
        with self.assertRaises(StopIteration):
            next(it)


class Calendars(unittest.TestCase):
    def test_calendar(self):
        cal = crm.calendar_new("Europe/Rome")
        self.assertEqual(cal.timezone, "Europe/Rome")
        self.assertEqual(crm.calendar_timezone(cal), "Europe/Rome")
        for day in range(1, 6):
            crm.calendar_add_hours(cal, day, 9 * 60, 18 * 60)
        crm.calendar_add_holiday(cal, "2025-12-25", "Natale")
        crm.calendar_add_opening(cal, "2025-12-27", 9 * 60, 12 * 60)
        crm.calendar_add_break(cal, "2025-12-22", 12 * 60, 13 * 60)
        monday_9 = datetime.datetime(2025, 12, 22, 8, 0, tzinfo=datetime.timezone.utc)  # 09:00 CET
        self.assertTrue(crm.calendar_is_open(cal, monday_9))
        self.assertFalse(crm.calendar_is_open(cal, datetime.datetime(2025, 12, 25, 10, 0)))
        due = crm.calendar_add_business(cal, monday_9, 4 * 3600)
        self.assertEqual(due.datetime.hour, 13)  # 14:00 CET: the lunch break moved it
        self.assertEqual(crm.calendar_subtract_business(cal, due, 4 * 3600), monday_9.timestamp())
        self.assertEqual(crm.calendar_business_between(cal, monday_9, due), 4 * 3600)
        with self.assertRaises(crm.InvalidInput):
            crm.calendar_business_between(cal, due, monday_9)
        with self.assertRaises(crm.InvalidInput):
            crm.calendar_new("Mars/Olympus")
        with self.assertRaises(crm.InvalidInput):
            crm.calendar_add_hours(crm.calendar_new("24x7"), 1, 0, 60)


if __name__ == "__main__":
    unittest.main()
