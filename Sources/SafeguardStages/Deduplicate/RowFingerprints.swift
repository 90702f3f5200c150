import SafeguardCore

/// 128-bit fingerprints of a batch's rows over chosen columns, computed a column at a time
/// (one type test per column, not per field) with a multiply-fold mix in two independent
/// lanes. The lanes' secrets are drawn afresh for every run, so no one can craft two
/// different records that are sure to collide and make the second be dropped; a false match
/// among millions of records is vanishingly unlikely at 128 bits.
///
/// Replaced two SipHash `Hasher`s per row, which were 9% of the neglect overlay's CPU.
struct RowFingerprints: Sendable {
  private let secrets: [UInt64]

  init<G: RandomNumberGenerator>(using generator: inout G) {
    secrets = (0..<8).map { _ in generator.next() | 1 }
  }

  init() {
    var system = SystemRandomNumberGenerator()
    self.init(using: &system)
  }

  /// The fingerprint of every row of `batch` over the columns at `positions`.
  func compute(_ batch: Batch, positions: [Int]) -> [UInt128] {
    var low = [UInt64](repeating: secrets[6], count: batch.count)
    var high = [UInt64](repeating: secrets[7], count: batch.count)
    for position in positions {
      let column = batch.columns[position]
      switch column.values {
      case .string(let strings):
        strings.bytes.withUnsafeBufferPointer { all in
          var start = 0
          for row in 0..<batch.count {
            let end = Int(strings.ends[row])
            if column.present[row] {
              mixBytes(UnsafeBufferPointer(rebasing: all[start..<end]), into: &low[row], &high[row])
            } else {
              mixNull(into: &low[row], &high[row])
            }
            start = end
          }
        }
      case .integer(let values): mixWords(values.map { UInt64(bitPattern: $0) }, column.present, &low, &high)
      case .decimal(let values): mixWords(values.map(\.bitPattern), column.present, &low, &high)
      case .date(let values):
        mixWords(values.map { UInt64(UInt32(bitPattern: $0)) }, column.present, &low, &high)
      case .boolean(let values): mixWords(values.map { $0 ? 1 : 0 }, column.present, &low, &high)
      case .code(let values, _): mixWords(values.map { UInt64($0) }, column.present, &low, &high)
      }
    }
    return (0..<batch.count).map { UInt128(high[$0]) << 64 | UInt128(low[$0]) }
  }

  private func mixWords(_ words: [UInt64], _ present: [Bool], _ low: inout [UInt64], _ high: inout [UInt64]) {
    for row in words.indices {
      if present[row] {
        // The word and a marker that it is present, so 0 differs from null.
        low[row] = Self.mix(low[row] ^ secrets[0], words[row] ^ secrets[1])
        high[row] = Self.mix(high[row] ^ secrets[2], words[row] ^ secrets[3])
        mixLength(1, into: &low[row], &high[row])
      } else {
        mixNull(into: &low[row], &high[row])
      }
    }
  }

  @inline(__always)
  private func mixNull(into low: inout UInt64, _ high: inout UInt64) {
    low = Self.mix(low ^ secrets[4], secrets[5])
    high = Self.mix(high ^ secrets[5], secrets[4])
  }

  /// A field's bytes, eight at a time, then its length: "ab","c" and "a","bc" differ.
  @inline(__always)
  private func mixBytes(_ bytes: UnsafeBufferPointer<UInt8>, into low: inout UInt64, _ high: inout UInt64) {
    var offset = 0
    let count = bytes.count
    while offset < count {
      var word: UInt64 = 0
      let take = min(8, count - offset)
      for index in 0..<take { word |= UInt64(bytes[offset + index]) << (8 * index) }
      low = Self.mix(low ^ secrets[0], word ^ secrets[1])
      high = Self.mix(high ^ secrets[2], word ^ secrets[3])
      offset += take
    }
    mixLength(UInt64(count), into: &low, &high)
  }

  @inline(__always)
  private func mixLength(_ length: UInt64, into low: inout UInt64, _ high: inout UInt64) {
    low = Self.mix(low ^ secrets[4], (length << 1 | 1) ^ secrets[1])
    high = Self.mix(high ^ secrets[5], (length << 1 | 1) ^ secrets[3])
  }

  /// The 128-bit product folded to 64 bits: every input bit reaches every output bit.
  @inline(__always)
  private static func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
    let product = a.multipliedFullWidth(by: b)
    return product.high ^ product.low
  }
}
