-- Roles and per-queue permissions from Lua: a handle opened with an actor
-- raises an error table with code CRM_EPERM for what the agent may not
-- do, and its iterators skip what the agent may not see. Plain Lua 5.4, TAP.
local tap = require "tap"
local crm = require "crm"

local function fixture()
  local uri = "sqlite:" .. os.tmpname()
  local db = crm.open(uri)
  local f = { uri = uri, db = db }
  f.billing = crm.queue_create(db, "Billing")
  f.elsewhere = crm.queue_create(db, "Elsewhere")
  f.outsider = crm.agent_create(db, "Olga")
  crm.agent_join(db, f.outsider, f.elsewhere, crm.ROLE_AGENT)
  f.agent = crm.agent_create(db, "Ann")
  crm.agent_join(db, f.agent, f.billing, crm.ROLE_AGENT)
  f.customer = crm.customer_ensure(db, crm.IDENTITY_EMAIL, "mario@example.it")
  f.case = crm.case_open(db, { customer = f.customer, subject = "No dial tone", queue = f.billing })
  return f
end

local function count(it)
  local n = 0
  for _ in it do n = n + 1 end
  return n
end

tap.test("an outsider gets CRM_EPERM", function(t)
  local f = fixture()
  local db = crm.open(f.uri, { actor = f.outsider })
  t.eq(crm.actor(db), f.outsider, "actor")
  local ok, err = pcall(crm.case_lookup, db, f.case)
  t.ok(not ok and type(err) == "table", "refused with an error table")
  t.eq(err.code, crm.EPERM, "code CRM_EPERM")
  t.eq(err.name, "PermissionDenied", "name")
  t.ok(tostring(err.message):find("queue " .. f.billing .. " (Billing)", 1, true) ~= nil,
    "the message names the queue")
  t.raises("PermissionDenied", "admin only", crm.setting_set, db, "reopen_window", "60")
  t.eq(count(crm.case_iterator_new(db)), 0, "iterators filter")
  crm.close(db)
  crm.close(f.db)
end)

tap.test("a member may", function(t)
  local f = fixture()
  local db = crm.open(f.uri, { actor = f.agent })
  t.eq(crm.case_lookup(db, f.case).id, f.case, "case_lookup")
  t.eq(count(crm.case_iterator_new(db)), 1, "sees the queue's case")
  t.raises("PermissionDenied", "supervisors only", crm.case_set_priority, db, f.case,
    crm.PRIORITY_HIGH, 0)
  t.raises("NotFound", "unknown actor", crm.open, f.uri, { actor = 999 })
  crm.close(db)
  crm.close(f.db)
end)

tap.done()
