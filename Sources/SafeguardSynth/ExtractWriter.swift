import SafeguardCore

/// What a column holds, which decides which faults it can be given.
enum CellRole: Sendable {
  case plain
  /// A date the pipeline definition types as a date: a bad date here is quarantined.
  case date
  case nhsNumber
  case postcode
  /// Free text or a name: may be given a stray quote.
  case text
}

/// The shape of one written file: where it goes, how it is encoded, and its columns.
struct ExtractLayout: Sendable {
  enum Format: Sendable { case csv, jsonl }
  enum Encoding: String, Sendable {
    case utf8 = "utf-8"
    case windows1252 = "windows-1252"
  }
  struct Column: Sendable {
    let name: String
    let role: CellRole
  }

  var path: String
  var format: Format = .csv
  var encoding: Encoding = .utf8
  var dateStyle: DateStyle = .uk
  /// Windows line endings, as a Windows-based system exports them.
  var crlf = false
  var byteOrderMark = false
  var columns: [Column]

  init(
    _ path: String, format: Format = .csv, encoding: Encoding = .utf8, dateStyle: DateStyle = .uk,
    crlf: Bool = false, byteOrderMark: Bool = false, columns: [(String, CellRole)]
  ) {
    self.path = path
    self.format = format
    self.encoding = encoding
    self.dateStyle = dateStyle
    self.crlf = crlf
    self.byteOrderMark = byteOrderMark
    self.columns = columns.map { Column(name: $0.0, role: $0.1) }
  }
}

/// A file written, for the report and the manifest.
public struct WrittenFile: Sendable, Hashable {
  /// Relative to the output folder.
  public var path: String
  /// Records (data rows or JSON lines; a header is not a row).
  public var rows: Int
  public var bytes: Int
}

/// Writes one CSV or JSON Lines file a row at a time. Cells are appended as bytes in the file's
/// encoding; at the end of each row the writer may inject one fault (at the dirty rate, from the
/// file's own random stream) and records where it put it.
///
/// A writer belongs to one thread; its row state is marked `@exclusivity(unchecked)` because the
/// run-time access checks on every cell were a quarter of the time of a large run.
final class ExtractWriter {
  let layout: ExtractLayout
  private let file: FileOutput
  @exclusivity(unchecked) private var faultStream: SeededRandom
  private let dirtyRate: Double
  @exclusivity(unchecked) private var cells = ByteBuffer(capacity: 1024)
  @exclusivity(unchecked) private var ends: [Int] = []
  /// The day of each date cell, for making a bad date from it; .min for other cells.
  @exclusivity(unchecked) private var days: [Int32] = []
  /// JSON null rather than a string.
  @exclusivity(unchecked) private var nulls: [Bool] = []
  @exclusivity(unchecked) private var row = ByteBuffer(capacity: 1024)
  @exclusivity(unchecked) private var nextLine = 1
  @exclusivity(unchecked) private(set) var rows = 0
  @exclusivity(unchecked) private(set) var faults: [Fault] = []
  private let keys: [[UInt8]]

  init(directory: String, layout: ExtractLayout, seed: UInt64, dirtyRate: Double) throws(RunError) {
    self.layout = layout
    self.dirtyRate = dirtyRate
    file = try FileOutput(directory: directory, relativePath: layout.path)
    faultStream = SeededRandom(seed: seed, purpose: .faults, index: Self.stableHash(layout.path))
    keys = layout.columns.map { Array($0.name.utf8) }
    if layout.byteOrderMark { file.buffer.append([0xEF, 0xBB, 0xBF]) }
    if layout.format == .csv {
      for (index, column) in layout.columns.enumerated() {
        if index > 0 { file.buffer.append(UInt8(ascii: ",")) }
        file.buffer.append(column.name)
      }
      appendLineEnding(&file.buffer)
      nextLine = 2
    }
  }

  /// FNV-1a, so a file's fault stream depends only on its name.
  private static func stableHash(_ text: String) -> UInt64 {
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
    return hash
  }

  private func appendLineEnding(_ buffer: inout ByteBuffer) {
    if layout.crlf { buffer.append(13) }
    buffer.append(10)
  }

  // MARK: Cells, appended in column order

  private func endCell(day: Int32 = .min, null: Bool = false) {
    ends.append(cells.count)
    days.append(day)
    nulls.append(null)
  }

  func text(_ value: String) {
    if layout.encoding == .windows1252 {
      cells.append(
        TextEncoding1252.encode(value) ?? Array(value.utf8.map { $0 < 0x80 ? $0 : UInt8(ascii: "?") }))
    } else {
      cells.append(value)
    }
    endCell()
  }

  func name(_ name: EncodedName, upper: Bool = false) {
    switch (layout.encoding, upper) {
    case (.utf8, false): cells.append(name.utf8)
    case (.utf8, true): cells.append(name.upperUTF8)
    case (.windows1252, false): cells.append(name.cp1252)
    case (.windows1252, true): cells.append(name.upperCP1252)
    }
    endCell()
  }

  /// A cell built from bytes that are the same in every encoding used (ASCII).
  func ascii(_ build: (inout ByteBuffer) -> Void) {
    build(&cells)
    endCell()
  }

