import SafeguardCore

/// The end-of-run checks that make "nothing lost" a fact rather than a hope.
enum Reconciliation {
  /// An input needs at least this many rows for its own quarantine share to be judged: one bad
  /// row in a 17-row extract is 6%, which says nothing about the extract.
  static let smallestJudgedInput = 100

  /// For every input, rows read must equal rows accepted plus rows quarantined; and neither the
  /// run as a whole nor any input of at least `smallestJudgedInput` rows may have more than
  /// `maxQuarantine` of its rows quarantined.
  static func check(_ inputs: [InputCounts], maxQuarantine: Double) throws(RunError) {
    for input in inputs where !input.reconciles {
      throw RunError(
        "input '\(input.name)': \(input.rowsRead) rows read but \(input.rowsAccepted) accepted and "
          + "\(input.rowsQuarantined) quarantined; rows are unaccounted for (this is a bug in safeguard)")
    }
    var over: [String] = []
    let read = inputs.reduce(0) { $0 + $1.rowsRead }
    let quarantined = inputs.reduce(0) { $0 + $1.rowsQuarantined }
    if read > 0, Double(quarantined) / Double(read) > maxQuarantine {
      over.append(
        "\(percent(Double(quarantined) / Double(read))) of all rows quarantined (\(quarantined) of \(read))")
    }
    for input in inputs where input.rowsRead >= smallestJudgedInput {
      let share = Double(input.rowsQuarantined) / Double(input.rowsRead)
      if share > maxQuarantine {
        over.append(
          "input '\(input.name)': \(percent(share)) of rows quarantined (\(input.rowsQuarantined) of \(input.rowsRead))"
        )
      }
    }
    if !over.isEmpty {
      throw RunError(
        over.joined(separator: "; ") + "; max_quarantine is \(percent(maxQuarantine)). "
          + "See quarantine/ in the output folder for each row's file, line and reason.")
    }
  }

  static func percent(_ share: Double) -> String {
    let tenths = (share * 1000).rounded() / 10
    return tenths == tenths.rounded() ? "\(Int(tenths))%" : "\(tenths)%"
  }
}
