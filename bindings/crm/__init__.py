"""libcrm for Python: customers, interactions, cases, over SQLite (or PostgreSQL).

A thin layer over the generated module ``crm._crm`` (SWIG, from bindings/crm.i).
Every C function ``crm_<x>`` is ``crm.<x>`` and every constant ``CRM_<X>`` is
``crm.<X>``, so a C example translates line by line:

    import crm

    with crm.open("sqlite:desk.db", clock=lambda: now) as db:
        c, created = crm.customer_ensure(db, crm.IDENTITY_EMAIL, "mario@example.it")
        k = db.case_open(customer=c, subject="Order not received")
        crm.case_set_status(db, k, crm.CASE_OPEN)
        for ix in crm.timeline_iterator_new(db, customer=c):
            print(ix.occurred_at.datetime, ix.subject)

What the layer adds:
 - out-parameters are return values (a tuple when there are several);
 - a negative status raises ``crm.Error`` or its subclass for the code
   (``crm.NotFound``, ``crm.AlreadyExists`` with ``existing_id``,
   ``crm.InvalidInput``, ``crm.Conflict``, ``crm.Busy``,
   ``crm.PermissionDenied``, ``crm.NotSupported``, ``crm.VersionMismatch``);
 - spec, options and query structs are keyword arguments (or one dict);
 - objects (customer, case, interaction, event, ...) have their getters as
   read-only attributes (``k.status``, ``ix.occurred_at``) and are freed by
   the garbage collector, in any order relative to their database;
 - iterators are Python iterators;
 - enums are ``enum.IntEnum`` (``crm.CASE_OPEN is crm.CaseStatus.OPEN``);
 - times are ``crm.Time`` (an int of epoch seconds with ``.datetime``);
   a ``datetime`` is accepted wherever a time is expected (naive = UTC);
 - the handle has every ``crm.<x>(db, ...)`` as a method ``db.<x>(...)``,
   is a context manager (closed on exit) and has ``db.transaction()``;
 - event subscribers and the clock/log options are Python callables. An
   exception raised inside one is raised again when the libcrm call that
   triggered it returns (its work is committed by then); when libcrm was
   called from C it is printed (sys.unraisablehook).
"""

import contextlib as _contextlib
import datetime as _datetime
import enum as _enum
import json as _json

from . import _crm
from ._crm import *  # noqa: F401,F403  (the generated functions and constants)
from ._crm import Error  # noqa: F401

__version__ = "%d.%d.%d" % _crm.version()


class Time(int):
    """An instant in epoch seconds (UTC), as libcrm returns it; ``.datetime``
    gives an aware ``datetime`` in UTC."""

    __slots__ = ()

    @property
    def datetime(self):
        return _datetime.datetime.fromtimestamp(int(self), _datetime.timezone.utc)

    def __repr__(self):
        return "crm.Time(%d)" % int(self)


_crm._register("Time", Time)


def _build_enums():
    """The IntEnum classes, from the interface's one enum table."""
    i = 0
    while True:
        spec = _crm._enum_spec(i)
        if spec is None:
            return
        name, ctype, prefix, *members = spec.split()
        cls = _enum.IntEnum(name, [(m, getattr(_crm, prefix + m)) for m in members],
                            module=__name__)
        globals()[name] = cls
        for m in members:
            globals()[prefix + m] = cls[m]
        if ctype != "int":
            _crm._register(ctype, cls)
        i += 1


_build_enums()


# ---- spec, options and query structs as keyword arguments ------------------

def _fields(spec, fields):
    merged = dict(spec) if spec else {}
    merged.update(fields)
    return merged


def open(uri, options=None, /, **fields):
    """Open (creating if needed) a database: ``crm.open("sqlite:PATH")``,
    ``"sqlite::memory:"``, a plain path, or a PostgreSQL URI.

    Options (crm_open_options): ``actor``, ``busy_timeout_ms``,
    ``default_phone_region``, ``durable``; ``clock``: a callable returning
    "now" (epoch seconds or a datetime); ``log``: a callable
    ``log(level, message)``. The handle is closed by ``crm.close(db)``, at
    the end of a ``with`` block, or by the garbage collector."""
    return _crm.open(uri, _fields(options, fields))


