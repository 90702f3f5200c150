-- Indicators for the overlay stage: how many adversities surround a child in the year, and
-- whether there are several. Attach it to the overlay with
--
--   - uses: overlay
--     plugin: plugins/examples/adversity_indicators.lua
--     with:
--       indicators: { adversity_count: integer, multiple_adversity: boolean }
--
-- `child` is the child's row of the overlay table for one period (no pseudonym): each factor
-- has <name>_year, <name>_3y, <name>_count_year, ... See docs/overlay.md.

-- The adversities counted, by factor name; a factor the definition does not declare is skipped.
local ADVERSITIES = {
  "domestic_abuse", "substance_misuse", "mental_health", "incarceration", "young_carer",
}

-- The fields read, named once when the plugin loads: the hook runs once per child and period
-- (900,000 times for 300,000 children), and joining `name .. "_year"` in every call made a
-- quarter of the hook's time.
local FIELDS = {}
for i, name in ipairs(ADVERSITIES) do FIELDS[i] = name .. "_year" end

-- How many make "multiple" adversity: set it in the definition's `config` for a lua stage, or
-- change it here for an attached plugin.
local MULTIPLE = 2

return {
  indicators = function(child, ctx)
    local count = 0
    for i = 1, #FIELDS do
      if child[FIELDS[i]] == true then count = count + 1 end
    end
    return { adversity_count = count, multiple_adversity = count >= MULTIPLE }
  end,
}
