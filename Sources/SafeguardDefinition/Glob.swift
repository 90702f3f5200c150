#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Expands a path or shell glob to the files it matches, sorted so every run reads them in the
/// same order. A path without wildcards matches itself if it exists.
enum Glob {
  static func expand(_ pattern: String) -> [String] {
    var result = glob_t()
    defer { globfree(&result) }
    guard glob(pattern, 0, nil, &result) == 0 else { return [] }
    var paths: [String] = []
    for index in 0..<Int(result.gl_pathc) {
      if let path = result.gl_pathv[index] { paths.append(String(cString: path)) }
    }
    return paths.sorted()
  }
}
