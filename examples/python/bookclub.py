"""The book club: story S2 of libcrm's STORIES.md, played from Python.

A man signs a two-year book-club contract. He orders by postal card; nothing
arrives. He e-mails (no answer), calls six times (busy three times, then hold
music), e-mails again in capitals with three addresses in copy, faxes the
printed e-mail and goes to a shop, where the clerk promises to cancel the
contract. A month later a third catalogue arrives. Only a call to head office
ends it, with written confirmation a week later.

With libcrm every contact is recorded on its own channel for the one customer
recognised by any of his identities; no inbound contact is without a case;
the clerk's "resolved" is reopened when he writes again; and "no more postal
mailings" is a preference with an event the mailing tool reads from the feed.

Run:  PYTHONPATH=<build>/bindings python3 bookclub.py [DATABASE]   (default: :memory:)
The clock is injected: the story spans ten weeks in a second. Times are UTC.
"""
import datetime
import sys

import crm

clock = datetime.datetime(2025, 9, 1, 7, 0, tzinfo=datetime.timezone.utc)


def at(when):
    """Move the story's clock to "YYYY-MM-DD HH:MM" (UTC)."""
    global clock
    clock = datetime.datetime.strptime(when, "%Y-%m-%d %H:%M").replace(
        tzinfo=datetime.timezone.utc)


