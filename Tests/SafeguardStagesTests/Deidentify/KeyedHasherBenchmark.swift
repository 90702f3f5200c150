import Crypto
import Foundation
import SafeguardStages
import Testing

/// Pseudonymisation throughput, run only with `SAFEGUARD_BENCH=1` and meaningful only in a
/// release build:
/// `SAFEGUARD_BENCH=1 swift test -c release --scratch-path .build-deid --filter KeyedHasherBenchmark`
///
/// 1.5 million synthetic ten-digit identifiers, held as one byte buffer as a batch column holds
/// them; each figure is the median of three runs. The requirement is ≥ 1M identifiers/s on the
/// two cores (≥ ~0.6M/s on one).
@Suite(.enabled(if: ProcessInfo.processInfo.environment["SAFEGUARD_BENCH"] == "1", "set SAFEGUARD_BENCH=1"))
struct KeyedHasherBenchmark {
  static let count = 1_500_000
  static let width = 10

  /// Ten ASCII digits per identifier, back to back.
  static let identifiers: [UInt8] = {
    var random = DeidentifyRandom(seed: 2024)
    var bytes: [UInt8] = []
    bytes.reserveCapacity(count * width)
    for _ in 0..<count {
      var value = UInt64.random(in: 1_000_000_000...9_999_999_999, using: &random)
      var digits = [UInt8](repeating: 0, count: width)
      for index in stride(from: width - 1, through: 0, by: -1) {
        digits[index] = UInt8(ascii: "0") + UInt8(value % 10)
        value /= 10
      }
      bytes.append(contentsOf: digits)
    }
    return bytes
  }()

  @Test func throughput() async throws {
    let hasher = try KeyedHasher(key: DeidentifyFixtures.key)
    let data = Self.identifiers

    let ours = try Self.median { Self.ours(hasher, data, 0..<Self.count) }
    let twoCores = try await Self.medianAsync {
      await withTaskGroup(of: UInt128.self) { group in
        let half = Self.count / 2
        for range in [0..<half, half..<Self.count] { group.addTask { Self.ours(hasher, data, range) } }
        return await group.reduce(0, ^)
      }
    }
    #expect(ours.check == twoCores.check, "both runs pseudonymise the same identifiers")

    let key = SymmetricKey(data: DeidentifyFixtures.key)
    let perCall = try Self.median {
      Self.swiftCrypto(data, 0..<Self.count) { HMAC<SHA256>.authenticationCode(for: $0, using: key) }
    }
    let keyed = HMAC<SHA256>(key: key)
    let copied = try Self.median {
      Self.swiftCrypto(data, 0..<Self.count) { message in
        var mac = keyed  // the key schedule done once; each copy still allocates its context
        mac.update(data: message)
        return mac.finalize()
      }
    }
    let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "unknown"
    print("bench: load average \(load.split(separator: " ").prefix(3).joined(separator: " "))")
    Self.report("KeyedHasher, one core", ours)
    Self.report("KeyedHasher, two cores (task group)", twoCores)
    Self.report("swift-crypto HMAC authenticationCode(for:using:), one core", perCall)
    Self.report("swift-crypto HMAC copied after keying, one core", copied)
  }

  static func ours(_ hasher: KeyedHasher, _ data: [UInt8], _ rows: Range<Int>) -> UInt128 {
    var check: UInt128 = 0
    data.withUnsafeBufferPointer { all in
      for row in rows {
        let identifier = UnsafeBufferPointer(rebasing: all[row * width..<(row + 1) * width])
        check ^= hasher.pseudonym(domain: .personNHS, identifier).value
      }
    }
    return check
  }

  /// The same message as `KeyedHasher` hashes (tag, 0x1F, identifier), built in one reused buffer.
  static func swiftCrypto(
    _ data: [UInt8], _ rows: Range<Int>, _ mac: (UnsafeRawBufferPointer) -> HashedAuthenticationCode<SHA256>
  ) -> UInt128 {
    let prefix = Array("person-nhs\u{1F}".utf8)
    var message = prefix + [UInt8](repeating: 0, count: width)
    var check: UInt128 = 0
    for row in rows {
      message.replaceSubrange(prefix.count..., with: data[row * width..<(row + 1) * width])
      let code = message.withUnsafeBytes { mac($0) }
      check ^= code.withUnsafeBytes { $0.loadUnaligned(as: UInt128.self) }
    }
    return check
  }

  typealias Run = (seconds: Double, cpu: Double, check: UInt128)

  static func median(_ body: () -> UInt128) throws -> Run {
    var runs: [Run] = []
    for _ in 0..<3 {
      let (start, cpuStart) = (ContinuousClock.now, clock())
      let check = body()
      runs.append((seconds(ContinuousClock.now - start), cpuSeconds(since: cpuStart), check))
    }
    return runs.sorted { $0.seconds < $1.seconds }[1]
  }

  static func medianAsync(_ body: () async -> UInt128) async throws -> Run {
    var runs: [Run] = []
    for _ in 0..<3 {
      let (start, cpuStart) = (ContinuousClock.now, clock())
      let check = await body()
      runs.append((seconds(ContinuousClock.now - start), cpuSeconds(since: cpuStart), check))
    }
    return runs.sorted { $0.seconds < $1.seconds }[1]
  }

  /// Process CPU time: twice the wall time means both cores really worked.
  static func cpuSeconds(since start: clock_t) -> Double { Double(clock() - start) / Double(CLOCKS_PER_SEC) }

  static func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
  }

  static func report(_ label: String, _ run: Run) {
    let rate = Double(count) / run.seconds
    print(
      "bench: \(label): \(String(format: "%.3f", run.seconds)) s, "
        + "\(String(format: "%.2f", rate / 1e6))M identifiers/s, "
        + "cpu/wall \(String(format: "%.2f", run.cpu / run.seconds))"
    )
  }
}
