import Foundation
import Logging
import SafeguardCore
import SafeguardDefinition

/// A definition file that declares `schedule:`, as a scheduler found it.
public struct ScheduledDefinition: Sendable {
  public var path: String
  public var name: String
  public var schedule: ScheduleSpec
  public var retries: RetryPolicy
  public var calendar: ScheduleCalendar { ScheduleCalendar(schedule) }
}

/// The definitions in a folder that have a schedule. Every `.yaml` or `.yml` file directly in
/// the folder is read; files without a top-level `schedule:` (such as files other definitions
/// include) are passed over. Only the name, schedule and retries are needed here: problems
/// elsewhere in a definition (an input file not there yet) are reported when it runs.
public enum ScheduledDefinitions {
  public static func scan(_ directory: String, logger: Logger) -> [ScheduledDefinition] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    var found: [ScheduledDefinition] = []
    for name in names.sorted() where name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
      let path = directory + "/" + name
      guard let text = try? String(contentsOfFile: path, encoding: .utf8), declaresSchedule(text) else { continue }
      do {
        // Any date will do: only the name and schedule are read, and `${reference_date}` must resolve.
        let (definition, problems) = try DefinitionLoader(referenceDate: "2000-01-01")
          .loadReportingProblems(path: path)
        guard let schedule = definition.schedule else {
          logger.error("\(path): not scheduled: \(problems.all.map(\.description).joined(separator: "; "))")
          continue
        }
        found.append(
          ScheduledDefinition(
            path: path, name: definition.name, schedule: schedule, retries: definition.retries))
      } catch {
        logger.error("\(path): not scheduled: \(error.description)")
      }
    }
    return found
  }

  /// A `schedule:` key at the top level of the file.
  static func declaresSchedule(_ text: String) -> Bool {
    text.split(separator: "\n").contains { $0.hasPrefix("schedule:") }
  }
}
