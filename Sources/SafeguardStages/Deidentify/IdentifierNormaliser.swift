import SafeguardCore

/// Puts each kind of identifier into one canonical form before it is hashed, so that the same
/// person or household written two ways gets one pseudonym. Every function is pure (no state,
/// no I/O) and returns nil for a value that cannot be a valid identifier of its kind: a
/// pseudonym of garbage would link unrelated records that share the same garbage.
///
/// Surrounding whitespace (spaces, tabs, line breaks) is ignored everywhere.
public enum IdentifierNormaliser {
  /// The ten digits of a valid NHS number (spaces and hyphens between digits allowed, the
  /// modulus-11 check digit verified), or nil.
  public static func nhsNumber(_ text: some StringProtocol) -> String? {
    Identifiers.validNHSNumber(trimmed(text))
  }

  /// An upper-cased unique pupil number with a right check letter, or nil.
  public static func upn(_ text: some StringProtocol) -> String? {
    Identifiers.validUPN(trimmed(text))
  }

  /// A local person number without surrounding spaces or a spreadsheet's `.0` ("1234.0" and
  /// "1234" are the same person number), or nil when nothing is left.
  public static func localID(_ text: some StringProtocol) -> String? {
    var local = trimmed(text)
    if local.hasSuffix(".0") { local.removeLast(2) }
    return local.isEmpty ? nil : local
  }

  /// A postcode in its standard form ("SW1A 1AA"), or nil.
  public static func postcode(_ text: some StringProtocol) -> String? {
    Identifiers.normalisedPostcode(text)
  }

  /// A date of birth (days since 1970-01-01) as ISO 8601, yyyy-MM-dd.
  public static func dateOfBirth(_ days: Int32) -> String { CivilDate.iso(days) }

  /// A name folded by `TextFolding`'s rules: upper case, accents folded (é → E, ß → SS,
  /// Æ → AE, Ø → O, Ł → L), apostrophes removed (O'Neill = ONEILL), hyphens and other
  /// punctuation as spaces (Smith-Jones = SMITH JONES), whitespace collapsed. Nil when nothing
  /// is left.
  public static func name(_ text: some StringProtocol) -> String? {
    let folded = TextFolding.fold(text)
    return folded.isEmpty ? nil : folded
  }

  /// A UPRN as a number: digits only, leading zeros dropped ("000123" = "123", since a UPRN is
  /// an integer and systems that store it as one lose them). A spreadsheet's "1234.0" or
  /// "1234.00" is accepted as 1234; anything else with a decimal point, a sign, an exponent
  /// ("1.00012E+11" has lost digits), inner spaces or separators is refused, as are zero and
  /// values of more than 12 digits (the most a UPRN has).
  public static func uprnValue(_ text: some StringProtocol) -> UInt64? {
    let bytes = trimmed(text).utf8
    var value: UInt64 = 0
    var significant = 0
    var index = bytes.startIndex
    while index != bytes.endIndex, let digit = digitValue(bytes[index]) {
      if value != 0 || digit != 0 { significant += 1 }
      guard significant <= 12 else { return nil }
      value = value * 10 + UInt64(digit)
      index = bytes.index(after: index)
    }
    guard index != bytes.startIndex else { return nil }
    if index != bytes.endIndex {
      guard bytes[index] == UInt8(ascii: "."),
        bytes[bytes.index(after: index)...].allSatisfy({ $0 == UInt8(ascii: "0") })
      else { return nil }
    }
    return value == 0 ? nil : value
  }

  /// `uprnValue` as decimal text without leading zeros.
  public static func uprn(_ text: some StringProtocol) -> String? { uprnValue(text).map { String($0) } }

  /// An address line (or lines joined by commas) folded by the name rules, then a short list
  /// of unambiguous street-type abbreviations spelled out as whole words (RD → ROAD,
  /// AVE → AVENUE; see `addressWords`). "ST" is left alone: it is both Street and Saint.
  /// House numbers and flat letters are kept ("12A", "FLAT 3"). Nil when nothing is left.
  public static func address(_ text: some StringProtocol) -> String? {
    let folded = TextFolding.fold(text)
    guard !folded.isEmpty else { return nil }
    return folded.split(separator: " ").map { addressWords[String($0)] ?? String($0) }.joined(separator: " ")
  }

  /// Abbreviations `address` spells out. Deliberately short: each must be unambiguous in a UK
  /// address, because a wrong expansion would split one household into two.
  public static let addressWords: [String: String] = [
    "RD": "ROAD", "AVE": "AVENUE", "AV": "AVENUE", "CL": "CLOSE", "CRES": "CRESCENT",
    "DR": "DRIVE", "GDNS": "GARDENS", "GRN": "GREEN", "LN": "LANE", "PL": "PLACE", "SQ": "SQUARE",
    "TCE": "TERRACE", "TERR": "TERRACE", "CT": "COURT", "PK": "PARK", "HSE": "HOUSE",
  ]

  /// The separator of key parts: normalised parts never contain it (folding turns all
  /// punctuation into spaces, dates use digits and '-', postcodes letters, digits and a space).
  public static let keySeparator = "|"

  /// The household address key: `ADDRESS|POSTCODE`. Nil unless both the address and the
  /// postcode normalise: "12 HIGH STREET" alone occurs in most towns.
  public static func householdAddressKey(address: some StringProtocol, postcode: some StringProtocol)
    -> String?
  {
    guard let line = self.address(address), let code = self.postcode(postcode) else { return nil }
    return line + keySeparator + code
  }

  /// The demographic person key: `FORENAME|SURNAME|yyyy-MM-dd|POSTCODE`, each part normalised,
  /// or nil if any part is missing or invalid. The whole forename is used ("MARY ANN"), since
  /// dropping middle names would merge siblings named after one another.
  public static func demographicKey(
    forename: some StringProtocol, surname: some StringProtocol, dateOfBirth: Int32,
    postcode: some StringProtocol
  ) -> String? {
    guard let first = name(forename), let last = name(surname), let code = self.postcode(postcode) else {
      return nil
    }
    return [first, last, self.dateOfBirth(dateOfBirth), code].joined(separator: keySeparator)
  }

  /// The text without surrounding ASCII whitespace (spaces, tabs, line ends), found on bytes:
  /// Character-level whitespace tests cost a Unicode property lookup per character, per record.
  private static func trimmed(_ text: some StringProtocol) -> String {
    let isSpace = { (byte: UInt8) in byte == 0x20 || (0x09...0x0D).contains(byte) }
    var bytes = Array(text.utf8)
    while let last = bytes.last, isSpace(last) { bytes.removeLast() }
    let start = bytes.firstIndex { !isSpace($0) } ?? bytes.endIndex
    return String(decoding: bytes[start...], as: UTF8.self)
  }

  private static func digitValue(_ byte: UInt8) -> UInt8? {
    (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) ? byte - UInt8(ascii: "0") : nil
  }
}
