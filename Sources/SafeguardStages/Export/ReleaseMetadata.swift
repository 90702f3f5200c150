import Foundation
import SafeguardCore

/// The disclosure-control part of an export's `metadata.json`: for each file a `k-anonymity`
/// stage released, the k it achieves alone and joined, and for the release the k that holds
/// when its files are joined on their shared pseudonyms, which files can be joined, and a
/// sentence saying which guarantee is which.
enum ReleaseMetadata {
  /// The `k_anonymity` entry of one file, or nil when no stage released its stream.
  static func file(_ stream: String, releases: [ReleaseDisclosure]) -> [String: Any]? {
    guard let release = releases.last(where: { $0.streams[stream] != nil }),
      let facts = release.streams[stream]
    else { return nil }
    let joinable = facts.sharesPseudonyms ? release.linkable.filter { $0 != stream } : []
    return [
      "k_alone": facts.kAlone,
      "k_joined": facts.kJoined,
      "quasi_identifiers": facts.quasiIdentifiers,
      "pseudonyms": facts.pseudonyms,
      "pseudonyms_shared": facts.sharesPseudonyms,
      "joinable_with": joinable,
      "records_suppressed": facts.suppressed,
      "records_with_pseudonyms_emptied": facts.pseudonymsRemoved,
    ]
  }

  /// The `disclosure_control` entries: one per releasing stage.
  static func releases(_ releases: [ReleaseDisclosure]) -> [[String: Any]] {
    releases.map { release in
      let linkable =
        release.linkable.count > 1
        ? "The files \(release.linkable.joined(separator: ", ")) share pseudonyms and can be joined on them; "
        : ""
      let own =
        release.streams.keys.contains { !release.linkable.contains($0) }
        ? "every other file has pseudonyms of its own and cannot be joined to any file. " : ""
      return [
        "stage": release.stage,
        "k_requested": release.kRequested,
        "k_release": release.kRelease,
        "linkable_streams": release.linkable,
        "statement":
          "k_alone of a file: every record shares its quasi-identifiers with at least k_alone - 1 others "
          + "in that file. k_release: for the files joined on every pseudonym they share, every person, "
          + "household or record without a pseudonym shares everything a reader can attach to it with at "
          + "least k_release - 1 others. \(linkable)\(own)".trimmingCharacters(in: .whitespaces),
      ]
    }
  }
}
