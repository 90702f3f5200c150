import SafeguardCore
import Synchronization

/// `cin-measures`: the Children in Need Census measures of a collection year, counted from the
/// streams a `cin-census` input yields (its returns read together), as one table `measure,value`.
///
///     - uses: cin-measures
///       with: { returns: cin }       # the cin-census input; its streams are cin_children, ...
///
/// The year is that of the latest return read (1 April to 31 March); the 3-year measures take
/// the two years before it too. Keys and definitions: docs/statutory-returns.md. The stage
/// holds what the measures need until the last batch (a few numbers per record), so the order
/// in which the streams arrive does not matter; it passes every batch on.
public final class CINMeasures: Stage {
  public static let name = "cin-measures"
  public static let summary =
    "the CIN Census measures of the latest return year and 3 years, as measure,value"

  let label: String
  let input: String
  let output: String
  let location: SourceLocation
  private let state = Mutex(CINMeasureRecords())

  public init?(spec: StageSpec, diagnostics: inout Diagnostics) {
    label = spec.label
    location = spec.location
    var reader = spec.optionReader()
    input = reader.string("returns", default: "cin")
    output = reader.string("output", default: "cin_measures")
    reader.finish(into: &diagnostics)
  }

  private func stream(_ role: CINMeasureRecords.Role) -> String { "\(input)_\(role.suffix)" }

  static let schema = Schema([
    Field("measure", .string, meaning: "the measure's key (docs/statutory-returns.md defines each)"),
    Field("value", .integer, meaning: "the count"),
  ])

  public func plan(_ streams: StreamSchemas, diagnostics: inout Diagnostics) -> StreamSchemas {
    for role in CINMeasureRecords.Role.allCases {
      guard let schema = streams[stream(role)] else {
        diagnostics.error(
          "stage '\(label)' reads stream '\(stream(role))', which no input provides: 'returns' names the "
            + "cin-census input ('\(input)')", at: location)
        continue
      }
      for (field, type) in role.fields where schema[field].map({ "\($0.type)" == type }) != true {
        diagnostics.error(
          "stage '\(label)': stream '\(stream(role))' has no \(type) field '\(field)'", at: location)
      }
    }
    var out = streams
    if streams[output] != nil {
      diagnostics.error("stage '\(label)' makes stream '\(output)', which already exists", at: location)
    }
    out[output] = Self.schema
    return out
  }

  public func start(context: StageContext) async throws {
    state.withLock { $0 = CINMeasureRecords() }
  }

  public func process(_ batch: Batch, context: StageContext) async throws -> [Batch] {
    if let role = CINMeasureRecords.Role.allCases.first(where: { stream($0) == batch.stream }) {
      state.withLock { $0.add(batch, as: role) }
    }
    return [batch]
  }

  public func finish(context: StageContext) async throws -> [Batch] {
    let records = state.withLock { $0 }
    let year: Int
    if let latest = records.returnYears.max() {
      year = Int(latest)
    } else if let day = context.run.referenceDate {
      let (y, m, _) = CivilDate.components(day)
      year = m >= 4 ? y + 1 : y
    } else {
      throw RunError(
        "stage '\(label)': no return was read from input '\(input)', and the definition has no reference_date "
          + "to say which year to measure")
    }
    var rows = RecordBuilder(stream: output, schema: Self.schema)
    for (measure, value) in CINMeasureFigures(year: year).measures(records) {
      rows.append([.string(measure), .integer(value)])
    }
    context.count("collection_year", year)
    return [rows.build()]
  }
}
