import SafeguardCore

/// The Swift half of the test library: the functions behind `load_plugin`, the plugin
/// handle's methods and `fixture`, for one test file.
///
/// Each answers `true, results...` or `false, message` rather than failing the host call, so
/// that the Lua wrappers raise the message at the test file's line (see ``TestLibrarySource``).
/// Plugins are kept here by number; those loaded inside a test are closed when it ends, so a
/// file of many tests does not hold many states.
final class TestHostFunctions {
  /// The test file's folder: plugin paths and fixtures are relative to it.
  let folder: String
  let limits: PluginLimits
  /// Where plugin output goes as well as `plugin:logs()`: the current test's report.
  let echo: @Sendable (String) -> Void
  private var plugins: [Int: PluginUnderTest] = [:]
  private var nextID = 1
  /// Plugins loaded by the test now running (nil while the file's top level runs).
  private var loadedInTest: [Int]?

  /// States are 64 MiB each by default; a file loading more plugins than this at once is
  /// almost certainly loading one per record by mistake.
  static let maximumOpenPlugins = 64

  init(folder: String, limits: PluginLimits, echo: @escaping @Sendable (String) -> Void) {
    self.folder = folder
    self.limits = limits
    self.echo = echo
  }

  /// Marks the start of a test: plugins it loads are closed by ``endTest()``.
  func beginTest() { loadedInTest = [] }

  func endTest() {
    for id in loadedInTest ?? [] { plugins[id] = nil }
    loadedInTest = nil
  }

  /// The functions, by the names the Lua half calls them.
  var functions: [String: HostFunction] {
    [
      "load": { [self] args in answer { () throws(TestRecords.Problem) in try load(args) } },
      "record": { [self] args in
        answer { () throws(TestRecords.Problem) in try plugin(args).record(args[1], origin: origin(args, 2)) }
      },
      "batch": { [self] args in
        answer { () throws(TestRecords.Problem) in try plugin(args).batch(args[1], origin: origin(args, 2)) }
      },
      "redact": { [self] args in
        answer { () throws(TestRecords.Problem) in try plugin(args).redact(field: args[1], value: args[2]) }
      },
      "indicators": { [self] args in
        answer { () throws(TestRecords.Problem) in
          try plugin(args).computed("indicators", record: args[1], origin: origin(args, 2))
        }
      },
      "area": { [self] args in
        answer { () throws(TestRecords.Problem) in
          try plugin(args).computed("area", record: args[1], origin: origin(args, 2))
        }
      },
      "finish": { [self] args in answer { () throws(TestRecords.Problem) in try plugin(args).finish() } },
      "counts": { [self] args in
        answer { () throws(TestRecords.Problem) in
          let counts = try plugin(args).counters.all
          return [.table(Dictionary(uniqueKeysWithValues: counts.map { (.string($0), .integer(Int64($1))) }))]
        }
      },
      "logs": { [self] args in
        answer { () throws(TestRecords.Problem) in [.array(try plugin(args).logs.all.map { .string($0) })] }
      },
      "fixture": { [self] args in answer { () throws(TestRecords.Problem) in try fixture(args) } },
    ]
  }

  private func answer(_ body: () throws(TestRecords.Problem) -> [LuaValue]) -> Result<
    [LuaValue], HostFunctionError
  > {
    do { return .success([.boolean(true)] + (try body())) } catch {
      return .success([.boolean(false), .string(error.message)])
    }
  }

  private func plugin(_ args: HostArguments) throws(TestRecords.Problem) -> PluginUnderTest {
    guard let id = args.integer(0), let plugin = plugins[Int(id)] else {
      throw TestRecords.Problem(
        "this plugin was loaded inside another test and closed when it ended; load it in this test, "
          + "or once at the top of the file")
    }
    return plugin
  }

  /// A fixture record's file and line, passed along by the Lua half.
  private func origin(_ args: HostArguments, _ index: Int) -> SourceLocation? {
    guard let file = args.string(index), let line = args.integer(index + 1) else { return nil }
    return SourceLocation(file: file, line: Int(line))
  }

  // MARK: load_plugin

  private func load(_ args: HostArguments) throws(TestRecords.Problem) -> [LuaValue] {
    guard let relative = args.string(0), relative.hasSuffix(".lua") else {
      throw TestRecords.Problem(
        "load_plugin(path): the path of a .lua file, relative to the test file's folder")
    }
    guard plugins.count < Self.maximumOpenPlugins else {
      throw TestRecords.Problem(
        "load_plugin: more than \(Self.maximumOpenPlugins) plugins loaded at once; load a plugin once per test"
      )
    }
    let path = Self.join(folder, relative)
    let options = try self.options(args[2])
    let buffer = LogBuffer(echo: echo)
    let plugin = try PluginUnderTest(path: path, config: args[1], options: options, logs: buffer)
    let id = nextID
    nextID += 1
    plugins[id] = plugin
    loadedInTest?.append(id)
    return [.integer(Int64(id)), .array(plugin.plugin.hooks.sorted().map { .string($0) })]
  }

