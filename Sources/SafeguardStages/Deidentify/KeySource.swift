import SafeguardCore

/// Reads the pseudonymisation key from `key_file:` or `key: ${env:NAME}`, and nowhere else: a
/// key written into a definition would travel with it into version control and email. Errors
/// name the option and the file, never any of the key.
enum KeySource {
  static func read(
    _ reader: inout ConfigReader, stage: String, at location: SourceLocation, diagnostics: inout Diagnostics
  ) -> KeyedHasher? {
    let fileNode = reader.node("key_file")
    let keyNode = reader.node("key")
    switch (fileNode, keyNode) {
    case (nil, nil):
      diagnostics.error(
        "stage '\(stage)' needs a key: 'key_file: PATH' or 'key: ${env:NAME}' (see docs/deidentification.md)",
        at: location)
      return nil
    case (.some, .some):
      diagnostics.error("stage '\(stage)': give 'key_file' or 'key', not both", at: keyNode!.location)
      return nil
    case (let file?, nil):
      guard let path = file.text, !path.isEmpty else {
        diagnostics.error("stage '\(stage)': key_file must be a path", at: file.location)
        return nil
      }
      do {
        let key = try KeyedHasher.loadKey(fromFile: path)
        if key.isExposed {
          diagnostics.error(
            "stage '\(stage)': key file \(path) can be read by other users; make it private (chmod 600 \(path))",
            at: file.location)
          return nil
        }
        return key.hasher
      } catch {
        diagnostics.error("stage '\(stage)': \(error.description)", at: file.location)
        return nil
      }
    case (nil, let key?):
      guard key.isFromEnvironment else {
        diagnostics.error(
          "stage '\(stage)': a key must not be written in a definition; use 'key: ${env:NAME}' or 'key_file: PATH'",
          at: key.location)
        return nil
      }
      do {
        return try KeyedHasher.fromEnvironmentValue(key.text ?? "")
      } catch {
        diagnostics.error(
          "stage '\(stage)': the key from the environment: \(error.description)", at: key.location)
        return nil
      }
    }
  }
}
