-- The customer lifecycle from Lua: preferences with provenance,
-- duplicates, merge and unmerge, export, erasure. Plain Lua 5.4, TAP.
local tap = require "tap"
local crm = require "crm"

local now = 1750000000

local function fresh()
  return crm.open(":memory:", { clock = function() return now end })
end

local function customer(db, email)
  local id = crm.customer_ensure(db, crm.IDENTITY_EMAIL, email)
  return id
end

local function collect(it)
  local all = {}
  for x in it do all[#all + 1] = x end
  return all
end

tap.test("preferences with their source", function(t)
  local db = fresh()
  local c = customer(db, "mario@example.it")
  crm.customer_set_preference_ext(db, c, crm.CHANNEL_LETTER, "marketing", false, "phone call")
  db:customer_set_preference_ext(c, crm.CHANNEL_SMS, "service", true)
  local prefs = collect(crm.preference_iterator_new(db, c))
  t.eq(#prefs, 2, "two preferences")
  local letter = prefs[2]
  t.eq(crm.preference_channel(letter), crm.CHANNEL_LETTER, "preference_channel")
  t.eq(crm.preference_purpose(letter), "marketing", "preference_purpose")
  t.eq(crm.preference_allowed(letter), false, "preference_allowed")
  t.eq(crm.preference_source(letter), "phone call", "preference_source")
  t.eq(crm.preference_updated_at(letter), now, "preference_updated_at")
  t.eq(prefs[1].source, nil, "no source recorded")
  local it = db:preference_iterator_new(c)
  t.ok(crm.preference_next(it) ~= nil, "preference_next")
  t.raises("NotFound", "unknown customer", crm.preference_iterator_new, db, 999)
  crm.close(db)
end)

tap.test("duplicates", function(t)
  local db = fresh()
  local a = customer(db, "mario.rossi@gmail.com")
  local b = customer(db, "mariorossi+shop@googlemail.com")
  local dups = collect(db:customer_duplicates(a))
  t.eq(#dups, 1, "one likely duplicate")
  local d = dups[1]
  t.eq(crm.duplicate_customer(d), b, "duplicate_customer")
  t.eq(crm.duplicate_reason(d), crm.DUPLICATE_EMAIL_ALIAS, "duplicate_reason")
  t.eq(crm.duplicate_reasons(d), 1 << crm.DUPLICATE_EMAIL_ALIAS, "duplicate_reasons")
  t.eq(crm.duplicate_score(d), d.score, "duplicate_score")
  t.eq(crm.duplicate_reason_name(crm.DuplicateReason.POSTAL), "postal", "duplicate_reason_name")
  local it = crm.customer_duplicates(db, b)
  t.eq(crm.duplicate_next(it).customer, a, "duplicate_next")
  t.eq(crm.duplicate_next(it), nil, "the end")
  crm.close(db)
end)

tap.test("merge, unmerge, export", function(t)
  local db = fresh()
  local a = customer(db, "a@example.it")
  local b = customer(db, "b@example.it")
  crm.customer_set_attribute(db, b, "member", "M-1")
  local before = crm.customer_export(db, b)
  t.ok(before:find('"libcrm.customer-export"', 1, true), "customer_export")
  crm.customer_merge(db, a, b)
  local c = crm.customer_lookup(db, b)
  t.eq(c.id, a, "the merged id resolves to the survivor")
  t.eq(crm.customer_resolved_from(c), b, "customer_resolved_from")
  t.raises("InvalidInput", "merged twice", crm.customer_merge, db, a, b)
  db:customer_unmerge(b)
  t.raises("InvalidInput", "not merged", crm.customer_unmerge, db, b)
  local after = db:customer_export_ext(b, { attachment_content = 1 })
  t.ok(after:find('"M-1"', 1, true), "customer_export_ext")
  local opts = crm.customer_export_options_init(crm.CUSTOMER_EXPORT_OPTIONS_VERSION)
  t.eq(opts.attachment_content, 0, "customer_export_options_init")
  crm.close(db)
end)

tap.test("erase", function(t)
  local db = fresh()
  local c = customer(db, "mario.rossi@example.it")
  crm.customer_erase(db, c, "GDPR request 1")
  t.eq(crm.customer_lookup(db, c).status, crm.CUSTOMER_ERASED, "customer_erase")
  crm.db_compact(db)
  db:db_compact()
  t.raises("InvalidInput", "an empty reason", crm.customer_erase, db, c, "")
  crm.close(db)
end)

tap.done()
