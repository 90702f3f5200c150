import SafeguardCore

/// The CSV path of `InputReader`: header, then records into the assembler.
extension InputReader {
  /// The header's names; fails on an empty file or a malformed header.
  func readHeader(_ file: FileChunks, _ tokenizer: inout CSVTokenizer, _ decoder: inout BlockDecoder)
    throws(RunError) -> [String]
  {
    var more = true
    while !tokenizer.next() {
      guard more else { throw RunError("input file \(file.path) is empty: it has no header line") }
      more = try feed(file, &decoder, &tokenizer)
    }
    let (fault, names) = tokenizer.withRecord { record in
      (record.firstFault, (0..<record.count).map(record.string))
    }
    if let fault {
      let place = fault.column.map { " in column \($0 + 1)" } ?? ""
      throw RunError("input file \(file.path): the header line is malformed\(place): \(fault.problem)")
    }
    // Lines ended by CR alone read as one long header line and no records: say so rather
    // than report a run of nothing.
    if names.contains(where: { $0.contains("\r") && !$0.contains("\r\n") }),
      let problem = HeaderDiagnosis.problem(in: names)
    {
      throw RunError("input file \(file.path): \(problem)")
    }
    return names
  }

  func readCSV(
    _ file: FileChunks, _ quarantine: QuarantineSink, _ assembler: inout BatchAssembler,
    _ tally: inout RowTally,
    _ deliver: (ReadPiece) async throws -> Void
  ) async throws {
    var tokenizer = CSVTokenizer(
      delimiter: spec.delimiter, quotes: spec.quotes, maxRecordBytes: maxRecordBytes)
    var decoder = BlockDecoder(encoding: spec.encoding)
    let header = try readHeader(file, &tokenizer, &decoder)
    let binding = try ColumnBinding(header: header, spec: spec, path: file.path)
    tokenizer.expectedFieldCount = header.count
    let invalidText = decoder.invalidText
    var more = true
    while true {
      while tokenizer.next() {
        tokenizer.withRecord { record in
          take(record, binding, invalidText, quarantine, &assembler, &tally)
        }
        if assembler.isFull, let batch = assembler.takeBatch() {
          try await deliver(quarantine.pending.piece(batch))
        }
      }
      guard more else { break }
      if quarantine.pending.isFull { try await deliver(quarantine.pending.piece(nil)) }
      more = try feed(file, &decoder, &tokenizer)
    }
  }

  /// One record: quarantined with the first fault that costs it, or committed.
  private func take(
    _ record: CSVRecord, _ binding: ColumnBinding, _ invalidText: FieldFailure, _ quarantine: QuarantineSink,
    _ assembler: inout BatchAssembler, _ tally: inout RowTally
  ) {
    tally.read += 1
    if let fault = record.fault ?? (record.hasFieldFaults ? costlyFieldFault(record, binding) : nil) {
      quarantine(line: record.line, reason: binding.reason(for: fault))
      tally.quarantined += 1
      return
    }
    for column in 0..<binding.positions.count {
      let position = binding.positions[column]
      let failure: FieldFailure?
      if position < 0 {
        failure = assembler.parseNull(column)
      } else if record.hasHighBytes(position) && !UTF8Validation.isValid(record[position]) {
        failure = invalidText
      } else {
        failure = assembler.parse(column, record[position], source: .text)
      }
      if let failure {
        quarantine(
          line: record.line,
          reason: failure.reason(label: binding.labels[column], column: spec.columns[column]))
        tally.quarantined += 1
        return
      }
    }
    assembler.commit(origin: quarantine.origin(line: record.line))
    tally.accepted += 1
  }

  /// The first malformed field that costs the row: under strict quotes any, else only one the
  /// definition maps, since a value nobody reads cannot make the row wrong.
  private func costlyFieldFault(_ record: CSVRecord, _ binding: ColumnBinding) -> CSVFault? {
    for index in 0..<record.count {
      if let fault = record.fault(inField: index), spec.quotes == .strict || binding.isMapped(index) {
        return fault
      }
    }
    return nil
  }
}
