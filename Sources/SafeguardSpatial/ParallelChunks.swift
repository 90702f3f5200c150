/// Splits work over areas or permutations into chunks and runs them as child tasks, at most
/// `width` at a time (structured concurrency: every task ends before `map` returns). Results come
/// back in chunk order, so the outcome never depends on which task finished first. With a width
/// of 1 (`--threads 1`) the chunks run one after another on the calling task.
enum ParallelChunks {
  static func map<T: Sendable>(
    chunks: Int, width: Int, _ body: @escaping @Sendable (Int) -> T
  ) async -> [T] {
    guard chunks > 0 else { return [] }
    guard width > 1, chunks > 1 else { return (0..<chunks).map(body) }
    var results = [T?](repeating: nil, count: chunks)
    await withTaskGroup(of: (Int, T).self) { group in
      var next = 0
      while next < min(max(width, 1), chunks) {
        let chunk = next
        group.addTask { (chunk, body(chunk)) }
        next += 1
      }
      while let (chunk, result) = await group.next() {
        results[chunk] = result
        if next < chunks {
          let chunk = next
          group.addTask { (chunk, body(chunk)) }
          next += 1
        }
      }
    }
    return results.map { $0! }
  }

  /// The ranges of `0..<count` in chunks of `size`.
  static func ranges(count: Int, size: Int) -> [Range<Int>] {
    stride(from: 0, to: count, by: size).map { $0..<min($0 + size, count) }
  }
}
