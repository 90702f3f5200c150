/// The synthetic authority's geography: LSOAs laid out as a square grid of cells whose corners
/// are jittered (so the map does not look like graph paper), grouped into MSOAs (2×2 blocks of
/// cells) and wards (2×3 blocks, so wards and MSOAs do not nest, as in England). Neighbouring
/// cells share corner points exactly, so queen contiguity is the 8-neighbourhood of the grid.
struct Geography: Sendable {
  struct Area: Sendable {
    let code: String
    let name: String
    let row: Int
    let col: Int
    let msoa: Int
    let ward: Int
    /// Queen neighbours, ascending.
    let neighbours: [Int]
    /// A smooth area-level multiplier of need (around 1), standing in for deprivation.
    let factor: Double
    /// The planted hotspot multiplier: `Geography.hotspotUplift` in hotspot areas, else 1.
    var uplift: Double
    /// How many children the area's households start with.
    var childTarget: Int
    /// This area's postcodes in `Geography.postcodes`.
    var postcodes: Range<Int>
  }

  struct NamedCode: Sendable {
    let code: String
    let name: String
  }

  static let authorityCode = "E06900001"
  static let authorityName = "Synthshire"
  static let hotspotUplift = 3.0
  /// Cell size in microdegrees: about 1.4 km each way at this latitude.
  static let latitudeStep = 12_700
  static let longitudeStep = 21_000

  let rows: Int
  let cols: Int
  var areas: [Area]
  let wards: [NamedCode]
  let msoas: [NamedCode]
  var postcodes: [Postcode] = []
  /// Corner points in microdegrees, (rows + 1) × (cols + 1), row-major from the north-west.
  let vertexLatitude: [Int]
  let vertexLongitude: [Int]

  /// The corner points of an area's cell, counter-clockwise from the south-west (the exterior
  /// ring order GeoJSON asks for), as (longitude, latitude) microdegrees.
  func corners(of index: Int) -> [(lon: Int, lat: Int)] {
    let area = areas[index]
    let ids = [
      (area.row + 1) * (cols + 1) + area.col, (area.row + 1) * (cols + 1) + area.col + 1,
      area.row * (cols + 1) + area.col + 1, area.row * (cols + 1) + area.col,
    ]
    return ids.map { (vertexLongitude[$0], vertexLatitude[$0]) }
  }

  /// A point inside an area's cell by bilinear interpolation of its corners; u and v in 0...1
  /// run west to east and south to north.
  func point(in index: Int, u: Double, v: Double) -> (lon: Int, lat: Int) {
    let c = corners(of: index)  // SW, SE, NE, NW
    let w = [(1 - u) * (1 - v), u * (1 - v), u * v, (1 - u) * v]
    var lon = 0.0
    var lat = 0.0
    for k in 0..<4 {
      lon += w[k] * Double(c[k].lon)
      lat += w[k] * Double(c[k].lat)
    }
    return (Int(lon.rounded()), Int(lat.rounded()))
  }

