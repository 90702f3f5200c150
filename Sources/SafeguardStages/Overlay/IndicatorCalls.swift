import SafeguardCore

/// The plugin's `indicators(child, ctx)` hook, called once per child and period through
/// ``AttachedPlugin/callEach``: every call is tallied, because a failed one leaves the child's
/// indicators false or 0, which the outputs cannot tell from a true 0 (the run judges the
/// failures; see ``HookCalls``). Under `on_error: fail` the first failure, in the tables' row
/// order, stops the run.
struct IndicatorCalls: Sendable {
  let plugin: any AttachedPlugin
  /// The plugin file, for messages.
  let path: String
  let stage: String
  let policy: ErrorPolicy
  let indicators: [(name: String, type: OverlayOptions.IndicatorType)]

  /// Each row's indicators, `indicators.count` numbers per row in the declared order, as the
  /// tables use them: a flag 1 or 0, an integer whole, a decimal as returned; all 0 for a
  /// failed call. `rows` makes the rows of a range (see ``IndicatorRows``).
  func values(count: Int, rows: @escaping @Sendable (Range<Int>) -> Batch) async throws -> (
    values: [Double], calls: HookCalls
  ) {
    var out = try await plugin.callEach(
      "indicators", count: count, results: indicators.map(\.name), stopAtFirstFailure: policy == .fail,
      rows: rows)
    let width = indicators.count
    var calls = HookCalls()
    var failures = out.failures[...]
    for row in 0..<count {
      let first = row * width
      var failure: String?
      if let next = failures.first, next.row == row {
        failure = next.message
        failures.removeFirst()
      } else {
        for (i, indicator) in indicators.enumerated() {
          guard let value = Self.typed(out.values[first + i], indicator.type) else {
            failure =
              "\(path): bad return value in hook 'indicators': indicator '\(indicator.name)' is an integer, "
              + "but the hook returned a number that is infinite, not a number, or beyond the integer range"
            break
          }
          out.values[first + i] = value
        }
      }
      guard let failure else {
        calls.succeeded()
        continue
      }
      guard policy != .fail else { throw RunError("stage '\(stage)': \(failure)") }
      calls.failed(failure)
      for i in 0..<width { out.values[first + i] = 0 }
    }
    return (out.values, calls)
  }

  /// A result as the tables use it: a flag 1 or 0 (anything but 0 is true), an integer
  /// truncated toward zero (nil when no integer holds it), a decimal as it is.
  static func typed(_ value: Double, _ type: OverlayOptions.IndicatorType) -> Double? {
    switch type {
    case .boolean: return value != 0 ? 1 : 0
    case .decimal: return value
    case .integer:
      let whole = value.rounded(.towardZero)
      guard whole.isFinite, whole >= -0x1p63, whole < 0x1p63 else { return nil }
      return whole
    }
  }
}
