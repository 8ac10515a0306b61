-- escalate.lua: a plugin for the Lua host (examples/lua/host.c).
--
-- When a resolved case is reopened, the customer is unhappy twice: raise
-- the case's priority to urgent and hand it to the "Supervisors" queue.
-- The host gives the plugin its database as host.db (a crm handle).
local crm = require "crm"
local db = host.db

-- The queue's id, creating it the first time (AlreadyExists carries the id).
local function supervisors()
  local ok, result = pcall(crm.queue_create, db, "Supervisors")
  if ok then
    return result
  end
  if type(result) == "table" and result.code == crm.EEXISTS then
    return result.existing_id
  end
  error(result, 0)
end

db:subscribe("case.status", function(ev)
  -- payload: {"case":..,"from":"resolved","to":"open","reopen":true,...}
  if not ev.payload:find('"reopen":true', 1, true) then
    return
  end
  local case = db:case_lookup(ev.entity_id)
  db:case_set_priority(case.id, crm.PRIORITY_URGENT)
  db:case_assign(case.id, supervisors(), case.assignee)
  host.log(string.format("case #%d \"%s\" reopened %d time(s): urgent, sent to Supervisors",
    case.id, case.subject, case.reopen_count))
end)
