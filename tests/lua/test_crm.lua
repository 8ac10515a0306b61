-- The Lua binding: every public function, every error name, collection
-- order, iterators, callbacks. Plain Lua 5.4 with TAP output (tap.lua).
local tap = require "tap"
local crm = require "crm"

local T0 = 1750000000
local now = T0

local function fresh()
  now = T0
  return crm.open(":memory:", { clock = function() return now end })
end

local function customer(db, email)
  local id = crm.customer_ensure(db, crm.IDENTITY_EMAIL, email or "mario@example.it")
  return id
end

local function inbound(db, c, fields)
  fields = fields or {}
  fields.customer = c
  fields.channel = fields.channel or crm.CHANNEL_EMAIL
  fields.direction = fields.direction or crm.DIRECTION_INBOUND
  return crm.interaction_record(db, fields)
end

-- crm.<type>_<field>(obj) equals obj.<field> for each getter name.
local function getters(t, obj, prefix, ...)
  for _, name in ipairs({ ... }) do
    t.eq(crm[name](obj), obj[name:sub(#prefix + 2)], name)
  end
end

local function collect(it)
  local all = {}
  for x in it do all[#all + 1] = x end
  return all
end

tap.test("errors and version", function(t)
  local db = fresh()
  local ok, err = pcall(crm.case_lookup, db, 4242)
  t.ok(not ok and type(err) == "table", "a failure raises a table")
  t.eq(err.code, crm.ENOTFOUND, "error code")
  t.eq(err.name, "NotFound", "error name")
  t.ok(err.message:find("4242", 1, true), "the message names the id")
  t.ok(tostring(err):find("NotFound", 1, true), "tostring of an error")
  t.raises("InvalidInput", "empty name", crm.customer_create, db, "")
  t.raises("InvalidInput", "invalid UTF-8", crm.case_open, db, { customer = customer(db), subject = "\xff\xfe" })
  t.raises("InvalidInput", "unknown field", crm.case_open, db, { customer = 1, nope = 1 })
  local c = customer(db)
  t.raises("Conflict", "stale version", crm.customer_update, db, c, { display_name = "X" }, 99)
  t.raises("NotSupported", "unknown scheme", crm.open, "nosuchscheme://x")
  crm.error_clear()
  t.eq(crm.error_last().code, crm.OK, "error_clear")
  pcall(crm.timeline_iterator_new, db, {})
  t.eq(crm.error_last().code, crm.EINVALID, "error_last after a failure")
  t.eq(crm.strerror(crm.ENOTFOUND), crm.strerror(-3), "strerror")
  local major, minor, patch = crm.version()
  t.eq(major * 10000 + minor * 100 + patch,
    crm.VERSION_MAJOR * 10000 + crm.VERSION_MINOR * 100 + crm.VERSION_PATCH, "version")
  t.eq(crm.channel_name(crm.CHANNEL_IN_PERSON), "in_person", "channel_name")
  t.eq(crm.customer_status_name(crm.CUSTOMER_ERASED), "erased", "customer_status_name")
  t.eq(crm.identity_kind_name(crm.IDENTITY_PHONE), "phone", "identity_kind_name")
  t.eq(crm.direction_name(crm.DIRECTION_INTERNAL), "internal", "direction_name")
  t.eq(crm.outcome_name(crm.OUTCOME_BUSY), "busy", "outcome_name")
  t.eq(crm.case_status_name(crm.CASE_PENDING_CUSTOMER), "pending_customer", "case_status_name")
  t.eq(crm.priority_name(crm.PRIORITY_URGENT), "urgent", "priority_name")
  t.eq(crm.case_kind_name(crm.CASE_INCIDENT), "incident", "case_kind_name")
  t.eq(crm.link_name(crm.LINK_CAUSED_BY), "caused_by", "link_name")
  t.eq(crm.role_name(crm.ROLE_SUPERVISOR), "supervisor", "role_name")
  t.eq(crm.CaseStatus.OPEN, crm.CASE_OPEN, "enum constant tables")
  t.eq(math.type(crm.CASE_OPEN), "integer", "constants are integers")
  -- every error name from the one table
  local names = {}
  for _, f in ipairs({
    function() crm.case_lookup(db, 999) end,
    function() crm.queue_create(db, "Q"); crm.queue_create(db, "Q") end,
    function() crm.customer_create(db, "") end,
    function() crm.case_set_priority(db, crm.case_open(db, { customer = c, subject = "s" }), 3, 42) end,
    function() crm.open("nosuchscheme://x") end,
  }) do
    local _, e = pcall(f)
    names[#names + 1] = e.name
  end
  t.eq(table.concat(names, " "), "NotFound AlreadyExists InvalidInput Conflict NotSupported",
    "error names")
  crm.close(db)
end)

tap.test("busy", function(t)
  local path = os.tmpname()
  local a = crm.open("sqlite:" .. path)
  local b = crm.open("sqlite:" .. path, { busy_timeout_ms = 1 })
  crm.begin(a)
  crm.customer_create(a, "Holder")
  t.raises("Busy", "a locked database", crm.customer_create, b, "Waiter")
  crm.rollback(a)
  crm.close(a)
  crm.close(b)
  os.remove(path)
end)

tap.test("handle", function(t)
  local opts = crm.open_options_init(crm.OPEN_OPTIONS_VERSION)
  t.eq(opts.version, 1, "open_options_init")
  t.raises("InvalidInput", "bad version", crm.open_options_init, 99)
  t.raises("InvalidInput", "unknown region", crm.open, ":memory:", { default_phone_region = "XX" })
  local db = fresh()
  t.eq(crm.now(db), T0, "the injected clock")
  now = T0 + 60
  t.eq(db:now(), T0 + 60, "the clock is read each time")
  t.eq(crm.actor(db), 0, "actor")
  crm.begin(db)
  crm.customer_create(db, "Rolled back")
  crm.rollback(db)
  crm.begin(db)
  local c = crm.customer_create(db, "Committed")
  crm.commit(db)
  t.eq(crm.customer_lookup(db, c).name, "Committed", "commit")
  t.eq(c, 1, "the rolled back customer left no id behind")
  db:transaction(function() db:customer_create("In a transaction") end)
  local ok = pcall(db.transaction, db, function() db:customer_create("Never"); error("stop") end)
  t.ok(not ok, "a failing transaction re-raises")
  t.raises("NotFound", "rolled back", crm.customer_lookup, db, 3)
  crm.setting_set(db, "reopen_window", "60")
  t.eq(crm.setting_get(db, "reopen_window"), "60", "settings")
  t.eq(crm.tick(db), 0, "tick")
  t.eq(crm.tick(db, T0 + 10), 0, "tick at a time")
  crm.close(db)
  crm.close(db)
  t.ok(db.closed, "closed")
  t.raises("InvalidInput", "a closed handle", crm.customer_create, db, "x")
  local lines = {}
  local logged = crm.open(":memory:", { log = function(level, msg) lines[#lines + 1] = level end })
  crm.close(logged)
  t.ok(#lines > 0, "the log function is called")
  local broken = crm.open(":memory:", { clock = function() error("clock broke") end })
  local ok2, err = pcall(crm.now, broken)
  t.ok(not ok2 and tostring(err):find("clock broke", 1, true), "a clock error is raised after the call")
  crm.close(broken)
end)

tap.test("customers", function(t)
  local db = fresh()
  local c, created = crm.customer_ensure(db, crm.IDENTITY_EMAIL, "Mario@Example.it", "Mario Rossi")
  t.eq(created, true, "created is a boolean")
  local again, created2 = db:customer_ensure(crm.IDENTITY_EMAIL, "mario@example.it")
  t.ok(again == c and created2 == false, "ensure finds")
  t.eq(crm.customer_find(db, crm.IDENTITY_EMAIL, " MARIO@example.it"), c, "customer_find")
  t.raises("NotFound", "find unknown", crm.customer_find, db, crm.IDENTITY_EMAIL, "x@y.it")
  local other = crm.customer_create(db, "Other")
  crm.identity_add(db, c, crm.IDENTITY_EXTERNAL, "BC-0042")
  t.raises("AlreadyExists", "another customer's identity", crm.identity_add, db, other, crm.IDENTITY_EXTERNAL, "BC-0042")
  crm.identity_add(db, c, crm.IDENTITY_SOCIAL, "@Mario")
  crm.identity_remove(db, c, crm.IDENTITY_SOCIAL, "@mario")
  t.eq(crm.identity_normalize(nil, crm.IDENTITY_EMAIL, " A@B.IT "), "a@b.it", "identity_normalize")
  t.eq(crm.phone_normalize("02 1234 5678", "IT"), "+390212345678", "phone_normalize")
  local ids = collect(crm.identity_iterator_new(db, c))
  t.eq(#ids, 2, "identities")
  t.eq(ids[2].value, "BC-0042", "identity value")
  getters(t, ids[1], "identity", "identity_kind", "identity_value", "identity_customer")
  local it = crm.identity_iterator_new(db, c)
  t.ok(crm.identity_next(it) and crm.identity_next(it), "identity_next")
  t.eq(crm.identity_next(it), nil, "end of iteration is nil, not an error")
  t.eq(crm.identity_next(it), nil, "and stays nil")

  local spec = crm.customer_update_spec_init(crm.CUSTOMER_UPDATE_SPEC_VERSION)
  t.eq(spec.status, 0, "customer_update_spec_init")
  crm.customer_update(db, c, { display_name = "Mario Rossi", organization = "Studio", language = "it",
    timezone = "Europe/Rome", segment = "gold", status = crm.CUSTOMER_INACTIVE }, crm.customer_lookup(db, c).version)
  crm.customer_set_attribute(db, c, "member", "BC-0042")
  local cu = crm.customer_lookup(db, c)
  getters(t, cu, "customer", "customer_id", "customer_name", "customer_organization",
    "customer_language", "customer_timezone", "customer_segment", "customer_status",
    "customer_created_at", "customer_updated_at", "customer_version")
  t.eq(crm.customer_attribute(cu, "member"), "BC-0042", "customer_attribute")
  t.eq(cu:attribute("member"), "BC-0042", "attribute method")
  t.eq(crm.customer_may_contact(db, c, crm.CHANNEL_LETTER, "marketing"), true, "may contact")
  crm.customer_set_preference(db, c, crm.CHANNEL_LETTER, "marketing", false)
  t.eq(crm.customer_may_contact(db, c, crm.CHANNEL_LETTER, "marketing"), false, "preference recorded")
  t.ok(not pcall(function() cu.name = "x" end), "fields are read-only")
  crm.close(db)
end)

tap.test("interactions", function(t)
  local db = fresh()
  local c = customer(db)
  t.eq(crm.interaction_spec_init(crm.INTERACTION_SPEC_VERSION).version, 1, "interaction_spec_init")
  local first = inbound(db, c, { subject = "Order", external_ref = "<m1@x>", occurred_at = T0 - 100 })
  local ok, err = pcall(inbound, db, c, { external_ref = "<m1@x>" })
  t.ok(not ok and err.name == "AlreadyExists" and err.existing_id == first, "existing_id")
  local reply = inbound(db, c, { in_reply_to = "<m1@x>", external_ref = "<m2@x>" })
  local ix = crm.interaction_lookup(db, first)
  t.eq(crm.interaction_lookup(db, reply).case, ix.case, "threaded into the same case")
  getters(t, ix, "interaction", "interaction_id", "interaction_case", "interaction_customer",
    "interaction_agent", "interaction_channel", "interaction_direction", "interaction_outcome",
    "interaction_occurred_at", "interaction_recorded_at", "interaction_subject",
    "interaction_body", "interaction_external_ref", "interaction_in_reply_to")
  crm.interaction_set_attribute(db, first, "hold_seconds", "840")
  local ix2 = crm.interaction_lookup(db, first)
  t.eq(crm.interaction_attribute(ix2, "hold_seconds"), "840", "interaction_attribute")
  t.eq(ix2:attribute("hold_seconds"), "840", "attribute method")
  crm.interaction_add_participant(db, first, crm.IDENTITY_EMAIL, "cc@x.it", "cc")
  local parts = collect(crm.participant_iterator_new(db, first))
  t.eq(#parts, 1, "participants")
  getters(t, parts[1], "participant", "participant_kind", "participant_value", "participant_role")
  t.eq(crm.participant_next(crm.participant_iterator_new(db, reply)), nil, "participant_next")
  local data = "%PDF-1.4\0\255 binary"
  local att = crm.interaction_attach(db, first, "order.pdf", "application/pdf", data)
  t.eq(crm.attachment_read(db, att), data, "attachment bytes round-trip")
  local atts = collect(crm.attachment_iterator_new(db, first))
  t.eq(atts[1].size, #data, "attachment size")
  t.eq(#atts[1].sha256, 64, "sha256")
  getters(t, atts[1], "attachment", "attachment_id", "attachment_filename",
    "attachment_media_type", "attachment_size", "attachment_sha256")
  t.ok(crm.attachment_next(crm.attachment_iterator_new(db, first)) ~= nil, "attachment_next")
  local elsewhere = crm.case_open(db, { customer = c, subject = "Elsewhere" })
  crm.interaction_move(db, reply, elsewhere)
  t.eq(crm.interaction_lookup(db, reply).case, elsewhere, "interaction_move")
  crm.close(db)
end)

tap.test("cases, queues, agents", function(t)
  local db = fresh()
  local c = customer(db)
  local q = crm.queue_create(db, "Customer service")
  local a = crm.agent_create(db, "Anna", "Anna@Desk.example")
  local ok, err = pcall(crm.agent_create, db, "Anna again", "anna@desk.example")
  t.ok(not ok and err.existing_id == a, "agent AlreadyExists carries the id")
  t.eq(crm.case_spec_init(crm.CASE_SPEC_VERSION).priority, 0, "case_spec_init")
  local k = db:case_open { customer = c, subject = "Books", queue = q }
  crm.case_assign(db, k, q, a)
  crm.case_set_priority(db, k, crm.PRIORITY_HIGH)
  crm.case_set_status(db, k, crm.CASE_OPEN)
  crm.case_set_status(db, k, crm.CASE_RESOLVED)
  t.raises("InvalidInput", "illegal move", crm.case_set_status, db, k, crm.CASE_NEW)
  crm.case_tag(db, k, "books")
  crm.case_tag(db, k, "angry")
  crm.case_untag(db, k, "angry")
  crm.case_set_csat(db, k, 2, "slow")
  local kc = crm.case_lookup(db, k)
  getters(t, kc, "case", "case_id", "case_customer", "case_subject", "case_kind", "case_status",
    "case_priority", "case_queue", "case_assignee", "case_created_at", "case_updated_at",
    "case_resolved_at", "case_version", "case_inbound_count", "case_transfer_count",
    "case_reopen_count", "case_csat", "case_csat_comment", "case_tag_count")
  t.eq(kc.tags[1], "books", "tags")
  t.eq(crm.case_tag_at(kc, 0), "books", "case_tag_at")
  t.eq(crm.case_has_tag(kc, "books"), true, "case_has_tag")
  t.eq(kc:has_tag("angry"), false, "has_tag method")
  local dup = crm.case_open(db, { customer = c, subject = "Again", priority = crm.PRIORITY_LOW })
  crm.case_link(db, dup, crm.LINK_DUPLICATE_OF, k)
  local links = collect(crm.link_iterator_new(db, k))
  t.ok(links[1].from == dup and links[1].to == k, "links")
  getters(t, links[1], "link", "link_from", "link_kind", "link_to", "link_created_at")
  t.ok(crm.link_next(crm.link_iterator_new(db, dup)) ~= nil, "link_next")
  t.eq(crm.case_query_init(crm.CASE_QUERY_VERSION).limit, 0, "case_query_init")
  t.eq(#collect(crm.case_iterator_new(db, { customer = c })), 2, "case query")
  local only_new = collect(db:case_iterator_new { status_mask = { crm.CASE_NEW } })
  t.ok(#only_new == 1 and only_new[1].id == dup, "status mask from a list")
  local it = crm.case_iterator_new(db, { limit = 1 })
  t.eq(crm.case_next(it).id, k, "case_next")
  t.eq(crm.case_next(it), nil, "limit")

  crm.agent_join(db, a, q, crm.ROLE_SUPERVISOR)
  t.eq(crm.agent_role(db, a, q), crm.ROLE_SUPERVISOR, "agent_role")
  crm.queue_add_skill(db, q, "italian")
  crm.agent_add_skill(db, a, "billing")
  local queue = crm.queue_lookup(db, q)
  getters(t, queue, "queue", "queue_id", "queue_name", "queue_skill_count")
  t.eq(crm.queue_skill_at(queue, 0), "italian", "queue_skill_at")
  t.eq(queue.skills[1], "italian", "skills")
  local agent = crm.agent_lookup(db, a)
  getters(t, agent, "agent", "agent_id", "agent_name", "agent_email", "agent_skill_count")
  t.eq(crm.agent_skill_at(agent, 0), "billing", "agent_skill_at")
  crm.agent_leave(db, a, q)
  t.raises("NotFound", "not a member", crm.agent_role, db, a, q)
  crm.close(db)
end)

tap.test("timeline", function(t)
  local db = fresh()
  local c = customer(db)
  local ids = {}
  for i = 1, 5 do ids[i] = inbound(db, c, { occurred_at = T0 - 1000 + i, subject = "m" .. i }) end
  t.eq(crm.timeline_query_init(crm.TIMELINE_QUERY_VERSION).limit, 0, "timeline_query_init")
  local all = collect(crm.timeline_iterator_new(db, { customer = c }))
  t.ok(#all == 5 and all[1].id == ids[5], "newest first")
  local page = collect(crm.timeline_iterator_new(db, { customer = c, limit = 2 }))
  local nxt = collect(crm.timeline_iterator_new(db, { customer = c, before = page[2].occurred_at,
    before_id = page[2].id, limit = 2 }))
  t.eq(nxt[1].id, ids[3], "keyset page")
  local it = crm.timeline_iterator_new(db, { case_id = all[5].case })
  t.eq(crm.timeline_next(it).id, ids[1], "timeline_next")
  t.eq(crm.timeline_next(it), nil, "exhausted")
  crm.close(db)
end)

tap.test("events", function(t)
  local db = fresh()
  local seen = {}
  local token = crm.subscribe(db, "case.", function(ev) seen[#seen + 1] = ev.kind end)
  local once = 0
  db:subscribe("", function() once = once + 1; return true end)
  local k = crm.case_open(db, { customer = customer(db), subject = "S" })
  crm.case_set_status(db, k, crm.CASE_OPEN)
  t.eq(table.concat(seen, " "), "case.created case.status", "subscriber called after commit")
  t.eq(once, 1, "returning true unsubscribes")
  crm.unsubscribe(db, token)
  t.raises("NotFound", "unknown token", crm.unsubscribe, db, token)
  crm.case_tag(db, k, "x")
  t.eq(#seen, 2, "unsubscribed")
  local events = collect(crm.event_iterator_new(db))
  local ev = events[#events]
  getters(t, ev, "event", "event_seq", "event_time", "event_actor", "event_kind", "event_entity",
    "event_entity_id", "event_payload")
  t.eq(ev.kind, "case.tagged", "last event")
  local copy = crm.event_dup(ev)
  events, ev = nil, nil
  collectgarbage()
  t.eq(copy.kind, "case.tagged", "event_dup")
  local later = crm.event_iterator_new(db, copy.seq)
  t.eq(crm.event_next(later), nil, "nothing after the last")
  crm.case_tag(db, k, "y")
  t.eq(crm.event_next(later).kind, "case.tagged", "the feed grows")
  t.eq(crm.event_cursor_get(db, "mailer"), 0, "cursor default")
  crm.event_cursor_set(db, "mailer", copy.seq)
  t.eq(crm.event_cursor_get(db, "mailer"), copy.seq, "cursor stored")
  crm.subscribe(db, "customer.", function() error("in the callback") end)
  local ok, err = pcall(crm.customer_create, db, "Committed anyway")
  t.ok(not ok and tostring(err):find("in the callback", 1, true), "callback errors are raised after the call")
  t.eq(crm.customer_lookup(db, 2).name, "Committed anyway", "the work was committed")
  local refused
  crm.subscribe(db, "customer.", function() refused = select(2, pcall(crm.close, db)) end)
  pcall(crm.customer_create, db, "x")
  t.ok(refused and refused.name == "InvalidInput" and not db.closed, "close inside a callback is refused")
  crm.subscribe(db, "case.status", function(e)
    crm.case_set_priority(db, e.entity_id, crm.PRIORITY_URGENT)
  end)
  pcall(crm.case_set_status, db, k, crm.CASE_RESOLVED)
  t.eq(crm.case_lookup(db, k).priority, crm.PRIORITY_URGENT, "callbacks may call libcrm")
  crm.close(db)
end)

tap.test("collection order", function(t)
  local db = crm.open(":memory:")
  local c = crm.customer_create(db, "C")
  for i = 0, 2 do crm.case_open(db, { customer = c, subject = "k" .. i }) end
  local it = crm.case_iterator_new(db)
  local first = it()
  local cust = crm.customer_lookup(db, c)
  crm.subscribe(db, "", function() end)
  db = nil
  collectgarbage()
  collectgarbage()
  t.eq(it().subject, "k1", "the fetched page is still readable")
  t.eq(it().subject, "k2", "to its end")
  t.raises("InvalidInput", "the next page needs the collected handle", crm.case_next, it)
  t.eq(first.subject .. cust.name, "k0C", "objects outlive their handle")
  it, first, cust = nil, nil, nil
  collectgarbage()
  local db2 = crm.open(":memory:")
  local ev_it = crm.event_iterator_new(db2)
  crm.close(db2)
  t.raises("InvalidInput", "an iterator of a closed handle", crm.event_next, ev_it)
  db2 = nil
  collectgarbage()
  ev_it = nil
  collectgarbage()
  t.ok(true, "no crash")
end)

tap.test("calendar", function(t)
  local cal = crm.calendar_new("Europe/Rome")
  t.eq(cal.timezone, "Europe/Rome", "timezone field")
  t.eq(crm.calendar_timezone(cal), "Europe/Rome", "calendar_timezone")
  for day = 1, 5 do crm.calendar_add_hours(cal, day, 9 * 60, 18 * 60) end
  crm.calendar_add_holiday(cal, "2025-12-25", "Natale")
  crm.calendar_add_opening(cal, "2025-12-27", 9 * 60, 12 * 60)
  crm.calendar_add_break(cal, "2025-12-22", 12 * 60, 13 * 60)
  local monday_9 = 1766390400 -- 2025-12-22 08:00 UTC, 09:00 in Rome
  t.eq(crm.calendar_is_open(cal, monday_9), true, "calendar_is_open")
  local due = crm.calendar_add_business(cal, monday_9, 4 * 3600)
  t.eq(due, monday_9 + 5 * 3600, "calendar_add_business skips the break")
  t.eq(crm.calendar_subtract_business(cal, due, 4 * 3600), monday_9, "calendar_subtract_business")
  t.eq(crm.calendar_business_between(cal, monday_9, due), 4 * 3600, "calendar_business_between")
  t.raises("InvalidInput", "to < from", crm.calendar_business_between, cal, due, monday_9)
  t.raises("InvalidInput", "unknown zone", crm.calendar_new, "Mars/Olympus")
end)

tap.test("mail", function(t)
  if not crm.mail_ingest then
    t.ok(true, "# SKIP built without crm/mail.h")
    return
  end
  local db = crm.open(":memory:", { clock = function() return 1758600000 end })
  crm.setting_set(db, "helpdesk_addresses", "help@desk.example")
  local msg = "From: Mario Rossi <mario@example.it>\r\nTo: help@desk.example\r\n" ..
    "Subject: Order not received\r\nDate: Mon, 22 Sep 2025 09:30:00 +0200\r\n" ..
    "Message-ID: <m1@example.it>\r\n\r\nWhere are my books?\r\n"
  t.eq(crm.mail_options_init(crm.MAIL_OPTIONS_VERSION).queue, 0, "mail_options_init")
  local r = crm.mail_ingest(db, msg)
  t.eq(r.rule, crm.MAIL_NEW_CASE, "mail_ingest")
  t.eq(db:mail_ingest(msg).rule, crm.MAIL_DUPLICATE, "duplicate")
  t.eq(crm.mail_rule_name(crm.MAIL_DUPLICATE), "duplicate", "mail_rule_name")
  local raw = crm.mail_reply(db, r.case_id, 0, "On their way.")
  t.ok(raw:find("mario@example.it", 1, true), "mail_reply")
  local dir = os.tmpname()
  os.remove(dir)
  os.execute('mkdir -p "' .. dir .. '/new" "' .. dir .. '/cur" "' .. dir .. '/tmp"')
  local f = assert(io.open(dir .. "/new/1.host", "wb"))
  f:write((msg:gsub("<m1@", "<m2@"):gsub("received", "received 2")))
  f:close()
  local calls = 0
  local stats = crm.mail_import_maildir(db, dir, nil, function() calls = calls + 1 end)
  t.eq(stats.filed, 1, "mail_import_maildir")
  local mbox = dir .. "/box.mbox"
  f = assert(io.open(mbox, "wb"))
  f:write("From mario@example.it Mon Sep 22 09:30:00 2025\n",
    (msg:gsub("\r\n", "\n"):gsub("<m1@", "<m3@"):gsub("received", "received 3")), "\n")
  f:close()
  t.eq(crm.mail_import_mbox(db, mbox).filed, 1, "mail_import_mbox")
  os.execute('rm -rf "' .. dir .. '"')
  crm.close(db)
end)

tap.done()
