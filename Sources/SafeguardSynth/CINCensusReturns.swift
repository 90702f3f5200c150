import SafeguardCore

/// The authority's children's social-care history written as the Children in Need Census
/// returns it would have sent the DfE: one XML file per collection year of the window
/// (`returns/cin_census_2023-24.xml`), each following that year's schema (`GenderCurrent` up
/// to 2024-25, `Sex` from 2025-26), with what was known on its reference date: a plan still
/// open then has no end date in that return, and the next return has it.
///
/// Every CIN plan and child-protection plan of cp_plans.csv and cin_plans.csv is in the
/// returns, in an episode of its own (`CINHistory`), so figures from the returns agree with
/// figures from the extracts. `--dirty` puts a quirk (`ReturnFaultKind`) into a child's element
/// at the dirty rate, listed in truth/return_faults.csv.
extension World {
  /// The collection years whose year ends inside the window, of those the reader knows.
  var returnYears: [Int] {
    let first = CivilDate.components(windowStart).year + 1
    return (first...CivilDate.components(reference).year + 1).filter { year in
      let end = Dates.day(year, 3, 31)
      return end >= windowStart && end <= reference && CINCensusSchema.years.contains(year)
    }
  }

  static func returnPath(_ year: Int) -> String { "returns/cin_census_\(CINCensusSchema.name(of: year)).xml" }

  /// One year's return; `episodes` holds each area's episodes (`CINHistory`).
  func writeReturn(year: Int, episodes: [[CINEpisode]], into directory: String) throws(RunError) -> (
    FileResult, [ReturnFault]
  ) {
    let file = try FileOutput(directory: directory, relativePath: Self.returnPath(year))
    var xml = XMLLines()
    let yearStart = Dates.day(year - 1, 4, 1)
    let referenceDate = Dates.day(year, 3, 31)
    xml.raw("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
    xml.open(0, "Message")
    xml.open(1, "Header")
    xml.open(2, "CollectionDetails")
    xml.leaf(3, "Collection", "CIN")
    xml.leaf(3, "Year", String(year))
    xml.leaf(3, "ReferenceDate", CivilDate.iso(referenceDate))
    xml.close(2, "CollectionDetails")
    xml.open(2, "Source")
    xml.leaf(3, "SourceLevel", "L")
    xml.leaf(3, "LEA", "999")
    xml.leaf(3, "SoftwareCode", "safeguard synth")
    xml.leaf(3, "SerialNo", "001")
    xml.close(2, "Source")
    xml.close(1, "Header")
    xml.open(1, "Children")
    var faults = ReturnFaultPlanter(seed: seed, year: year, rate: dirtyRate, file: Self.returnPath(year))
    var children = 0
    for (a, area) in episodes.enumerated() {
      var start = 0
      while start < area.count {
        var end = start
        while end < area.count && area[end].person == area[start].person { end += 1 }
        let relevant = area[start..<end].filter {
          $0.referral <= referenceDate && ($0.closure == .max || $0.closure >= yearStart)
        }
        if !relevant.isEmpty {
          let child = ReturnChild(
            world: self, area: a, person: Int(area[start].person), episodes: relevant, year: year)
          let fault = faults.choose(for: child)
          let copies = fault == .childTwice ? 2 : 1
          for copy in 0..<copies {
            let line = xml.line
            child.write(into: &xml, fault: copy == 0 ? fault : nil, record: &faults)
            if copy == 1 { faults.record(line: line, element: "Child", kind: .childTwice) }
            children += 1
          }
        }
        start = end
      }
      file.buffer.append(xml.take())
      try file.flushIfFull()
    }
    xml.close(1, "Children")
    xml.close(0, "Message")
    file.buffer.append(xml.take())
    try file.finish()
    return (
      FileResult(
        file: WrittenFile(path: file.relativePath, rows: children, bytes: file.bytesWritten), faults: []),
      faults.planted
    )
  }
}

/// Lines of XML with two-space indentation, counting lines as they are written (so faults can
/// say where they are).
struct XMLLines {
  private(set) var buffer = ByteBuffer()
  /// The number of the next line written.
  private(set) var line = 1

  mutating func raw(_ text: String) {
    buffer.append(text)
    buffer.append(10)
    line += 1
  }

  private mutating func indent(_ depth: Int) {
    for _ in 0..<depth { buffer.append("  ") }
  }

  mutating func open(_ depth: Int, _ name: String) {
    indent(depth)
    buffer.append("<\(name)>\n")
    line += 1
  }

  mutating func close(_ depth: Int, _ name: String) {
    indent(depth)
    buffer.append("</\(name)>\n")
    line += 1
  }

  mutating func empty(_ depth: Int, _ name: String) {
    indent(depth)
    buffer.append("<\(name)/>\n")
    line += 1
  }

  mutating func leaf(_ depth: Int, _ name: String, _ value: String) {
    indent(depth)
    buffer.append("<\(name)>")
    buffer.append(value)
    buffer.append("</\(name)>\n")
    line += 1
  }

  mutating func leaf(_ depth: Int, _ name: String, date: Int32) { leaf(depth, name, CivilDate.iso(date)) }

  /// The bytes written so far; the line count goes on.
  mutating func take() -> [UInt8] {
    defer { buffer = ByteBuffer() }
    return buffer.bytes
  }
}
