/// How a reference file is read: a CSV table (the default), a GeoDa GAL file of neighbours, or
/// GeoJSON boundaries. Declared with `format:` or taken from the file's extension.
public enum ReferenceFormat: String, Sendable, Hashable, CaseIterable {
  case csv
  case gal
  case geojson

  /// The format a path's extension names: `.gal` is GAL, `.geojson` and `.json` are GeoJSON,
  /// anything else is CSV (reference tables came first, and keep working undeclared).
  public init(extensionOf path: String) {
    let name = path.split(separator: "/").last.map(String.init) ?? path
    let suffix = name.split(separator: ".").count > 1 ? name.split(separator: ".").last!.lowercased() : ""
    switch suffix {
    case "gal": self = .gal
    case "geojson", "json": self = .geojson
    default: self = .csv
    }
  }

  /// What a file of this format holds, for messages.
  public var holds: String {
    switch self {
    case .csv: "a CSV table"
    case .gal: "a GeoDa GAL file of neighbours (spatial weights)"
    case .geojson: "GeoJSON boundaries"
    }
  }
}

/// A reference file as the definition declares it: its name, path and format, and for
/// GeoJSON the feature property that holds each area's code.
public struct ReferenceFile: Sendable, Hashable {
  public var name: String
  public var path: String
  public var format: ReferenceFormat
  /// GeoJSON only: the property naming each feature's area (`id:`); nil uses the feature's
  /// own `id` member.
  public var idProperty: String?

  public init(name: String, path: String, format: ReferenceFormat? = nil, idProperty: String? = nil) {
    self.name = name
    self.path = path
    self.format = format ?? ReferenceFormat(extensionOf: path)
    self.idProperty = idProperty
  }
}
