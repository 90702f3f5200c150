/// What a disclosure-control stage did to the area tables of a run and what its audit proved,
/// for the run summary (`disclosure` in run-summary.json; docs/disclosure.md, "The log").
public struct DisclosureLog: Sendable, Codable, Hashable {
  /// The stage that protected the tables.
  public var stage: String
  public var profile: String
  public var threshold: Int
  public var roundingBase: Int?
  /// The interval width every suppressed count must keep (the audit's rule).
  public var requiredWidth: Int
  /// True when every suppressed count passed the audit (always true under `off`).
  public var passed: Bool
  public var tables: [Table] = []
  /// Rounds of the audit: each solves the parts that changed and adds complementary
  /// suppressions where a cell failed.
  public var rounds = 0
  /// Independent parts of the relations (suppressed cells that no relation links are apart).
  public var components = 0
  /// Suppressed or rounded cells in the largest part: the largest linear program's columns.
  public var largestComponent = 0
  public var linearPrograms = 0
  public var seconds = 0.0

  /// One published table.
  public struct Table: Sendable, Codable, Hashable {
    public var name: String
    /// Cells of its measures (rows × measures).
    public var cells = 0
    public var primary = 0
    public var secondary = 0
    /// The narrowest interval the audit found for a suppressed count of this table: exact where
    /// both of the cell's linear programs were solved, otherwise a width it was shown to have at
    /// least. Nil when the table has no suppressed count.
    public var smallestWidth: Double?
    /// Suppressed counts that failed the audit (0 when the table is published).
    public var failing = 0
    public var linearPrograms = 0
    public var seconds = 0.0

    public init(name: String) { self.name = name }

    enum CodingKeys: String, CodingKey {
      case name, cells, primary, secondary, smallestWidth = "smallest_width", failing
      case linearPrograms = "linear_programs", seconds
    }
  }

  public init(stage: String, profile: String, threshold: Int, roundingBase: Int?, requiredWidth: Int) {
    self.stage = stage
    self.profile = profile
    self.threshold = threshold
    self.roundingBase = roundingBase
    self.requiredWidth = requiredWidth
    self.passed = true
  }

  enum CodingKeys: String, CodingKey {
    case stage, profile, threshold, roundingBase = "rounding_base", requiredWidth = "required_width", passed
    case tables, rounds, components, largestComponent = "largest_component"
    case linearPrograms = "linear_programs", seconds
  }
}
