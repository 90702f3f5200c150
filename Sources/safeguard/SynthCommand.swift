import ArgumentParser
import Foundation
import SafeguardCore
import SafeguardSynth

/// `safeguard synth`: writes a synthetic local authority (reference files, agency extracts and
/// truth files) for demos, tests and benchmarks.
struct Synth: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "synth",
    abstract: "Generate a synthetic local authority's reference files and agency extracts.",
    discussion: """
      Everything generated is synthetic, and the same options always give byte-identical \
      files. The folder gets reference/ (areas, postcodes, population, neighbours.gal, \
      boundaries.geojson), extracts/ (one file per agency) and truth/ (hotspots.csv, \
      faults.csv, manifest.json, and collisions.csv with --collisions). docs/data.md describes \
      every file and column.
      """)

  @Option(help: ArgumentHelp("The folder to write into (created if missing).", valueName: "DIR"))
  var out: String

  @Option(help: ArgumentHelp("Children in the authority (about 300 per LSOA).", valueName: "N"))
  var children = 20_000

  @Option(
    help: ArgumentHelp("Seed of the random streams; the same seed gives the same files.", valueName: "S"))
  var seed: UInt64 = 1

  @Option(
    name: .customLong("dirty"),
    help: ArgumentHelp("Share of agency-extract rows given a realistic fault, 0 to 1.", valueName: "RATE"))
  var dirtyRate = 0.0

  @Option(
    name: .customLong("collisions"),
    help: ArgumentHelp(
      "Share of children with a UPN given another child's UPN (mis-keyed), 0 to 0.1; half as many "
        + "share name, date of birth and postcode with a child of another household. The register then "
        + "holds every child's NHS number. Pairs listed in truth/collisions.csv.",
      valueName: "RATE"))
  var collisionRate = 0.0

  @Option(
    name: .customLong("reference-date"),
    help: ArgumentHelp(
      "The day the extracts are taken; history covers the four years to it.", valueName: "yyyy-MM-dd"))
  var referenceDate = "2026-03-31"

  func validate() throws {
    guard !out.isEmpty else { throw ValidationError("--out needs a folder, for example --out demo-data") }
    guard (1...SyntheticAuthority.Options.maximumChildren).contains(children) else {
      throw ValidationError(
        "--children must be between 1 and \(SyntheticAuthority.Options.maximumChildren); "
          + "20000 is a district, 300000 a large county")
    }
    guard dirtyRate >= 0 && dirtyRate <= 1 else {
      throw ValidationError(
        "--dirty is a share of rows between 0 and 1: use 0.01 for 1% of rows, 0 for clean data")
    }
    guard collisionRate >= 0 && collisionRate <= SyntheticAuthority.Options.maximumCollisionRate else {
      throw ValidationError(
        "--collisions is a share of children between 0 and \(SyntheticAuthority.Options.maximumCollisionRate): "
          + "use 0.002 for 0.2% of children, 0 for none")
    }
    guard let day = CivilDate.parseISO(referenceDate), (1990...2200).contains(CivilDate.components(day).year)
    else {
      throw ValidationError(
        "--reference-date must be a date written yyyy-MM-dd between 1990 and 2200, for example 2026-03-31")
    }
  }

  func run() async throws {
    let options = SyntheticAuthority.Options(
      children: children, seed: seed, dirtyRate: dirtyRate, collisionRate: collisionRate,
      referenceDate: CivilDate.parseISO(referenceDate)!)
    let report = try SyntheticAuthority.generate(into: out, options: options)
    let seconds =
      Double(report.duration.components.seconds) + Double(report.duration.components.attoseconds) / 1e18
    let extractFiles = report.files.count { $0.path.hasPrefix("extracts/") }
    print(
      """
      Synthetic authority written to \(report.directory)/ (all data is synthetic)
        \(report.children) children and \(report.adults) adults in \(report.households) households
        \(report.areas) LSOAs in \(report.wards) wards; \(report.hotspotAreas) LSOAs in planted hotspots
        \(report.extractRows) agency-extract records in \(extractFiles) files
        \(report.faults) faults injected (truth/faults.csv)\(collisionLine(report))
        \(String(format: "%.1f", seconds)) s
      """)
  }

  private func collisionLine(_ report: SyntheticAuthority.Report) -> String {
    guard collisionRate > 0 else { return "" }
    return "\n  \(report.upnCollisions) pairs of children sharing a UPN, \(report.nameCollisions) sharing a "
      + "common name (truth/collisions.csv)"
  }
}