  func int(_ value: Int) {
    cells.appendInt(value)
    endCell()
  }

  func int(_ value: Int64) { int(Int(value)) }

  /// A date, or an empty cell (JSON null) for nil.
  func date(_ day: Int32?) {
    guard let day, day != .min, day != .max else { return empty() }
    cells.appendDate(day, layout.dateStyle)
    endCell(day: day)
  }

  /// An empty cell (JSON null).
  func empty() { endCell(null: true) }

  // MARK: Rows

  /// Ends the row: maybe injects a fault, then writes it.
  func endRow() throws(RunError) {
    precondition(ends.count == layout.columns.count, "\(layout.path): wrong number of cells")
    var rawCell = -1
    var fault: (kind: FaultKind, column: Int)? = nil
    if dirtyRate > 0 && faultStream.unit() < dirtyRate {
      fault = chooseFault()
      if let fault { rawCell = apply(fault.kind, to: fault.column) }
    }
    serialise(rawCell: rawCell)
    let line = nextLine
    emitRow()
    if let fault {
      if fault.kind == .duplicateRow {
        faults.append(Fault(file: layout.path, line: nextLine, column: "", kind: .duplicateRow))
        emitRow()
      } else {
        faults.append(
          Fault(file: layout.path, line: line, column: layout.columns[fault.column].name, kind: fault.kind))
      }
    }
    cells.removeAll()
    ends.removeAll(keepingCapacity: true)
    days.removeAll(keepingCapacity: true)
    nulls.removeAll(keepingCapacity: true)
    try file.flushIfFull()
  }

  private func emitRow() {
    file.buffer.append(row.bytes)
    for byte in row.bytes where byte == 10 { nextLine += 1 }
    rows += 1
  }

  func cellBytes(_ index: Int) -> ArraySlice<UInt8> {
    cells.bytes[(index == 0 ? 0 : ends[index - 1])..<ends[index]]
  }

  /// Replaces one cell's bytes, shifting the ends of the cells after it.
  func replaceCell(_ index: Int, with bytes: [UInt8]) {
    let start = index == 0 ? 0 : ends[index - 1]
    let delta = bytes.count - (ends[index] - start)
    cells.bytes.replaceSubrange(start..<ends[index], with: bytes)
    for i in index..<ends.count { ends[i] += delta }
    nulls[index] = false
  }

  private func serialise(rawCell: Int) {
    row.removeAll()
    switch layout.format {
    case .csv:
      for index in 0..<ends.count {
        if index > 0 { row.append(UInt8(ascii: ",")) }
        let bytes = cellBytes(index)
        if index != rawCell && Self.needsQuotes(bytes) {
          row.append(UInt8(ascii: "\""))
          for byte in bytes {
            if byte == UInt8(ascii: "\"") { row.append(byte) }
            row.append(byte)
          }
          row.append(UInt8(ascii: "\""))
        } else {
          row.append(bytes)
        }
      }
      appendLineEnding(&row)
    case .jsonl:
      row.append(UInt8(ascii: "{"))
      for index in 0..<ends.count {
        if index > 0 { row.append(UInt8(ascii: ",")) }
        row.append(UInt8(ascii: "\""))
        row.append(keys[index])
        row.append("\":")
        if nulls[index] {
          row.append("null")
        } else {
          row.append(UInt8(ascii: "\""))
          JSONText.appendEscaped(cellBytes(index), to: &row)
          row.append(UInt8(ascii: "\""))
        }
      }
      row.append("}\n")
    }
  }

  private static func needsQuotes(_ bytes: ArraySlice<UInt8>) -> Bool {
    guard let first = bytes.first, let last = bytes.last else { return false }
    if first == 32 || last == 32 { return true }
    for byte in bytes where byte == 44 || byte == 34 || byte == 10 || byte == 13 { return true }
    return false
  }

  /// Writes what is left and closes the file.
  func finish() throws(RunError) -> WrittenFile {
    try file.finish()
    return WrittenFile(path: layout.path, rows: rows, bytes: file.bytesWritten)
  }

  // MARK: Faults (see Faults.swift for what each does to a cell)

  var stream: SeededRandom {
    get { faultStream }
    set { faultStream = newValue }
  }
  func cellIsNull(_ index: Int) -> Bool { nulls[index] }
  func cellDay(_ index: Int) -> Int32 { days[index] }
}

/// JSON string escaping for UTF-8 bytes.
enum JSONText {
  static func appendEscaped(_ bytes: some Sequence<UInt8>, to out: inout ByteBuffer) {
    let hex = Array("0123456789abcdef".utf8)
    for byte in bytes {
      switch byte {
      case UInt8(ascii: "\""): out.append("\\\"")
      case UInt8(ascii: "\\"): out.append("\\\\")
      case 10: out.append("\\n")
      case 13: out.append("\\r")
      case 9: out.append("\\t")
      case 0..<32:
        out.append("\\u00")
        out.append(hex[Int(byte >> 4)])
        out.append(hex[Int(byte & 15)])
      default: out.append(byte)
      }
    }
  }
}
