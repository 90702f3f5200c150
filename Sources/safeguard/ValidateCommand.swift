import ArgumentParser
import Foundation
import SafeguardCore
import SafeguardDefinition
import SafeguardOperations
import SafeguardRunner

extension Safeguard {
  /// `safeguard validate`: every check that can be made without running.
  struct Validate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Check a pipeline definition without running it.",
      discussion: """
        Reports every problem at once, each at file:line:column: unknown or misspelt keys, wrong
        types, unknown stages, missing files, fields a stage needs that no earlier stage
        provides, and columns missing from the header of an input file or of a reference table a
        stage reads (only header lines are read). Exit status 0 if the definition is valid, 2 if
        not.
        """)

    @Argument(help: "The pipeline definition (YAML).")
    var pipeline: String

    @Option(
      name: .customLong("set"),
      help: ArgumentHelp("Override a variable the definition declares.", valueName: "NAME=VALUE"))
    var variables: [String] = []

    func run() async throws {
      let overrides = try VariableOverrides.parse(variables)
      let built = try Pipeline.load(path: pipeline, overrides: overrides, checkFiles: true)
      let definition = built.definition
      if let problem = OutputPlacement.problem(output: definition.outputs.directory, definition: definition) {
        throw DefinitionError([Diagnostic(problem, at: definition.outputs.location)])
      }
      print(
        "\(pipeline): valid: \(definition.inputs.count) inputs, \(built.stages.count) stages, "
          + "\(definition.inputs.reduce(0) { $0 + $1.files.count }) input files")
      if let schedule = definition.schedule {
        let next = ScheduleCalendar(schedule).next(after: Date()).map(LedgerJSON.time) ?? "never"
        print(
          "  schedule: \(schedule.cron) in \(schedule.timeZone), catch_up \(schedule.catchUp.rawValue); "
            + "next due \(next)")
      }
    }
  }
}
