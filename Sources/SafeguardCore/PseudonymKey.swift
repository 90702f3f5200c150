/// The run's pseudonymisation key as stages after the one that loaded it may use it: its
/// fingerprint, and a keyed one-way derivation of new pseudonyms from old ones. Never the
/// key's bytes.
///
/// The `k-anonymity` stage uses it to give each released stream its own pseudonyms: without
/// the key, nobody can map a derived pseudonym back to the one it came from or to the
/// pseudonyms of another domain, so outputs in different domains cannot be joined.
public protocol PseudonymKey: Sendable {
  /// Identifies the key without revealing it (see `RunContext.keyFingerprint`).
  var fingerprint: String { get }

  /// A new pseudonym for `pseudonym` in the domain named `domain`: the same inputs always
  /// give the same result, different domains give unrelated results, and only the key's
  /// holder can compute it.
  func derive(_ pseudonym: UInt128, domain: String) -> UInt128
}
