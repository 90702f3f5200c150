import Foundation
import SafeguardCore

/// A deterministic synthetic local authority: LSOA geography, households of children and
/// adults who move house, toxic-trio risk factors that cluster in households and in planted
/// hotspots, and the agency extracts a real authority would hold, optionally with realistic
/// faults. The same options always give byte-identical files.
public struct SyntheticAuthority {
  /// What to generate.
  public struct Options: Sendable, Hashable {
    /// Children (0-17 on the reference date); about 300 per LSOA.
    public var children: Int
    /// The seed of every random stream.
    public var seed: UInt64
    /// The share of agency-extract rows given a fault, 0...1.
    public var dirtyRate: Double
    /// The share of children with a UPN whose UPN is another child's (a mis-keyed UPN), 0...0.1;
    /// half as many children share a common name with a child of the same postcode. With any
    /// collisions, the register holds every child's NHS number. 0 plants none and changes
    /// nothing else.
    public var collisionRate: Double
    /// The day the extracts are taken, as a day number (days since 1970-01-01, as
    /// `CivilDate`); the history covers the four years to it.
    public var referenceDate: Int32
    /// Worker threads; 0 for one per processor. The output does not depend on it.
    public var threads: Int

    /// 31 March 2026, the end of a financial year.
    public static let defaultReferenceDate: Int32 = CivilDate.days(year: 2026, month: 3, day: 31)!
    /// Identifiers are unique up to about this many children (see `World`).
    public static let maximumChildren = 3_000_000
    /// Collisions stay pairs (a child is in at most one) up to about this rate.
    public static let maximumCollisionRate = 0.1

    public init(
      children: Int = 20_000, seed: UInt64 = 1, dirtyRate: Double = 0, collisionRate: Double = 0,
      referenceDate: Int32 = Options.defaultReferenceDate, threads: Int = 0
    ) {
      self.children = children
      self.seed = seed
      self.dirtyRate = dirtyRate
      self.collisionRate = collisionRate
      self.referenceDate = referenceDate
      self.threads = threads
    }

    /// Every problem with the options at once.
    public func validate() throws(DefinitionError) {
      var diagnostics = Diagnostics()
      if !(1...Self.maximumChildren).contains(children) {
        diagnostics.error(
          "the number of children must be between 1 and \(Self.maximumChildren), not \(children)", at: nil)
      }
      if !(dirtyRate >= 0 && dirtyRate <= 1) {
        diagnostics.error(
          "the dirty rate must be between 0 and 1 (0.01 is 1% of rows), not \(dirtyRate)", at: nil)
      }
      if !(collisionRate >= 0 && collisionRate <= Self.maximumCollisionRate) {
        diagnostics.error(
          "the collision rate must be between 0 and \(Self.maximumCollisionRate) (0.002 is 0.2% of children), "
            + "not \(collisionRate)", at: nil)
      }
      let year = CivilDate.components(referenceDate).year
      if !(1990...2200).contains(year) {
        diagnostics.error(
          "the reference date must be between 1990 and 2200, not \(CivilDate.iso(referenceDate))", at: nil)
      }
      if threads < 0 { diagnostics.error("threads must be 0 (one per processor) or more", at: nil) }
      try diagnostics.check()
    }
  }

  /// What was generated.
  public struct Report: Sendable {
    /// The output folder.
    public var directory: String
    /// Every file written, by path, with its records and bytes.
    public var files: [WrittenFile]
    public var areas: Int
    public var wards: Int
    public var households: Int
    public var children: Int
    public var adults: Int
    /// LSOAs in the planted hotspots.
    public var hotspotAreas: Int
    /// Faults injected (listed in truth/faults.csv).
    public var faults: Int
    /// Quirks put into the CIN Census returns (listed in truth/return_faults.csv).
    public var returnFaults: Int
    /// Planted pairs of children sharing a UPN, and sharing a common name (truth/collisions.csv).
    public var upnCollisions: Int
    public var nameCollisions: Int
    public var duration: Duration

    /// Records in the agency extracts (extracts/), duplicates included.
    public var extractRows: Int { files.filter { $0.path.hasPrefix("extracts/") }.reduce(0) { $0 + $1.rows } }
  }

