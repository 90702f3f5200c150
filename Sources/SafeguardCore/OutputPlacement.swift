import Foundation

/// Refuses an output folder that holds a run's own inputs: with `--out` set to the data folder
/// a run would write its outputs (and replace its folder's files) among the extracts it reads.
public enum OutputPlacement {
  /// A message when `output` is, or contains, the folder of any of `inputs` (compared after
  /// resolving symbolic links and `..`); nil when the folder is safe to write.
  public static func problem(output: String, inputs: [String]) -> String? {
    let folder = resolved(output)
    for input in inputs {
      let file = resolved(input)
      if file == folder || file.hasPrefix(folder.hasSuffix("/") ? folder : folder + "/") {
        return "the output folder \(output) holds the input file \(input): choose an output folder "
          + "outside the folders the run reads"
      }
    }
    return nil
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
