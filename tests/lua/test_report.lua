-- The Lua binding of crm/report.h: a small data set on a 24x7 SLA policy,
-- the groupings, the rows (iterator and getters), JSON, permissions and
-- argument errors. Plain Lua 5.4 with TAP output.
local tap = require "tap"
local crm = require "crm"

local T0 = 1750000000 -- a Sunday
local DAY = 86400
local now = T0

local function contact(db, cust, case, at, channel, direction, agent, outcome)
  now = at
  if outcome == nil then
    outcome = (channel == crm.CHANNEL_PHONE or channel == crm.CHANNEL_IVR)
      and crm.OUTCOME_ANSWERED or crm.OUTCOME_NONE
  end
  return db:interaction_record{ customer = cust, case_id = case, channel = channel,
    direction = direction, outcome = outcome, occurred_at = at, agent = agent or 0 }
end

-- K1: e-mail at T0, reply +600, resolved +1200, CSAT 4 (first-contact
-- resolution); K2: call at +100 in network, transferred to billing,
-- abandoned IVR call at depth 2, reply at +3000, stays open.
local function fresh()
  now = T0
  local path = os.tmpname()
  local db = crm.open("sqlite:" .. path, { clock = function() return now end })
  local f = { db = db, path = path }
  f.q1 = crm.queue_create(db, "billing")
  f.q2 = crm.queue_create(db, "network")
  f.anna = crm.agent_create(db, "Anna", "anna@example.com")
  f.boss = crm.agent_create(db, "Boss", "boss@example.com")
  crm.agent_join(db, f.anna, f.q1, crm.ROLE_AGENT)
  crm.agent_join(db, f.boss, f.q1, crm.ROLE_SUPERVISOR)
  crm.sla_policy_create(db, { name = "all", first_response = 3600, resolution = DAY })
  local cust = crm.customer_ensure(db, crm.IDENTITY_EMAIL, "c@example.com")
  local k1 = db:case_open{ customer = cust, subject = "invoice", queue = f.q1, assignee = f.anna }
  contact(db, cust, k1, T0, crm.CHANNEL_EMAIL, crm.DIRECTION_INBOUND)
  contact(db, cust, k1, T0 + 600, crm.CHANNEL_EMAIL, crm.DIRECTION_OUTBOUND, f.anna)
  now = T0 + 1200
  crm.case_set_status(db, k1, crm.CASE_RESOLVED)
  crm.case_set_csat(db, k1, 4, "ok")
  now = T0 + 100
  local k2 = db:case_open{ customer = cust, subject = "line", queue = f.q2 }
  contact(db, cust, k2, T0 + 100, crm.CHANNEL_PHONE, crm.DIRECTION_INBOUND)
  now = T0 + 200
  crm.case_assign(db, k2, f.q1, 0)
  local ivr = contact(db, cust, k2, T0 + 300, crm.CHANNEL_IVR, crm.DIRECTION_INBOUND, 0,
    crm.OUTCOME_ABANDONED)
  crm.interaction_set_attribute(db, ivr, "ivr_depth", "2")
  contact(db, cust, k2, T0 + 3000, crm.CHANNEL_PHONE, crm.DIRECTION_OUTBOUND, f.anna)
  now = T0 + DAY
  return f
end

local function done(f)
  crm.close(f.db)
  os.remove(f.path)
  os.remove(f.path .. "-wal")
  os.remove(f.path .. "-shm")
end

