/// The shared structure behind queen and rook contiguity: every vertex's node, every boundary
/// edge as a pair of nodes, the areas meeting at each node, and the pairs of areas whose edges
/// overlap in part. Linear in the number of vertices (one pass to merge vertices, counting sorts
/// by node), with no comparison of every area with every other.
struct ContiguityGraph {
  let boundaries: Boundaries
  let tolerance: Double
  let nodes: VertexNodes
  /// Area of each vertex.
  private var vertexArea: [Int32]
  /// Edges as (low node, high node, area, first vertex); zero-length edges left out.
  private var edgeLow: [Int32] = []
  private var edgeHigh: [Int32] = []
  private var edgeArea: [Int32] = []
  private var edgeVertex: [Int32] = []

  init(_ boundaries: Boundaries, tolerance: Double) {
    self.boundaries = boundaries
    self.tolerance = tolerance
    nodes = VertexNodes(x: boundaries.x, y: boundaries.y, tolerance: tolerance)
    vertexArea = [Int32](repeating: 0, count: boundaries.vertexCount)
    edgeLow.reserveCapacity(boundaries.vertexCount)
    edgeHigh.reserveCapacity(boundaries.vertexCount)
    edgeArea.reserveCapacity(boundaries.vertexCount)
    edgeVertex.reserveCapacity(boundaries.vertexCount)
    for area in 0..<boundaries.count {
      for ring in boundaries.rings(of: area) {
        let vertices = boundaries.vertices(ofRing: ring)
        for vertex in vertices {
          vertexArea[vertex] = Int32(area)
          let next = vertex + 1 == vertices.upperBound ? vertices.lowerBound : vertex + 1
          let a = nodes.node[vertex]
          let b = nodes.node[next]
          guard a != b else { continue }
          edgeLow.append(min(a, b))
          edgeHigh.append(max(a, b))
          edgeArea.append(Int32(area))
          edgeVertex.append(Int32(vertex))
        }
      }
    }
  }

  func weights(_ rule: Contiguity) -> SpatialWeights {
    var pairs = NeighbourPairs(count: boundaries.count)
    let matched = rule == .queen ? sharedVertices(into: &pairs) : sharedEdges(into: &pairs)
    CollinearOverlaps(graph: self, unmatched: unmatchedEdges(matched)).find(into: &pairs)
    return pairs.weights(ids: boundaries.ids)
  }

  /// Groups items by a key in `0..<keys` (a counting sort): starts and members.
  private static func group(_ keys: [Int32], count: Int) -> (starts: [Int32], members: [Int32]) {
    var starts = [Int32](repeating: 0, count: count + 1)
    for key in keys { starts[Int(key) + 1] += 1 }
    for k in 0..<count { starts[k + 1] += starts[k] }
    var fill = starts
    var members = [Int32](repeating: 0, count: keys.count)
    for (item, key) in keys.enumerated() {
      members[Int(fill[Int(key)])] = Int32(item)
      fill[Int(key)] += 1
    }
    return (starts, members)
  }

  /// Queen links: areas meeting at a node. Returns which edges another area shares exactly
  /// (needed to know which edges may overlap others in part).
  private func sharedVertices(into pairs: inout NeighbourPairs) -> [Bool] {
    let (starts, members) = Self.group(nodes.node, count: nodes.count)
    var seen = [Int32](repeating: -1, count: boundaries.count)
    for area in 0..<boundaries.count {
      seen[area] = Int32(area)
      for ring in boundaries.rings(of: area) {
        for vertex in boundaries.vertices(ofRing: ring) {
          let node = Int(nodes.node[vertex])
          for k in Int(starts[node])..<Int(starts[node + 1]) {
            let other = vertexArea[Int(members[k])]
            if seen[Int(other)] != Int32(area) {
              seen[Int(other)] = Int32(area)
              pairs.add(area, Int(other), both: false)
            }
          }
        }
      }
    }
    var scratch = NeighbourPairs(count: boundaries.count)
    return sharedEdges(into: &scratch)
  }

  /// Rook links from edges two areas both have; returns which edges are so shared.
  private func sharedEdges(into pairs: inout NeighbourPairs) -> [Bool] {
    let (starts, members) = Self.group(edgeLow, count: nodes.count)
    var matched = [Bool](repeating: false, count: edgeLow.count)
    for edge in edgeLow.indices {
      let low = Int(edgeLow[edge])
      for k in Int(starts[low])..<Int(starts[low + 1]) {
        let other = Int(members[k])
        guard other != edge, edgeHigh[other] == edgeHigh[edge], edgeArea[other] != edgeArea[edge] else {
          continue
        }
        matched[edge] = true
        pairs.add(Int(edgeArea[edge]), Int(edgeArea[other]), both: false)
      }
    }
    return matched
  }

  private func unmatchedEdges(_ matched: [Bool]) -> [Int] { matched.indices.filter { !matched[$0] } }

  /// The two ends of an edge and its area.
  func segment(_ edge: Int) -> (x0: Double, y0: Double, x1: Double, y1: Double, area: Int) {
    let vertex = Int(edgeVertex[edge])
    let area = Int(edgeArea[edge])
    let ring = boundaries.ringContaining(vertex, area: area)
    let next = vertex + 1 == ring.upperBound ? ring.lowerBound : vertex + 1
    return (boundaries.x[vertex], boundaries.y[vertex], boundaries.x[next], boundaries.y[next], area)
  }
}

extension Boundaries {
  /// The vertex range of the ring of `area` that holds `vertex`.
  func ringContaining(_ vertex: Int, area: Int) -> Range<Int> {
    let rings = rings(of: area)
    var low = rings.lowerBound
    var high = rings.upperBound - 1
    while low < high {
      let mid = (low + high + 1) / 2
      if Int(ringStarts[mid]) <= vertex { low = mid } else { high = mid - 1 }
    }
    return vertices(ofRing: low)
  }
}
