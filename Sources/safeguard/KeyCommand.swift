import ArgumentParser
import Foundation
import SafeguardCore
import SafeguardStages

extension Safeguard {
  /// `safeguard key`: makes a pseudonymisation key file and shows key fingerprints.
  struct Key: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Make a pseudonymisation key, or show a key file's fingerprint.",
      discussion: """
        A key is 32 random bytes written as 64 hexadecimal digits to a file readable only by its
        owner (0600). Keep it apart from the data and the outputs; see docs/deidentification.md.
        The fingerprint (8 hex digits) identifies a key in run summaries without revealing it.
        """,
      subcommands: [Generate.self, Fingerprint.self])

    struct Generate: ParsableCommand {
      static let configuration = CommandConfiguration(abstract: "Write a new random key to a file (0600).")

      @Option(
        help: ArgumentHelp(
          "The key file to create; an existing file is never overwritten.", valueName: "FILE"))
      var out: String

      func run() throws {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let hex = bytes.map {
          String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16)
        }
        .joined()
        let descriptor = open(out, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
          throw RunError("cannot create key file \(out): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        let text = Array((hex + "\n").utf8)
        guard write(descriptor, text, text.count) == text.count else {
          throw RunError("cannot write key file \(out): \(String(cString: strerror(errno)))")
        }
        let hasher = try KeyedHasher(key: bytes)
        print("key written to \(out) (fingerprint \(hasher.fingerprint))")
      }
    }

    struct Fingerprint: ParsableCommand {
      static let configuration = CommandConfiguration(abstract: "Print a key file's fingerprint.")

      @Argument(help: "The key file.")
      var file: String

      func run() throws {
        do {
          print(try KeyedHasher.loadKey(fromFile: file).hasher.fingerprint)
        } catch {
          throw RunError(error.description)
        }
      }
    }
  }
}
