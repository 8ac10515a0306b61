-- The Lua binding of crm/incident.h: attach, scope, match, update, resolve
-- (story S3 in small), and their errors. Plain Lua 5.4 with TAP output.
local tap = require "tap"
local crm = require "crm"

local T0 = 1750000000
local now = T0

local function fresh()
  now = T0
  local db = crm.open(":memory:", { clock = function() return now end })
  local noc = crm.customer_ensure(db, crm.IDENTITY_EMAIL, "noc@isp.example")
  local incident = db:case_open{ customer = noc, subject = "Fibre cut", kind = crm.CASE_INCIDENT }
  return db, noc, incident
end

local function affected(db, email, area)
  local c = crm.customer_ensure(db, crm.IDENTITY_EMAIL, email)
  crm.customer_set_attribute(db, c, "area_code", area or "06-58")
  return c, db:case_open{ customer = c, subject = "No line" }
end

local function count_updates(db, after)
  local n = 0
  for e in crm.event_iterator_new(db, after) do
    if e.kind == "incident.update" then n = n + 1 end
  end
  return n
end

local function last_seq(db)
  local seq = 0
  for e in crm.event_iterator_new(db) do seq = e.seq end
  return seq
end

tap.test("the outage story", function(t)
  local db, _, incident = fresh()
  crm.incident_set_scope(db, incident, "area_code", "06-58")
  t.eq(crm.incident_scope_get(db, incident, "area_code"), "06-58", "incident_scope_get")
  local cases = {}
  for i = 1, 4 do
    local _, k = affected(db, "s" .. i .. "@example.it")
    db:incident_attach(incident, k)
    cases[#cases + 1] = k
  end
  local caller = affected(db, "caller@example.it")
  local seen = {}
  for k in crm.incident_match(db, caller) do seen[#seen + 1] = k.id end
  t.eq(#seen, 1, "incident_match finds the outage")
  t.eq(seen[1], incident, "the incident itself")
  local far = affected(db, "far@example.it", "02-11")
  t.eq(crm.incident_next(db:incident_match(far)), nil, "nothing elsewhere")

  local seq = last_seq(db)
  crm.incident_update(db, incident, "Technicians on site.")
  t.eq(count_updates(db, seq), 4, "incident_update: one event per affected customer")

  seq = last_seq(db)
  now = now + 3600
  local n = crm.incident_resolve(db, incident, "Service restored.")
  t.eq(n, 4, "incident_resolve counts the linked cases")
  for _, k in ipairs(cases) do
    t.eq(crm.case_lookup(db, k).status, crm.CASE_RESOLVED, "case " .. k .. " resolved")
  end
  t.eq(count_updates(db, seq), 4, "resolve: one event per affected customer")
  crm.close(db)
end)

tap.test("errors", function(t)
  local db, noc, incident = fresh()
  local request = db:case_open{ customer = noc, subject = "A question" }
  crm.incident_set_scope(db, incident, "product", "fibra")
  crm.incident_set_scope(db, incident, "product", nil)
  t.raises("NotFound", "removed scope entry", crm.incident_scope_get, db, incident, "product")
  t.raises("InvalidInput", "scope on a request", crm.incident_set_scope, db, request, "k", "v")
  t.raises("NotFound", "attach to an unknown incident", crm.incident_attach, db, 9999, request)
  t.raises("InvalidInput", "attach to itself", crm.incident_attach, db, incident, incident)
  t.raises("NotFound", "match an unknown customer", crm.incident_match, db, 9999)
  t.raises("InvalidInput", "empty note", crm.incident_update, db, incident, "")
  crm.incident_resolve(db, incident, "Done.")
  t.raises("InvalidInput", "resolve twice", crm.incident_resolve, db, incident, "Again.")
  crm.close(db)
end)

tap.done()
