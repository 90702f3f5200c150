import SafeguardCore

/// The end-of-run checks that make "nothing lost" a fact rather than a hope.
///
/// A record is set aside when a reader quarantines it or a stage quarantines it or leaves it
/// out because processing it failed (a plugin error under `on_error: drop`). Set-asides are
/// judged per stream, where a batch's stream is the input it was read from, or the stream a
/// stage made (`overlay_children`):
///
/// - an input: rows quarantined at ingest plus records of its stream set aside by any stage,
///   over the rows read;
/// - a stream a stage made: its records set aside by later stages, over the records made;
/// - the run: every record set aside, over every row read and record made.
///
/// Calls of aggregate hooks (the overlay's `indicators`) that failed are judged over the calls
/// of that hook. A share over `max_quarantine` fails the run.
enum Reconciliation {
  /// An input needs at least this many rows for its own share to be judged: one bad row in a
  /// 17-row extract is 6%, which says nothing about the extract. A stream that lost every
  /// record is judged whatever its size.
  static let smallestJudgedInput = 100

  /// One stream's records: how many entered the run and how many were set aside where.
  struct StreamLoss {
    var name: String
    var isInput: Bool
    /// The input that yields the stream, when it yields several.
    var input: String?
    var entered: Int
    var atIngest = 0
    var byStages = 0

    var setAside: Int { atIngest + byStages }
  }

  /// For every input, rows read must equal rows accepted plus rows quarantined; and no stream
  /// (inputs of at least `smallestJudgedInput` rows, and any stream that lost every record),
  /// nor the run, nor any aggregate hook may have more than `maxQuarantine` set aside or failed.
  static func check(
    _ inputs: [InputCounts], stages: [StageRecord] = [], made: [String: Int] = [:], maxQuarantine: Double
  ) throws(RunError) {
    for input in inputs where !input.reconciles {
      let merged = input.rowsMerged.map { ", \($0) merged" } ?? ""
      throw RunError(
        "input '\(input.name)': \(input.rowsRead) rows read but \(input.rowsAccepted) accepted and "
          + "\(input.rowsQuarantined) quarantined\(merged); rows are unaccounted for (this is a bug in safeguard)"
      )
    }
    let streams = losses(inputs, stages: stages, made: made)
    var over: [String] = []
    let entered = streams.reduce(0) { $0 + $1.entered }
    let setAside = streams.reduce(0) { $0 + $1.setAside }
    if entered > 0, Double(setAside) / Double(entered) > maxQuarantine {
      over.append(
        "\(percent(Double(setAside) / Double(entered))) of all records set aside (\(setAside) of \(entered))")
    }
    for stream in streams where stream.entered > 0 {
      let lostAll = stream.setAside > 0 && stream.setAside >= stream.entered
      guard stream.entered >= smallestJudgedInput || lostAll else { continue }
      let share = Double(stream.setAside) / Double(stream.entered)
      if share > maxQuarantine {
        let what =
          if let input = stream.input {
            "stream '\(stream.name)' of input '\(input)': \(percent(share)) of its rows"
          } else if stream.isInput {
            "input '\(stream.name)': \(percent(share)) of its rows"
          } else {
            "stream '\(stream.name)': \(percent(share)) of its records"
          }
        over.append("\(what) set aside (\(stream.setAside) of \(stream.entered))")
      }
    }
    for stage in stages {
      for (hook, calls) in stage.counts.hooks.sorted(by: { $0.key < $1.key }) where calls.failed > 0 {
        let share = Double(calls.failed) / Double(calls.calls)
        if share > maxQuarantine {
          over.append(
            "stage '\(stage.label)': the \(hook) hook failed on \(percent(share)) of its calls "
              + "(\(calls.failed) of \(calls.calls)), first: \(calls.firstFailure ?? "no reason given")")
        }
      }
    }
    guard !over.isEmpty else { return }
    var message = over.joined(separator: "; ") + "; max_quarantine is \(percent(maxQuarantine))."
    let sources = contributors(inputs, stages: stages)
    if !sources.isEmpty { message += " Set aside: " + sources.joined(separator: "; ") + "." }
    let quarantined =
      inputs.reduce(0) { $0 + $1.rowsQuarantined } + stages.reduce(0) { $0 + $1.counts.quarantined }
    if quarantined > 0 {
      message += " quarantine/ in the output folder lists each quarantined record's file, line and reason."
    }
    throw RunError(message)
  }

  /// Every input and every stream a stage made, inputs first in the order declared.
  static func losses(_ inputs: [InputCounts], stages: [StageRecord], made: [String: Int]) -> [StreamLoss] {
    // An input of several streams is judged stream by stream; merged repeats are not records.
    var streams = inputs.flatMap { input in
      input.streams.map { streams in
        streams.map {
          StreamLoss(
            name: $0.name, isInput: true, input: input.name, entered: $0.rowsRead - $0.rowsMerged,
            atIngest: $0.rowsQuarantined)
        }
      } ?? [
        StreamLoss(
          name: input.name, isInput: true, entered: input.rowsRead - (input.rowsMerged ?? 0),
          atIngest: input.rowsQuarantined)
      ]
    }
    var position = Dictionary(uniqueKeysWithValues: streams.enumerated().map { ($1.name, $0) })
    for name in made.keys.sorted() where position[name] == nil {
      position[name] = streams.count
      streams.append(StreamLoss(name: name, isInput: false, entered: made[name]!))
    }
    for stage in stages {
      for (name, count) in stage.counts.setAside.sorted(by: { $0.key < $1.key }) {
        if position[name] == nil {
          position[name] = streams.count
          streams.append(StreamLoss(name: name, isInput: false, entered: 0))
        }
        streams[position[name]!].byStages += count
      }
    }
    // A stream whose records came from somewhere uncounted is judged over what was set aside.
    for index in streams.indices
    where streams[index].entered < streams[index].setAside && !streams[index].isInput {
      streams[index].entered = streams[index].setAside
    }
    return streams
  }

  /// Who set records aside, for the message: ingest, then each stage with its first reason.
  static func contributors(_ inputs: [InputCounts], stages: [StageRecord]) -> [String] {
    var parts: [String] = []
    let atIngest = inputs.reduce(0) { $0 + $1.rowsQuarantined }
    if atIngest > 0 { parts.append("\(atIngest) quarantined at ingest") }
    for stage in stages where stage.counts.setAsideTotal > 0 {
      parts.append(
        "\(stage.counts.setAsideTotal) by stage '\(stage.label)', first: "
          + (stage.counts.firstSetAsideReason ?? "no reason given"))
    }
    return parts
  }

  static func percent(_ share: Double) -> String {
    let tenths = (share * 1000).rounded() / 10
    return tenths == tenths.rounded() ? "\(Int(tenths))%" : "\(tenths)%"
  }
}
