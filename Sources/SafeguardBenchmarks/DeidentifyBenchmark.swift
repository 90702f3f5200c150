import Crypto
import Foundation
import SafeguardCore
import SafeguardDefinition
import SafeguardStages
import SafeguardTesting

/// De-identification throughput: the real `deidentify` stage over generated person records
/// (NHS number, names, date of birth, postcode, UPRN), against swift-crypto's HMAC-SHA-256 over
/// the same NHS numbers in the same run as the reference.
public struct DeidentifyBenchmark: Sendable {
  public var records: Int
  public var batchSize: Int
  public var repeats: Int

  public init(records: Int = 1_500_000, batchSize: Int = 8192, repeats: Int = 3) {
    self.records = records
    self.batchSize = batchSize
    self.repeats = repeats
  }

  static let schema = Schema([
    Field("nhs_number", .string), Field("forename", .string), Field("surname", .string), Field("dob", .date),
    Field("postcode", .string), Field("uprn", .string),
  ])

  /// Each record gives three pseudonymised identifiers: the NHS number, the demographic key
  /// (names, date of birth, postcode) and the UPRN. The records are a register (`link_from`),
  /// so every match key is hashed and each row is resolved against the people before it: the
  /// costliest path (a record of another stream linked by its NHS number never hashes its
  /// demographic key).
  public static let identifiersPerRecord = 3

  public struct Result: Sendable {
    public var records: Int
    public var stage: Measurement
    public var reference: Measurement

    public var identifiersPerSecond: Double {
      Double(records * DeidentifyBenchmark.identifiersPerRecord) / stage.median
    }
    public var referencePerSecond: Double { Double(records) / reference.median }

    public var report: String {
      let format = { (value: Double) in String(format: "%.2f", value) }
      return """
        de-identification of \(records) records (3 identifiers each), median of \(stage.seconds.count) runs:
          deidentify stage:        \(format(stage.median)) s  \(format(identifiersPerSecond / 1e6)) M identifiers/s  \
        (\(format(Double(records) / stage.median / 1e6)) M records/s)
          swift-crypto HMAC alone: \(format(reference.median)) s for the \(records) NHS numbers, one core, \
        \(format(referencePerSecond / 1e6)) M identifiers/s
          ratio (stage identifiers/s ÷ reference identifiers/s): \(format(identifiersPerSecond / referencePerSecond))
        """
    }
  }

  public func run() async throws -> Result {
    let batches = makeBatches()
    let stage = try makeStage()
    let context = try TestRun.context(runID: "bench")
    let streams = StreamSchemas([("records", Self.schema)])
    let stageContext = context.stage(0, label: "deidentify", streams: streams)
    var diagnostics = Diagnostics()
    _ = stage.plan(streams, diagnostics: &diagnostics)
    var sink = 0
    let measured = try await Measurement.run("deidentify", repeats: repeats) {
      // Each repeat starts afresh: an empty register, as a run does.
      try await stage.start(context: stageContext)
      for batch in batches { sink &+= try await stage.process(batch, context: stageContext).count }
    }
    let numbers = batches.flatMap { batch in
      (0..<batch.count).map { batch.value("nhs_number", at: $0).description }
    }
    // The fastest way to use swift-crypto here: the keyed HMAC made once and copied per
    // identifier, so the key schedule is not redone.
    let keyed = HMAC<SHA256>(key: SymmetricKey(data: Array(repeating: UInt8(7), count: 32)))
    let reference = await Measurement.run("swift-crypto", repeats: repeats) {
      for number in numbers {
        var code = keyed
        code.update(data: Array("person-nhs\u{1F}\(number)".utf8))
        sink &+= Int(code.finalize().withUnsafeBytes { $0[0] })
      }
    }
    precondition(sink != 42, "keeps the work from being optimised away")
    return Result(records: records, stage: measured, reference: reference)
  }

  func makeStage() throws -> Deidentify {
    let options = """
      key: ${env:BENCH}
      link_from: records
      streams:
        records:
          persons: { person: { nhs_number: nhs_number, forename: forename, surname: surname,
                               date_of_birth: dob, postcode: postcode } }
          household: { uprn: uprn }
      """
    guard case .map(var entries, let location) = try ConfigDocument.parse(options, file: "bench.yaml") else {
      fatalError("the benchmark's options are a mapping")
    }
    entries[0].value = .scalar(String(repeating: "3c", count: 32), style: .environment, location)
    var spec = StageSpec(
      uses: "deidentify", label: "deidentify", options: .map(entries, location), plugin: nil, onError: .fail,
      location: location)
    spec.referenceDate = CivilDate.days(year: 2026, month: 3, day: 31)
    var diagnostics = Diagnostics()
    guard let stage = Deidentify(spec: spec, diagnostics: &diagnostics) else {
      throw DefinitionError(diagnostics.all)
    }
    return stage
  }

  /// Deterministic records with valid NHS numbers and realistic name, date and postcode shapes.
  func makeBatches() -> [Batch] {
    let forenames = [
      "Amelia", "Oliver", "Zoë", "Mohammed", "Siobhán", "Jack", "Aisha", "Kacper", "Ruby", "Noah",
    ]
    let surnames = [
      "Smith", "O'Neill", "Khan", "Kowalczyk", "Jones", "Patel", "Okafor", "Smith-Jones", "Ward",
    ]
    var state: UInt64 = 0x5AFE_6A4D
    func next() -> UInt64 {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return state >> 11
    }
    var batches: [Batch] = []
    var builder = RecordBuilder(stream: "records", schema: Self.schema, capacity: batchSize)
    var made = 0
    while made < records {
      var digits = (0..<9).map { _ in UInt8(next() % 10) }
      digits[0] = 9
      guard let check = Identifiers.nhsCheckDigit(digits) else { continue }
      let nhs = String(decoding: (digits + [check]).map { $0 + 48 }, as: UTF8.self)
      let postcode = "XY\(next() % 9 + 1) \(next() % 10)\(["AB", "CD", "EF", "GH"][Int(next() % 4)])"
      builder.append([
        .string(nhs), .string(forenames[Int(next() % 10)]), .string(surnames[Int(next() % 9)]),
        .date(Int32(10_000 + next() % 9_000)), .string(postcode),
        .string(String(100_000_000_000 + next() % 1_000_000)),
      ])
      made += 1
      if builder.count == batchSize {
        batches.append(builder.build())
        builder = RecordBuilder(stream: "records", schema: Self.schema, capacity: batchSize)
      }
    }
    if builder.count > 0 { batches.append(builder.build()) }
    return batches
  }
}
