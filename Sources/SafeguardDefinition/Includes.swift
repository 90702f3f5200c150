import Foundation
import SafeguardCore

/// `include:` lets several definitions share one description of an authority's extracts: each
/// included file holds `variables`, `reference` and `inputs` sections, merged into the
/// including definition (a name defined twice is an error). Paths are relative to the
/// including file's folder. Problems in an included file are reported at its own lines.
enum Includes {
  static let mergeableSections = ["variables", "reference", "inputs"]

  /// The root with included sections merged in, and the bytes of each included file (for the
  /// definition's SHA-256).
  static func merge(_ root: ConfigNode, file: String, diagnostics: inout Diagnostics) -> (ConfigNode, [Data])
  {
    guard case .map(var entries, let rootLocation) = root, let includeNode = root["include"] else {
      return (root, [])
    }
    let paths: [(String, SourceLocation)]
    switch includeNode {
    case .scalar(let path, _, let location): paths = [(path, location)]
    case .list(let items, _): paths = items.compactMap { item in item.text.map { ($0, item.location) } }
    default:
      diagnostics.error("'include' must be a path or a list of paths", at: includeNode.location)
      return (root, [])
    }
    let folder = (file as NSString).deletingLastPathComponent
    var contents: [Data] = []
    for (path, location) in paths {
      let resolved = path.hasPrefix("/") || folder.isEmpty ? path : folder + "/" + path
      // Reading a FIFO would wait for a writer; a device (/dev/zero) may never end.
      if let kind = FileKind.notRegular(resolved) {
        diagnostics.error("included file \(resolved) is \(kind), not a regular file", at: location)
        continue
      }
      guard let data = FileManager.default.contents(atPath: resolved),
        let text = String(data: data, encoding: .utf8)
      else {
        diagnostics.error("cannot read included file \(resolved)", at: location)
        continue
      }
      contents.append(data)
      let included: ConfigNode
      do {
        included = try YAMLNodes.parse(text, file: resolved)
      } catch {
        for problem in error.diagnostics { diagnostics.error(problem.message, at: problem.location) }
        continue
      }
      var reader = ConfigReader(included, context: "included file \(resolved)")
      for section in mergeableSections {
        guard case .map(let additions, let sectionLocation)? = reader.node(section) else { continue }
        if let index = entries.firstIndex(where: { $0.key == section }) {
          guard case .map(var existing, let location) = entries[index].value else { continue }
          for addition in additions {
            if let clash = existing.first(where: { $0.key == addition.key }) {
              diagnostics.error(
                "'\(addition.key)' under '\(section)' is defined both here and at \(clash.keyLocation)",
                at: addition.keyLocation)
            } else {
              existing.append(addition)
            }
          }
          entries[index].value = .map(existing, location)
        } else {
          entries.append(
            ConfigEntry(key: section, keyLocation: sectionLocation, value: .map(additions, sectionLocation)))
        }
      }
      reader.finish(into: &diagnostics)
    }
    return (.map(entries, rootLocation), contents)
  }
}
