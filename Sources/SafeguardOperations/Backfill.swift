import Foundation
import SafeguardCore
import SafeguardDefinition

/// The reference dates `safeguard backfill` runs a definition for: the days from `from` to `to`
/// (inclusive) on which its schedule is due, in its time zone, each with its first due time;
/// every day when it has no schedule.
public struct Backfill: Sendable {
  public struct Day: Sendable, Hashable {
    /// The reference date, `yyyy-MM-dd`.
    public var date: String
    /// The schedule's first due time that day.
    public var due: Date?
  }

  public let definitionPath: String
  public let name: String
  public let days: [Day]
  public let retries: RetryPolicy

  public init(definitionPath: String, from: Int32, to: Int32, overrides: [String: String] = [:])
    throws(DefinitionError)
  {
    let loader = DefinitionLoader(overrides: overrides, referenceDate: CivilDate.iso(from))
    let definition = try loader.load(path: definitionPath)
    self.definitionPath = definitionPath
    name = definition.name
    retries = definition.retries
    guard from <= to else {
      days = []
      return
    }
    let calendar = definition.schedule.map(ScheduleCalendar.init)
    days = (from...to).compactMap { day -> Day? in
      guard let calendar else { return Day(date: CivilDate.iso(day), due: nil) }
      guard let first = calendar.instants(on: Int64(day)).min() else { return nil }
      return Day(date: CivilDate.iso(day), due: Date(timeIntervalSince1970: Double(first)))
    }
  }

  /// The first day whose output folder is placed among what the definition reads
  /// (``OutputPlacement``), with the reason: backfill refuses to start then, as each of its
  /// runs would.
  public func misplacedOutput(overrides: [String: String] = [:]) -> (day: Day, problem: String)? {
    for day in days {
      let loader = DefinitionLoader(overrides: overrides, referenceDate: day.date)
      guard let definition = try? loader.loadReportingProblems(path: definitionPath).0 else { continue }
      if let problem = OutputPlacement.problem(output: definition.outputs.directory, definition: definition) {
        return (day, problem)
      }
    }
    return nil
  }

  /// The output folder of the run for a day (`${reference_date}` resolved).
  public func outputDirectory(for day: Day, overrides: [String: String] = [:]) -> String? {
    let loader = DefinitionLoader(overrides: overrides, referenceDate: day.date)
    return try? loader.loadReportingProblems(path: definitionPath).0.outputs.directory
  }
}
