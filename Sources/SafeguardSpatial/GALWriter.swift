/// Writes neighbours in GeoDa's GAL format, with GeoDa's 4-field header when a shapefile and id
/// variable are named (else libpysal's single count): for each area a line `id count` and a line
/// of its neighbours' ids (empty for an island).
public enum GALWriter {
  public static func text(_ weights: SpatialWeights, shapefile: String? = nil, idVariable: String? = nil)
    -> String
  {
    var out = ""
    out.reserveCapacity(weights.count * 16 + weights.links * 10)
    if let shapefile, let idVariable {
      out += "0 \(weights.count) \(shapefile) \(idVariable)\n"
    } else {
      out += "\(weights.count)\n"
    }
    for area in 0..<weights.count {
      let neighbours = weights.neighbours(of: area)
      out += "\(weights.ids[area]) \(neighbours.count)\n"
      out += neighbours.map { weights.ids[Int($0)] }.joined(separator: " ")
      out += "\n"
    }
    return out
  }
}
