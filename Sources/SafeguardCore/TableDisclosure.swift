/// How a published area table was protected. The `disclose` stage sets it on each table it
/// releases (`AreaTableShape.disclosure`), so that every export writes suppressed cells the
/// same way and records the profile in its metadata, whatever stage produced the table.
public struct TableDisclosure: Sendable, Hashable {
  /// The profile's name as the definition gave it: "dfe", "nhs", "ons-secure", "custom" or
  /// "off" (figures published unsuppressed, which every output must then say).
  public var profile: String
  /// What a suppressed cell shows in a published file ("c", "*").
  public var symbol: String
  /// Counts from 1 up to and including this value are suppressed; 0 when `profile` is "off".
  public var threshold: Int
  /// Counts not suppressed are rounded to a multiple of this; nil when figures are exact.
  public var roundingBase: Int?
  /// The string field of the table that lists, in each row, the measures suppressed in that
  /// row (names separated by single spaces; empty when none). Exports write `symbol` in those
  /// cells and never publish this field itself.
  public var markerField: String

  public init(profile: String, symbol: String, threshold: Int, roundingBase: Int?, markerField: String) {
    self.profile = profile
    self.symbol = symbol
    self.threshold = threshold
    self.roundingBase = roundingBase
    self.markerField = markerField
  }

  /// The default name of the marker field.
  public static let defaultMarkerField = "suppressed"
}
