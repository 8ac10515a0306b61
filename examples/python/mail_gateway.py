"""A mail gateway: file every message delivered to a Maildir into libcrm.

Your mail server (Postfix, Exim, fetchmail, getmail...) delivers the
helpdesk's mail into a Maildir. This script watches its new/ folder and
files each message with crm.mail_ingest: libcrm finds or creates the
customer from From:, threads the message into its case (In-Reply-To,
References, the "[#12]" subject tag) or opens a new case, and says which
rule it used. The script prints one line per message, then moves the file
to cur/ as Maildir readers expect (the ":2," info suffix, no flags: filed,
but not read by a person).

A message libcrm refuses (only an empty file, in practice: broken headers,
unknown charsets and malformed MIME are filed and flagged) is moved to a
failed/ folder next to new/ and cur/, with the reason on standard error,
so it is not retried on every pass; mail readers ignore that folder. Move
it back to new/ to try again. A busy database (another process writing)
leaves the message in new/ for the next pass.

Filing the same message twice files nothing twice: a copy delivered again
is reported with rule "duplicate" and the ids of the first filing.

Usage:
    PYTHONPATH=<build>/bindings python3 mail_gateway.py [--db URI] [--once]
        [--interval SECONDS] [--queue ID] MAILDIR

    --db URI            the database (default ./crm.db; created if missing)
    --once              one pass over new/, then exit: 0 when every message
                        was filed, 1 when some went to failed/ (for cron)
    --interval SECONDS  how often to look at new/ when watching (default 5):
                        plain polling, no inotify needed
    --queue ID          the queue new cases go to (default: none)

Output, one line per message (stdout), e.g.:
    filed 1771838100.M1P42.mx: case=1 customer=1 "Alice Example" rule=new_case auto_generated=no new_case new_customer
"""
import argparse
import os
import signal
import sys
import time

import crm


def maildir_folders(maildir):
    """new/, cur/ and failed/ of a Maildir; new/ must exist (it is where
    mail arrives), cur/ is created when missing, failed/ when first needed."""
    new = os.path.join(maildir, "new")
    if not os.path.isdir(new):
        raise SystemExit("mail_gateway: %s is not a Maildir (no new/ folder)" % maildir)
    cur = os.path.join(maildir, "cur")
    os.makedirs(cur, exist_ok=True)
    return new, cur, os.path.join(maildir, "failed")


def new_messages(new):
    """The names of the files in new/, oldest delivery first. Maildir names
    start with the delivery time, so name order is delivery order: a reply
    is filed after the message it answers. Names starting with "." are not
    messages (Maildir rule)."""
    return sorted(name for name in os.listdir(new)
                  if not name.startswith(".") and os.path.isfile(os.path.join(new, name)))


def cur_name(name):
    """The message's name in cur/: its unique part plus the info ":2,"
    (version 2, no flags). A name that already has an info keeps it."""
    return name if ":2," in name else name.split(":", 1)[0] + ":2,"


def describe(db, name, r):
    """One line: what was filed where, and by which rule."""
    customer = crm.customer_lookup(db, r.customer)
    notes = [note for note, flag in (("new_case", r.created_case),
                                     ("new_customer", r.created_customer),
                                     ("reopened", r.reopened)) if flag]
    return "filed %s: case=%d customer=%d %s rule=%s auto_generated=%s%s" % (
        name, r.case_id, r.customer, '"%s"' % customer.name, crm.mail_rule_name(r.rule),
        "yes" if r.auto_generated else "no", "".join(" " + n for n in notes))


def file_message(db, folders, name, queue):
    """File new/NAME and move it on. Returns True when filed (or a
    duplicate), False when it went to failed/, None when left in new/."""
    new, cur, failed = folders
    path = os.path.join(new, name)
    try:
        with open(path, "rb") as f:
            raw = f.read()
        # The delivery time (the file's mtime) is when the mail was received:
        # libcrm uses it to judge the Date: header, and it stays right when
        # the gateway was stopped for a while.
        received = int(os.stat(path).st_mtime)
    except FileNotFoundError:
        return None  # another reader took it meanwhile
    try:
        result = crm.mail_ingest(db, raw, received_at=received, queue=queue)
    except crm.Busy as e:
        print("busy %s: %s (retrying next pass)" % (name, e.message), file=sys.stderr)
        return None
    except crm.Error as e:
        os.makedirs(failed, exist_ok=True)
        os.replace(path, os.path.join(failed, name))
        print("failed %s: %s (moved to failed/)" % (name, e.message), file=sys.stderr)
        return False
    # Only now, after libcrm committed, does the file leave new/: a crash in
    # between files it again on restart, as a duplicate, and loses nothing.
    os.replace(path, os.path.join(cur, cur_name(name)))
    print(describe(db, name, result), flush=True)
    return True


class Shutdown:
    """Ctrl-C and SIGTERM (systemd, docker stop) stop the gateway between
    two messages, never between filing one and moving its file; while it
    sleeps, at once."""

    def __init__(self):
        self.requested = False
        self.sleeping = False
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, self.request)

    def request(self, signum, frame):
        self.requested = True
        if self.sleeping:
            raise SystemExit(0)

    def sleep(self, seconds):
        self.sleeping = True
        try:
            time.sleep(seconds)
        finally:
            self.sleeping = False


def one_pass(db, folders, queue, shutdown):
    """File everything in new/; returns (filed, failed) counts."""
    filed = failed = 0
    for name in new_messages(folders[0]):
        if shutdown.requested:
            break
        outcome = file_message(db, folders, name, queue)
        filed += outcome is True
        failed += outcome is False
    return filed, failed


def main(argv=None):
    parser = argparse.ArgumentParser(description="File the mail of a Maildir into libcrm.")
    parser.add_argument("maildir", metavar="MAILDIR")
    parser.add_argument("--db", default="./crm.db", metavar="URI",
                        help="database (default: ./crm.db)")
    parser.add_argument("--once", action="store_true", help="one pass, then exit")
    parser.add_argument("--interval", type=float, default=5.0, metavar="SECONDS",
                        help="polling interval when watching (default: 5)")
    parser.add_argument("--queue", type=int, default=0, metavar="ID",
                        help="queue for new cases (default: none)")
    args = parser.parse_args(argv)
    if args.interval <= 0:
        parser.error("--interval must be positive")

    folders = maildir_folders(args.maildir)
    shutdown = Shutdown()
    with crm.open(args.db) as db:
        if args.once:
            filed, failed = one_pass(db, folders, args.queue, shutdown)
            print("%d filed, %d failed" % (filed, failed))
            return 1 if failed else 0
        print("watching %s every %g s (Ctrl-C stops)" % (folders[0], args.interval), flush=True)
        while not shutdown.requested:
            one_pass(db, folders, args.queue, shutdown)
            shutdown.sleep(args.interval)
    return 0


if __name__ == "__main__":
    sys.exit(main())
