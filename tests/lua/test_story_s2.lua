-- Story S2, the book club (../shared/stories/STORIES.md), from Lua with the
-- injected clock: each test is one "What libcrm must do" line, on SQLite
-- in memory and in a file. Plain Lua 5.4 with TAP output.
local tap = require "tap"
local crm = require "crm"
local story = require "story"

local DAY, HOUR = story.DAY, story.HOUR

story.on_every_backend(function(uri, backend)
  local now = story.rome_cet(2025, 11, 3, 9, 0)
  local db = crm.open(uri, { clock = function() return now end, default_phone_region = "IT" })
  crm.setting_set(db, "reopen_window", tostring(40 * DAY))
  local clerk = crm.agent_create(db, "Shop clerk", "clerk@bookclub.example")
  local head_office = crm.agent_create(db, "Head office", "office@bookclub.example")
  local me = crm.customer_ensure(db, crm.IDENTITY_EXTERNAL, "BC-0042", "Mario Rossi")
  local contacts = {}
  local function record(spec)
    spec.customer = spec.customer or me
    spec.direction = crm.DIRECTION_INBOUND
    local ix = crm.interaction_record(db, spec)
    contacts[#contacts + 1] = ix
    return ix
  end
  local function case_of(ix) return crm.interaction_lookup(db, ix).case end

  local order = record { channel = crm.CHANNEL_LETTER, subject = "Order: catalogue 1" }
  now = now + 30 * DAY
  crm.identity_add(db, me, crm.IDENTITY_EMAIL, "mario.rossi@example.it")
  local mail1 = record { channel = crm.CHANNEL_EMAIL, subject = "Where is my order?",
    external_ref = "<m1@example.it>" }
  local complaint = case_of(mail1)
  crm.identity_add(db, me, crm.IDENTITY_PHONE, "+39 02 1234 5678")
  for _, outcome in ipairs { crm.OUTCOME_BUSY, crm.OUTCOME_BUSY, crm.OUTCOME_BUSY,
    crm.OUTCOME_ABANDONED, crm.OUTCOME_ABANDONED, crm.OUTCOME_ANSWERED } do
    now = now + HOUR
    record { channel = crm.CHANNEL_PHONE, outcome = outcome, case_id = complaint }
  end
  now = now + 2 * DAY
  crm.identity_add(db, me, crm.IDENTITY_EMAIL, "m.rossi@work.example")
  local capitals = record { channel = crm.CHANNEL_EMAIL, subject = "I WANT TO CANCEL",
    external_ref = "<m2@work.example>", in_reply_to = "<m1@example.it>" }
  for _, cc in ipairs { "lawyer@example.it", "wife@example.it", "consumer.office@example.it" } do
    crm.interaction_add_participant(db, capitals, crm.IDENTITY_EMAIL, cc, "cc")
  end
  -- the fax from an unknown number: a second customer, merged later
  now = now + DAY
  local twin, twin_created = crm.customer_ensure(db, crm.IDENTITY_PHONE, "02 9876 5432")
  local fax = record { customer = twin, channel = crm.CHANNEL_FAX, subject = "Fax: I WANT TO CANCEL" }
  now = now + DAY
  record { channel = crm.CHANNEL_IN_PERSON, outcome = crm.OUTCOME_ANSWERED, agent = clerk,
    case_id = complaint, subject = "Shop visit" }
  crm.case_set_status(db, complaint, crm.CASE_RESOLVED)
  now = now + 30 * DAY
  local cursor = crm.event_cursor_get(db, "catalogue-mailer")
  record { channel = crm.CHANNEL_PHONE, outcome = crm.OUTCOME_ANSWERED, agent = head_office,
    case_id = complaint, subject = "Third catalogue arrived" }
  db:transaction(function()
    crm.customer_merge(db, me, twin)
    crm.customer_set_preference(db, me, crm.CHANNEL_LETTER, "marketing", false)
  end)

  tap.test(backend .. ": every contact on every channel is an interaction of the customer",
    function(t)
      local channels, outcomes = {}, {}
      for _, id in ipairs(contacts) do
        local ix = crm.interaction_lookup(db, id)
        t.eq(ix.customer, me, "interaction " .. id .. " is his")
        channels[ix.channel] = (channels[ix.channel] or 0) + 1
        outcomes[ix.outcome] = (outcomes[ix.outcome] or 0) + 1
      end
      t.eq(channels[crm.CHANNEL_LETTER], 1, "the postal card")
      t.eq(channels[crm.CHANNEL_EMAIL], 2, "two e-mails")
      t.eq(channels[crm.CHANNEL_PHONE], 7, "seven calls")
      t.eq(channels[crm.CHANNEL_FAX], 1, "the fax")
      t.eq(channels[crm.CHANNEL_IN_PERSON], 1, "the shop visit")
      t.eq(outcomes[crm.OUTCOME_BUSY], 3, "busy three times")
      t.eq(outcomes[crm.OUTCOME_ABANDONED], 2, "hung up twice")
    end)

  tap.test(backend .. ": recognised by his identities; duplicates merged", function(t)
    for _, id in ipairs { { crm.IDENTITY_EXTERNAL, "BC-0042" },
      { crm.IDENTITY_EMAIL, "Mario.Rossi@Example.IT" }, { crm.IDENTITY_EMAIL, "m.rossi@work.example" },
      { crm.IDENTITY_PHONE, "02 1234 5678" }, { crm.IDENTITY_PHONE, "0039 02 9876 5432" } } do
      t.eq(crm.customer_find(db, id[1], id[2]), me, "found by " .. id[2])
    end
    t.eq(twin_created, true, "the fax made a second customer")
    local again, created = crm.customer_ensure(db, crm.IDENTITY_EMAIL, "mario.rossi@example.it")
    t.ok(again == me and not created, "a returning customer is not duplicated")
    local merged = story.events(db, "customer.merged")
    t.eq(#merged, 1, "one merge")
    t.eq(story.field(merged[1], "merged"), twin, "the twin merged into him")
  end)

  tap.test(backend .. ": no inbound message without a case", function(t)
    for _, id in ipairs(contacts) do t.ok(case_of(id) > 0, "interaction " .. id .. " has a case") end
    t.ok(case_of(order) ~= complaint, "the order and the complaint: two cases alike")
    t.eq(case_of(capitals), complaint, "the capitals e-mail threaded")
    t.eq(crm.case_lookup(db, complaint).inbound_count, 10, "ten contacts on the complaint")
    local mine = {}
    for k in crm.case_iterator_new(db, { customer = me }) do mine[k.id] = true end
    t.ok(mine[case_of(fax)], "the fax's case is his after the merge")
  end)

  tap.test(backend .. ": the cancellation reaches the mailing tool", function(t)
    local stop, last = 0, cursor
    for ev in crm.event_iterator_new(db, cursor) do
      last = ev.seq
      if ev.kind == "customer.preference" and ev.entity_id == me
          and story.field(ev, "channel") == "letter" and story.field(ev, "purpose") == "marketing"
          and story.field(ev, "allowed") == false then
        stop = stop + 1
      end
    end
    t.eq(stop, 1, "one customer.preference: no postal mailings")
    crm.event_cursor_set(db, "catalogue-mailer", last)
    t.eq(crm.event_cursor_get(db, "catalogue-mailer"), last, "the mailer's cursor moved")
    t.eq(crm.customer_may_contact(db, me, crm.CHANNEL_LETTER, "marketing"), false, "no catalogue")
    t.eq(crm.customer_may_contact(db, me, crm.CHANNEL_LETTER, "service"), true, "service letters")
  end)

  tap.test(backend .. ": head office starts from the previous episode", function(t)
    local k = crm.case_lookup(db, complaint)
    t.eq(k.status, crm.CASE_OPEN, "the call reopened the complaint")
    t.eq(k.reopen_count, 1, "reopen count")
    local seen, q, pages = {}, { customer = me, limit = 5 }, 0
    repeat
      local n = 0
      for ix in crm.timeline_iterator_new(db, q) do
        seen[#seen + 1] = ix.id
        q.before, q.before_id = ix.occurred_at, ix.id
        n = n + 1
      end
      pages = pages + 1
    until n < 5
    t.eq(pages, 3, "three pages of five")
    t.eq(#seen, #contacts, "every contact")
    local newest_first = true
    for i, id in ipairs(seen) do newest_first = newest_first and id == contacts[#contacts + 1 - i] end
    t.ok(newest_first, "newest first, across channels and cases")
  end)
  crm.close(db)
end)

tap.done()
