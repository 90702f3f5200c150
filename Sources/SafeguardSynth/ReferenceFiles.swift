import SafeguardCore

/// The reference files: area lookup, postcode lookup, child population, neighbours and
/// boundaries. They describe the geography, not people, and are never given faults.
extension World {
  static let ageBands = ["Aged 0 to 4", "Aged 5 to 9", "Aged 10 to 15", "Aged 16 to 17"]

  /// Children by LSOA of their address on the reference date and age band (0-4, 5-9,
  /// 10-15, 16-17).
  func childPopulation() -> [[Int]] {
    var counts = [[Int]](repeating: [0, 0, 0, 0], count: geography.areas.count)
    for area in areas {
      for (i, person) in area.persons.enumerated() where person.isChild {
        let lsoa = geography.postcodes[Int(area.spell(of: i, on: reference).postcode)].area
        let age = Dates.age(born: person.dob, on: reference)
        counts[lsoa][age < 5 ? 0 : age < 10 ? 1 : age < 16 ? 2 : 3] += 1
      }
    }
    return counts
  }

  func writeAreas(into directory: String) throws(RunError) -> FileResult {
    let layout = ExtractLayout(
      "reference/areas.csv",
      columns: ["LSOA21CD", "LSOA21NM", "MSOA21CD", "MSOA21NM", "WD24CD", "WD24NM", "LAD24CD", "LAD24NM"].map
      {
        ($0, CellRole.plain)
      })
    return try write(layout, into: directory, faulty: false) { (w) throws(RunError) in
      for area in geography.areas {
        for value in [
          area.code, area.name, geography.msoas[area.msoa].code, geography.msoas[area.msoa].name,
          geography.wards[area.ward].code, geography.wards[area.ward].name, Geography.authorityCode,
          Geography.authorityName,
        ] {
          w.text(value)
        }
        try w.endRow()
      }
    }
  }

  /// Postcodes with their LSOA, MSOA, ward and authority, and a point (lowercase headers, as
  /// in the ONS postcode directories).
  func writePostcodes(into directory: String) throws(RunError) -> FileResult {
    let layout = ExtractLayout(
      "reference/postcode_lookup.csv",
      columns: ["pcds", "lsoa21cd", "msoa21cd", "wd24cd", "lad24cd", "lat", "long"].map {
        ($0, CellRole.plain)
      })
    return try write(layout, into: directory, faulty: false) { (w) throws(RunError) in
      for postcode in geography.postcodes {
        let area = geography.areas[postcode.area]
        w.text(postcode.text)
        w.text(area.code)
        w.text(geography.msoas[area.msoa].code)
        w.text(geography.wards[area.ward].code)
        w.text(Geography.authorityCode)
        w.ascii { $0.appendMicrodegrees(postcode.lat) }
        w.ascii { $0.appendMicrodegrees(postcode.lon) }
        try w.endRow()
      }
    }
  }

  func writePopulation(_ counts: [[Int]], into directory: String) throws(RunError) -> FileResult {
    let layout = ExtractLayout(
      "reference/population.csv",
      columns: (["LSOA21CD", "LSOA21NM"] + Self.ageBands + ["Aged 0 to 17"]).map { ($0, CellRole.plain) })
    return try write(layout, into: directory, faulty: false) { (w) throws(RunError) in
      for (index, area) in geography.areas.enumerated() {
        w.text(area.code)
        w.text(area.name)
        for band in counts[index] { w.int(band) }
        w.int(counts[index].reduce(0, +))
        try w.endRow()
      }
    }
  }

  /// Queen-contiguity neighbours in GeoDa's GAL format: "0 N", then per area a line
  /// "id count" and a line of neighbour ids, with LSOA codes as ids.
  func writeNeighbours(into directory: String) throws(RunError) -> FileResult {
    let file = try FileOutput(directory: directory, relativePath: "reference/neighbours.gal")
    file.buffer.append("0 ")
    file.buffer.appendInt(geography.areas.count)
    file.buffer.append(10)
    for area in geography.areas {
      file.buffer.append(area.code)
      file.buffer.append(" ")
      file.buffer.appendInt(area.neighbours.count)
      file.buffer.append(10)
      file.buffer.append(area.neighbours.map { geography.areas[$0].code }.joined(separator: " "))
      file.buffer.append(10)
    }
    try file.finish()
    return FileResult(
      file: WrittenFile(path: file.relativePath, rows: geography.areas.count, bytes: file.bytesWritten),
      faults: [])
  }

  /// LSOA polygons as a GeoJSON FeatureCollection in WGS84 (longitude, latitude), one feature
  /// per line, exterior rings counter-clockwise and closed.
  func writeBoundaries(into directory: String) throws(RunError) -> FileResult {
    let file = try FileOutput(directory: directory, relativePath: "reference/boundaries.geojson")
    file.buffer.append("{\"type\":\"FeatureCollection\",\"name\":\"")
    file.buffer.append(Geography.authorityName)
    file.buffer.append(" LSOAs (synthetic)\",\"features\":[\n")
    for (index, area) in geography.areas.enumerated() {
      file.buffer.append("{\"type\":\"Feature\",\"properties\":{\"LSOA21CD\":\"")
      file.buffer.append(area.code)
      file.buffer.append("\",\"LSOA21NM\":\"")
      file.buffer.append(area.name)
      file.buffer.append("\",\"WD24CD\":\"")
      file.buffer.append(geography.wards[area.ward].code)
      file.buffer.append("\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[")
      let ring = geography.corners(of: index)
      for (k, point) in (ring + [ring[0]]).enumerated() {
        if k > 0 { file.buffer.append(",") }
        file.buffer.append("[")
        file.buffer.appendMicrodegrees(point.lon)
        file.buffer.append(",")
        file.buffer.appendMicrodegrees(point.lat)
        file.buffer.append("]")
      }
      file.buffer.append(index + 1 < geography.areas.count ? "]]}},\n" : "]]}}\n")
    }
    file.buffer.append("]}\n")
    try file.finish()
    return FileResult(
      file: WrittenFile(path: file.relativePath, rows: geography.areas.count, bytes: file.bytesWritten),
      faults: [])
  }
}
