-- The Lua binding of crm/search.h: db:search as a generic-for iterator,
-- accents, phrases, kinds, keyset paging, errors. Plain Lua 5.4 with TAP.
local tap = require "tap"
local crm = require "crm"

local function fresh()
  local db = crm.open(":memory:", { clock = function() return 1750000000 end })
  local cu = crm.customer_create(db, "Niccolò Bellè")
  local k = db:case_open{ customer = cu, subject = "Guasto in città" }
  local ix = db:interaction_record{ customer = cu, case_id = k, channel = crm.CHANNEL_EMAIL,
    direction = crm.DIRECTION_INBOUND, subject = "Perché?",
    body = "La caldaia rotta in città non parte" }
  return db, cu, k, ix
end

tap.test("hits", function(t)
  local db, cu, k, ix = fresh()
  local kinds = {}
  for h in db:search("citta") do
    kinds[#kinds + 1] = h.kind
    t.eq(h.customer, cu, "hit of the customer")
    t.eq(h.case, k, "hit in the case")
    t.ok(h.snippet:find("[", 1, true) ~= nil, "snippet marks the match")
    t.ok(type(h.rank) == "number", "rank is a number")
  end
  t.eq(#kinds, 2, "interaction and case")
  local ids = {}
  for h in crm.search(db, "perche", { kinds = 1 << crm.SEARCH_INTERACTION }) do
    ids[#ids + 1] = h.id
  end
  t.eq(#ids, 1, "kinds filter")
  t.eq(ids[1], ix, "the interaction")
  local n = 0
  for _ in db:search('"caldaia rotta"') do n = n + 1 end
  t.eq(n, 1, "phrase")
  t.eq(crm.search_next(db:search('"rotta caldaia"')), nil, "phrase order matters")
  t.eq(crm.search_kind_name(crm.SEARCH_CASE), "case", "search_kind_name")
  local h = crm.search_next(db:search("caldaia"))
  t.eq(crm.search_hit_kind(h), h.kind, "search_hit_kind")
  t.eq(crm.search_hit_id(h), ix, "search_hit_id")
  t.eq(crm.search_hit_customer(h), cu, "search_hit_customer")
  t.eq(crm.search_hit_case(h), k, "search_hit_case")
  t.eq(crm.search_hit_rank(h), h.rank, "search_hit_rank")
  t.eq(crm.search_hit_snippet(h), h.snippet, "search_hit_snippet")
  t.eq(crm.search_hit_cursor(h), h.cursor, "search_hit_cursor")
  t.eq(crm.search_options_init(crm.SEARCH_OPTIONS_VERSION).limit, 0, "search_options_init")
  crm.close(db)
end)

tap.test("paging", function(t)
  local db, cu, k = fresh()
  for i = 1, 7 do
    db:interaction_record{ customer = cu, case_id = k, channel = crm.CHANNEL_NOTE,
      direction = crm.DIRECTION_INTERNAL, body = string.rep("bolletta ", i % 3 + 1) }
  end
  local all = {}
  for h in db:search("bolletta") do all[#all + 1] = h.id end
  t.eq(#all, 7, "every hit")
  local seen, after = {}, nil
  repeat
    local got = 0
    for h in db:search("bolletta", { limit = 2, after = after }) do
      seen[#seen + 1] = h.id
      after = h.cursor
      got = got + 1
    end
  until got == 0
  t.eq(#seen, 7, "paged: each hit once")
  for i = 1, 7 do t.eq(seen[i], all[i], "same order " .. i) end
  crm.close(db)
end)

tap.test("errors", function(t)
  local db = fresh()
  t.raises("InvalidInput", "unbalanced quote", crm.search, db, '"caldaia')
  t.raises("InvalidInput", "no word", crm.search, db, "*")
  t.raises("InvalidInput", "bad cursor", crm.search, db, "x", { after = "nope" })
  crm.close(db)
end)

tap.done()
