import Foundation

/// Refuses an output folder placed among what a run reads: with `--out` set to the data folder
/// a run would write its outputs among the extracts it reads, and publishing (which replaces
/// the whole output folder) would remove them.
///
/// An output folder is refused when it
/// - is, or contains, the folder of an input or reference file (`--out data` for
///   `data/register.csv`, `--out .`);
/// - is, or contains, the folder an input's glob searches (`--out inbox` for `inbox/*.csv`),
///   also while the glob matches nothing yet;
/// - is inside the folder an input's glob searches (`--out inbox/out` for `inbox/*.csv`): the
///   folder where extracts arrive is no place for published outputs, which a wider glob
///   (`inbox/*/*.csv`) would read back in.
///
/// A folder beside a single named file is fine (`register.csv` and `out/` side by side).
/// Paths are compared after resolving symbolic links and `..`.
public enum OutputPlacement {
  /// A message when `output` is placed among `inputs` (files, named or matched) or the folders
  /// the glob `patterns` search; nil when the folder is safe to write.
  public static func problem(output: String, inputs: [String], patterns: [String] = []) -> String? {
    let folder = resolved(output)
    for input in inputs where contains(folder, resolved(input)) {
      return "the output folder \(output) holds the input file \(input): choose an output folder "
        + "outside the folders the run reads"
    }
    for pattern in patterns {
      guard let searched = searchedFolder(pattern) else { continue }
      let base = resolved(searched)
      if contains(folder, base) {
        return "the output folder \(output) holds the folder \(searched) the input \(pattern) reads: "
          + "choose an output folder outside the folders the run reads"
      }
      if contains(base, folder) {
        return "the output folder \(output) is inside the folder \(searched) the input \(pattern) reads: "
          + "choose an output folder outside the folders the run reads"
      }
    }
    return nil
  }

  /// Whether `path` is `folder` or lies inside it (both resolved).
  static func contains(_ folder: String, _ path: String) -> Bool {
    path == folder || path.hasPrefix(folder.hasSuffix("/") ? folder : folder + "/")
  }

  /// The folder a glob searches: its leading components up to the first with a wildcard
  /// (`inbox` for `inbox/*.csv`, `.` for `*.csv`); nil for a path without wildcards.
  static func searchedFolder(_ pattern: String) -> String? {
    let components = pattern.split(separator: "/", omittingEmptySubsequences: false)
    guard let first = components.firstIndex(where: { $0.contains(where: "*?[".contains) }) else { return nil }
    let fixed = components[..<first].joined(separator: "/")
    if fixed.isEmpty { return pattern.hasPrefix("/") ? "/" : "." }
    return fixed
  }

  /// The absolute path with symbolic links resolved as far as the path exists.
  static func resolved(_ path: String) -> String {
    let absolute = URL(fileURLWithPath: path).standardizedFileURL
    var existing = absolute
    var rest: [String] = []
    while !FileManager.default.fileExists(atPath: existing.path), existing.path != "/" {
      rest.insert(existing.lastPathComponent, at: 0)
      existing.deleteLastPathComponent()
    }
    var result = existing.resolvingSymlinksInPath()
    for component in rest { result.appendPathComponent(component) }
    return result.path
  }
}