def case_open(db, spec=None, /, **fields):
    """Open a case (crm_case_spec: customer, subject, kind, priority, queue,
    assignee); returns its id."""
    return _crm.case_open(db, _fields(spec, fields))


def interaction_record(db, spec=None, /, **fields):
    """Record one contact (crm_interaction_spec: customer, case_id, channel,
    direction, outcome, occurred_at, agent, subject, body, external_ref,
    in_reply_to); returns its id. A known external_ref raises
    ``crm.AlreadyExists`` whose ``existing_id`` is the recorded one."""
    return _crm.interaction_record(db, _fields(spec, fields))


def customer_update(db, id, spec=None, /, expected_version=0, **fields):
    """Change a customer's fields (crm_customer_update_spec: display_name,
    organization, language, timezone, segment, status)."""
    return _crm.customer_update(db, id, _fields(spec, fields), expected_version)


def case_iterator_new(db, query=None, /, **fields):
    """Iterate the cases matching a query (crm_case_query: customer,
    status_mask (an int or a list of statuses), queue, assignee, kind, tag,
    due_before, after_id, limit)."""
    return _crm.case_iterator_new(db, _fields(query, fields))


def timeline_iterator_new(db, query=None, /, **fields):
    """A customer's or a case's interactions, newest first
    (crm_timeline_query: customer or case_id, before, before_id, limit)."""
    return _crm.timeline_iterator_new(db, _fields(query, fields))


def search(db, query, options=None, /, **fields):
    """Full-text search (crm/search.h): an iterator of search_hit (kind, id,
    customer, case, rank, snippet, cursor), best first. Options
    (crm_search_options): kinds (an int or a list of SearchKind), limit,
    after (a hit's cursor: the page after it)."""
    return _crm.search(db, query, _fields(options, fields))


def sla_policy_create(db, spec=None, /, **fields):
    """Create an SLA policy (crm_sla_policy_spec: name, order, calendar,
    priorities, kinds, channels (ints or lists of enum values), queue,
    segment, first_response, next_response, resolution, periodic_update
    (target seconds), warn_percent, pause_statuses); returns its id."""
    return _crm.sla_policy_create(db, _fields(spec, fields))


def sla_policy_update(db, id, spec=None, /, **fields):
    """Replace an SLA policy's definition (a new version); fields as
    sla_policy_create."""
    return _crm.sla_policy_update(db, id, _fields(spec, fields))


def mail_ingest(db, raw, options=None, /, **fields):
    """File one raw RFC 5322 message (bytes); returns the crm_mail_result
    fields as attributes (interaction, case_id, customer, created_case,
    created_customer, reopened, auto_generated, rule). Options
    (crm_mail_options): received_at, queue, from_address."""
    return _result(_crm.mail_ingest(db, raw, _fields(options, fields)), rule=MailRule)  # noqa: F405


def mail_reply(db, case_id, agent, body, options=None, /, **fields):
    """The raw reply message (bytes) for a case, recorded as outbound."""
    return _crm.mail_reply(db, case_id, agent, body, _fields(options, fields))


def mail_import_mbox(db, path, options=None, /, progress=None, **fields):
    """Import an mbox file; ``progress(done, total)`` may return True to stop.
    Returns the crm_mail_import_stats fields as attributes (filed,
    duplicate, auto_generated, failed, failures)."""
    return _result(_crm.mail_import_mbox(db, path, _fields(options, fields), progress))


def mail_import_maildir(db, path, options=None, /, progress=None, **fields):
    """Import a Maildir (new/ and cur/); like mail_import_mbox."""
    return _result(_crm.mail_import_maildir(db, path, _fields(options, fields), progress))


