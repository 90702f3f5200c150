import ArgumentParser
import SafeguardCore
import SafeguardLua

extension Safeguard {
  /// `safeguard plugin`: the tools an analyst uses while writing a Lua plugin, before any
  /// pipeline runs it. See docs/plugins.md.
  struct Plugin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Check and test Lua plugins (see docs/plugins.md).",
      subcommands: [Check.self, Test.self])

    /// `safeguard plugin check FILE`: loads the plugin as a run would and says whether a run
    /// could use it. Problems go to stderr as `file:line: error: message`, exit status 2.
    struct Check: AsyncParsableCommand {
      static let configuration = CommandConfiguration(
        abstract: "Load a plugin in the sandbox and report what would stop a run using it.",
        discussion: """
          Reports syntax errors (file:line), errors and limits hit while the file's top level \
          runs, a file that does not return a table of hooks, and names that are not hooks \
          (with the nearest hook suggested). Prints the hooks the plugin defines. Exit status 0 \
          if the plugin is usable, 2 if not.
          """)

      @Argument(help: ArgumentHelp("The plugin file.", valueName: "FILE"))
      var file: String

      func run() async throws {
        let inspection = PluginInspection.inspect(file)
        if !inspection.hooks.isEmpty {
          let hooks = inspection.hooks.map { hook in
            hook.line.map { "\(hook.name) (line \($0))" } ?? hook.name
          }
          print("\(file): hooks: \(hooks.joined(separator: ", "))")
        }
        guard inspection.isUsable else { throw DefinitionError(inspection.problems) }
        print("\(file): ok")
      }
    }

    /// `safeguard plugin test DIR`: runs the plugin tests in a folder; the report ends with
    /// `N passed, N failed`. Exit status 1 if any test failed.
    struct Test: AsyncParsableCommand {
      static let configuration = CommandConfiguration(
        abstract: "Run the plugin tests (*_test.lua) in a folder.",
        discussion: """
          Runs every file ending _test.lua in the folder (not its subfolders), in name order, \
          each in the plugin sandbox with the test library: test, expect, load_plugin, \
          fixture. Prints each test with ok or FAIL, each failure's file:line and message, and \
          ends with the line "N passed, N failed". Exit status 0 if every test passed, 1 if any \
          failed (or none was found), 2 if the folder does not exist.
          """)

      @Argument(help: ArgumentHelp("The folder of test files, or one test file.", valueName: "DIR"))
      var folder: String

      func run() async throws {
        let summary = try PluginTestRunner().run(path: folder) { print($0) }
        guard summary.succeeded else {
          let problem =
            summary.results.isEmpty
            ? "no plugin tests found in \(folder)"
            : "\(summary.failed) plugin test\(summary.failed == 1 ? "" : "s") failed"
          throw RunError(problem)
        }
      }
    }
  }
}
