-- Parity: every CRM_EXTERN function of include/crm/*.h (not sys/) is
-- reachable from Lua as crm.<name without crm_>, is a method of the handle
-- when it takes one, and is called at least once by test_crm.lua, test_lifecycle.lua,
-- test_incident.lua, test_sla.lua, test_search.lua
-- or test_report.lua.
local tap = require "tap"
local crm = require "crm"

local headers = arg[1] or ((os.getenv("CRM_SOURCE_ROOT") or ".") .. "/include/crm")
local here = arg[0]:match("^(.*)/[^/]*$") or "."

-- Functions with no binding, and why.
local excluded = {
  crm_buf_dispose = "crm_buf out-parameters are converted to strings and disposed",
}
local function bound(name)
  return not excluded[name] and not name:match("_free$") -- the collector frees
end

local function read(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("a")
  f:close()
  return s
end

local functions, takes_db = {}, {}
local list = io.popen('ls "' .. headers .. '"/*.h')
for path in list:lines() do
  local text = read(path):gsub("/%*.-%*/", "")
  for params_name, params in text:gmatch("CRM_EXTERN%b()%s*(crm_[%w_]+)%s*(%b())") do
    functions[#functions + 1] = params_name
    if params:match("crm_db %*%s*[%w_]") then takes_db[params_name] = true end
  end
end
list:close()
table.sort(functions)

-- every test file but this one (as the Python parity test reads its test_*.py)
local tests = read(here .. "/test_crm.lua") .. read(here .. "/test_lifecycle.lua")
  .. read(here .. "/test_incident.lua") .. read(here .. "/test_sla.lua")
  .. read(here .. "/test_search.lua")
  .. read(here .. "/test_report.lua")
local db = crm.open(":memory:")
local methods = rawget(getmetatable(db), ".fn")

tap.test("parity", function(t)
  t.ok(#functions > 150, "the headers list the public functions (" .. #functions .. ")")
  for name in pairs(excluded) do
    local found = false
    for _, f in ipairs(functions) do found = found or f == name end
    t.ok(found, "exclusion " .. name .. " is a real function")
  end
  for _, name in ipairs(functions) do
    if bound(name) then
      local short = name:sub(5)
      t.eq(type(crm[short]), "function", "crm." .. short .. " is reachable")
      if takes_db[name] then
        t.ok(type(methods[short]) == "function", "db:" .. short .. " is a method")
      end
      t.ok(tests:find("%f[%w_]" .. short .. "%f[^%w_]") ~= nil, short .. " is tested")
    end
  end
end)

crm.close(db)
tap.done()