  /// Generates the authority into a folder (created if missing; files of the same names are
  /// replaced). Throws `DefinitionError` for invalid options and `RunError` when a file cannot
  /// be written.
  public static func generate(into directory: String, options: Options = Options()) throws -> Report {
    try options.validate()
    let clock = ContinuousClock()
    let started = clock.now
    try FileOutput.makeDirectory(directory)
    let threads = options.threads > 0 ? options.threads : ProcessInfo.processInfo.activeProcessorCount
    let reference = options.referenceDate
    let windowStart = Dates.adding(years: -4, to: reference) + 1

    let geography = Geography.build(children: options.children, seed: options.seed)
    var areas = try parallelMap(geography.areas.count, threads: threads) { (index) throws(RunError) in
      AreaGenerator.generate(
        geography: geography, area: index, reference: reference, windowStart: windowStart, seed: options.seed)
    }
    let commonNames = CollisionPlanter.plantCommonNames(
      in: &areas, rate: options.collisionRate, seed: options.seed, reference: reference)
    let world = try World(
      seed: options.seed, reference: reference, windowStart: windowStart, dirtyRate: options.dirtyRate,
      collisionRate: options.collisionRate, commonNames: commonNames, geography: geography, areas: areas,
      threads: threads)
    let population = world.childPopulation()

    let jobs = FileJob.allCases
    let results = try parallelMap(jobs.count, threads: threads) { (index) throws(RunError) in
      try jobs[index].run(world, directory, population)
    }
    let faults = results.flatMap(\.faults)
    var files = results.map(\.file)
    // The social-care history as CIN Census returns, one per collection year.
    let episodes = try parallelMap(areas.count, threads: threads) { (index) throws(RunError) in
      CINHistory.episodes(of: areas[index], index: index, seed: options.seed, reference: reference)
    }
    let years = world.returnYears
    let returns = try parallelMap(years.count, threads: threads) { (index) throws(RunError) in
      try world.writeReturn(year: years[index], episodes: episodes, into: directory)
    }
    files += returns.map(\.0.file)
    let returnFaults = returns.flatMap(\.1)
    files.append(try world.writeReturnFaults(returnFaults, into: directory).file)
    files.append(try world.writeHotspots(into: directory).file)
    files.append(try world.writeFaults(faults, into: directory).file)
    // Only with collisions, so that files without them stay as they were.
    if options.collisionRate > 0 { files.append(try world.writeCollisions(into: directory).file) }
    files.append(try world.writeReadme(into: directory, children: options.children).file)
    files.sort { $0.path < $1.path }

    let households = areas.reduce(0) { $0 + $1.households.count }
    let adults = areas.reduce(0) { $0 + $1.persons.count { !$0.isChild } }
    var counts: [(String, Int)] = [
      ("areas", geography.areas.count), ("wards", geography.wards.count), ("households", households),
      ("children", options.children), ("adults", adults),
      ("hotspot_areas", geography.areas.count { $0.uplift != 1 }), ("return_faults", returnFaults.count),
    ]
    let upnCollisions = world.collisions.count { $0.kind == .sharedUPN }
    let nameCollisions = world.collisions.count { $0.kind == .commonName }
    if options.collisionRate > 0 {
      counts += [("upn_collisions", upnCollisions), ("name_collisions", nameCollisions)]
    }
    let manifest = try world.writeManifest(
      files: files, counts: counts, children: options.children, faults: faults.count, into: directory)
    files.append(manifest)
    files.sort { $0.path < $1.path }

    return Report(
      directory: directory, files: files, areas: geography.areas.count, wards: geography.wards.count,
      households: households, children: options.children, adults: adults,
      hotspotAreas: geography.areas.count { $0.uplift != 1 }, faults: faults.count,
      returnFaults: returnFaults.count,
      upnCollisions: upnCollisions, nameCollisions: nameCollisions, duration: clock.now - started)
  }
}

/// The files written in parallel, largest first so that the long ones start early.
enum FileJob: CaseIterable {
  case addressHistory, people, attendance, emergency, relationships, nursery, mentalHealth, earlyHelp
  case police, exclusions, cinPlans, substance, cpPlans, dental, youngCarers, careStarts, prison
  case boundaries, postcodes, areas, population, neighbours

  func run(_ world: World, _ directory: String, _ population: [[Int]]) throws(RunError) -> FileResult {
    switch self {
    case .addressHistory: try world.writeAddressHistory(into: directory)
    case .people: try world.writePeople(into: directory)
    case .attendance: try world.writeAttendance(into: directory)
    case .emergency: try world.writeEmergencyAttendances(into: directory)
    case .relationships: try world.writeRelationships(into: directory)
    case .nursery: try world.writeNursery(into: directory)
    case .mentalHealth: try world.writeMentalHealth(into: directory)
    case .earlyHelp: try world.writeEarlyHelp(into: directory)
    case .police: try world.writePoliceIncidents(into: directory)
    case .exclusions: try world.writeExclusions(into: directory)
    case .cinPlans: try world.writeChildInNeedPlans(into: directory)
    case .substance: try world.writeSubstanceMisuse(into: directory)
    case .cpPlans: try world.writeProtectionPlans(into: directory)
    case .dental: try world.writeDental(into: directory)
    case .youngCarers: try world.writeYoungCarers(into: directory)
    case .careStarts: try world.writeCareStarts(into: directory)
    case .prison: try world.writePrison(into: directory)
    case .boundaries: try world.writeBoundaries(into: directory)
    case .postcodes: try world.writePostcodes(into: directory)
    case .areas: try world.writeAreas(into: directory)
    case .population: try world.writePopulation(population, into: directory)
    case .neighbours: try world.writeNeighbours(into: directory)
    }
  }
}
