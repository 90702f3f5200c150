import ArgumentParser
import SafeguardBenchmarks
import SafeguardCore

extension Safeguard {
  /// `safeguard bench`: the speed figures quoted in docs/performance.md, each against a
  /// reference measured in the same run.
  struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Measure the speed of a stage against a reference (see docs/performance.md).",
      subcommands: [
        Ingest.self, CINCensus.self, Deidentification.self, Plugins.self, OverlayStage.self,
        ContiguityWeights.self, Hotspot.self,
      ])

    struct CINCensus: AsyncParsableCommand {
      static let configuration = CommandConfiguration(
        commandName: "cin-census",
        abstract: "Read a synthetic authority's CIN Census returns (XML) into typed streams.")

      @Option(help: "Children of the synthetic authority whose returns are read.")
      var children = 300_000

      @Option(help: "A folder of returns (*.xml) to read instead of generating them.")
      var returns: String?

      @Option(help: "Times to repeat; the median is reported.")
      var repeats = 3

      func validate() throws {
        guard children >= 1, repeats >= 1 else {
          throw ValidationError("--children and --repeats must be at least 1")
        }
      }

      func run() async throws {
        print(
          try await CINCensusBenchmark(children: children, repeats: repeats, returns: returns).run().report)
      }
    }

    struct Ingest: AsyncParsableCommand {
      static let configuration = CommandConfiguration(
        commandName: "ingest", abstract: "Read a generated CSV register extract into typed columns.")

      @Option(help: "Rows to generate.")
      var rows = 1_000_000

      @Option(help: "The quote mode to measure: lenient, strict or both.")
      var quotes = "both"

      @Option(help: "Times to repeat; the median is reported.")
      var repeats = 3

      func validate() throws {
        guard rows >= 1, repeats >= 1 else {
          throw ValidationError("--rows and --repeats must be at least 1")
        }
        guard quotes == "both" || CSVQuotes(rawValue: quotes) != nil else {
          throw ValidationError("--quotes must be lenient, strict or both")
        }
      }

      func run() async throws {
        let modes = CSVQuotes(rawValue: quotes).map { [$0] } ?? CSVQuotes.allCases
        print(try await IngestBenchmark(rows: rows, repeats: repeats, modes: modes).run().report)
      }
    }

    struct Deidentification: AsyncParsableCommand {
      static let configuration = CommandConfiguration(
        commandName: "deidentify", abstract: "Pseudonymise generated records through the deidentify stage.")

      @Option(help: "Records to generate.")
      var records = 1_500_000

      @Option(help: "Times to repeat; the median is reported.")
      var repeats = 3

      func validate() throws {
        guard records >= 1, repeats >= 1 else {
          throw ValidationError("--records and --repeats must be at least 1")
        }
      }

      func run() async throws {
        let result = try await DeidentifyBenchmark(records: records, repeats: repeats).run()
        print(result.report)
      }
    }

    struct Plugins: AsyncParsableCommand {
      static let configuration = CommandConfiguration(
        commandName: "lua", abstract: "Pass records through a lua stage with and without a record hook.")

      @Option(help: "Records to generate.")
      var records = 1_000_000

      @Option(help: "Plugin states working in parallel.")
      var workers = 2

      @Option(help: "Times to repeat; the median is reported.")
      var repeats = 3

      func validate() throws {
        guard records >= 1, repeats >= 1, workers >= 1 else {
          throw ValidationError("--records, --workers and --repeats must be at least 1")
        }
      }

      func run() async throws {
        print(try await PluginBenchmark(records: records, workers: workers, repeats: repeats).run().report)
      }
    }

    struct OverlayStage: AsyncParsableCommand {
      static let configuration = CommandConfiguration(
        commandName: "overlay",
        abstract:
          "Run the overlay stage over a de-identified synthetic authority, against the stages before it.")

      @Option(help: "Children of the synthetic authority.")
      var children = 300_000

      @Option(help: "The pipeline definition whose overlay stage is measured.")
      var definition = "pipelines/neglect-overlay.yaml"

      @Option(help: "Times to repeat; the median is reported.")
      var repeats = 3

      func validate() throws {
        guard children >= 1, repeats >= 1 else {
          throw ValidationError("--children and --repeats must be at least 1")
        }
      }

      func run() async throws {
        print(
          try await OverlayBenchmark(children: children, definition: definition, repeats: repeats).run()
            .report)
      }
    }
  }
}
