import Foundation
import SafeguardCore

/// The charting libraries the report embeds, read from where Debian installs them
/// (`libjs-leaflet`, `libjs-chart.js`; scripts/install-deps.sh installs both) or from folders
/// the definition names, each with its licence text, which the report carries beside it.
struct ReportLibraries: Sendable {
  /// One library: where it is and which files it needs.
  struct Library: Sendable {
    var name: String
    var package: String
    var folder: String
    var script: String
    var style: String?
    /// Where Debian puts the package's licence (its copyright file).
    var debianLicence: String

    /// The licence: `LICENSE`, `LICENSE.txt`, `LICENSE.md` or `LICENCE` in the folder, else
    /// the Debian package's copyright file.
    var licencePaths: [String] {
      ["LICENSE", "LICENSE.txt", "LICENSE.md", "LICENCE"].map { folder + "/" + $0 } + [debianLicence]
    }
  }

  /// A library read into memory.
  struct Loaded: Sendable {
    var name: String
    var version: String?
    var script: String
    var style: String?
    var licence: String
  }

  var leaflet: Library
  var chartjs: Library

  static let debian = ReportLibraries(
    leaflet: Library(
      name: "Leaflet", package: "libjs-leaflet", folder: "/usr/share/javascript/leaflet",
      script: "leaflet.min.js",
      style: "leaflet.css", debianLicence: "/usr/share/doc/libjs-leaflet/copyright"),
    chartjs: Library(
      name: "Chart.js", package: "libjs-chart.js", folder: "/usr/share/javascript/chart.js",
      script: "chart.min.js",
      style: nil, debianLicence: "/usr/share/doc/libjs-chart.js/copyright"))

  /// Reads both libraries; a missing file is a run error saying what to install or set.
  func load(stage: String) throws(RunError) -> [Loaded] {
    try [leaflet, chartjs].map { library throws(RunError) in try Self.load(library, stage: stage) }
  }

  private static func load(_ library: Library, stage: String) throws(RunError) -> Loaded {
    func read(_ path: String) -> String? {
      FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
    }
    let scriptPath = library.folder + "/" + library.script
    let hint =
      "install Debian's \(library.package) (scripts/install-deps.sh does), or point the report's "
      + "'javascript: { \(library.name == "Leaflet" ? "leaflet" : "chartjs"): FOLDER }' at a folder holding "
      + ([library.script] + (library.style.map { [$0] } ?? [])).joined(separator: " and ")
      + " and its LICENSE"
    guard let script = read(scriptPath) else {
      throw RunError("stage '\(stage)': \(library.name) is missing (no \(scriptPath)); \(hint)")
    }
    var style: String?
    if let name = library.style {
      guard let text = read(library.folder + "/" + name) else {
        throw RunError("stage '\(stage)': \(library.name) is missing (no \(library.folder)/\(name)); \(hint)")
      }
      style = text
    }
    guard let licence = library.licencePaths.lazy.compactMap(read).first else {
      throw RunError(
        "stage '\(stage)': the licence of \(library.name) is missing (none of \(library.licencePaths.joined(separator: ", "))): "
          + "the report embeds the library only with its licence; \(hint)")
    }
    // Debian's build of Leaflet 1.7.1 states 1.6.0 in its code: for the default folders, the
    // package's own version is the one to cite.
    let packaged = library.folder == debianFolder(library) ? debianVersion(library.package) : nil
    return Loaded(
      name: library.name,
      version: packaged.map { "\($0) (Debian package \(library.package))" } ?? version(of: script),
      script: script, style: style, licence: licence)
  }

  private static func debianFolder(_ library: Library) -> String {
    library.name == "Leaflet" ? debian.leaflet.folder : debian.chartjs.folder
  }

  /// The installed version of a Debian package, from dpkg's status file.
  private static func debianVersion(_ package: String) -> String? {
    guard let data = FileManager.default.contents(atPath: "/var/lib/dpkg/status") else { return nil }
    let text = String(decoding: data, as: UTF8.self)
    for stanza in text.components(separatedBy: "\n\n") where stanza.hasPrefix("Package: \(package)\n") {
      for line in stanza.split(separator: "\n") where line.hasPrefix("Version: ") {
        return String(line.dropFirst("Version: ".count))
      }
    }
    return nil
  }

  /// The version the library's header or code states (`Chart.js v3.9.1`, Leaflet's
  /// `version="1.7.1"`), for the report's licence section.
  private static func version(of script: String) -> String? {
    let patterns = [
      (script.prefix(600), #"v\d+\.\d+\.\d+"#), (script[...], #"\.version\s*=\s*"\d+\.\d+\.\d+""#),
    ]
    for (text, pattern) in patterns {
      if let range = text.range(of: pattern, options: .regularExpression) {
        let match = String(text[range])
        if let digits = match.range(of: #"\d+\.\d+\.\d+"#, options: .regularExpression) {
          return String(match[digits])
        }
      }
    }
    return nil
  }
}
