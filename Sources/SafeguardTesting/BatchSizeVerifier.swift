import SafeguardCore

/// Runs freshly made stages over the same records cut into batches of 1, 7 and all at once,
/// and reports whether the outputs differ. Windows, sums and de-duplication that break at
/// batch edges show up here.
public enum BatchSizeVerifier {
  /// The output for each batch size; equal outputs mean the stages ignore batch edges.
  public static func outputs(
    of makeStages: () throws -> [any Stage], input: Batch, sizes: [Int] = [1, 7, Int.max]
  ) async throws -> [Int: [String: Batch]] {
    var results: [Int: [String: Batch]] = [:]
    for size in sizes {
      var pipeline = try InMemoryPipeline(makeStages(), inputs: StreamSchemas([(input.stream, input.schema)]))
      var start = 0
      while start < input.count {
        let end = min(input.count, size == Int.max ? input.count : start + size)
        try await pipeline.push(input.selecting(Array(start..<end)))
        start = end
      }
      results[size] = try await pipeline.finish()
    }
    return results
  }

  /// True when every batch size gave the same output.
  public static func agree(
    _ makeStages: () throws -> [any Stage], input: Batch, sizes: [Int] = [1, 7, Int.max]
  ) async throws -> Bool {
    let results = try await outputs(of: makeStages, input: input, sizes: sizes)
    let first = results[sizes[0]]
    return sizes.allSatisfy { results[$0] == first }
  }
}
