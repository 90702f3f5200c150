import SafeguardCore

/// The files that say what was planted: hotspot areas, every injected fault, the planted
/// identifier collisions, and a manifest of everything written. Only the collisions file names
/// people (by the register's person id, so that a test can count and find the pairs); none
/// lists households, and none says which child a record belongs to.
extension World {
  func writeHotspots(into directory: String) throws(RunError) -> FileResult {
    let layout = ExtractLayout("truth/hotspots.csv", columns: [("lsoa21cd", .plain), ("uplift", .plain)])
    return try write(layout, into: directory, faulty: false) { (w) throws(RunError) in
      for area in geography.areas where area.uplift != 1 {
        w.text(area.code)
        w.text(String(area.uplift))
        try w.endRow()
      }
    }
  }

  /// Every fault, ordered by file and line.
  func writeFaults(_ faults: [Fault], into directory: String) throws(RunError) -> FileResult {
    let layout = ExtractLayout(
      "truth/faults.csv",
      columns: ["file", "line", "column", "fault", "expected"].map { ($0, CellRole.plain) })
    let ordered = faults.sorted { ($0.file, $0.line) < ($1.file, $1.line) }
    return try write(layout, into: directory, faulty: false) { (w) throws(RunError) in
      for fault in ordered {
        w.text(fault.file)
        w.int(fault.line)
        w.text(fault.column)
        w.text(fault.kind.rawValue)
        w.text(fault.kind.expected)
        try w.endRow()
      }
    }
  }

  /// The planted collisions (`--collisions`), by kind, then by the changed child's person id.
  func writeCollisions(into directory: String) throws(RunError) -> FileResult {
    let layout = ExtractLayout(
      "truth/collisions.csv", columns: ["kind", "person_id", "other_person_id"].map { ($0, CellRole.plain) })
    let rows = collisions.map {
      (
        kind: $0.kind.rawValue, person: personID($0.person.area, $0.person.index),
        other: personID($0.other.area, $0.other.index)
      )
    }.sorted { ($0.kind, $0.person) < ($1.kind, $1.person) }
    return try write(layout, into: directory, faulty: false) { (w) throws(RunError) in
      for row in rows {
        w.text(row.kind)
        w.int(row.person)
        w.int(row.other)
        try w.endRow()
      }
    }
  }

  func writeReadme(into directory: String, children: Int) throws(RunError) -> FileResult {
    let file = try FileOutput(directory: directory, relativePath: "README.txt")
    file.buffer.append(
      """
      SYNTHETIC DATA - NOT REAL PEOPLE

      Everything in this folder was made up by `safeguard synth` (seed \(seed), \(children) children,
      reference date \(CivilDate.iso(reference))). No record describes a real person, address or
      incident. Names are drawn from lists of common names; postcodes use the area XY, which
      does not exist in the UK; NHS numbers begin with 9, outside the ranges issued in England
      and Wales; UPNs carry LA number 999; area codes are in the E01900000 range, beyond the
      real ones. The authority, "\(Geography.authorityName)", does not exist.

      reference/  areas, postcodes, child population, neighbours (GAL), boundaries (GeoJSON)
      extracts/   one file per agency extract (CSV, one windows-1252, one JSON Lines)
      returns/    the Children in Need Census returns (XML), one per collection year
      truth/      planted hotspots, injected faults, and a manifest of every file

      The formats are described in docs/data.md of the safeguard repository.

      """)
    try file.finish()
    return FileResult(
      file: WrittenFile(path: file.relativePath, rows: 0, bytes: file.bytesWritten), faults: [])
  }

  /// The manifest: options, counts, and rows and bytes of every file. Written by hand, with a
  /// fixed key order, so the same options give the same bytes. It records no timings.
  func writeManifest(
    files: [WrittenFile], counts: [(String, Int)], children: Int, faults: Int, into directory: String
  ) throws(RunError) -> WrittenFile {
    let file = try FileOutput(directory: directory, relativePath: "truth/manifest.json")
    var out = ByteBuffer()
    out.append("{\n  \"generator\": \"safeguard synth\",\n  \"synthetic\": true,\n  \"options\": {")
    out.append("\"children\": \(children), \"seed\": \(seed), \"dirty_rate\": \(dirtyRate), ")
    if collisionRate > 0 { out.append("\"collision_rate\": \(collisionRate), ") }
    out.append("\"reference_date\": \"\(CivilDate.iso(reference))\"},\n")
    out.append("  \"authority\": {\"code\": \"\(Geography.authorityCode)\", ")
    out.append("\"name\": \"\(Geography.authorityName)\"},\n")
    out.append("  \"window\": {\"start\": \"\(CivilDate.iso(windowStart))\", ")
    out.append("\"end\": \"\(CivilDate.iso(reference))\"},\n")
    out.append("  \"counts\": {")
    out.append(counts.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", "))
    out.append(", \"faults\": \(faults)},\n  \"files\": [\n")
    for (index, written) in files.enumerated() {
      out.append(
        "    {\"path\": \"\(written.path)\", \"rows\": \(written.rows), \"bytes\": \(written.bytes)}")
      out.append(index + 1 < files.count ? ",\n" : "\n")
    }
    out.append("  ]\n}\n")
    file.buffer.append(out.bytes)
    try file.finish()
    return WrittenFile(path: file.relativePath, rows: files.count, bytes: file.bytesWritten)
  }
}
