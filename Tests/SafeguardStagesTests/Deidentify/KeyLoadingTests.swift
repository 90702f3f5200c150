import Foundation
import SafeguardStages
import Testing

/// Reading keys from files and environment values: the accepted encodings give the same key,
/// near-misses are errors rather than different keys, and no error shows key material.
@Suite struct KeyLoadingTests {
  static let key = DeidentifyFixtures.key
  static let expected = try! KeyedHasher(key: key).fingerprint
  static let hex = DeidentifyFixtures.hex(key)
  static let base64 = Data(key).base64EncodedString()

  /// Writes `contents` to a fresh file with `mode`, loads it, and removes it.
  static func load(_ contents: [UInt8], mode: Int = 0o600, requirePrivate: Bool = false) throws -> KeyFile {
    let folder = try DeidentifyFixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("pseudonym.key").path
    try Data(contents).write(to: URL(fileURLWithPath: path))
    try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
    return try KeyedHasher.loadKey(fromFile: path, requirePrivate: requirePrivate)
  }

  static func load(text: String, mode: Int = 0o600) throws -> KeyFile {
    try load(Array(text.utf8), mode: mode)
  }

  @Test func hexBase64AndRawFilesGiveTheSameKey() throws {
    let cases: [(String, [UInt8], KeyEncoding)] = [
      ("hex with newline", Array((Self.hex + "\n").utf8), .hex),
      ("upper-case hex, spaces around", Array(("  \t" + Self.hex.uppercased() + " \r\n").utf8), .hex),
      ("base64", Array((Self.base64 + "\n").utf8), .base64),
      ("base64 without padding", Array(Self.base64.replacingOccurrences(of: "=", with: "").utf8), .base64),
      ("raw bytes", Self.key, .raw),
    ]
    for (name, contents, encoding) in cases {
      let file = try Self.load(contents)
      #expect(file.hasher.fingerprint == Self.expected, "\(name)")
      #expect(file.encoding == encoding, "\(name)")
    }
  }

  @Test func urlSafeBase64IsAccepted() throws {
    // A key whose base64 uses '+' and '/' in the standard alphabet.
    let key = [UInt8](repeating: 0xFB, count: 33) + [UInt8](repeating: 0xFF, count: 3)
    let standard = Data(key).base64EncodedString()
    #expect(standard.contains("+") || standard.contains("/"))
    let urlSafe = standard.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
    let expected = try KeyedHasher(key: key).fingerprint
    #expect(try Self.load(text: urlSafe).hasher.fingerprint == expected)
    #expect(try KeyedHasher.fromEnvironmentValue(urlSafe).fingerprint == expected)
  }

  @Test func aLongerHexKeyIsAccepted() throws {
    let key = (0..<64).map { UInt8($0) }
    let file = try Self.load(text: DeidentifyFixtures.hex(key))
    #expect(file.hasher.fingerprint == (try KeyedHasher(key: key)).fingerprint)
  }

  @Test func truncatedHexIsAnErrorNotARawKey() {
    // 40 hex digits are 40 printable bytes, but must never be taken as a raw key.
    #expect(throws: KeyError.tooShort(bytes: 20)) { try Self.load(text: String(Self.hex.prefix(40)) + "\n") }
    #expect(throws: KeyError.oddHexLength) { try Self.load(text: Self.hex + "a") }
    #expect(throws: KeyError.tooShort(bytes: 24)) {
      try Self.load(text: Data(Self.key.prefix(24)).base64EncodedString())
    }
  }

  @Test func passphrasesEmptyFilesAndShortRawKeysAreRefused() {
    #expect(throws: KeyError.self) {
      try Self.load(text: "correct horse battery staple, and then some more words")
    }
    #expect(throws: KeyError.empty) { try Self.load(text: " \n\t ") }
    #expect(throws: KeyError.empty) { try Self.load([]) }
    #expect(throws: KeyError.tooShort(bytes: 20)) { try Self.load([UInt8](repeating: 0xC3, count: 20)) }
  }

  @Test func missingFilesAndDirectoriesAreUnreadable() throws {
    let folder = try DeidentifyFixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let missing = folder.appendingPathComponent("none.key").path
    #expect(throws: KeyError.unreadableFile(path: missing)) { try KeyedHasher.loadKey(fromFile: missing) }
    #expect(throws: KeyError.unreadableFile(path: folder.path)) {
      try KeyedHasher.loadKey(fromFile: folder.path)
    }
  }

  @Test func exposedFilesAreFlaggedOrRefused() throws {
    #expect(try Self.load(text: Self.hex, mode: 0o600).isExposed == false)
    #expect(try Self.load(text: Self.hex, mode: 0o400).warning(path: "k") == nil)
    for mode in [0o640, 0o644, 0o604, 0o620] {
      let file = try Self.load(text: Self.hex, mode: mode)
      #expect(file.isExposed, "mode \(String(mode, radix: 8))")
      #expect(file.warning(path: "/etc/safeguard/k")?.contains("chmod 600 /etc/safeguard/k") == true)
      #expect(file.hasher.fingerprint == Self.expected, "still usable when only warned about")
    }
    #expect(throws: KeyError.self) { try Self.load(Array(Self.hex.utf8), mode: 0o644, requirePrivate: true) }
    #expect(throws: Never.self) { try Self.load(Array(Self.hex.utf8), mode: 0o600, requirePrivate: true) }
  }

  @Test func environmentValuesAreHexOrBase64Only() throws {
    #expect(try KeyedHasher.fromEnvironmentValue(Self.hex).fingerprint == Self.expected)
    #expect(try KeyedHasher.fromEnvironmentValue(" " + Self.base64 + "\n").fingerprint == Self.expected)
    #expect(throws: KeyError.empty) { try KeyedHasher.fromEnvironmentValue("  ") }
    #expect(throws: KeyError.unrecognisedEncoding) {
      try KeyedHasher.fromEnvironmentValue("a passphrase is not a key, however long it is")
    }
    #expect(throws: KeyError.tooShort(bytes: 16)) {
      try KeyedHasher.fromEnvironmentValue(String(Self.hex.prefix(32)))
    }
  }

  /// Every error's text, for every way a key can be refused, is free of the key's hex, its
  /// base64 and the passphrase.
  @Test func errorMessagesHoldNoKeyMaterial() {
    let passphrase = "my very secret passphrase for the council data"
    let attempts: [() throws -> Void] = [
      { _ = try Self.load(text: String(Self.hex.prefix(40))) },
      { _ = try Self.load(text: String(Self.hex.prefix(63))) },
      { _ = try Self.load(text: passphrase) },
      { _ = try Self.load(Array(Self.hex.utf8), mode: 0o644, requirePrivate: true) },
      { _ = try KeyedHasher.fromEnvironmentValue(String(Self.base64.prefix(20))) },
      { _ = try KeyedHasher.fromEnvironmentValue(passphrase) },
    ]
    for attempt in attempts {
      do {
        try attempt()
        Issue.record("expected an error")
      } catch {
        let text = "\(error) \(String(reflecting: error))"
        #expect(!text.contains(Self.hex.prefix(20)) && !text.contains(Self.base64.prefix(12)))
        #expect(!text.contains("secret"))
      }
    }
  }
}
