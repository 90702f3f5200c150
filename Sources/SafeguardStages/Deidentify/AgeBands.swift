import SafeguardCore

/// Age bands such as `["0-4", "5-9", "10-15", "16-17", "18-24", "25-34", "35-49", "50+"]`, and
/// ages in completed years. Publishing a band instead of a date of birth is the first
/// generalisation step of de-identification.
///
/// Bands must ascend and may not overlap; gaps are allowed (an age in a gap has no band) but
/// reported by `isContiguous`. Only the last band may be open (`N+`).
public struct AgeBands: Sendable, Hashable {
  /// One band: ages `lower` through `upper` inclusive, or `lower` and over when `upper` is nil.
  public struct Band: Sendable, Hashable {
    public let lower: Int
    public let upper: Int?
    /// The band as written in canonical form: "5-9", "50+".
    public var label: String { upper.map { "\(lower)-\($0)" } ?? "\(lower)+" }

    public func contains(_ age: Int) -> Bool { age >= lower && (upper.map { age <= $0 } ?? true) }
  }

  public let bands: [Band]

  /// Parses band specs ("A-B" with A ≤ B, or "N+" for the last band); spaces around numbers
  /// are allowed. The error names the spec and the rule it breaks.
  public init(_ specs: [String]) throws(AgeBandError) {
    guard !specs.isEmpty else { throw AgeBandError("at least one age band is needed") }
    var bands: [Band] = []
    for (index, spec) in specs.enumerated() {
      guard let band = Self.parse(spec) else {
        throw AgeBandError("age band '\(spec)' is not of the form 'A-B' (A ≤ B) or 'N+'")
      }
      if band.upper == nil && index != specs.count - 1 {
        throw AgeBandError("age band '\(spec)' is open-ended, so it must be the last band")
      }
      if let previous = bands.last, let end = previous.upper, band.lower <= end {
        throw AgeBandError(
          "age band '\(spec)' starts at or below the end of '\(previous.label)': "
            + "bands must ascend without overlap"
        )
      }
      bands.append(band)
    }
    self.bands = bands
  }

  /// True when each band starts the year after the previous one ends.
  public var isContiguous: Bool {
    zip(bands, bands.dropFirst()).allSatisfy { $0.upper.map { $0 + 1 } == $1.lower }
  }

  /// The band labels, in order, for a code list: the band index is the code.
  public var labels: [String] { bands.map(\.label) }

  public var codeList: CodeList { CodeList(labels) }

  /// The index of the band holding `age`, or nil (below the first band, in a gap, or above a
  /// closed last band).
  public func band(for age: Int) -> Int? {
    // Few bands and ascending: a linear scan beats a binary search's branches.
    for (index, band) in bands.enumerated() {
      if age < band.lower { return nil }
      if band.contains(age) { return index }
    }
    return nil
  }

  /// Age in completed years on day `reference`, or nil when `reference` is before the date of
  /// birth. A birthday counts from the day itself. Someone born on 29 February becomes a year
  /// older on 1 March in a common year, as in England and Wales (where an age is attained at
  /// the start of the anniversary, and the anniversary of 29 February in a common year is
  /// 1 March): comparing (month, day) pairs gives this without a special case, since
  /// 28 February < 29 February < 1 March.
  public static func age(dateOfBirth: Int32, at reference: Int32) -> Int? {
    guard reference >= dateOfBirth else { return nil }
    let born = CivilDate.components(dateOfBirth)
    let now = CivilDate.components(reference)
    let hadBirthday = (now.month, now.day) >= (born.month, born.day)
    return now.year - born.year - (hadBirthday ? 0 : 1)
  }

  /// The band index for someone born on `dateOfBirth`, on day `reference`.
  public func band(dateOfBirth: Int32, at reference: Int32) -> Int? {
    Self.age(dateOfBirth: dateOfBirth, at: reference).flatMap(band(for:))
  }

  private static func parse(_ spec: String) -> Band? {
    let text = spec.filter { !$0.isWhitespace }
    if text.hasSuffix("+") {
      guard let lower = number(text.dropLast()) else { return nil }
      return Band(lower: lower, upper: nil)
    }
    let parts = text.split(separator: "-", omittingEmptySubsequences: false)
    guard parts.count == 2, let lower = number(parts[0]), let upper = number(parts[1]), lower <= upper else {
      return nil
    }
    return Band(lower: lower, upper: upper)
  }

  /// A non-negative age of at most three digits.
  private static func number(_ text: Substring) -> Int? {
    guard (1...3).contains(text.count), text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
    return Int(text)
  }
}

/// Why age band specs were refused. The message quotes the specs, which come from a pipeline
/// definition, never a person's age or date of birth.
public struct AgeBandError: Error, Sendable, Hashable, CustomStringConvertible {
  public let message: String
  init(_ message: String) { self.message = message }
  public var description: String { message }
}
