import SafeguardCore

/// Which released streams a reader may join on their pseudonyms (`linkable:` of the
/// `k-anonymity` stage).
///
/// - `false` (the default, the safe reading): every released stream gets pseudonyms of its
///   own, derived from the run's with the key, so no two streams share a pseudonym and k for
///   each stream alone is k for the release.
/// - `true`: every released stream keeps the run's pseudonyms, and k holds over the join.
/// - a list of streams: those keep the run's pseudonyms and k holds over their join; the
///   others get pseudonyms of their own.
enum Linkability: Sendable, Hashable {
  case none
  case all
  case streams([String])

  static func read(_ node: ConfigNode?, stage: String, diagnostics: inout Diagnostics) -> Linkability {
    guard let node else { return .none }
    if case .boolean(let linkable) = node.typedScalar { return linkable ? .all : .none }
    if case .list(let items, _) = node {
      var names: [String] = []
      for item in items {
        guard let name = item.text, !name.isEmpty else {
          diagnostics.error("items of 'linkable' of stage '\(stage)' must be stream names", at: item.location)
          continue
        }
        if names.contains(name) {
          diagnostics.error("'linkable' of stage '\(stage)' names '\(name)' twice", at: item.location)
        }
        names.append(name)
      }
      return .streams(names)
    }
    diagnostics.error(
      "'linkable' of stage '\(stage)' must be true, false or a list of the streams that may be joined",
      at: node.location)
    return .none
  }

  /// The streams of `released` that keep the run's pseudonyms, in release order.
  func shared(among released: [String]) -> [String] {
    switch self {
    case .none: []
    case .all: released
    case .streams(let names): released.filter { names.contains($0) }
    }
  }

  /// The release cut into linkage domains: one domain holding the streams that share the
  /// run's pseudonyms (if any), then each other stream alone.
  func domains(of released: [String]) -> [[String]] {
    let shared = shared(among: released)
    let own = released.filter { !shared.contains($0) }.map { [$0] }
    return (shared.isEmpty ? [] : [shared]) + own
  }
}
