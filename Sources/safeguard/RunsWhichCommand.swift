import ArgumentParser
import Foundation
import SafeguardCore
import SafeguardOperations

extension Safeguard.Runs {
  /// `safeguard runs which FILE`.
  struct Which: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Which run, inputs and plugins produced an output file.",
      discussion: """
        Finds the file by its content (SHA-256), so a copied or moved output is still found; \
        lists every run that wrote these bytes, newest first, with its inputs and plugins.
        """)

    @Argument(help: "An output file.")
    var file: String

    @Flag(help: "JSON instead of text.")
    var json = false

    @OptionGroup var operations: OperationsOptions

    func run() async throws {
      operations.bootstrapLogging()
      guard let sha256 = SHA256Text.hex(ofFile: file) else { throw RunError("cannot read \(file)") }
      let (_, ledger) = try operations.open()
      let produced = try ledger.produced(sha256: sha256)
      guard !produced.isEmpty else {
        throw RunError("no run in the ledger \(ledger.path) wrote \(file) (sha256 \(sha256))")
      }
      let found = try produced.map { file in
        Found(
          output: file.path, sha256: file.sha256,
          details: RunDetails(run: file.run, record: try ledger.record(id: file.run.id)))
      }
      if json {
        print(try LedgerJSON.text(found))
        return
      }
      for (index, item) in found.enumerated() {
        if index > 0 { print("") }
        print("\(file) is \(item.output) of run \(item.details.run.id) (sha256 \(item.sha256))")
        for line in item.details.lines { print(line) }
      }
    }

    struct Found: Encodable {
      var output: String
      var sha256: String
      var details: RunDetails
    }
  }
}
