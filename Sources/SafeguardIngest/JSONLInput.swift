import SafeguardCore

/// The JSON Lines path of `InputReader`: one flat object per line, its keys matched to the
/// columns' `sources`.
///
/// A column is `required` when the file's first object must have one of its keys (checked
/// before any record is processed, as a CSV header is); in later lines an absent key, like
/// `null`, is an empty value, which `nullable` then allows or quarantines. An empty file, or
/// one of blank lines only, has no records and is not an error. Blank lines are skipped and
/// counted neither as read nor as quarantined.
extension InputReader {
  /// The first object's keys must cover every required column.
  func checkFirstLine(_ file: FileChunks) throws(RunError) {
    var lines = LineBuffer(maxLineBytes: maxRecordBytes)
    var decoder = BlockDecoder(encoding: spec.encoding)
    var resolver = KeyResolver(columns: spec.columns)
    var members: [JSONMember] = []
    var more = true
    while true {
      while lines.next() {
        guard !lines.isTooLong else { return }
        let outcome = lines.withLine { line -> Bool? in
          if Self.isBlank(line) { return nil }
          guard JSONLineScanner.scan(line, into: &members) == nil else { return false }
          resolver.resolve(members, in: line)
          return true
        }
        guard let resolved = outcome else { continue }
        // A first line that is not an object is quarantined when read; nothing to check.
        if resolved { try checkRequired(resolver, file.path) }
        return
      }
      guard more else { return }
      more = try feed(file, &decoder, &lines)
    }
  }

  private func checkRequired(_ resolver: KeyResolver, _ path: String) throws(RunError) {
    for (index, column) in spec.columns.enumerated() where column.required && resolver.chosen[index] < 0 {
      let names = column.sources.map { "'\($0)'" }.joined(separator: " or ")
      throw RunError(
        "file \(path) has no key \(names) in its first record (needed for field \(column.field) of input "
          + "\(spec.name))", at: ColumnBinding.declared(column, spec))
    }
  }

  func readJSONL(
    _ file: FileChunks, _ quarantine: QuarantineSink, _ assembler: inout BatchAssembler,
    _ tally: inout RowTally,
    _ deliver: (ReadPiece) async throws -> Void
  ) async throws {
    var lines = LineBuffer(maxLineBytes: maxRecordBytes)
    var decoder = BlockDecoder(encoding: spec.encoding)
    var resolver = KeyResolver(columns: spec.columns)
    var members: [JSONMember] = []
    var checkedFirst = false
    let invalidText = decoder.invalidText
    var more = true
    while true {
      while lines.next() {
        let lineNumber = lines.lineNumber
        if lines.isTooLong {
          tally.read += 1
          tally.quarantined += 1
          quarantine(line: lineNumber, reason: "line is longer than \(maxRecordBytes) bytes")
          checkedFirst = true
          continue
        }
        let first = !checkedFirst
        let missingRequired = lines.withLine { line -> Bool? in
          if Self.isBlank(line) { return nil }
          tally.read += 1
          if let error = JSONLineScanner.scan(line, into: &members) {
            quarantine(line: lineNumber, reason: error.description)
            tally.quarantined += 1
            return false
          }
          resolver.resolve(members, in: line)
          if first
            && spec.columns.indices.contains(where: { spec.columns[$0].required && resolver.chosen[$0] < 0 })
          {
            return true
          }
          take(line, members, &resolver, lineNumber, invalidText, quarantine, &assembler, &tally)
          return false
        }
        guard let missingRequired else { continue }
        if missingRequired { try checkRequired(resolver, file.path) }
        checkedFirst = true
        if assembler.isFull, let batch = assembler.takeBatch() {
          try await deliver(quarantine.pending.piece(batch))
        }
      }
      guard more else { break }
      if quarantine.pending.isFull { try await deliver(quarantine.pending.piece(nil)) }
      more = try feed(file, &decoder, &lines)
    }
  }

  /// One object: quarantined at its first bad field, or committed. (`resolver` is `inout` only
  /// so that it is not copied for each line.)
  private func take(
    _ line: UnsafeMutableBufferPointer<UInt8>, _ members: [JSONMember], _ resolver: inout KeyResolver,
    _ lineNumber: Int,
    _ invalidText: FieldFailure, _ quarantine: QuarantineSink, _ assembler: inout BatchAssembler,
    _ tally: inout RowTally
  ) {
    for index in 0..<resolver.chosen.count {
      let chosen = resolver.chosen[index]
      let failure: FieldFailure?
      if chosen < 0 {
        failure = assembler.parseNull(index)
      } else if resolver.duplicated[index] {
        failure = .duplicateKey
      } else {
        let member = members[chosen]
        let bytes = UnsafeBufferPointer(rebasing: line[member.value])
        switch member.kind {
        case .null: failure = assembler.parseNull(index)
        case .nested: failure = .notScalar
        case .string:
          failure =
            member.hasHighBytes && !UTF8Validation.isValid(bytes)
            ? invalidText : assembler.parse(index, bytes, source: .text)
        case .number: failure = assembler.parse(index, bytes, source: .number)
        case .boolean: failure = assembler.parse(index, bytes, source: .boolean)
        }
      }
      if let failure {
        let column = spec.columns[index]
        let rank = resolver.chosenRank[index]
        let source = rank < column.sources.count ? column.sources[rank] : column.sources.first ?? column.field
        quarantine(
          line: lineNumber,
          reason: failure.reason(label: "key '\(source)' (field \(column.field))", column: column))
        tally.quarantined += 1
        return
      }
    }
    assembler.commit(origin: quarantine.origin(line: lineNumber))
    tally.accepted += 1
  }

  static func isBlank(_ line: UnsafeMutableBufferPointer<UInt8>) -> Bool {
    line.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
  }
}

extension LineBuffer: BlockConsumer {}
