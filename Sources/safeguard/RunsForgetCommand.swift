import ArgumentParser
import SafeguardOperations

extension Safeguard.Runs {
  /// `safeguard runs forget DEFINITION`.
  struct Forget: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Forget that files of new-files inputs were processed, so the next run reads them again.",
      discussion: """
        Without --input or FILE, forgets every file of the definition's new-files inputs. The \
        runs themselves stay in the ledger.
        """)

    @Argument(help: "The definition's name.")
    var definition: String

    @Argument(help: "Only these files (as the runs recorded their paths).")
    var files: [String] = []

    @Option(help: ArgumentHelp("Only this input's files.", valueName: "NAME"))
    var input: String?

    @OptionGroup var operations: OperationsOptions

    func run() async throws {
      operations.bootstrapLogging()
      let (_, ledger) = try operations.open()
      let count = try ledger.forget(definition: definition, input: input, paths: files)
      print(
        "\(definition): forgot \(count) processed file\(count == 1 ? "" : "s"); the next run reads \(count == 1 ? "it" : "them") again"
      )
    }
  }
}
