-- Story S3, the outage (../shared/stories/STORIES.md), from Lua with the
-- injected clock: each test is one "What libcrm must do" line, on SQLite
-- in memory and in a file. The times and figures are those of
-- tests/stories/test_s3_outage.c (Tuesday 10 November 2026, Rome, CET).
-- Plain Lua 5.4 with TAP output.
local tap = require "tap"
local crm = require "crm"
local story = require "story"

local MINUTE, HOUR = story.MINUTE, story.HOUR
local AFFECTED = 500
local CABINET = "ROMA-TRA-07"
local CAUSE = "Fibre cut by road works at cabinet " .. CABINET
local function at(h, m, s) return story.rome_cet(2026, 11, 10, h, m) + (s or 0) end

story.on_every_backend(function(uri, backend)
  local now = story.rome_cet(2026, 10, 26, 9, 0)
  local db = crm.open(uri, { clock = function() return now end })
  -- weeks before: service levels per kind and priority (24x7)
  local outage_policy = crm.sla_policy_create(db, { name = "Outage updates", order = 10,
    kinds = { crm.CASE_INCIDENT }, periodic_update = 30 * MINUTE, warn_percent = 75 })
  local high_policy = crm.sla_policy_create(db, { name = "High priority", order = 20,
    kinds = { crm.CASE_REQUEST }, priorities = { crm.PRIORITY_HIGH, crm.PRIORITY_URGENT },
    first_response = HOUR, resolution = 8 * HOUR })
  local normal_policy = crm.sla_policy_create(db, { name = "Normal", order = 30,
    kinds = { crm.CASE_REQUEST }, first_response = 8 * HOUR, resolution = 40 * HOUR })
  local noc = crm.customer_create(db, "Network operations")
  local customers, cases = {}, {}
  for i = 1, AFFECTED do
    customers[i] = crm.customer_ensure(db, crm.IDENTITY_EMAIL,
      string.format("subscriber%03d@example.it", i))
    crm.customer_set_attribute(db, customers[i], "cabinet", CABINET)
  end
  local elsewhere = crm.customer_ensure(db, crm.IDENTITY_EMAIL, "far@example.it")
  crm.customer_set_attribute(db, elsewhere, "cabinet", "ROMA-OST-02")

  now = at(2, 15)
  local incident = db:case_open{ customer = noc, subject = CAUSE, kind = crm.CASE_INCIDENT,
    priority = crm.PRIORITY_URGENT }
  crm.incident_set_scope(db, incident, "cabinet", CABINET)
  crm.case_set_status(db, incident, crm.CASE_OPEN)
  now = at(2, 16)
  for i = 1, AFFECTED do
    cases[i] = db:case_open{ customer = customers[i], subject = "No line: outage " .. CABINET,
      priority = crm.PRIORITY_HIGH }
    crm.incident_attach(db, incident, cases[i])
  end
  now = at(2, 40)
  crm.incident_update(db, incident, "Fibre cut located; a crew is on its way.")
  local warn = at(3, 2, 30)
  local fired = { crm.tick(db, warn - 1), crm.tick(db, warn), crm.tick(db, at(3, 10) - 1),
    crm.tick(db, at(3, 10)) }
  local later = 0
  for t = at(3, 15), at(7, 45), 15 * MINUTE do later = later + crm.tick(db, t) end

  tap.test(backend .. ": an incident links the many customer cases it causes", function(t)
    t.eq(crm.case_lookup(db, incident).kind, crm.CASE_INCIDENT, "a case of kind incident")
    local n, all_caused_by = 0, true
    for l in crm.link_iterator_new(db, incident) do
      n = n + 1
      all_caused_by = all_caused_by and l.from == cases[n] and l.kind == crm.LINK_CAUSED_BY
        and l.to == incident
    end
    t.eq(n, AFFECTED, "500 linked cases")
    t.ok(all_caused_by, "each caused_by the incident")
    t.eq(crm.incident_scope_get(db, incident, "cabinet"), CABINET, "its scope")
  end)

  tap.test(backend .. ": the caller is matched and sees status and cause", function(t)
    now = at(7, 50)
    local caller = crm.customer_find(db, crm.IDENTITY_EMAIL, "subscriber042@example.it")
    local matched = {}
    for k in crm.incident_match(db, caller) do matched[#matched + 1] = k end
    t.eq(#matched, 1, "one open incident covers him")
    t.eq(matched[1].id, incident, "the outage")
    t.eq(matched[1].status, crm.CASE_OPEN, "its status")
    t.eq(matched[1].subject, CAUSE, "its cause")
    local latest = crm.timeline_next(crm.timeline_iterator_new(db, { case_id = incident, limit = 1 }))
    t.eq(latest.body, "Fibre cut located; a crew is on its way.", "its latest update")
    t.eq(crm.incident_next(crm.incident_match(db, elsewhere)), nil, "another cabinet: nothing")
    local call = crm.interaction_record(db, { customer = caller, case_id = cases[42],
      channel = crm.CHANNEL_PHONE, direction = crm.DIRECTION_INBOUND,
      outcome = crm.OUTCOME_ANSWERED, subject = "No line since last night" })
    t.eq(crm.interaction_lookup(db, call).case, cases[42], "his call joins his linked case")
  end)

  tap.test(backend .. ": one update reaches every linked case", function(t)
    now = at(8, 30)
    local seq = story.last_seq(db)
    crm.incident_update(db, incident, "Splice done; lines back from 08:45.")
    local updates = story.events(db, "incident.update", seq)
    t.eq(#updates, AFFECTED, "one event per affected customer")
    local each, bodies = true, true
    for i, e in ipairs(updates) do
      each = each and e.entity_id == customers[i] and story.field(e, "resolved") == false
      local last = crm.timeline_next(crm.timeline_iterator_new(db, { case_id = cases[i], limit = 1 }))
      bodies = bodies and last.body == "Splice done; lines back from 08:45."
    end
    t.ok(each, "in customer order, not resolved")
    t.ok(bodies, "the note is the newest interaction of every case")
  end)

  tap.test(backend .. ": the incident's periodic-update SLA", function(t)
    t.eq(table.concat(fired, ","), "0,1,0,1", "warning at 03:02:30, breach at 03:10, not before")
    t.eq(later, 0, "nothing else until the morning")
    local cycles = {}
    for c in crm.sla_cycle_iterator_new(db, incident, crm.SLA_AS_REPORTED) do
      if c.metric == crm.SLA_PERIODIC_UPDATE then cycles[#cycles + 1] = c end
    end
    t.eq(cycles[1].policy, outage_policy, "the outage policy")
    t.eq(cycles[1].target, 30 * MINUTE, "every 30 minutes")
    t.eq(cycles[1].met_at, at(2, 40), "cycle 1 met at 02:40")
    t.eq(cycles[2].warned_at, at(3, 2, 30), "cycle 2 warned at 03:02:30")
    t.eq(cycles[2].breached_at, at(3, 10), "cycle 2 breached at 03:10")
    t.eq(cycles[2].met_at, at(8, 30), "cycle 2 met late at 08:30")
    t.eq(cycles[3].due_at, at(9, 0), "cycle 3 due at 09:00")
    local b = story.events(db, "sla.breached")
    t.eq(#b, 1, "one breach")
    t.eq(story.field(b[1], "metric"), "periodic_update", "of the update promise")
    t.eq(story.field(b[1], "at"), at(3, 10), "at its instant")
  end)

  tap.test(backend .. ": resolved with one call, one event per customer", function(t)
    now = at(8, 50)
    local seq = story.last_seq(db)
    t.eq(crm.incident_resolve(db, incident, "Service restored at 08:47."), AFFECTED, "500 cases")
    t.eq(crm.case_lookup(db, incident).status, crm.CASE_RESOLVED, "the incident resolved")
    local all = true
    for _, k in ipairs(cases) do
      local c = crm.case_lookup(db, k)
      all = all and c.status == crm.CASE_RESOLVED and c.resolved_at == at(8, 50)
    end
    t.ok(all, "every linked case resolved at 08:50")
    local updates = story.events(db, "incident.update", seq)
    t.eq(#updates, AFFECTED, "one event per affected customer")
    local each = true
    for i, e in ipairs(updates) do
      each = each and e.entity_id == customers[i] and story.field(e, "resolved") == true
        and e.payload:find('"resolved_cases":%[' .. cases[i] .. '%]') ~= nil
    end
    t.ok(each, "each says resolved, with his case")
    t.eq(crm.incident_next(crm.incident_match(db, customers[42])), nil, "it covers nobody now")
  end)

  tap.test(backend .. ": service levels up front, per priority", function(t)
    local ok = true
    for _, k in ipairs(cases) do
      local fr
      for tm in crm.sla_timer_iterator_new(db, k, crm.SLA_AS_REPORTED) do
        if tm.metric == crm.SLA_FIRST_RESPONSE then fr = tm end
      end
      ok = ok and fr.policy == high_policy and fr.started_at == at(2, 16)
        and fr.due_at == at(3, 16) and fr.met_at == at(2, 40) and fr.breached_at == 0
    end
    t.ok(ok, "every outage case: 1 h from 02:16, met by the 02:40 update")
    now = at(7, 55)
    local k = db:case_open{ customer = elsewhere, subject = "Change of address" }
    local fr
    for tm in crm.sla_timer_iterator_new(db, k, crm.SLA_AS_REPORTED) do
      if tm.metric == crm.SLA_FIRST_RESPONSE then fr = tm end
    end
    t.eq(fr.policy, normal_policy, "a normal request: the normal policy")
    t.eq(fr.due_at, at(15, 55), "8 hours, known at once")
  end)
  crm.close(db)
end)

tap.done()
