import SafeguardCore

/// The rule every stage that writes files a reader may take out of the authority keeps: an
/// area table leaves only after a `disclose` stage has released it (docs/disclosure.md). To
/// publish unsuppressed figures a definition says so, with `profile: off`, and every output
/// then states it. Record streams are not area tables: the `k-anonymity` stage governs those.
enum ReleaseRule {
  static func check(
    _ schema: Schema, stream: String, stage: String, at location: SourceLocation?,
    diagnostics: inout Diagnostics
  ) {
    guard let shape = schema.areaTable, shape.disclosure == nil else { return }
    diagnostics.error(
      "stage '\(stage)' would publish area table '\(stream)' without disclosure control: put a "
        + "'disclose' stage before it (docs/disclosure.md), with 'profile: off' to publish its figures "
        + "unsuppressed", at: location)
  }
}
