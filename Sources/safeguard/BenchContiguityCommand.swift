import ArgumentParser
import SafeguardBenchmarks

extension Safeguard.Bench {
  /// `safeguard bench contiguity`: queen and rook weights from generated polygons.
  struct ContiguityWeights: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "contiguity",
      abstract: "Read generated GeoJSON polygons and compute queen and rook contiguity.")

    @Option(help: "Polygons to generate (a perturbed honeycomb, about 48 vertices each).")
    var cells = 35_000

    @Option(help: "Times to repeat; the median is reported.")
    var repeats = 3

    func validate() throws {
      guard cells >= 4, repeats >= 1 else {
        throw ValidationError("--cells must be at least 4, --repeats at least 1")
      }
    }

    func run() async throws {
      print(try await ContiguityBenchmark(cells: cells, repeats: repeats).run().report)
    }
  }
}