local function rows(db, group)
  local report = crm.report_run(db, { from = T0, to = T0 + DAY, group_by = group or 0 })
  local list = {}
  for row in crm.report_row_iterator_new(report) do list[#list + 1] = row end
  return list, report
end

tap.test("the total", function(t)
  local f = fresh()
  local list, report = rows(f.db)
  t.eq(crm.report_from(report), T0, "report_from")
  t.eq(crm.report_to(report), T0 + DAY, "report_to")
  t.eq(crm.report_group_by(report), crm.REPORT_BY_NONE, "report_group_by")
  t.eq(crm.report_row_count(report), 1, "report_row_count")
  local row = list[1]
  t.eq(crm.report_row_group(row), crm.REPORT_BY_NONE, "report_row_group")
  t.eq(crm.report_row_key(row), 0, "report_row_key")
  t.eq(crm.report_row_label(row), "total", "report_row_label")
  t.eq(crm.report_row_contacts_in(row), 3, "in: K1, K2 and the IVR call")
  t.eq(crm.report_row_contacts_out(row), 2, "out: the two replies")
  t.eq(crm.report_row_abandoned(row), 1, "report_row_abandoned")
  t.eq(crm.report_row_abandoned_at_depth(row, 2), 1, "report_row_abandoned_at_depth")
  t.eq(row:abandoned_at_depth(0), 0, "abandoned_at_depth as a method")
  t.eq(crm.report_row_max_depth(row), 2, "report_row_max_depth")
  t.eq(crm.report_row_cases(row), 2, "report_row_cases")
  t.eq(crm.report_row_resolved(row), 1, "report_row_resolved")
  t.eq(crm.report_row_fcr(row), 1, "report_row_fcr")
  t.eq(crm.report_row_fcr_rate(row), 1.0, "report_row_fcr_rate")
  t.eq(crm.report_row_reopened(row), 0, "report_row_reopened")
  t.eq(crm.report_row_reopen_rate(row), 0.0, "report_row_reopen_rate")
  t.eq(crm.report_row_transfers(row), 1, "report_row_transfers")
  t.eq(crm.report_row_transfers_per_case(row), 0.5, "report_row_transfers_per_case")
  t.eq(crm.report_row_csat_count(row), 1, "report_row_csat_count")
  t.eq(crm.report_row_csat_average(row), 4.0, "report_row_csat_average")
  t.eq(crm.report_row_csat_score(row, 4), 1, "report_row_csat_score")
  t.eq(crm.report_row_backlog(row), 1, "report_row_backlog: K2")
  local fr = crm.SLA_FIRST_RESPONSE
  t.eq(crm.report_row_time(row, fr, crm.REPORT_TIME_COUNT), 2, "first responses timed")
  t.eq(crm.report_row_time(row, fr, crm.REPORT_TIME_MEDIAN_BUSINESS), 600, "median: rank 1")
  t.eq(row:time(fr, crm.REPORT_TIME_P90_CALENDAR), 2900, "p90: rank 2")
  t.eq(crm.report_row_sla_met(row, fr), 2, "report_row_sla_met")
  t.eq(crm.report_row_sla_breached(row, fr), 0, "report_row_sla_breached")
  t.eq(crm.report_row_sla_rate(row, fr), 1.0, "report_row_sla_rate")
  t.eq(row.cases, 2, "getters as fields")
  local it = crm.report_row_iterator_new(report)
  t.eq(crm.report_row_key(crm.report_row_next(it)), 0, "report_row_next")
  t.eq(crm.report_row_next(it), nil, "report_row_next: the end")
  done(f)
end)

tap.test("groupings and JSON", function(t)
  local f = fresh()
  local by_queue = rows(f.db, crm.REPORT_BY_QUEUE)
  t.eq(#by_queue, 1, "both cases are in billing now")
  t.eq(by_queue[1].label, "billing", "queue label")
  local by_channel = rows(f.db, crm.REPORT_BY_CHANNEL)
  t.eq(#by_channel, 3, "email, phone, ivr")
  t.eq(by_channel[3].label, "ivr", "the IVR row")
  t.eq(by_channel[3].abandoned, 1, "abandoned on the IVR")
  local by_agent = rows(f.db, crm.REPORT_BY_AGENT)
  t.eq(by_agent[2].label, "Anna", "agent label")
  t.eq(#rows(f.db, crm.REPORT_BY_PRIORITY), 1, "one priority")
  local by_day = rows(f.db, crm.ReportGroup.DAY)
  t.eq(by_day[1].label, "2025-06-15", "first day")
  t.eq(by_day[2].label, "2025-06-16", "second day")
  t.eq(crm.report_group_name(crm.REPORT_BY_QUEUE), "queue", "report_group_name")
  local report = f.db:report_run{ from = T0, to = T0 + DAY }
  local json = crm.report_json(report)
  t.ok(json:find('"abandoned_by_ivr_depth":{"2":1}', 1, true), "report_json: depths")
  t.ok(json:find('"group_by":"none"', 1, true), "report_json: group")
  done(f)
end)

tap.test("permissions and errors", function(t)
  local f = fresh()
  local boss = crm.open("sqlite:" .. f.path, { actor = f.boss, clock = function() return now end })
  t.eq(rows(boss)[1].cases, 2, "a supervisor sees his queue's cases")
  crm.close(boss)
  local anna = crm.open("sqlite:" .. f.path, { actor = f.anna, clock = function() return now end })
  t.raises("PermissionDenied", "an agent may not", crm.report_run, anna, { from = T0, to = T0 + 1 })
  crm.close(anna)
  local spec = crm.report_spec_init(crm.REPORT_SPEC_VERSION)
  t.eq(spec.group_by, 0, "report_spec_init")
  t.raises("InvalidInput", "bad spec version", crm.report_spec_init, 9)
  t.raises("InvalidInput", "empty range", crm.report_run, f.db, { from = T0, to = T0 })
  t.raises("InvalidInput", "bad group", crm.report_run, f.db, { from = T0, to = T0 + 1,
    group_by = 9 })
  t.raises("InvalidInput", "bad zone", crm.report_run, f.db, { from = T0, to = T0 + 1,
    group_by = crm.REPORT_BY_DAY, timezone = "Nowhere/Town" })
  done(f)
end)

tap.done()
