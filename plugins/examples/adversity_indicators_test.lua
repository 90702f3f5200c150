-- Tests for adversity_indicators.lua.  Run: safeguard plugin test plugins/examples

local plugin = load_plugin("adversity_indicators.lua")

local function indicators(child)
  return plugin:indicators(child)
end

test("counts the adversities present in the year", function()
  local result = indicators({ domestic_abuse_year = true, substance_misuse_year = false,
                              mental_health_year = true, age = 4 })
  expect.equal(result.adversity_count, 2)
  expect.equal(result.multiple_adversity, true)
end)

test("a factor present only over 3 years does not count", function()
  local result = indicators({ domestic_abuse_year = false, domestic_abuse_3y = true })
  expect.equal(result.adversity_count, 0)
  expect.equal(result.multiple_adversity, false)
end)

test("factors the definition does not declare are skipped", function()
  local result = indicators({ young_carer_year = true })
  expect.equal(result.adversity_count, 1)
  expect.equal(result.multiple_adversity, false)
end)
