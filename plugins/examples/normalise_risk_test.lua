-- Tests for normalise_risk.lua.  Run: safeguard plugin test plugins/examples

test("maps the usual wordings to standard, medium and high", function()
  local plugin = load_plugin("normalise_risk.lua")
  -- Each row of fixtures/risk_wordings.csv has a wording and the level it should become.
  for _, row in ipairs(fixture("risk_wordings")) do
    local out = plugin:record(row)
    expect.equal(out.risk, row.expected, row.incident_ref)
  end
end)

test("leaves every other field as it was", function()
  local plugin = load_plugin("normalise_risk.lua")
  local out = plugin:record({
    incident_ref = "DA-0100", risk = "High", incident_date = "2025-11-02",
    children_present = true, children = 2, score = 1.0,
  })
  expect.equal(out, {
    incident_ref = "DA-0100", risk = "high", incident_date = "2025-11-02",
    children_present = true, children = 2, score = 1.0,
  })
  -- A decimal such as 1.0 stays a float; a whole number stays an integer.
  expect.equal(math.type(out.score), "float")
  expect.equal(math.type(out.children), "integer")
end)

test("quarantines a wording it does not know, without naming it", function()
  local plugin = load_plugin("normalise_risk.lua")
  local out, reason = plugin:record({ incident_ref = "DA-0200", risk = "Purple" })
  expect.dropped(out)
  expect.equal(reason, "unrecognised DASH risk wording in field 'risk'")
  expect.not_contains(reason, "Purple")
  expect.equal(plugin:counts(), { risk_unknown = 1 })
end)

test("passes a record with no risk on and counts it", function()
  local plugin = load_plugin("normalise_risk.lua")
  local out, reason = plugin:record({ incident_ref = "DA-0300" })
  expect.equal(out, { incident_ref = "DA-0300" })
  expect.equal(reason, nil)
  expect.equal(plugin:counts().risk_missing, 1)
end)

test("counts each level", function()
  local plugin = load_plugin("normalise_risk.lua")
  plugin:record({ risk = "high" })
  plugin:record({ risk = "High Risk" })
  plugin:record({ risk = "std" })
  expect.equal(plugin:counts(), { risk_high = 2, risk_standard = 1 })
end)

test("takes extra wordings and another field name from the config", function()
  local plugin = load_plugin("normalise_risk.lua", {
    field = "dash_level",
    wordings = { ["Very High"] = "high", ["Amber"] = "medium" },
  })
  expect.equal(plugin:record({ dash_level = "amber" }), { dash_level = "medium" })
  expect.equal(plugin:record({ dash_level = "VERY-HIGH" }), { dash_level = "high" })
end)

test("refuses a config wording that maps to something other than a level", function()
  expect.error(function()
    load_plugin("normalise_risk.lua", { wordings = { Purple = "severe" } })
  end, "which is not standard, medium or high")
end)
