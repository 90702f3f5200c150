-- normalise_risk.lua
--
-- Maps the DASH risk wordings that partner agencies write ("Std", "HIGH RISK", "Medium-risk",
-- "MARAC") to the three standard levels: standard, medium, high.
--
-- A wording it does not recognise is not guessed: the record is quarantined (set aside with a
-- reason, listed in quarantine/<input>.csv) so someone can add the wording. A record with no
-- risk at all passes on unchanged.
--
-- Use it as its own stage:
--
--   - uses: lua
--     name: normalise-risk
--     with:
--       script: plugins/examples/normalise_risk.lua
--       streams: [police_da]
--       config:
--         field: risk                       # the field holding the wording (default: risk)
--         wordings: { "Very High": high }   # extra wordings used locally
--
-- Counters in run-summary.json: risk_standard, risk_medium, risk_high, risk_missing,
-- risk_unknown.

local LEVELS = { standard = true, medium = true, high = true }

-- Wordings seen in partner extracts, written as key() leaves them: lower case, single spaces.
local KNOWN = {
  ["standard"] = "standard", ["std"] = "standard", ["s"] = "standard", ["low"] = "standard",
  ["standard risk"] = "standard", ["low risk"] = "standard",
  ["medium"] = "medium", ["med"] = "medium", ["m"] = "medium", ["moderate"] = "medium",
  ["medium risk"] = "medium",
  ["high"] = "high", ["h"] = "high", ["high risk"] = "high", ["very high"] = "high",
  ["marac"] = "high",
}

-- Filled by init: the known wordings and any the config adds.
local wordings = {}
local field = "risk"

-- Case, spaces, hyphens and underscores vary between extracts: "High Risk", "HIGH-RISK" and
-- " high_risk " are the same wording.
local function key(text)
  local lowered = text:lower():gsub("[%s%-_]+", " ")
  return (lowered:gsub("^ ", ""):gsub(" $", ""))
end

local function init(config, ctx)
  field = config.field or "risk"
  if type(field) ~= "string" then error("config.field must be the name of a field") end
  wordings = {}
  for wording, level in pairs(KNOWN) do wordings[wording] = level end
  for wording, level in pairs(config.wordings or {}) do
    -- These come from the pipeline definition, not from records, so naming them is safe.
    if not LEVELS[level] then
      error("config.wordings: '" .. tostring(wording) .. "' maps to '" .. tostring(level)
        .. "', which is not standard, medium or high")
    end
    wordings[key(wording)] = level
  end
end

local function record(rec, ctx)
  local text = rec[field]
  if text == nil then
    ctx:count("risk_missing")
    return rec
  end
  local level = wordings[key(tostring(text))]
  if level == nil then
    ctx:count("risk_unknown")
    -- The reason goes into the quarantine file: it names the field, never the value.
    ctx:quarantine("unrecognised DASH risk wording in field '" .. field .. "'")
    return nil
  end
  ctx:count("risk_" .. level)
  rec[field] = level
  return rec
end

return { init = init, record = record }