def report_run(db, spec=None, /, **fields):
    """Compute a report (crm_report_spec: from (also from_), to, group_by
    (a ReportGroup), timezone); iterate its rows with
    ``report_row_iterator_new(report)``, or get them as JSON with
    ``report_json(report)``."""
    fields = dict(fields)
    if "from_" in fields:
        fields["from"] = fields.pop("from_")
    return _crm.report_run(db, _fields(spec, fields))


class _Result(dict):
    """A result struct: its fields as attributes (and as a dict)."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def __repr__(self):
        return "crm.Result(%s)" % ", ".join("%s=%r" % kv for kv in self.items())


def _result(d, **enums):
    for name, cls in enums.items():
        d[name] = cls(d[name]) if d[name] in cls._value2member_map_ else d[name]
    return _Result(d)


# ---- iterators -------------------------------------------------------------

def _make_iterator(cls, next_fn):
    def __next__(self):
        item = next_fn(self)
        if item is None:
            raise StopIteration
        return item

    cls.__iter__ = lambda self: self
    cls.__next__ = __next__


for _cls, _next in ((identity_iterator, identity_next),  # noqa: F405
                    (participant_iterator, participant_next),  # noqa: F405
                    (attachment_iterator, attachment_next),  # noqa: F405
                    (case_iterator, case_next),  # noqa: F405
                    (link_iterator, link_next),  # noqa: F405
                    (event_iterator, event_next),  # noqa: F405
                    (timeline_iterator, timeline_next),  # noqa: F405
                    (preference_iterator, preference_next),  # noqa: F405
                    (duplicate_iterator, duplicate_next),  # noqa: F405
                    (incident_iterator, incident_next),  # noqa: F405
                    (search_iterator, search_next),  # noqa: F405
                    (sla_timer_iterator, sla_timer_next),  # noqa: F405
                    (report_row_iterator, report_row_next)):  # noqa: F405
    _make_iterator(_cls, _next)


# ---- objects ---------------------------------------------------------------

def _object_repr(self):
    cls = type(self)
    shown = []
    for name in ("id", "kind", "name", "subject", "status", "value", "seq", "filename"):
        if isinstance(getattr(cls, name, None), property):
            shown.append("%s=%r" % (name, getattr(self, name)))
    return "<crm.%s %s>" % (cls.__name__, " ".join(shown))


for _cls in (customer, identity, interaction, participant, attachment, case, link,  # noqa: F405
             event, queue, agent, calendar):  # noqa: F405
    _cls.__repr__ = _object_repr

customer.attribute = customer_attribute  # noqa: F405
interaction.attribute = interaction_attribute  # noqa: F405
case.has_tag = lambda self, tag: bool(case_has_tag(self, tag))  # noqa: F405
case.tag_at = case_tag_at  # noqa: F405
queue.skill_at = queue_skill_at  # noqa: F405
agent.skill_at = agent_skill_at  # noqa: F405
event.data = property(lambda self: _json.loads(self.payload),
                      doc="The payload as a dict (fields per kind: see crm/event.h).")


# ---- the handle ------------------------------------------------------------

@_contextlib.contextmanager
def transaction(db):
    """``with db.transaction(): ...``: crm_begin, then crm_commit at the end of
    the block, or crm_rollback (and the exception goes on) if it raises."""
    begin(db)  # noqa: F405
    try:
        yield db
    except BaseException:
        if not db.closed:
            rollback(db)  # noqa: F405
        raise
    commit(db)  # noqa: F405


def _db_enter(self):
    return self


def _db_exit(self, *exc):
    close(self)  # noqa: F405
    return False


db.__enter__ = _db_enter  # noqa: F405
db.__exit__ = _db_exit  # noqa: F405
db.transaction = transaction  # noqa: F405
db.__repr__ = lambda self: "<crm.db %s>" % ("closed" if self.closed else "open")  # noqa: F405
for _name in _crm._db_functions():
    setattr(db, _name, globals()[_name])  # noqa: F405

del _cls, _next, _name
