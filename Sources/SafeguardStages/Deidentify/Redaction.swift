import SafeguardCore

/// Free text through the attached plugin's `redact(field, value, ctx)` hook: the hook returns
/// the cleaned text, or nil to drop the value. A hook that fails leaves the record to the
/// stage's `on_error` policy; the error names the plugin, hook and the record's source line,
/// never the text.
struct Redaction {
  /// Per redacted field, the cleaned value of each row.
  var values: [[String?]]
  /// Rows whose hook call failed, with the reason.
  var failures: [(row: Int, reason: String)]

  static func run(_ batch: Batch, fields: [String], with plugin: (any AttachedPlugin)?, context: StageContext)
    throws -> Redaction
  {
    var result = Redaction(values: [], failures: [])
    guard !fields.isEmpty else { return result }
    guard let plugin else { throw RunError("redact fields need a plugin, which did not start") }
    var failed = Set<Int>()
    for field in fields {
      let column = batch.column(field)!
      var cleaned: [String?] = []
      cleaned.reserveCapacity(batch.count)
      for row in 0..<batch.count {
        guard let text = column.text(at: row), !text.isEmpty, !failed.contains(row) else {
          cleaned.append(nil)
          continue
        }
        do {
          let origin = context.run.sources.location(batch.origins[row])
          switch try plugin.call("redact", [.string(field), .string(text)], sensitive: [1], origin: origin) {
          case .string(let value): cleaned.append(value)
          case .null: cleaned.append(nil)
          default:
            cleaned.append(nil)
            failed.insert(row)
            result.failures.append((row, "the redact hook must return text or nil (field \(field))"))
          }
        } catch {
          cleaned.append(nil)
          failed.insert(row)
          result.failures.append((row, "\(error)"))
        }
        if cleaned.last! != nil {
          context.count("redacted_values_kept")
        } else {
          context.count("redacted_values_dropped")
        }
      }
      result.values.append(cleaned)
    }
    return result
  }

  /// Removes the rows whose hook failed, as the stage's policy says.
  func apply(to batch: Batch, policy: ErrorPolicy, context: StageContext) throws -> Batch {
    guard !failures.isEmpty else { return batch }
    switch policy {
    case .fail: throw RunError(failures[0].reason)
    case .quarantine:
      for failure in failures { context.quarantine(batch, rows: [failure.row], reason: failure.reason) }
    case .drop:
      context.dropFailed(
        failures.count, stream: batch.stream, rule: "plugin error", reason: failures[0].reason)
    }
    let failedRows = Set(failures.map(\.row))
    return batch.selecting((0..<batch.count).filter { !failedRows.contains($0) })
  }
}