  /// Builds the areas for a number of children (about 300 children per LSOA).
  static func build(children: Int, seed: UInt64) -> Geography {
    var rng = SeededRandom(seed: seed, purpose: .geography)
    let count = max(1, Int((Double(children) / 300).rounded()))
    var cols = 1
    while cols * cols < count { cols += 1 }
    let rows = (count + cols - 1) / cols

    // Corner points, jittered by up to 30% of a cell each way: corners stay in disjoint boxes,
    // so every cell remains a simple quadrilateral.
    let centreLat = 52_350_000
    let centreLon = -950_000
    let top = centreLat + rows * latitudeStep / 2
    let left = centreLon - cols * longitudeStep / 2
    var vLat: [Int] = []
    var vLon: [Int] = []
    for r in 0...rows {
      for c in 0...cols {
        vLat.append(top - r * latitudeStep + rng.int(-latitudeStep * 3 / 10...latitudeStep * 3 / 10))
        vLon.append(left + c * longitudeStep + rng.int(-longitudeStep * 3 / 10...longitudeStep * 3 / 10))
      }
    }

    let factors = smoothField(rows: rows, cols: cols, count: count, rng: &rng)

    // MSOAs are 2×2 blocks and wards 2×3 blocks, numbered in order of first appearance.
    var msoaOf: [Int: Int] = [:]
    var wardOf: [Int: Int] = [:]
    var lettersUsed: [Int] = []
    var areas: [Area] = []
    for index in 0..<count {
      let row = index / cols
      let col = index % cols
      let msoaKey = (row / 2) * cols + col / 2
      let msoa = msoaOf[msoaKey] ?? msoaOf.count
      msoaOf[msoaKey] = msoa
      if msoa == lettersUsed.count { lettersUsed.append(0) }
      let letter = Character(Unicode.Scalar(UInt8(65 + lettersUsed[msoa])))
      lettersUsed[msoa] += 1
      let wardKey = (row / 2) * cols + col / 3
      let ward = wardOf[wardKey] ?? wardOf.count
      wardOf[wardKey] = ward
      var neighbours: [Int] = []
      for dr in -1...1 {
        for dc in -1...1 where dr != 0 || dc != 0 {
          let r = row + dr
          let c = col + dc
          guard r >= 0, c >= 0, c < cols else { continue }
          let other = r * cols + c
          if other < count { neighbours.append(other) }
        }
      }
      areas.append(
        Area(
          code: "E01" + String(900_001 + index), name: authorityName + " " + pad3(msoa + 1) + String(letter),
          row: row, col: col, msoa: msoa, ward: ward, neighbours: neighbours.sorted(),
          factor: factors[index], uplift: 1, childTarget: 0, postcodes: 0..<0))
    }
    let msoas = (0..<msoaOf.count).map {
      NamedCode(code: "E02" + String(900_001 + $0), name: authorityName + " " + pad3($0 + 1))
    }
    let wardNames = makeWardNames(wardOf.count, rng: &rng)
    let wards = (0..<wardOf.count).map { NamedCode(code: "E05" + String(900_001 + $0), name: wardNames[$0]) }

    var geography = Geography(
      rows: rows, cols: cols, areas: areas, wards: wards, msoas: msoas, vertexLatitude: vLat,
      vertexLongitude: vLon)
    geography.assignChildren(children, rng: &rng)
    geography.plantHotspots(rng: &rng)
    geography.allocatePostcodes(rng: &rng)
    return geography
  }

  /// A smooth multiplier around 1 from a few Gaussian bumps, so that need varies between
  /// neighbourhoods gradually, as deprivation does, rather than cell by cell.
  private static func smoothField(rows: Int, cols: Int, count: Int, rng: inout SeededRandom) -> [Double] {
    var bumps: [(r: Double, c: Double, height: Double, width: Double)] = []
    for _ in 0..<4 {
      let height = (rng.chance(0.5) ? 1.0 : -1.0) * (0.25 + 0.3 * rng.unit())
      let width = 1.5 + Double(max(rows, cols)) * (0.15 + 0.2 * rng.unit())
      bumps.append((Double(rows) * rng.unit(), Double(cols) * rng.unit(), height, width))
    }
    var values: [Double] = []
    for index in 0..<count {
      let r = Double(index / cols)
      let c = Double(index % cols)
      var field = 0.0
      for bump in bumps {
        let d2 = (r - bump.r) * (r - bump.r) + (c - bump.c) * (c - bump.c)
        field += bump.height * (-d2 / (2 * bump.width * bump.width)).exp
      }
      values.append(field.exp)
    }
    let mean = values.reduce(0, +) / Double(values.count)
    return values.map { $0 / mean }
  }

  /// Splits the children between areas with a little variation, exactly summing to the total
  /// (largest remainders, ties to the lower index).
  private mutating func assignChildren(_ children: Int, rng: inout SeededRandom) {
    let weights = areas.map { _ in 0.75 + 0.5 * rng.unit() }
    let total = weights.reduce(0, +)
    var shares = weights.map { Double(children) * $0 / total }
    var assigned = 0
    for index in areas.indices {
      areas[index].childTarget = Int(shares[index])
      assigned += areas[index].childTarget
      shares[index] -= Double(areas[index].childTarget)
    }
    let order = areas.indices.sorted { shares[$0] != shares[$1] ? shares[$0] > shares[$1] : $0 < $1 }
    for index in order.prefix(children - assigned) { areas[index].childTarget += 1 }
  }

