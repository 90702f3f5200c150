import Foundation
import Logging
import Synchronization

/// How log lines are written on stderr (`--log-format`).
public enum LogFormat: String, Sendable, CaseIterable {
  /// One readable line per message: time, level, the definition's name, the message, then any
  /// other metadata as `key=value`:
  ///
  ///     2026-03-31T02:00:01+01:00 info [neglect-overlay] run started (schedule, reference date 2026-03-31) run=20260331T010001Z-0a1b2c3d
  case text
  /// One JSON object per line, for a log collector: `time`, `level`, `message`, `label`, and
  /// each metadata value under its own key (`definition`, `run`, `plugin`, …).
  case json
}

/// The swift-log handler behind every safeguard log line. What it writes is what the code
/// logs: run ids, definition names, counts, paths and failure messages, which never carry a
/// record's values, an identifier or key material (plugins' messages are scrubbed before they
/// are logged; see docs/plugins.md).
public struct LogLines: LogHandler {
  public var logLevel: Logger.Level = .info
  public var metadata: Logger.Metadata = [:]
  public var metadataProvider: Logger.MetadataProvider?
  let label: String
  let format: LogFormat
  let sink: LogSink

  public init(label: String, format: LogFormat, sink: LogSink = .standardError) {
    self.label = label
    self.format = format
    self.sink = sink
  }

  public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
    get { metadata[key] }
    set { metadata[key] = newValue }
  }

  /// Makes every logger of the process write through this handler: call once, at the start.
  public static func bootstrap(format: LogFormat) {
    LoggingSystem.bootstrap { LogLines(label: $0, format: format) }
  }

  public func log(event: LogEvent) {
    var all = metadata
    if let provided = metadataProvider?.get() { all.merge(provided) { $1 } }
    if let extra = event.metadata { all.merge(extra) { $1 } }
    let time = Self.timestamp(Date())
    switch format {
    case .text:
      var line = "\(time) \(event.level)"
      if let definition = all.removeValue(forKey: "definition") { line += " [\(definition)]" }
      line += " \(event.message)"
      for (key, value) in all.sorted(by: { $0.key < $1.key }) { line += " \(key)=\(value)" }
      sink.write(line)
    case .json:
      var object: [String: Any] = [
        "time": time, "level": event.level.rawValue, "message": event.message.description, "label": label,
      ]
      for (key, value) in all { object[key] = Self.json(value) }
      guard
        let data = try? JSONSerialization.data(
          withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
      else { return }
      sink.write(String(decoding: data, as: UTF8.self))
    }
  }

  private static func json(_ value: Logger.MetadataValue) -> Any {
    switch value {
    case .string(let text): text
    case .stringConvertible(let value): value.description
    case .array(let values): values.map(json)
    case .dictionary(let values): values.mapValues(json)
    }
  }

  /// ISO 8601 with the local offset, to the second.
  static func timestamp(_ date: Date) -> String { date.formatted(localTime) }

  private static let localTime = Date.ISO8601FormatStyle(
    dateSeparator: .dash, dateTimeSeparator: .standard, timeSeparator: .colon, timeZoneSeparator: .colon,
    includingFractionalSeconds: false, timeZone: .current)
}

/// Where log lines go: stderr, or (for tests) a buffer.
public final class LogSink: Sendable {
  private let buffered: Bool
  private let lines = Mutex<[String]>([])

  private init(buffered: Bool) { self.buffered = buffered }

  public static let standardError = LogSink(buffered: false)

  /// A sink that keeps the lines, for tests.
  public static func buffer() -> LogSink { LogSink(buffered: true) }

  public var written: [String] { lines.withLock { $0 } }

  func write(_ line: String) {
    if buffered {
      lines.withLock { $0.append(line) }
    } else {
      FileHandle.standardError.write(Data((line + "\n").utf8))
    }
  }
}
