import ArgumentParser
import Foundation
import Logging
import SafeguardCore
import SafeguardOperations
import SafeguardRunner

extension Safeguard {
  /// `safeguard backfill DEF --from DATE --to DATE`.
  struct Backfill: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Run a definition for past reference dates.",
      discussion: """
        Runs the definition once for each day from --from to --to on which its schedule: is due \
        (every day if it has none), oldest first, with that day as its reference date (the \
        definition's reference_date and ${reference_date}); failed runs are tried again as its \
        retries: says. Each run is in the ledger with trigger backfill. Write the output folder \
        with ${reference_date} (outputs: dir: out/profile/${reference_date}) so that each day \
        keeps its own outputs. --dry-run lists the days, their output folders and what the \
        ledger already holds for each, and runs nothing. SIGTERM or SIGINT cancels the run under \
        way and stops. Exit status 0 when every run succeeded, 1 otherwise.
        """)

    @Argument(help: "The pipeline definition (YAML).")
    var pipeline: String

    @Option(help: ArgumentHelp("The first reference date.", valueName: "yyyy-MM-dd"))
    var from: String

    @Option(help: ArgumentHelp("The last reference date.", valueName: "yyyy-MM-dd"))
    var to: String

    @Flag(name: .customLong("dry-run"), help: "List the runs it would make; run nothing.")
    var dryRun = false

    @Option(
      name: .customLong("set"),
      help: ArgumentHelp("Override a variable the definition declares.", valueName: "NAME=VALUE"))
    var variables: [String] = []

    @Option(help: "Threads each run may use (default: the machine's cores).")
    var threads: Int?

    @OptionGroup var operations: OperationsOptions

    func validate() throws {
      _ = try VariableOverrides.parse(variables)
      guard let first = CivilDate.parseISO(from), let last = CivilDate.parseISO(to) else {
        throw ValidationError("--from and --to must be dates written yyyy-MM-dd")
      }
      guard first <= last else { throw ValidationError("--from must not be after --to") }
      if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    func run() async throws {
      operations.bootstrapLogging()
      let overrides = try VariableOverrides.parse(variables)
      let plan = try SafeguardOperations.Backfill(
        definitionPath: pipeline, from: CivilDate.parseISO(from)!, to: CivilDate.parseISO(to)!,
        overrides: overrides)
      if let (day, problem) = plan.misplacedOutput(overrides: overrides) {
        throw DefinitionError("\(pipeline): reference date \(day.date): \(problem)")
      }
      let (state, ledger) = try operations.open()
      if dryRun {
        try printPlan(plan, ledger: ledger, overrides: overrides)
        return
      }
      let logger = Logger(label: "safeguard")
      let manager = RunManager(state: state, ledger: ledger, logger: logger)
      let reason = CancelReason()
      let threads = self.threads
      let statuses = try await SignalStop.run(logger: logger, reason: reason) {
        var statuses: [(String, RunRecord.Status?)] = []
        for day in plan.days {
          if Task.isCancelled { break }
          var request = RunRequest(definitionPath: plan.definitionPath)
          request.overrides = overrides
          request.referenceDate = day.date
          request.trigger = "backfill"
          request.scheduledFor = day.due
          if let threads { request.threads = threads }
          let status = await RetryingRun(
            manager: manager, name: plan.name, request: request, retries: plan.retries
          ).run(cancelReason: reason)
          statuses.append((day.date, status))
        }
        return statuses
      }
      for (date, status) in statuses { print("\(date)  \(status?.rawValue ?? "not run")") }
      let succeeded = statuses.count { $0.1 == .succeeded }
      print("\(plan.name): \(succeeded) of \(plan.days.count) reference dates succeeded")
      if succeeded < plan.days.count {
        throw RunFailed(
          message: "\(plan.days.count - succeeded) of \(plan.days.count) backfill runs did not succeed")
      }
    }

    private func printPlan(
      _ plan: SafeguardOperations.Backfill, ledger: RunLedger, overrides: [String: String]
    )
      throws
    {
      let earlier = try ledger.runs(definition: plan.name, limit: 100_000)
      var table = TextTable(header: ["REFERENCE", "DUE", "OUTPUT", "IN THE LEDGER"])
      for day in plan.days {
        let last = earlier.first { $0.referenceDate == day.date }
        table.rows.append([
          day.date, day.due.map(LedgerJSON.time) ?? "-",
          plan.outputDirectory(for: day, overrides: overrides) ?? "?",
          last.map { "\($0.status.rawValue) \($0.id)" } ?? "-",
        ])
      }
      print(
        "\(plan.name): \(plan.days.count) run\(plan.days.count == 1 ? "" : "s") (dry run: nothing was run)")
      for line in table.lines { print(line) }
      let folders = Set(plan.days.compactMap { plan.outputDirectory(for: $0, overrides: overrides) })
      if plan.days.count > 1 && folders.count == 1 {
        print(
          "note: every run writes \(folders.first!): each replaces the one before; use ${reference_date} in outputs.dir to keep each"
        )
      }
    }
  }
}
