/// How one quasi-identifier coarsens, level by level: LSOA → ward → local authority, age band
/// → wider band → all ages, month → quarter → year, sex → any. Values are integer codes
/// (positions in a code list); level 0 is the data as given, and step `l` maps each code of
/// level `l` to its code at level `l + 1`.
///
/// The tables are composed once at init, so the code of an original value at any level is a
/// single array lookup.
public struct GeneralisationHierarchy: Sendable, Hashable {
  /// The quasi-identifier's name, used in errors and reports.
  public let name: String
  /// The number of codes at each level; `levelSizes[0]` is the domain of the original data.
  public let levelSizes: [Int]
  /// The highest level `KAnonymity` may use (at most the number of steps): a partnership may
  /// allow ward but never local authority, for example.
  public let maxLevel: Int
  /// `composed[l - 1][c]` is the level-`l` code of original code `c`.
  private let composed: [[UInt32]]

  /// A hierarchy from step tables: `steps[l][c]` is the level-`l + 1` code of level-`l` code
  /// `c`, so `steps[l]` needs an entry for every code of level `l`. Codes of level 0 must be
  /// below `domainSize`.
  public init(name: String, domainSize: Int, steps: [[UInt32]], maxLevel: Int? = nil) throws(KAnonymityError)
  {
    guard domainSize >= 1 else { throw KAnonymityError("quasi-identifier '\(name)': the domain is empty") }
    var sizes = [domainSize]
    var composed: [[UInt32]] = []
    for (level, step) in steps.enumerated() {
      guard step.count >= sizes[level] else {
        throw KAnonymityError(
          "quasi-identifier '\(name)': step \(level + 1) maps \(step.count) codes, "
            + "but level \(level) has \(sizes[level])"
        )
      }
      let previous = composed.last ?? (0..<UInt32(domainSize)).map { $0 }
      composed.append(previous.map { step[Int($0)] })
      sizes.append(Int(step.prefix(sizes[level]).max() ?? 0) + 1)
    }
    let maxLevel = maxLevel ?? steps.count
    guard (0...steps.count).contains(maxLevel) else {
      throw KAnonymityError(
        "quasi-identifier '\(name)': maximum level \(maxLevel) is not between 0 and \(steps.count)")
    }
    self.name = name
    self.levelSizes = sizes
    self.maxLevel = maxLevel
    self.composed = composed
  }

  /// A hierarchy from step functions, tabulated over each level's codes (`0..<size`).
  public init(
    name: String, domainSize: Int, steps: [(UInt32) -> UInt32], maxLevel: Int? = nil
  ) throws(KAnonymityError) {
    var tables: [[UInt32]] = []
    var size = domainSize
    for step in steps {
      let table = (0..<UInt32(max(size, 0))).map(step)
      tables.append(table)
      size = Int(table.max() ?? 0) + 1
    }
    try self.init(name: name, domainSize: domainSize, steps: tables, maxLevel: maxLevel)
  }

  /// A quasi-identifier that is never generalised (only suppression protects it).
  public static func fixed(name: String, domainSize: Int) throws(KAnonymityError) -> GeneralisationHierarchy {
    try GeneralisationHierarchy(name: name, domainSize: domainSize, steps: [] as [[UInt32]])
  }

  /// A one-step hierarchy whose only generalisation is "any" (every code → 0), e.g. for sex.
  public static func anyValue(name: String, domainSize: Int) throws(KAnonymityError)
    -> GeneralisationHierarchy
  {
    try GeneralisationHierarchy(
      name: name, domainSize: domainSize, steps: [Array(repeating: 0, count: domainSize)])
  }

  /// The number of generalisation steps defined (whether or not `maxLevel` allows them all).
  public var stepCount: Int { composed.count }

  /// The level-`level` code of original code `code` (which must be below `levelSizes[0]`).
  @inline(__always)
  public func code(_ code: UInt32, at level: Int) -> UInt32 {
    level == 0 ? code : composed[level - 1][Int(code)]
  }

  /// The whole level-`level` table, or nil for level 0 (the identity), for loops over a column.
  func table(at level: Int) -> [UInt32]? { level == 0 ? nil : composed[level - 1] }
}

/// Why a k-anonymity configuration or input was refused. Messages name quasi-identifiers,
/// levels and row numbers, never a value.
public struct KAnonymityError: Error, Sendable, Hashable, CustomStringConvertible {
  public let message: String
  init(_ message: String) { self.message = message }
  public var description: String { message }
}
