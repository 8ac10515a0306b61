-- The Lua binding of crm/sla.h: policies, timers and cycles, crm_tick's
-- warnings and breaches, replay views, the due iterator, stored calendars,
-- and their errors. Plain Lua 5.4 with TAP output.
local tap = require "tap"
local crm = require "crm"

local T0 = 1772442000 -- Monday 2026-03-02 09:00 UTC
local HOUR = 3600
local now = T0

local function fresh()
  now = T0
  local db = crm.open(":memory:", { clock = function() return now end })
  return db, crm.customer_create(db, "Mario")
end

local function timers(db, k, view)
  local out = {}
  for t in crm.sla_timer_iterator_new(db, k, view or crm.SLA_AS_REPORTED) do out[t.metric] = t end
  return out
end

tap.test("names and enums", function(t)
  t.eq(crm.sla_metric_name(crm.SLA_RESOLUTION), "resolution", "sla_metric_name")
  t.eq(crm.sla_segment_name(crm.SLA_SEGMENT_FULFIL), "fulfil", "sla_segment_name")
  local spec = crm.sla_policy_spec_init(crm.SLA_POLICY_SPEC_VERSION)
  t.eq(spec.version, crm.SLA_POLICY_SPEC_VERSION, "sla_policy_spec_init")
end)

tap.test("policies", function(t)
  local db = fresh()
  local p = crm.sla_policy_create(db, { name = "normal", first_response = 8 * HOUR,
    warn_percent = 75, pause_statuses = { crm.CASE_PENDING_CUSTOMER } })
  t.eq(crm.sla_policy_version(db, p), 1, "sla_policy_version")
  db:sla_policy_update(p, { name = "normal", first_response = 4 * HOUR })
  t.eq(db:sla_policy_version(p), 2, "sla_policy_update makes version 2")
  t.raises("InvalidInput", "warn_percent out of range", crm.sla_policy_create, db,
    { name = "bad", warn_percent = 101 })
  t.raises("NotFound", "unknown policy", crm.sla_policy_update, db, 999, { name = "x" })
end)

tap.test("timers, tick, cycles, replay", function(t)
  local db, c = fresh()
  local p = crm.sla_policy_create(db, { name = "24x7", first_response = 4 * HOUR,
    next_response = 2 * HOUR, resolution = 40 * HOUR, warn_percent = 50 })
  local k = db:case_open{ customer = c, subject = "line drops" }
  local fr = timers(db, k)[crm.SLA_FIRST_RESPONSE]
  t.eq(fr.due_at, T0 + 4 * HOUR, "first response due")
  t.eq(fr.case, k, "case")
  t.eq(fr.policy, p, "policy")
  local getters = { "id", "case", "metric", "cycle", "view", "policy", "policy_version",
    "calendar", "calendar_version", "target", "started_at", "due_at", "warned_at",
    "breached_at", "met_at", "stopped_at", "business_elapsed", "calendar_elapsed", "as_of",
    "paused", "open", "segment_count" }
  local fns = { crm.sla_timer_id, crm.sla_timer_case, crm.sla_timer_metric, crm.sla_timer_cycle,
    crm.sla_timer_view, crm.sla_timer_policy, crm.sla_timer_policy_version,
    crm.sla_timer_calendar, crm.sla_timer_calendar_version, crm.sla_timer_target,
    crm.sla_timer_started_at, crm.sla_timer_due_at, crm.sla_timer_warned_at,
    crm.sla_timer_breached_at, crm.sla_timer_met_at, crm.sla_timer_stopped_at,
    crm.sla_timer_business_elapsed, crm.sla_timer_calendar_elapsed, crm.sla_timer_as_of,
    crm.sla_timer_paused, crm.sla_timer_open, crm.sla_timer_segment_count }
  for i, name in ipairs(getters) do t.eq(fns[i](fr), fr[name], "sla_timer_" .. name) end
  t.eq(crm.sla_timer_segment_kind(fr, 0), crm.SLA_SEGMENT_ACTIVATE, "sla_timer_segment_kind")
  t.eq(crm.sla_timer_segment_at(fr, 0), T0, "sla_timer_segment_at")
  t.eq(crm.sla_timer_segment_business_elapsed(fr, 0), 0, "sla_timer_segment_business_elapsed")
  t.eq(crm.sla_timer_segment_calendar_elapsed(fr, 0), 0, "sla_timer_segment_calendar_elapsed")
  t.eq(crm.sla_timer_segment_due_at(fr, 0), T0 + 4 * HOUR, "sla_timer_segment_due_at")
  t.eq(crm.sla_timer_segment_calendar_version(fr, 0), 0, "sla_timer_segment_calendar_version")
  t.eq(crm.sla_timer_segment_policy_version(fr, 0), 1, "sla_timer_segment_policy_version")

  t.eq(crm.tick(db, T0 + 2 * HOUR), 1, "tick records the warning")
  t.eq(crm.tick(db, T0 + 2 * HOUR), 0, "once")
  t.eq(crm.tick(db, T0 + 5 * HOUR), 1, "tick records the breach")
  now = T0 + 6 * HOUR
  crm.interaction_record(db, { customer = c, case_id = k, channel = crm.CHANNEL_EMAIL,
    direction = crm.DIRECTION_OUTBOUND })
  now = now + HOUR
  crm.interaction_record(db, { customer = c, case_id = k, channel = crm.CHANNEL_EMAIL,
    direction = crm.DIRECTION_INBOUND })
  fr = timers(db, k)[crm.SLA_FIRST_RESPONSE]
  t.eq(fr.breached_at, T0 + 4 * HOUR, "breach at the due instant")
  t.eq(fr.met_at, T0 + 6 * HOUR, "met late")
  t.eq(timers(db, k)[crm.SLA_NEXT_RESPONSE].due_at, now + 2 * HOUR, "next response")
  local n = 0
  for _ in db:sla_cycle_iterator_new(k, crm.SLA_AS_REPORTED) do n = n + 1 end
  t.eq(n, 3, "sla_cycle_iterator_new: three cycles")
  n = 0
  for _ in crm.sla_due_iterator_new(db, T0 + 100 * HOUR) do n = n + 1 end
  t.eq(n, 2, "sla_due_iterator_new: two running timers")
  local it = crm.sla_timer_iterator_new(db, k, crm.SLA_RECOMPUTED)
  t.eq(crm.sla_timer_next(it).view, crm.SLA_RECOMPUTED, "sla_timer_next, recomputed view")
  t.raises("NotFound", "unknown case", crm.sla_timer_iterator_new, db, 999, crm.SLA_AS_REPORTED)
  t.raises("InvalidInput", "bad before", crm.sla_due_iterator_new, db, 0)
end)

