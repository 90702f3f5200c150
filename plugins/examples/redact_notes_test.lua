-- Tests for redact_notes.lua.  Run: safeguard plugin test plugins/examples
-- Every name, number and address here is made up.

-- One plugin for the whole file: redact keeps nothing between calls, so the tests cannot
-- affect each other (a plugin that counts or remembers would be loaded in each test instead).
local plugin = load_plugin("redact_notes.lua")

local function clean(text)
  return (plugin:redact("notes", text))
end

test("removes phone numbers, written in the usual ways", function()
  expect.equal(clean("Mother rang from 07700 900123 at 10am"), "Mother rang from [phone] at 10am")
  expect.equal(clean("call back on +44 1632 960001 today"), "call back on [phone] today")
  expect.equal(clean("landline 0161-496-0000 not answered"), "landline [phone] not answered")
end)

test("removes other long numbers such as NHS numbers and case references", function()
  expect.equal(clean("NHS no 943 476 5919 checked"), "NHS no [number] checked")
end)

test("keeps short numbers: ages, counts, times", function()
  expect.equal(clean("2 children aged 4 and 7 present at 21:30"), "2 children aged 4 and 7 present at 21:30")
end)

test("removes postcodes with or without the space", function()
  expect.equal(clean("seen at PL4 8AA and later at pl48aa"), "seen at [postcode] and later at [postcode]")
end)

test("removes dates in numeric and written forms", function()
  expect.equal(clean("incident 12/03/2024, follow-up 2024-03-19"), "incident [date], follow-up [date]")
  expect.equal(clean("on 3rd March 2024 police attended"), "on [date] police attended")
  expect.equal(clean("reviewed March 2024"), "reviewed [date]")
end)

test("leaves month names that are ordinary words alone", function()
  expect.equal(clean("she may attend if the family march 2 streets"), "she may attend if the family march 2 streets")
end)

test("removes names after titles and family words, whole", function()
  expect.equal(clean("Mrs Jane Smith reported that mum Kelly left"), "Mrs [name] reported that mum [name] left")
  expect.equal(clean("saw Mr. O'Brien with his partner Dean"), "saw Mr. [name] with his partner [name]")
end)

test("keeps words that are not names", function()
  local text = "Neighbour heard shouting; children were upset but unhurt."
  expect.equal(clean(text), text)
end)

test("drops a value with nothing left but placeholders", function()
  local out = clean("07700 900123 / PL4 8AA")
  expect.dropped(out)
end)

test("counts what it removed", function()
  local fresh = load_plugin("redact_notes.lua")
  fresh:redact("notes", "Mr Jones, 07700 900123, PL4 8AA, 01/02/2024")
  fresh:redact("notes", "07700 900124")
  expect.equal(fresh:counts(), {
    redacted_names = 1, redacted_phones = 2, redacted_postcodes = 1, redacted_dates = 1,
    notes_dropped = 1,
  })
end)
