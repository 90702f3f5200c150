import SafeguardCore
import SafeguardSpatial

/// JSON text for the GeoJSON export, written straight into a byte buffer (a feature collection
/// of a few thousand areas with their polygons is built without a dictionary per feature):
/// strings escaped as RFC 8259 requires, numbers in their shortest round-trip form, and each
/// area's geometry from `Boundaries`.
struct GeoJSONText {
  private(set) var bytes: [UInt8] = []

  mutating func raw(_ text: String) { bytes.append(contentsOf: text.utf8) }

  mutating func string(_ text: String) {
    bytes.append(UInt8(ascii: "\""))
    for byte in text.utf8 {
      switch byte {
      case UInt8(ascii: "\""): raw("\\\"")
      case UInt8(ascii: "\\"): raw("\\\\")
      case 10: raw("\\n")
      case 13: raw("\\r")
      case 9: raw("\\t")
      case 0..<0x20:
        let hex = Array("0123456789abcdef".utf8)
        raw("\\u00")
        bytes.append(hex[Int(byte >> 4)])
        bytes.append(hex[Int(byte & 15)])
      default: bytes.append(byte)
      }
    }
    bytes.append(UInt8(ascii: "\""))
  }

  /// A finite number in its shortest form that reads back as the same double; JSON has no
  /// infinity or NaN, so those are null.
  mutating func number(_ value: Double) {
    guard value.isFinite else { return raw("null") }
    raw(String(value))
  }

  /// A value as JSON: numbers as numbers, dates as ISO text, null as null.
  mutating func value(_ value: Value) {
    switch value {
    case .null: raw("null")
    case .string(let text): string(text)
    case .integer(let number): raw(String(number))
    case .decimal(let number): self.number(number)
    case .date(let days): string(CivilDate.iso(days))
    case .boolean(let flag): raw(flag ? "true" : "false")
    }
  }

  /// An area's geometry: a Polygon for one polygon, a MultiPolygon for several, null for an
  /// area without any. Rings are closed again (the reader drops the repeated last position).
  mutating func geometry(of area: Int, in boundaries: Boundaries) {
    let polygons = Int(boundaries.areaStarts[area])..<Int(boundaries.areaStarts[area + 1])
    guard !polygons.isEmpty else { return raw("null") }
    let multi = polygons.count > 1
    raw(multi ? "{\"type\":\"MultiPolygon\",\"coordinates\":[" : "{\"type\":\"Polygon\",\"coordinates\":")
    for polygon in polygons {
      if polygon > polygons.lowerBound { raw(",") }
      raw("[")
      let rings = Int(boundaries.polygonStarts[polygon])..<Int(boundaries.polygonStarts[polygon + 1])
      for ring in rings {
        if ring > rings.lowerBound { raw(",") }
        raw("[")
        let vertices = Int(boundaries.ringStarts[ring])..<Int(boundaries.ringStarts[ring + 1])
        for vertex in vertices {
          if vertex > vertices.lowerBound { raw(",") }
          position(boundaries.x[vertex], boundaries.y[vertex])
        }
        if !vertices.isEmpty {
          raw(",")
          position(boundaries.x[vertices.lowerBound], boundaries.y[vertices.lowerBound])
        }
        raw("]")
      }
      raw("]")
    }
    raw(multi ? "]}" : "}")
  }

  private mutating func position(_ x: Double, _ y: Double) {
    raw("[")
    number(x)
    raw(",")
    number(y)
    raw("]")
  }
}
