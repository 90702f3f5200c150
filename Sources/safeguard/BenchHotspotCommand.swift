import ArgumentParser
import SafeguardBenchmarks

extension Safeguard.Bench {
  /// `safeguard bench hotspot`: local Moran, Gi* and global Moran against esda.
  struct Hotspot: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "hotspot",
      abstract:
        "Local Moran, Gi* and global Moran with permutations over 34,969 areas, against esda in the same run."
    )

    @Option(help: "Areas along each side of the lattice (187 gives 34,969, England's LSOAs).")
    var side = 187

    @Option(help: "Permutations for each permutation test.")
    var permutations = 999

    @Option(help: "Times to repeat; the median is reported.")
    var repeats = 3

    @Option(help: "The Python environment with esda (made by scripts/spatial-venv.sh); skipped if absent.")
    var environment = ".build/spatial-venv"

    func validate() throws {
      guard side >= 3, repeats >= 1, (1...99_999).contains(permutations) else {
        throw ValidationError("--side must be at least 3, --repeats at least 1, --permutations 1 to 99999")
      }
    }

    func run() async throws {
      print(
        try await HotspotBenchmark(
          side: side, permutations: permutations, repeats: repeats, environment: environment
        ).run().report)
    }
  }
}
