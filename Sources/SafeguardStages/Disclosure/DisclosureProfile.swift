import SafeguardCore

/// A named set of disclosure rules (docs/disclosure.md, "Profiles"): which counts are
/// suppressed, how the others are published, what a suppressed cell shows, and the interval
/// width the audit demands of every suppressed count.
public struct DisclosureProfile: Sendable, Hashable {
  public var name: String
  /// Counts from 1 up to and including this are suppressed (primary suppression); 0: none.
  public var threshold: Int
  /// Counts that are published are rounded to the nearest multiple of this (halves up).
  public var roundingBase: Int?
  public var symbol: String
  /// Complementary suppression until the audit passes; off only for `custom` with
  /// `secondary: false`, whose run then fails wherever primary suppression alone is undone.
  public var secondary: Bool
  /// Group dominance (custom only): a count that is at least `percent`% of its row's
  /// population measure is suppressed too, since it says something of (nearly) everyone in it.
  public var dominance: Dominance?

  /// The group-dominance rule.
  public struct Dominance: Sendable, Hashable {
    public var percent: Double
    public var population: String

    public init(percent: Double, population: String) {
      self.percent = percent
      self.population = population
    }
  }

  public init(
    name: String, threshold: Int, roundingBase: Int?, symbol: String, secondary: Bool = true,
    dominance: Dominance? = nil
  ) {
    self.name = name
    self.threshold = threshold
    self.roundingBase = roundingBase
    self.symbol = symbol
    self.secondary = secondary
    self.dominance = dominance
  }

  /// DfE: counts 1 to 5 suppressed and shown as `c`, with secondary suppression; 0 published.
  public static let dfe = DisclosureProfile(name: "dfe", threshold: 5, roundingBase: nil, symbol: "c")
  /// NHS (HES): counts 1 to 7 shown as `*`, every other count rounded to the nearest 5.
  public static let nhs = DisclosureProfile(name: "nhs", threshold: 7, roundingBase: 5, symbol: "*")
  /// ONS secure research: cells under 10 suppressed.
  public static let onsSecure = DisclosureProfile(
    name: "ons-secure", threshold: 9, roundingBase: nil, symbol: "c")
  /// No disclosure control: figures published as computed, and every output says so.
  public static let off = DisclosureProfile(
    name: "off", threshold: 0, roundingBase: nil, symbol: "", secondary: false)

  public static let names = ["dfe", "nhs", "ons-secure", "custom", "off"]

  public var isOff: Bool { name == "off" }

  /// The width every suppressed count's feasible interval must reach: the threshold
  /// (docs/disclosure.md, "The protection rule").
  public var requiredWidth: Int { threshold }

  /// What every output of a table protected under this profile records.
  public func tableDisclosure(markerField: String) -> TableDisclosure {
    TableDisclosure(
      profile: name, symbol: symbol, threshold: threshold, roundingBase: roundingBase,
      markerField: markerField)
  }

  /// A published count under the profile's rounding: the nearest multiple of the base, halves
  /// up; the count itself when there is no rounding.
  public func rounded(_ count: Double) -> Double {
    guard let base = roundingBase, base > 1 else { return count }
    let b = Double(base)
    return (count / b + 0.5).rounded(.down) * b
  }

  /// The counts a rounded value `published` can stand for (`published` itself without
  /// rounding): `[v − b/2, v + b/2)` in whole numbers, and never a count the profile would
  /// have suppressed (so 0 stands for 0).
  public func interval(ofRounded published: Double) -> (lower: Double, upper: Double) {
    guard let base = roundingBase, base > 1, published != 0 else { return (published, published) }
    let half = Double(base) / 2
    let lower = max((published - half).rounded(.up), Double(threshold + 1))
    let upper = (published + half).rounded(.up) - 1
    return (lower, upper)
  }
}
