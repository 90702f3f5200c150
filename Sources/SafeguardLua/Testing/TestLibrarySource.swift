/// The Lua half of the plugin test library: `test`, `expect`, `load_plugin` and `fixture`.
///
/// It is Lua because a test registers Lua functions, which the host cannot hold from inside a
/// host function; the Swift half (``TestHostFunctions``) does the work that needs the host:
/// loading plugins through ``LuaPlugin``, converting records, reading fixtures. Host functions
/// answer `true, results...` or `false, message`, and the wrappers here raise the message with
/// `error(message, 2)`, so that a failure points at the test file's line, not at this library.
///
/// The chunk is called with the host table and returns the runner's two entry points: `names`
/// (the registered tests' names) and `run(index)`.
enum TestLibrarySource {
  static let chunkName = "safeguard-test-library"

  static let text = #"""
    local host = ...
    local tests = {}

    -- Values as a person would write them in Lua, cut short so a failure stays readable.
    local function show(value, depth)
      depth = depth or 0
      local kind = type(value)
      if kind == "string" then
        local text = string.format("%q", value):gsub("\\\n", "\\n")
        if #text > 120 then text = text:sub(1, 117) .. "...\"" end
        return text
      elseif kind ~= "table" then
        return tostring(value)
      elseif depth > 2 then
        return "{...}"
      end
      local keys = {}
      for key in pairs(value) do keys[#keys + 1] = key end
      table.sort(keys, function(a, b)
        if type(a) == type(b) and (type(a) == "number" or type(a) == "string") then return a < b end
        return type(a) < type(b)
      end)
      local parts = {}
      for index, key in ipairs(keys) do
        if index > 12 then parts[#parts + 1] = "..." break end
        local shown = show(value[key], depth + 1)
        if math.type(key) == "integer" and key == index then
          parts[#parts + 1] = shown
        elseif type(key) == "string" and key:match("^[%a_][%w_]*$") then
          parts[#parts + 1] = key .. " = " .. shown
        else
          parts[#parts + 1] = "[" .. show(key, depth + 1) .. "] = " .. shown
        end
      end
      return "{ " .. table.concat(parts, ", ") .. " }"
    end

    local function step(path, key)
      if type(key) == "string" and key:match("^[%a_][%w_]*$") then
        return path == "" and key or path .. "." .. key
      end
      return path .. "[" .. show(key) .. "]"
    end

    -- Deep equality; on a difference, where it is and the two values there.
    local function same(a, b, path, depth)
      if a == b then return true end
      if type(a) ~= "table" or type(b) ~= "table" or depth > 40 then return false, path, a, b end
      for key, value in pairs(a) do
        local ok, where, x, y = same(value, b[key], step(path, key), depth + 1)
        if not ok then return false, where, x, y end
      end
      for key, value in pairs(b) do
        if a[key] == nil then return false, step(path, key), nil, value end
      end
      return true
    end

    -- Level 3: the line that called the expect function.
    local function fail(message, note)
      if note ~= nil then message = tostring(note) .. ": " .. message end
      error(message, 3)
    end

    local function needs_text(value, what, name)
      if type(value) ~= "string" then
        error("expect." .. name .. " needs " .. what .. " as text, not a " .. type(value), 3)
      end
    end

    expect = {}

    function expect.equal(actual, expected, note)
      local ok, where, got, wanted = same(actual, expected, "", 0)
      if ok then return end
      local at = where == "" and "" or "at " .. where .. ": "
      fail(at .. "expected " .. show(wanted) .. ", got " .. show(got), note)
    end

    function expect.truthy(value, note)
      if not value then fail("expected a true value, got " .. show(value), note) end
    end

    function expect.falsy(value, note)
      if value then fail("expected false or nil, got " .. show(value), note) end
    end

    function expect.contains(text, part, note)
      needs_text(text, "the text to search", "contains")
      needs_text(part, "the part to find", "contains")
      if not text:find(part, 1, true) then fail(show(text) .. " does not contain " .. show(part), note) end
    end

    function expect.not_contains(text, part, note)
      if text == nil then return end
      needs_text(text, "the text to search", "not_contains")
      needs_text(part, "the part to find", "not_contains")
      if text:find(part, 1, true) then fail(show(text) .. " still contains " .. show(part), note) end
    end

    function expect.matches(text, pattern, note)
      needs_text(text, "the text to search", "matches")
      needs_text(pattern, "the pattern", "matches")
      if not text:find(pattern) then fail(show(text) .. " does not match the pattern " .. show(pattern), note) end
    end

    function expect.error(fn, part, note)
      if type(fn) ~= "function" then error("expect.error needs a function to call", 2) end
      local ok, message = pcall(fn)
      if ok then fail("expected an error, but the function returned normally", note) end
      message = tostring(message)
      if part ~= nil and not message:find(part, 1, true) then
        fail("expected an error containing " .. show(part) .. ", got " .. show(message), note)
      end
      return message
    end

    function expect.dropped(result, note)
      if result ~= nil then fail("expected the record to be dropped (nil), got " .. show(result), note) end
    end

    function test(name, fn)
      if type(name) ~= "string" or name == "" then error("test(name, function) needs a name", 2) end
      if type(fn) ~= "function" then error("test(" .. show(name) .. ", function) needs a function", 2) end
      tests[#tests + 1] = { name = name, fn = fn }
    end

    -- Where fixture records came from, so a plugin error names the fixture file and line.
    local origins = setmetatable({}, { __mode = "k" })

    function fixture(name)
      if type(name) ~= "string" then error("fixture(name) needs the fixture's name", 2) end
      local ok, rows, file, lines = host.fixture(name)
      if not ok then error(rows, 2) end
      for index, row in ipairs(rows) do origins[row] = { file, lines[index] } end
      return rows
    end

    local Plugin = {}
    Plugin.__index = Plugin

    local function call(self, method, ...)
      if getmetatable(self) ~= Plugin then
        error("write plugin:" .. method .. "(...), with a colon", 3)
      end
      return host[method](self.id, ...)
    end

    local function origin_of(record)
      local origin = type(record) == "table" and origins[record]
      if origin then return origin[1], origin[2] end
    end

    function Plugin:record(record)
      local ok, result, reason = call(self, "record", record, origin_of(record))
      if not ok then error(result, 2) end
      return result, reason
    end

    function Plugin:batch(records)
      local first = type(records) == "table" and records[1]
      local ok, result, reason = call(self, "batch", records, origin_of(first))
      if not ok then error(result, 2) end
      return result, reason
    end

    function Plugin:redact(field, value)
      local ok, result, reason = call(self, "redact", field, value)
      if not ok then error(result, 2) end
      return result, reason
    end

    function Plugin:indicators(child)
      local ok, result, reason = call(self, "indicators", child, origin_of(child))
      if not ok then error(result, 2) end
      return result, reason
    end

    function Plugin:area(record)
      local ok, result, reason = call(self, "area", record, origin_of(record))
      if not ok then error(result, 2) end
      return result, reason
    end

    function Plugin:finish()
      local ok, result, reason = call(self, "finish")
      if not ok then error(result, 2) end
      return result, reason
    end

    function Plugin:counts()
      local ok, result = call(self, "counts")
      if not ok then error(result, 2) end
      return result
    end

    function Plugin:logs()
      local ok, result = call(self, "logs")
      if not ok then error(result, 2) end
      return result
    end

    function load_plugin(path, config, options)
      if type(path) ~= "string" then error("load_plugin(path [, config [, options]]) needs the plugin's path", 2) end
      if config ~= nil and type(config) ~= "table" then error("load_plugin: config must be a table", 2) end
      if options ~= nil and type(options) ~= "table" then error("load_plugin: options must be a table", 2) end
      local ok, id, hooks = host.load(path, config or {}, options or {})
      if not ok then error(id, 2) end
      return setmetatable({ id = id, path = path, hooks = hooks }, Plugin)
    end

    local names = function()
      local list = {}
      for index, entry in ipairs(tests) do list[index] = entry.name end
      return list
    end
    local run = function(index) tests[index].fn() end
    return { names = names, run = run }
    """#
}
