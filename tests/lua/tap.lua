-- A tiny TAP producer for the Lua binding tests: plain Lua 5.4, no modules.
--   local tap = require "tap"
--   tap.test("name", function(t) t.ok(cond, "what") t.eq(a, b, "what") end)
--   tap.done()
local tap = { n = 0, failed = 0 }

local function report(ok, what, detail)
  tap.n = tap.n + 1
  print(string.format("%s %d - %s", ok and "ok" or "not ok", tap.n, what))
  if not ok then
    tap.failed = tap.failed + 1
    if detail then print("# " .. tostring(detail):gsub("\n", "\n# ")) end
  end
  return ok
end

local checks = {}
function checks.ok(cond, what) return report(cond and true or false, what) end
function checks.eq(got, want, what)
  return report(got == want, what, string.format("got %s, want %s", tostring(got), tostring(want)))
end
-- The call fails with a crm error table of that name (e.g. "NotFound").
function checks.raises(name, what, fn, ...)
  local ok, err = pcall(fn, ...)
  local good = not ok and type(err) == "table" and err.name == name
  return report(good, what, ok and "no error" or tostring(err))
end

-- One named group of checks; an error inside it is one failed check.
function tap.test(name, body)
  local ok, err = xpcall(body, debug.traceback, checks)
  if not ok then report(false, name .. " (raised)", err) end
end

function tap.done()
  print("1.." .. tap.n)
  os.exit(tap.failed == 0 and 0 or 1)
end

return tap
