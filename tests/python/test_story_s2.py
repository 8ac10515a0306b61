"""Story S2, the book club (../shared/stories/STORIES.md), from Python with
the injected clock: each test is one "What libcrm must do" line. Played
once per class, on SQLite in a file and in memory."""
import unittest

import crm
import story
from story import DAY, HOUR, Story, rome


class BookClub(Story):
    @classmethod
    def play(cls):
        db = cls.db
        cls.at(rome(2025, 9, 1, 9, 0))
        crm.setting_set(db, "reopen_window", str(40 * DAY))
        cls.clerk = crm.agent_create(db, "Shop clerk", "clerk@bookclub.example")
        cls.head_office = crm.agent_create(db, "Head office", "office@bookclub.example")
        me, created = crm.customer_ensure(db, crm.IDENTITY_EXTERNAL, "BC-0042", "Mario Rossi")
        assert created
        cls.me = me
        cls.contacts = []

        def record(customer=me, **spec):
            ix = crm.interaction_record(db, customer=customer,
                                        direction=crm.DIRECTION_INBOUND, **spec)
            cls.contacts.append(ix)
            return ix

        # The order on the first catalogue's postal card.
        cls.order = record(channel=crm.CHANNEL_LETTER, subject="Order: catalogue 1, items 3, 7")
        # A month: nothing arrives. His e-mail.
        cls.at(cls.now + 30 * DAY)
        crm.identity_add(db, me, crm.IDENTITY_EMAIL, "mario.rossi@example.it")
        cls.mail1 = record(channel=crm.CHANNEL_EMAIL, subject="Where is my order?",
                           external_ref="<m1@example.it>")
        cls.complaint = crm.interaction_lookup(db, cls.mail1).case
        # Six calls: busy three times, then hold music (two hang-ups).
        crm.identity_add(db, me, crm.IDENTITY_PHONE, "+39 02 1234 5678")
        for outcome in (crm.OUTCOME_BUSY,) * 3 + (crm.OUTCOME_ABANDONED,) * 2 + (
                crm.OUTCOME_ANSWERED,):
            cls.at(cls.now + HOUR)
            record(channel=crm.CHANNEL_PHONE, outcome=outcome, case_id=cls.complaint)
        # In capitals, from his office, three in copy.
        cls.at(cls.now + 2 * DAY)
        crm.identity_add(db, me, crm.IDENTITY_EMAIL, "m.rossi@work.example")
        cls.capitals = record(channel=crm.CHANNEL_EMAIL, subject="I WANT TO CANCEL MY CONTRACT",
                              external_ref="<m2@work.example>", in_reply_to="<m1@example.it>")
        for cc in ("lawyer@example.it", "wife@example.it", "consumer.office@example.it"):
            crm.interaction_add_participant(db, cls.capitals, crm.IDENTITY_EMAIL, cc, "cc")
        # The fax comes from a number nobody knows: the fax gateway makes a
        # second customer of it.
        cls.at(cls.now + DAY)
        cls.twin, created = crm.customer_ensure(db, crm.IDENTITY_PHONE, "02 9876 5432")
        assert created
        cls.fax = record(customer=cls.twin, channel=crm.CHANNEL_FAX,
                         subject="Fax: I WANT TO CANCEL MY CONTRACT")
        # The shop: the clerk promises, and resolves the case.
        cls.at(cls.now + DAY)
        cls.visit = record(channel=crm.CHANNEL_IN_PERSON, outcome=crm.OUTCOME_ANSWERED,
                           agent=cls.clerk, case_id=cls.complaint,
                           subject="Shop visit: asks to cancel the contract")
        crm.case_set_status(db, cls.complaint, crm.CASE_RESOLVED)
        # A month later the third catalogue; he calls head office.
        cls.at(cls.now + 30 * DAY)
        cls.mailer_cursor = crm.event_cursor_get(db, "catalogue-mailer")
        cls.head_call = record(channel=crm.CHANNEL_PHONE, outcome=crm.OUTCOME_ANSWERED,
                               agent=cls.head_office, case_id=cls.complaint,
                               subject="Third catalogue arrived")
        # Head office sees the fax is his, merges, and cancels.
        with db.transaction():
            crm.customer_merge(db, me, cls.twin)
            crm.customer_set_preference(db, me, crm.CHANNEL_LETTER, "marketing", False)

    def test_every_contact_is_an_interaction_of_the_customer(self):
        """every contact on every channel is recorded as an interaction of
        that customer: postal card (letter), e-mail, phone calls including
        the busy/abandoned ones (outcome recorded), fax, in-person visits"""
        channels, outcomes = {}, {}
        for ix_id in self.contacts:
            ix = crm.interaction_lookup(self.db, ix_id)
            self.assertEqual(ix.customer, self.me)  # the fax too, after the merge
            self.assertEqual(ix.direction, crm.DIRECTION_INBOUND)
            channels[ix.channel] = channels.get(ix.channel, 0) + 1
            outcomes[ix.outcome] = outcomes.get(ix.outcome, 0) + 1
        self.assertEqual(channels, {crm.CHANNEL_LETTER: 1, crm.CHANNEL_EMAIL: 2,
                                    crm.CHANNEL_PHONE: 7, crm.CHANNEL_FAX: 1,
                                    crm.CHANNEL_IN_PERSON: 1})
        self.assertEqual(outcomes[crm.OUTCOME_BUSY], 3)
        self.assertEqual(outcomes[crm.OUTCOME_ABANDONED], 2)
        self.assertEqual(outcomes[crm.OUTCOME_ANSWERED], 3)

    def test_recognised_by_every_identity_and_duplicates_merged(self):
        """the customer is recognised across channels by his identities
        (e-mail addresses, phone number, member number), and duplicates can
        be merged"""
        for kind, value in ((crm.IDENTITY_EXTERNAL, "BC-0042"),
                            (crm.IDENTITY_EMAIL, "Mario.Rossi@Example.IT"),
                            (crm.IDENTITY_EMAIL, "m.rossi@work.example"),
                            (crm.IDENTITY_PHONE, "02 1234 5678"),
                            (crm.IDENTITY_PHONE, "+39 02 12345678"),
                            (crm.IDENTITY_PHONE, "0039 02 9876 5432")):  # the fax's, merged
            self.assertEqual(crm.customer_find(self.db, kind, value), self.me, value)
        again, created = crm.customer_ensure(self.db, crm.IDENTITY_EMAIL, "mario.rossi@example.it")
        self.assertEqual((again, created), (self.me, False))
        twin = crm.customer_lookup(self.db, self.twin)
        self.assertEqual(twin.id, self.me)  # looking the twin up reads the survivor
        merged = self.events("customer.merged")
        self.assertEqual(len(merged), 1)
        self.assertEqual(merged[0].data["survivor"], self.me)
        self.assertEqual(merged[0].data["merged"], self.twin)
        self.assertEqual(merged[0].data["moved"]["interactions"], 1)

    def test_no_inbound_message_without_a_case(self):
        """no inbound message is ever dropped for not matching a type: a
        complaint opens or joins a case exactly like an order does, and an
        inbound message with no case is impossible"""
        cases = [crm.interaction_lookup(self.db, ix).case for ix in self.contacts]
        self.assertTrue(all(c > 0 for c in cases))
        order_case = crm.interaction_lookup(self.db, self.order).case
        self.assertNotEqual(order_case, self.complaint)
        self.assertEqual(crm.interaction_lookup(self.db, self.capitals).case, self.complaint)
        k = crm.case_lookup(self.db, self.complaint)
        # e-mail 1, six calls, e-mail 2, the shop visit, the head-office call
        self.assertEqual(k.inbound_count, 10)
        # his cases: the order, the complaint, the fax's (merged into his)
        mine = [c.id for c in crm.case_iterator_new(self.db, customer=self.me)]
        self.assertEqual(len(mine), 3)
        self.assertIn(crm.interaction_lookup(self.db, self.fax).case, mine)

    def test_cancellation_reaches_the_mailing_tool(self):
        """cancelling the contract is a recorded change with an event
        (customer.preference: no postal mailings) that an outbound mailing
        tool can consume from the durable event feed, so the third
        catalogue is never sent"""
        stop, last = [], self.mailer_cursor
        for ev in crm.event_iterator_new(self.db, self.mailer_cursor):
            last = ev.seq
            if ev.kind == "customer.preference":
                stop.append((ev.entity_id, ev.data["channel"], ev.data["purpose"],
                             ev.data["allowed"]))
        self.assertEqual(stop, [(self.me, "letter", "marketing", False)])
        crm.event_cursor_set(self.db, "catalogue-mailer", last)
        self.assertEqual(crm.event_cursor_get(self.db, "catalogue-mailer"), last)
        self.assertFalse(crm.customer_may_contact(self.db, self.me, crm.CHANNEL_LETTER,
                                                  "marketing"))
        self.assertTrue(crm.customer_may_contact(self.db, self.me, crm.CHANNEL_LETTER, "service"))

    def test_head_office_starts_from_the_previous_episode(self):
        """agents see the whole timeline: the shop clerk and head office
        start from the previous episode, not from zero"""
        k = crm.case_lookup(self.db, self.complaint)
        self.assertEqual(k.status, crm.CASE_OPEN)
        self.assertEqual(k.reopen_count, 1)
        seen, before, before_id, pages = [], 0, 0, 0
        while True:
            page = list(crm.timeline_iterator_new(self.db, customer=self.me, before=before,
                                                  before_id=before_id, limit=5))
            pages += 1
            seen += [ix.id for ix in page]
            if len(page) < 5:
                break
            before, before_id = page[-1].occurred_at, page[-1].id
        self.assertEqual(pages, 3)
        self.assertEqual(seen, list(reversed(self.contacts)))


class BookClubInMemory(BookClub):
    uri_kind = "memory"


if story.PG:
    class BookClubOnPostgres(BookClub):
        uri_kind = "postgres"


if __name__ == "__main__":
    unittest.main()
