-- Shared by the story tests (test_story_*.lua): Rome wall-clock instants,
-- payload fields, event lists, and the two SQLite databases each story is
-- played on (in memory and in a file). Plain Lua 5.4.
local crm = require "crm"

local story = { MINUTE = 60, HOUR = 3600, DAY = 86400 }

-- Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
local function days_from_civil(y, m, d)
  y = m <= 2 and y - 1 or y
  local era = (y >= 0 and y or y - 399) // 400
  local yoe = y - era * 400
  local doy = (153 * (m > 2 and m - 3 or m + 9) + 2) // 5 + d - 1
  local doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
  return era * 146097 + doe - 719468
end

-- The instant of a wall-clock time in Europe/Rome, for dates on CET
-- (UTC+1: from the last Sunday of October to the last Sunday of March).
function story.rome_cet(y, m, d, h, mi)
  return days_from_civil(y, m, d) * 86400 + (h or 0) * 3600 + (mi or 0) * 60 - 3600
end

-- A number, string or boolean field of an event's JSON payload (top level).
function story.field(ev, name)
  local raw = ev.payload:match('"' .. name .. '"%s*:%s*([^,}%]]+)')
  if raw == nil then return nil end
  if raw == "true" then return true elseif raw == "false" then return false end
  if raw == "null" then return nil end
  return tonumber(raw) or raw:match('^"(.*)"$')
end

function story.events(db, kind, after)
  local out = {}
  for e in crm.event_iterator_new(db, after or 0) do
    if e.kind == kind then out[#out + 1] = e end
  end
  return out
end

function story.last_seq(db)
  local seq = 0
  for e in crm.event_iterator_new(db) do seq = e.seq end
  return seq
end

-- Not with the sanitizer runtime the sanitized module needs preloaded
-- (LD_PRELOAD): psql hangs under it.
local function psql(conninfo, sql)
  local cmd = string.format(
    "env -u LD_PRELOAD psql -q -v ON_ERROR_STOP=1 '%s' -c 'SET client_min_messages TO warning; %s' >/dev/null",
    conninfo, sql)
  assert(os.execute(cmd), "psql failed: " .. cmd)
end

-- Call play(uri, backend) for SQLite in memory and in a temporary file,
-- and on PostgreSQL when CRM_TEST_PG ("postgres:CONNINFO", as the C suites
-- read it) names a server: in a schema of its own, made and dropped with psql.
function story.on_every_backend(play)
  play(":memory:", "sqlite-memory")
  local path = os.tmpname()
  os.remove(path)
  play("sqlite:" .. path, "sqlite")
  for _, suffix in ipairs { "", "-wal", "-shm" } do os.remove(path .. suffix) end
  local pg = os.getenv("CRM_TEST_PG") or ""
  if pg ~= "" then
    local conninfo = pg:gsub("^postgres:", "")
    local schema = string.format("crm_lua_story_%d", math.random(1, 1 << 30))
    psql(conninfo, string.format("DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s", schema, schema))
    play(string.format("postgres:%s options=-csearch_path=%s", conninfo, schema), "postgres")
    psql(conninfo, string.format("DROP SCHEMA %s CASCADE", schema))
  end
end

return story
