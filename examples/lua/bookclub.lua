-- The book club: story S2 of libcrm's STORIES.md, played from Lua 5.4.
--
-- A man signs a two-year book-club contract, orders by postal card, e-mails,
-- calls six times, e-mails in capitals with three addresses in copy, faxes,
-- visits a shop (the clerk "resolves" it), gets a third catalogue, and only
-- head office cancels the contract. libcrm records every contact for the one
-- customer, files every inbound contact into a case, reopens the resolved
-- case, and turns "no more postal mailings" into a preference with an event.
--
-- Run: LUA_CPATH='<build>/bindings/?.so' lua5.4 bookclub.lua [DATABASE]
-- The clock is injected (ten weeks in a second); times are UTC.
local crm = require "crm"

local clock
local function at(when) -- "YYYY-MM-DD HH:MM", UTC
  local y, m, d, hh, mm = when:match("(%d+)-(%d+)-(%d+) (%d+):(%d+)")
  -- days since the epoch (civil from days, proleptic Gregorian)
  y, m = tonumber(y), tonumber(m)
  if m <= 2 then y = y - 1 end
  local era = y // 400
  local yoe = y - era * 400
  local doy = (153 * ((m + 9) % 12) + 2) // 5 + tonumber(d) - 1
  local doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
  clock = ((era * 146097 + doe - 719468) * 24 + tonumber(hh)) * 3600 + tonumber(mm) * 60
end
local DAY = 86400

at("2025-09-01 07:00")
local db = crm.open(arg[1] or ":memory:", { clock = function() return clock end,
  default_phone_region = "IT" })

-- the book club sets up its customer service
crm.setting_set(db, "reopen_window", tostring(45 * DAY))
local queue = crm.queue_create(db, "Customer service")
local clerk = crm.agent_create(db, "Shop clerk, Milano Centrale", "clerk.milano@bookclub.example")
local head_office = crm.agent_create(db, "Head office", "direzione@bookclub.example")
crm.agent_join(db, clerk, queue, crm.ROLE_AGENT)
crm.agent_join(db, head_office, queue, crm.ROLE_SUPERVISOR)

print("A man signs a two-year contract in the street: member BC-0042.")
local me = crm.customer_ensure(db, crm.IDENTITY_EXTERNAL, "BC-0042", "Mario Rossi")
crm.identity_add(db, me, crm.IDENTITY_EMAIL, "mario.rossi@example.it")
crm.identity_add(db, me, crm.IDENTITY_EMAIL, "M.Rossi@Studio-Rossi.example")
crm.identity_add(db, me, crm.IDENTITY_PHONE, "02 1234 5678") -- national: +39...
for identity in crm.identity_iterator_new(db, me) do
  print(string.format("    identity %-8s %s", crm.identity_kind_name(identity.kind), identity.value))
end

local function record(spec)
  spec.customer = me
  return crm.interaction_record(db, spec)
end
local function case_of(interaction) return crm.interaction_lookup(db, interaction).case end
local function current_case() -- his newest case still being worked on
  local newest
  for k in db:case_iterator_new { customer = me, status_mask = { crm.CASE_NEW, crm.CASE_OPEN,
    crm.CASE_PENDING_CUSTOMER, crm.CASE_PENDING_THIRD_PARTY } } do
    newest = k.id
  end
  return newest
end
local function set_status(case_id, status) -- guarded by the version we read
  crm.case_set_status(db, case_id, status, crm.case_lookup(db, case_id).version)
end
local function recognise(kind, value)
  local who = crm.customer_find(db, kind, value)
  print(string.format("    %s '%s' -> customer #%d", crm.identity_kind_name(kind), value, who))
  assert(who == me, "a different customer!")
end
local function print_case(case_id)
  local k = crm.case_lookup(db, case_id)
  print(string.format('    case #%d "%s": %s, %d inbound contacts, %d reopen(s), %d transfer(s)',
    k.id, k.subject, crm.case_status_name(k.status), k.inbound_count, k.reopen_count,
    k.transfer_count))
end

print("He orders three books from the first catalogue by postal card.")
local letter = record { channel = crm.CHANNEL_LETTER, direction = crm.DIRECTION_INBOUND,
  occurred_at = clock - 4 * DAY, subject = "Order: catalogue 1, three books",
  body = "Order card: items 12, 31, 47. Member BC-0042." }
local order_case = case_of(letter)
crm.case_assign(db, order_case, queue, 0)
print(string.format("    letter #%d filed into case #%d", letter, order_case))

at("2025-09-22 07:30")
print("Three weeks: no books, but the next catalogue. He writes an e-mail.")
recognise(crm.IDENTITY_EMAIL, "Mario.Rossi@example.it")
local first_mail = record { channel = crm.CHANNEL_EMAIL, direction = crm.DIRECTION_INBOUND,
  subject = "Order of 1 September not received",
  body = "I ordered three books a month ago. Where are they?",
  external_ref = "<20250922.0930.1@example.it>" }
local complaint = case_of(first_mail)
crm.case_assign(db, complaint, queue, 0)

print("Three days without an answer. He calls the toll-free number six times.")
at("2025-09-25 07:00")
recognise(crm.IDENTITY_PHONE, "+39 02 1234 5678")
local calls = {
  { "2025-09-25 07:00", crm.OUTCOME_BUSY },
  { "2025-09-25 07:05", crm.OUTCOME_BUSY },
  { "2025-09-25 07:12", crm.OUTCOME_BUSY },
  { "2025-09-25 07:40", crm.OUTCOME_ANSWERED, "840", "After 14 minutes of music." },
  { "2025-09-25 10:15", crm.OUTCOME_ABANDONED, "1200", "Hung up after 20 minutes." },
  { "2025-09-26 08:00", crm.OUTCOME_ANSWERED, "600", "Told to write an e-mail." },
}
for n, c in ipairs(calls) do
  at(c[1])
  local call = record { case_id = current_case(), channel = crm.CHANNEL_PHONE,
    direction = crm.DIRECTION_INBOUND, outcome = c[2], subject = "Call to the toll-free number",
    body = c[4], external_ref = "call-" .. n }
  if c[3] then crm.interaction_set_attribute(db, call, "hold_seconds", c[3]) end
  print(string.format("    call #%d: %s", call, crm.outcome_name(c[2])))
