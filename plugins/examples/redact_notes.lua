-- redact_notes.lua
--
-- Cleans free-text notes before they leave the de-identification stage. It replaces
--
--   names after a title or a family word  "Mrs Jane Smith" -> "Mrs [name]", "mum Kelly" -> "mum [name]"
--   phone numbers                          "07700 900123", "+44 1632 960001" with [phone]
--   other long numbers (NHS numbers, refs)                                with [number]
--   postcodes                              "PL4 8AA", "pl48aa"            with [postcode]
--   dates  "12/03/2024", "2024-03-12", "12th March 2024", "March 2024"    with [date]
--
-- and drops the value (returns nil) when nothing but placeholders and punctuation is left.
--
-- It is a starting point, not a guarantee: free text can identify people in ways no pattern
-- catches (a nickname, a school, an unusual event). Look at what it keeps before relying on it.
--
-- Attach it to the deidentify stage, which calls redact(field, value, ctx) for every non-empty
-- value of the fields listed under `redact:`:
--
--   - uses: deidentify
--     plugin: plugins/examples/redact_notes.lua
--     with:
--       streams:
--         police_da: { redact: [notes], ... }
--
-- Counters in run-summary.json: redacted_names, redacted_phones, redacted_numbers,
-- redacted_postcodes, redacted_dates, notes_dropped.

local TITLES = { mr = true, mrs = true, ms = true, miss = true, mx = true, dr = true }

-- Words after which a capitalised word is almost always a person's name.
local BEFORE_NAMES = {}
for word in ([[mum mother dad father stepdad stepmum stepfather stepmother partner husband wife
    boyfriend girlfriend ex brother sister son daughter nan nana gran grandma grandad grandmother
    grandfather uncle aunt auntie cousin friend neighbour named called]]):gmatch("%a+") do
  BEFORE_NAMES[word] = true
end

local MONTHS = {}
for month in ([[January February March April May June July August September October November
    December Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec]]):gmatch("%a+") do
  MONTHS[month] = true
end

-- Each step returns the cleaned text and how many things it replaced. (gsub's own count
-- includes matches a function chose to keep, so the steps count for themselves.)

local function dates(text)
  local total = 0
  local function found()
    total = total + 1
    return "[date]"
  end
  -- 2024-03-12, then 12/03/2024, 12-3-24, 12.03.2024
  text = text:gsub("%f[%d]%d%d%d%d%-%d%d%-%d%d%f[%D]", found)
  text = text:gsub("%f[%d]%d%d?[/%.%-]%d%d?[/%.%-]%d%d%d?%d?%f[%D]", found)
  -- 12 March, 12th March. Month names must be capitalised, so that "may" and "march" as
  -- ordinary words are left alone.
  local suffixes = { [""] = true, st = true, nd = true, rd = true, th = true }
  text = text:gsub("%f[%d](%d%d?)(%a?%a?)%s+(%a+)%f[%A]", function(day, suffix, month)
    if MONTHS[month] and suffixes[suffix] then return found() end
  end)
  -- March 12, March 2024
  text = text:gsub("%f[%a](%a+)%s+(%d%d?%d?%d?)%f[%D]", function(month, number)
    if MONTHS[month] and (#number <= 2 or #number == 4) then return found() end
  end)
  -- The year left after "12 March 2024" became "[date] 2024".
  text = text:gsub("%[date%],?%s+%d%d%d%d%f[%D]", "[date]")
  return text, total
end

local function postcodes(text)
  local total = 0
  text = text:gsub("%f[%w](%a%a?%d[%a%d]?)%s*(%d%a%a)%f[%W]", function(outward, inward)
    -- The library knows the real shapes of UK postcodes; the pattern only finds candidates.
    if safeguard.postcode(outward .. " " .. inward) then
      total = total + 1
      return "[postcode]"
    end
  end)
  return text, total
end

local function numbers(text)
  local phones, others = 0, 0
  text = text:gsub("%+?%d[%d %-]*%d", function(run)
    local digits = run:gsub("%D", "")
    local national = digits:match("^44%d+$") and ("0" .. digits:sub(3)) or digits
    if (#national == 10 or #national == 11) and national:sub(1, 1) == "0" then
      phones = phones + 1
      return "[phone]"
    elseif #digits >= 6 then
      others = others + 1
      return "[number]"
    end
  end)
  return text, phones, others
end

-- Word by word, so that "saw Mrs Smith" is seen as "saw", "Mrs", "Smith": a capitalised word
-- after a title or a family word is a name, and capitalised words straight after a name are
-- more of it ("Mrs Jane Smith" becomes "Mrs [name]").
local function names(text)
  local total = 0
  local previous, in_name = nil, false
  text = text:gsub("([^%a]*)(%a[%a'%-]*)", function(gap, word)
    local capitalised = word:match("^%u") ~= nil
    local spaces_only = gap:match("^%s+$") ~= nil
    if capitalised and in_name and spaces_only then
      return ""
    end
    in_name = false
    if capitalised and previous and (
        (TITLES[previous] and gap:match("^%.?%s+$")) or (BEFORE_NAMES[previous] and spaces_only)) then
      total = total + 1
      in_name, previous = true, nil
      return gap .. "[name]"
    end
    previous = word:lower()
  end)
  return text, total
end

-- Adds to a counter only when there is something to count, so the summary lists what happened.
local function count(ctx, name, n)
  if n > 0 then ctx:count(name, n) end
end

local function redact(field, value, ctx)
  local text, found = dates(value)
  count(ctx, "redacted_dates", found)
  text, found = postcodes(text)
  count(ctx, "redacted_postcodes", found)
  local phones, others
  text, phones, others = numbers(text)
  count(ctx, "redacted_phones", phones)
  count(ctx, "redacted_numbers", others)
  text, found = names(text)
  count(ctx, "redacted_names", found)
  -- Nothing worth keeping: only placeholders, digits and punctuation are left.
  if not text:gsub("%[%a+%]", ""):find("%a%a") then
    ctx:count("notes_dropped")
    return nil
  end
  return text
end

return { redact = redact }