  /// Plants one or two contiguous clusters (about 6% of areas) where household risk factors
  /// are raised by `hotspotUplift`. Clusters are grown from a centre through queen neighbours
  /// and kept apart from each other.
  private mutating func plantHotspots(rng: inout SeededRandom) {
    let target = max(1, Int((Double(areas.count) * 0.06).rounded()))
    let clusters = areas.count >= 40 ? 2 : 1
    var taken = Set<Int>()
    for cluster in 0..<clusters {
      let size = target / clusters + (cluster == 0 ? target % clusters : 0)
      let blocked = taken.union(taken.flatMap { areas[$0].neighbours })
      let interior = areas.indices.filter { !blocked.contains($0) && areas[$0].neighbours.count == 8 }
      let open = areas.indices.filter { !blocked.contains($0) }
      guard let centre = interior.isEmpty ? (open.isEmpty ? nil : rng.pick(open)) : rng.pick(interior)
      else { break }
      var members = [centre]
      var frontier = [centre]
      while members.count < size, !frontier.isEmpty {
        let current = frontier.removeFirst()
        var next = areas[current].neighbours.filter { !blocked.contains($0) && !members.contains($0) }
        rng.shuffle(&next)
        for n in next where members.count < size {
          members.append(n)
          frontier.append(n)
        }
      }
      for index in members {
        areas[index].uplift = Self.hotspotUplift
        taken.insert(index)
      }
    }
  }

  private static func makeWardNames(_ count: Int, rng: inout SeededRandom) -> [String] {
    var names = NameLists.wardPrefixes.flatMap { p in NameLists.wardSuffixes.map { p + $0 } }
    rng.shuffle(&names)
    let quarters = ["North", "South", "East", "West", "Central"]
    var result = Array(names.prefix(count))
    var round = 0
    while result.count < count {
      result += names.prefix(count - result.count).map { $0 + " " + quarters[round % quarters.count] }
      round += 1
    }
    return result
  }

  static func pad3(_ n: Int) -> String {
    let digits = String(n)
    return digits.count >= 3 ? digits : String(repeating: "0", count: 3 - digits.count) + digits
  }
}

/// One postcode of the synthetic authority, with the street its addresses are on.
struct Postcode: Sendable {
  let text: String
  /// The LSOA it lies in.
  let area: Int
  /// Its point, in microdegrees.
  let lon: Int
  let lat: Int
  let street: String
}

extension Geography {
  /// The outward area letters. No UK postcode area is XY, so a synthetic postcode can never be
  /// mistaken for, or linked to, a real address.
  static let postcodeArea = "XY"
  /// The letters Royal Mail uses in the last two places of a postcode (never C, I, K, M, O, V).
  static let inwardLetters = Array("ABDEFGHJLNPQRSTUWXYZ")

  /// Gives every LSOA 6 to 12 postcodes (about 15 households each) with the realistic shape
  /// "XY12 3AB": districts of 20 or more neighbouring LSOAs, ten sectors per district, and units
  /// spread over the 400 letter pairs of each sector.
  mutating func allocatePostcodes(rng: inout SeededRandom) {
    let perDistrict = max(20, (areas.count + 98) / 99)
    var sectors: [Int: (start: Int, used: Int)] = [:]
    let letters = Self.inwardLetters
    for index in areas.indices {
      let district = 1 + index / perDistrict
      let sector = (index % perDistrict) * 10 / perDistrict
      let key = district * 10 + sector
      var state = sectors[key] ?? (rng.below(400), 0)
      let first = postcodes.count
      for _ in 0..<(6 + rng.below(7)) {
        // Stepping by 7 (coprime to 400) visits every letter pair before repeating one.
        let unit = (state.start + state.used * 7) % 400
        state.used += 1
        let text =
          Self.postcodeArea + String(district) + " " + String(sector) + String(letters[unit / 20])
          + String(letters[unit % 20])
        let spot = point(in: index, u: 0.15 + 0.7 * rng.unit(), v: 0.15 + 0.7 * rng.unit())
        let street = rng.pick(NameLists.streetStems) + " " + rng.pick(NameLists.streetKinds)
        postcodes.append(Postcode(text: text, area: index, lon: spot.lon, lat: spot.lat, street: street))
      }
      sectors[key] = state
      areas[index].postcodes = first..<postcodes.count
    }
  }
}