  private func options(_ value: LuaValue) throws(TestRecords.Problem) -> PluginUnderTest.Options {
    guard case .table(let entries) = value else { return .init() }
    var options = PluginUnderTest.Options(limits: limits)
    let known = ["fields", "reference_date", "stage", "tables", "instructions", "memory_mb"]
    for (key, option) in entries {
      guard case .string(let name) = key, known.contains(name) else {
        let hint = key.text.flatMap { nearest(to: $0, in: known) }.map { " (did you mean '\($0)'?)" } ?? ""
        throw TestRecords.Problem(
          "load_plugin: unknown option\(key.text.map { " '\($0)'" } ?? "")\(hint); options: \(known.joined(separator: ", "))"
        )
      }
      switch (name, option) {
      case ("fields", _): options.fields = try TestRecords.declaredFields(option)
      case ("reference_date", .string(let text)):
        guard let day = CivilDate.parseISO(text) else {
          throw TestRecords.Problem("load_plugin: reference_date must be a date written yyyy-MM-dd")
        }
        options.referenceDate = day
      case ("stage", .string(let text)): options.stage = text
      case ("tables", _): options.tables = try tables(option)
      case ("instructions", .integer(let n)) where (1_000...10_000_000_000).contains(n):
        options.limits.instructions = Int(n)
      case ("memory_mb", .integer(let n)) where (1...4_096).contains(n):
        options.limits.memoryBytes = Int(n) << 20
      case ("instructions", _):
        throw TestRecords.Problem("load_plugin: instructions must be a whole number from 1000 to 10000000000")
      case ("memory_mb", _):
        throw TestRecords.Problem("load_plugin: memory_mb must be a whole number from 1 to 4096")
      default: throw TestRecords.Problem("load_plugin: option '\(name)' must be text")
      }
    }
    return options
  }

  /// `tables = { areas = { { lsoa = "E01000001", ward = "..." }, ... } }`: rows of text, or a
  /// fixture's name.
  private func tables(_ value: LuaValue) throws(TestRecords.Problem) -> [String: [[String: String]]] {
    guard case .table(let entries) = value else {
      throw TestRecords.Problem("load_plugin: tables maps table names to lists of rows, or to fixture names")
    }
    var tables: [String: [[String: String]]] = [:]
    for (key, rows) in entries {
      guard case .string(let name) = key else {
        throw TestRecords.Problem("load_plugin: table names must be text")
      }
      if case .string(let fixture) = rows {
        tables[name] = try FixtureFile.read(name: fixture, folder: folder).records.map(\.fields)
        continue
      }
      guard let list = rows.arrayElements else {
        throw TestRecords.Problem("load_plugin: table '\(name)' must be a list of rows or a fixture's name")
      }
      tables[name] = list.map { row in
        guard case .table(let cells) = row else { return [:] }
        var texts: [String: String] = [:]
        for (column, cell) in cells {
          guard let column = column.text else { continue }
          switch cell {
          case .string(let text): texts[column] = text
          case .integer(let number): texts[column] = String(number)
          case .number(let number): texts[column] = String(number)
          case .boolean(let flag): texts[column] = String(flag)
          default: break
          }
        }
        return texts
      }
    }
    return tables
  }

  // MARK: fixture

  private func fixture(_ args: HostArguments) throws(TestRecords.Problem) -> [LuaValue] {
    guard let name = args.string(0) else {
      throw TestRecords.Problem("fixture(name) needs the fixture's name")
    }
    let file = try FixtureFile.read(name: name, folder: folder)
    let rows = file.records.map { record in
      LuaValue.table(Dictionary(uniqueKeysWithValues: record.fields.map { (.string($0), .string($1)) }))
    }
    return [.array(rows), .string(file.path), .array(file.records.map { .integer(Int64($0.line)) })]
  }

  /// A path relative to the test file's folder, written as the user would write it.
  static func join(_ folder: String, _ path: String) -> String {
    if path.hasPrefix("/") || folder == "." || folder.isEmpty { return path }
    var parts = folder.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
    var rest = Substring(path)
    while rest.hasPrefix("./") { rest = rest.dropFirst(2) }
    while rest.hasPrefix("../"), let last = parts.last, last != "..", last != ".", !last.isEmpty {
      parts.removeLast()
      rest = rest.dropFirst(3)
    }
    return parts.isEmpty ? String(rest) : parts.joined(separator: "/") + "/" + rest
  }
}

extension LuaValue {
  fileprivate var text: String? { if case .string(let text) = self { text } else { nil } }
}