tap.test("stored calendars", function(t)
  local db, c = fresh()
  local cal = crm.calendar_new("Europe/Rome")
  for d = 1, 5 do crm.calendar_add_hours(cal, d, 9 * 60, 18 * 60) end
  local ok, id = pcall(crm.calendar_save, db, "office", cal)
  if not ok and type(id) == "table" and id.name == "NotSupported" then
    print("# skip: " .. id.message)
    return
  end
  t.ok(ok, "calendar_save")
  t.eq(crm.calendar_version(db, id), 1, "calendar_version")
  t.eq(crm.calendar_load(db, id).timezone, "Europe/Rome", "calendar_load")
  local short = crm.calendar_new("Europe/Rome")
  crm.calendar_add_hours(short, 1, 9 * 60, 10 * 60)
  db:calendar_update(id, short)
  t.eq(db:calendar_version(id), 2, "calendar_update")
  t.ok(crm.calendar_is_open(crm.calendar_load_version(db, id, 1), T0 + 2 * HOUR),
    "calendar_load_version keeps version 1")
  crm.sla_policy_create(db, { name = "office", calendar = id, resolution = HOUR })
  local k = db:case_open{ customer = c, subject = "s" }
  t.eq(timers(db, k)[crm.SLA_RESOLUTION].calendar_version, 2, "timer on the stored calendar")
  t.raises("NotFound", "unknown calendar", crm.calendar_load, db, 999)
end)

tap.test("calendar JSON and stored definitions", function(t)
  local db = fresh()
  local text = '{"tz": "Europe/Rome", "hours": {"mon": [["09:00", "18:00"]]}, ' ..
    '"holidays": [["2026-12-25", "Natale"]], "_from": "a comment"}'
  local cal = crm.calendar_from_json(text)
  t.ok(crm.calendar_is_open(cal, T0 + 2 * HOUR), "calendar_from_json: open Monday 11:00")
  local out = crm.calendar_to_json(cal)
  t.ok(out:find('"mon":%[%["09:00","18:00"%]%]') ~= nil, "calendar_to_json: " .. out)
  t.eq(crm.calendar_to_json(crm.calendar_from_json(out)), out, "round trip")
  t.raises("InvalidInput", "unknown member", crm.calendar_from_json, '{"tz": "Etc/UTC", "x": 1}')
  local id = crm.calendar_save(db, "office", cal)
  t.eq(crm.calendar_name(db, id), "office", "calendar_name")
  t.eq(db:calendar_name(id), "office", "calendar_name method")
  t.raises("NotFound", "unknown calendar name", crm.calendar_name, db, 999)
  local p = crm.sla_policy_create(db, { name = "gold", order = 5, calendar = id,
    first_response = 4 * HOUR, priorities = { crm.PRIORITY_URGENT } })
  local def = crm.sla_policy_to_json(db, p, 0)
  t.ok(def:find('"name":"gold"') ~= nil, "sla_policy_to_json name: " .. def)
  t.ok(def:find('"priorities":%["urgent"%]') ~= nil, "sla_policy_to_json priorities")
  t.ok(def:find('"first_response":14400') ~= nil, "sla_policy_to_json targets")
  t.eq(db:sla_policy_to_json(p, 1), def, "version 1 is the current one")
  t.raises("NotFound", "unknown version", crm.sla_policy_to_json, db, p, 2)
end)

tap.done()