def main(path):
    with crm.open(path, clock=lambda: clock, default_phone_region="IT") as db:
        # ---- the book club sets up its customer service
        crm.setting_set(db, "reopen_window", str(45 * 86400))
        queue = crm.queue_create(db, "Customer service")
        clerk = crm.agent_create(db, "Shop clerk, Milano Centrale", "clerk.milano@bookclub.example")
        head_office = crm.agent_create(db, "Head office", "direzione@bookclub.example")
        crm.agent_join(db, clerk, queue, crm.ROLE_AGENT)
        crm.agent_join(db, head_office, queue, crm.ROLE_SUPERVISOR)

        # ---- he signs the contract: member BC-0042
        print("A man signs a two-year contract in the street: member BC-0042.")
        me, _created = crm.customer_ensure(db, crm.IDENTITY_EXTERNAL, "BC-0042", "Mario Rossi")
        crm.identity_add(db, me, crm.IDENTITY_EMAIL, "mario.rossi@example.it")
        crm.identity_add(db, me, crm.IDENTITY_EMAIL, "M.Rossi@Studio-Rossi.example")
        crm.identity_add(db, me, crm.IDENTITY_PHONE, "02 1234 5678")  # national: +39...
        for identity in crm.identity_iterator_new(db, me):
            print("    identity %-8s %s" % (crm.identity_kind_name(identity.kind), identity.value))

        def record(**spec):
            return crm.interaction_record(db, customer=me, **spec)

        def case_of(interaction):
            return crm.interaction_lookup(db, interaction).case

        def current_case():
            """His newest case still being worked on (the agent's work list)."""
            open_statuses = [crm.CASE_NEW, crm.CASE_OPEN, crm.CASE_PENDING_CUSTOMER,
                             crm.CASE_PENDING_THIRD_PARTY]
            cases = list(crm.case_iterator_new(db, customer=me, status_mask=open_statuses))
            return cases[-1].id

        def set_status(case_id, status):
            k = crm.case_lookup(db, case_id)  # guarded by the version we read
            crm.case_set_status(db, case_id, status, k.version)

        def recognise(kind, value):
            who = crm.customer_find(db, kind, value)
            print("    %s '%s' -> customer #%d" % (crm.identity_kind_name(kind), value, who))
            assert who == me, "a different customer!"

        def print_case(case_id):
            k = crm.case_lookup(db, case_id)
            print('    case #%d "%s": %s, %d inbound contacts, %d reopen(s), %d transfer(s)'
                  % (k.id, k.subject, crm.case_status_name(k.status), k.inbound_count,
                     k.reopen_count, k.transfer_count))

        # ---- the order by postal card: a letter that answers nothing opens a case
        print("He orders three books from the first catalogue by postal card.")
        letter = record(channel=crm.CHANNEL_LETTER, direction=crm.DIRECTION_INBOUND,
                        occurred_at=clock - datetime.timedelta(days=4),
                        subject="Order: catalogue 1, three books",
                        body="Order card: items 12, 31, 47. Member BC-0042.")
        order_case = case_of(letter)
        crm.case_assign(db, order_case, queue, 0)
        print("    letter #%d filed into case #%d" % (letter, order_case))

        # ---- three weeks later: the first e-mail (a complaint opens a case too)
        at("2025-09-22 07:30")
        print("Three weeks: no books, but the next catalogue. He writes an e-mail.")
        recognise(crm.IDENTITY_EMAIL, "Mario.Rossi@example.it")
        first_mail = record(channel=crm.CHANNEL_EMAIL, direction=crm.DIRECTION_INBOUND,
                            subject="Order of 1 September not received",
                            body="I ordered three books a month ago. Where are they?",
                            external_ref="<20250922.0930.1@example.it>")
        complaint = case_of(first_mail)
        crm.case_assign(db, complaint, queue, 0)
        print("    e-mail #%d filed into a new case #%d" % (first_mail, complaint))

        # ---- six calls: busy three times, hold music, hung up, "write an e-mail"
        print("Three days without an answer. He calls the toll-free number six times.")
        at("2025-09-25 07:00")
        recognise(crm.IDENTITY_PHONE, "+39 02 1234 5678")
        calls = [("2025-09-25 07:00", crm.OUTCOME_BUSY, None, None),
                 ("2025-09-25 07:05", crm.OUTCOME_BUSY, None, None),
                 ("2025-09-25 07:12", crm.OUTCOME_BUSY, None, None),
                 ("2025-09-25 07:40", crm.OUTCOME_ANSWERED, "840",
                  "After 14 minutes of music: 'your order is being processed'."),
                 ("2025-09-25 10:15", crm.OUTCOME_ABANDONED, "1200",
                  "Hung up after 20 minutes of hold music."),
                 ("2025-09-26 08:00", crm.OUTCOME_ANSWERED, "600", "Told to write an e-mail.")]
        for n, (when, outcome, hold, what) in enumerate(calls, 1):
            at(when)
            call = record(case_id=current_case(), channel=crm.CHANNEL_PHONE,
                          direction=crm.DIRECTION_INBOUND, outcome=outcome,
                          subject="Call to the toll-free number", body=what,
                          external_ref="call-%d" % n)
            if hold is not None:
                crm.interaction_set_attribute(db, call, "hold_seconds", hold)
            print("    call #%d: %s" % (call, crm.outcome_name(outcome)))

        # ---- the e-mail in capitals, threaded by in_reply_to, three in copy
        at("2025-09-27 20:10")
        print("He e-mails again, in capitals, from his office, three addresses in copy.")
        recognise(crm.IDENTITY_EMAIL, "m.rossi@studio-rossi.example")
        capitals_ref = "<20250927.2210.7@studio-rossi.example>"
        capitals = record(channel=crm.CHANNEL_EMAIL, direction=crm.DIRECTION_INBOUND,
                          subject="RE: ORDER OF 1 SEPTEMBER NOT RECEIVED",
                          body="I WANT MY BOOKS OR I CANCEL THE CONTRACT.",
                          external_ref=capitals_ref,
                          in_reply_to="<20250922.0930.1@example.it>")
        for cc in ("reclami@bookclub.example", "info@consumatori.example",
                   "avv.bianchi@studio-legale.example"):
            crm.interaction_add_participant(db, capitals, crm.IDENTITY_EMAIL, cc, "cc")
        assert case_of(capitals) == complaint
        print("    e-mail #%d threaded into case #%d, 3 cc recorded" % (capitals, complaint))

        # ---- the fax, the shop visit, the clerk's promise
        at("2025-09-29 09:00")
        print("He faxes the printed e-mail, then goes to a shop.")
        record(case_id=current_case(), channel=crm.CHANNEL_FAX, direction=crm.DIRECTION_INBOUND,
               subject="Printed copy of my e-mail of 27 September", external_ref="fax-0929-0017")
        at("2025-10-02 15:30")
        crm.case_assign(db, complaint, queue, clerk)
        record(case_id=complaint, channel=crm.CHANNEL_IN_PERSON, direction=crm.DIRECTION_INBOUND,
               outcome=crm.OUTCOME_ANSWERED, agent=clerk,
               subject="Visit to the Milano Centrale shop",
               body="Customer wants to cancel the contract.")
        at("2025-10-02 15:45")
        record(case_id=complaint, channel=crm.CHANNEL_NOTE, direction=crm.DIRECTION_INTERNAL,
               agent=clerk, body="Promised to have the contract cancelled.")
        print("The clerk promises to cancel the contract and resolves the case.")
        set_status(complaint, crm.CASE_RESOLVED)
        print_case(complaint)

        # ---- the third catalogue: his e-mail reopens the resolved case
        at("2025-11-03 08:00")
        print("A month later a third catalogue arrives. He writes again.")
        again = record(channel=crm.CHANNEL_EMAIL, direction=crm.DIRECTION_INBOUND,
                       subject="Re: ORDER OF 1 SEPTEMBER NOT RECEIVED",
                       body="Another catalogue. 'A technical phasing problem'?",
                       external_ref="<20251103.0800.2@example.it>", in_reply_to=capitals_ref)
        assert case_of(again) == complaint
        print_case(complaint)
        assert crm.case_lookup(db, complaint).reopen_count == 1

        # ---- head office: an apology; the cancellation is data, with an event
        at("2025-11-04 09:10")
        print("He calls head office: an apology, and the contract is cancelled.")
        crm.case_assign(db, complaint, queue, head_office)
        with db.transaction():
            record(case_id=complaint, channel=crm.CHANNEL_PHONE, direction=crm.DIRECTION_INBOUND,
                   outcome=crm.OUTCOME_ANSWERED, agent=head_office, subject="Call to head office",
                   body="Apologised. Contract cancelled; no more catalogues.",
                   external_ref="call-1104-0042")
            crm.customer_set_preference(db, me, crm.CHANNEL_LETTER, "marketing", False)
            crm.customer_update(db, me, status=crm.CUSTOMER_INACTIVE)
        at("2025-11-11 10:00")
        print("A week later: written confirmation of the cancellation.")
        record(case_id=complaint, channel=crm.CHANNEL_LETTER, direction=crm.DIRECTION_OUTBOUND,
               agent=head_office, subject="Confirmation: contract BC-0042 cancelled")
        set_status(complaint, crm.CASE_RESOLVED)
        set_status(order_case, crm.CASE_RESOLVED)
        print_case(order_case)
        print_case(complaint)
        allowed = crm.customer_may_contact(db, me, crm.CHANNEL_LETTER, "marketing")
        print("    may we post him a catalogue? %s" % ("yes" if allowed else "no"))
        assert not allowed

        # ---- what an agent sees: the timeline, newest first, in pages of 8
        print("\nTimeline of customer #%d, newest first (UTC):" % me)
        page, before, before_id, contacts = 8, 0, 0, 0
        while True:
            rows = list(crm.timeline_iterator_new(db, customer=me, before=before,
                                                  before_id=before_id, limit=page))
            for ix in rows:
                print("  %s  %-9s  %-9s  %-9s  %-5s  %s" % (
                    ix.occurred_at.datetime.strftime("%Y-%m-%d %H:%M"),
                    crm.channel_name(ix.channel), crm.direction_name(ix.direction),
                    crm.outcome_name(ix.outcome) if ix.outcome else "-",
                    "#%d" % ix.case if ix.case else "-", ix.subject or "-"))
                assert ix.case or ix.direction != crm.DIRECTION_INBOUND
                contacts += 1
            if len(rows) < page:
                break
            before, before_id = rows[-1].occurred_at, rows[-1].id
        assert contacts == 15, contacts

        # ---- what the mailing tool sees: the feed after its cursor
        seq = crm.event_cursor_get(db, "catalogue-mailer")
        stop = []
        for ev in crm.event_iterator_new(db, seq):
            if ev.kind == "customer.preference":
                print("\nThe mailing tool reads event #%d: %s" % (ev.seq, ev.payload))
                stop.append(ev.data["customer"])
            seq = ev.seq
        crm.event_cursor_set(db, "catalogue-mailer", seq)
        assert stop == [me]


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ":memory:")
