import Foundation
import SafeguardCore

/// The end-of-run lines on person linkage: per stream and role, records linked by each rule,
/// new, unlinked, ambiguous and refused; and a warning on stderr for every role with refused
/// or ambiguous links, since those are people the run kept apart on purpose.
struct LinkageReport {
  let stages: [StageRecord]

  /// Lines for stdout, one per stream and role.
  var lines: [String] {
    var lines: [String] = []
    for stage in stages {
      for (stream, roles) in stage.counts.linkage.sorted(by: { $0.key < $1.key }) {
        for (role, counts) in roles.sorted(by: { $0.key < $1.key }) {
          lines.append("  linkage \(stream) (\(role)): " + Self.describe(counts))
        }
      }
    }
    return lines
  }

  /// Warnings for stderr.
  var warnings: [String] {
    var warnings: [String] = []
    for stage in stages {
      for (stream, roles) in stage.counts.linkage.sorted(by: { $0.key < $1.key }) {
        for (role, counts) in roles.sorted(by: { $0.key < $1.key }) {
          let refused = counts.refusedByRule.sorted { $0.key < $1.key }.map { "\($0.value) by \($0.key)" }
          if !refused.isEmpty {
            warnings.append(
              "warning: stage '\(stage.label)': \(counts.refusedAttempts) links of stream '\(stream)' (\(role)) "
                + "refused because NHS numbers or UPNs disagree (\(refused.joined(separator: ", ")))")
          }
          let ambiguous = counts.ambiguousByRule.sorted { $0.key < $1.key }.map { "\($0.value) by \($0.key)" }
          if !ambiguous.isEmpty {
            warnings.append(
              "warning: stage '\(stage.label)': \(counts.ambiguousAttempts) links of stream '\(stream)' (\(role)) "
                + "refused as ambiguous, matching two or more people (\(ambiguous.joined(separator: ", ")))")
          }
        }
      }
    }
    return warnings
  }

  static func describe(_ counts: LinkageCounts) -> String {
    var parts = counts.linkedByRule.sorted { $0.key < $1.key }.map { "\($0.value) linked by \($0.key)" }
    if counts.newPersons > 0 { parts.append("\(counts.newPersons) new people") }
    parts.append("\(counts.unlinked) unlinked")
    parts.append("\(counts.ambiguous) ambiguous")
    parts.append("\(counts.refused) refused")
    if counts.withoutIdentifier > 0 { parts.append("\(counts.withoutIdentifier) without identifier") }
    return parts.joined(separator: ", ")
  }
}