end

at("2025-09-27 20:10")
print("He e-mails again, in capitals, from his office, three addresses in copy.")
recognise(crm.IDENTITY_EMAIL, "m.rossi@studio-rossi.example")
local capitals_ref = "<20250927.2210.7@studio-rossi.example>"
local capitals = record { channel = crm.CHANNEL_EMAIL, direction = crm.DIRECTION_INBOUND,
  subject = "RE: ORDER OF 1 SEPTEMBER NOT RECEIVED", body = "I WANT MY BOOKS OR I CANCEL.",
  external_ref = capitals_ref, in_reply_to = "<20250922.0930.1@example.it>" }
for _, cc in ipairs { "reclami@bookclub.example", "info@consumatori.example",
  "avv.bianchi@studio-legale.example" } do
  crm.interaction_add_participant(db, capitals, crm.IDENTITY_EMAIL, cc, "cc")
end
assert(case_of(capitals) == complaint, "threaded by in_reply_to")

at("2025-09-29 09:00")
print("He faxes the printed e-mail, then goes to a shop.")
record { case_id = current_case(), channel = crm.CHANNEL_FAX, direction = crm.DIRECTION_INBOUND,
  subject = "Printed copy of my e-mail of 27 September", external_ref = "fax-0929-0017" }
at("2025-10-02 15:30")
crm.case_assign(db, complaint, queue, clerk)
record { case_id = complaint, channel = crm.CHANNEL_IN_PERSON, direction = crm.DIRECTION_INBOUND,
  outcome = crm.OUTCOME_ANSWERED, agent = clerk, subject = "Visit to the Milano Centrale shop",
  body = "Customer wants to cancel the contract." }
at("2025-10-02 15:45")
record { case_id = complaint, channel = crm.CHANNEL_NOTE, direction = crm.DIRECTION_INTERNAL,
  agent = clerk, body = "Promised to have the contract cancelled." }
print("The clerk promises to cancel the contract and resolves the case.")
set_status(complaint, crm.CASE_RESOLVED)
print_case(complaint)

at("2025-11-03 08:00")
print("A month later a third catalogue arrives. He writes again.")
local again = record { channel = crm.CHANNEL_EMAIL, direction = crm.DIRECTION_INBOUND,
  subject = "Re: ORDER OF 1 SEPTEMBER NOT RECEIVED", body = "Another catalogue.",
  external_ref = "<20251103.0800.2@example.it>", in_reply_to = capitals_ref }
assert(case_of(again) == complaint)
print_case(complaint)
assert(crm.case_lookup(db, complaint).reopen_count == 1, "reopened")

at("2025-11-04 09:10")
print("He calls head office: an apology, and the contract is cancelled.")
crm.case_assign(db, complaint, queue, head_office)
db:transaction(function()
  record { case_id = complaint, channel = crm.CHANNEL_PHONE, direction = crm.DIRECTION_INBOUND,
    outcome = crm.OUTCOME_ANSWERED, agent = head_office, subject = "Call to head office",
    body = "Apologised. Contract cancelled.", external_ref = "call-1104-0042" }
  crm.customer_set_preference(db, me, crm.CHANNEL_LETTER, "marketing", false)
  crm.customer_update(db, me, { status = crm.CUSTOMER_INACTIVE })
end)
at("2025-11-11 10:00")
print("A week later: written confirmation of the cancellation.")
record { case_id = complaint, channel = crm.CHANNEL_LETTER, direction = crm.DIRECTION_OUTBOUND,
  agent = head_office, subject = "Confirmation: contract BC-0042 cancelled" }
set_status(complaint, crm.CASE_RESOLVED)
set_status(order_case, crm.CASE_RESOLVED)
print_case(order_case)
print_case(complaint)
local allowed = crm.customer_may_contact(db, me, crm.CHANNEL_LETTER, "marketing")
print("    may we post him a catalogue? " .. (allowed and "yes" or "no"))
assert(not allowed)

print(string.format("\nTimeline of customer #%d, newest first (UTC):", me))
local contacts = 0
for ix in crm.timeline_iterator_new(db, { customer = me }) do
  print(string.format("  %s  %-9s  %-9s  %-9s  %-5s  %s", os.date("!%Y-%m-%d %H:%M", ix.occurred_at),
    crm.channel_name(ix.channel), crm.direction_name(ix.direction),
    ix.outcome ~= 0 and crm.outcome_name(ix.outcome) or "-",
    ix.case ~= 0 and ("#" .. ix.case) or "-", ix.subject or "-"))
  assert(ix.case ~= 0 or ix.direction ~= crm.DIRECTION_INBOUND, "an inbound contact without a case")
  contacts = contacts + 1
end
assert(contacts == 15, contacts)

-- the mailing tool reads the feed after its cursor
local seq = crm.event_cursor_get(db, "catalogue-mailer")
local stopped = false
for ev in crm.event_iterator_new(db, seq) do
  if ev.kind == "customer.preference" then
    print(string.format("\nThe mailing tool reads event #%d: %s", ev.seq, ev.payload))
    stopped = true
  end
  seq = ev.seq
end
crm.event_cursor_set(db, "catalogue-mailer", seq)
assert(stopped)
crm.close(db)
