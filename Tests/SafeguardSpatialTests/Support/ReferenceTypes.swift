/// The request and answer of scripts/spatial_reference.py, field for field.
struct ReferenceRequest: Encodable {
  struct Spatial: Encodable {
    var neighbours: [[Int]]
    var weights: [[Double]]?
    var values: [Double?]
    var permutations: Int
    var seed: Int
  }
  struct Rate: Encodable {
    var count: Int
    var population: Double
    var confidence: Double
    var multiplier: Double
  }
  struct Wilson: Encodable {
    var successes: Int
    var trials: Int
    var confidence: Double
  }
  struct Areas: Encodable {
    var counts: [Int?]
    var populations: [Double?]
    var multiplier: Double
  }
  struct FDR: Encodable {
    var p: [Double?]
    var method: String
  }
  struct Normal: Encodable {
    var quantile: [Double] = []
    var survival: [Double] = []
  }
  struct Gamma: Encodable {
    var shape: Double
    var x: Double
    var p: Double
  }

  var spatial: [Spatial] = []
  var rates: [Rate] = []
  var wilson: [Wilson] = []
  var funnel: [Areas] = []
  var eb: [Areas] = []
  var fdr: [FDR] = []
  var normal = Normal()
  var gamma: [Gamma] = []
}

struct ReferenceAnswer: Decodable {
  struct Spatial: Decodable {
    struct Moran: Decodable {
      let I: Double
      let EI: Double
      let VI_norm: Double
      let z_norm: Double
      let p_norm: Double
      let VI_rand: Double
      let z_rand: Double
      let p_rand: Double
      let p_sim: Double
      let EI_sim: Double
      let seI_sim: Double
      let z_sim: Double
      let p_z_sim: Double
    }
    struct Local: Decodable {
      let Is: [Double]
      let q: [Int]
      let EI: [Double]
      let VI: [Double]
      let EIc: [Double]
      let VIc: [Double]
      let p_sim: [Double]
      let EI_sim: [Double]
      let seI_sim: [Double]
      let z_sim: [Double?]
      let p_z_sim: [Double?]
    }
    struct G: Decodable {
      let Gs: [Double]
      let EGs: [Double]
      let VGs: [Double]
      let Zs: [Double?]
      let p_norm: [Double?]
      let p_sim: [Double]
      let EG_sim: [Double]
      let seG_sim: [Double]
      let z_sim: [Double?]
      let p_z_sim: [Double?]
    }
    let present: [Int]
    let moran: Moran
    let local: Local
    let g: G
  }
  struct Rate: Decodable {
    let rate: Double
    let lower: Double
    let upper: Double
    let method: String
  }
  struct Wilson: Decodable {
    let lower: Double
    let upper: Double
  }
  struct Funnel: Decodable {
    struct Area: Decodable {
      let lower95: Double
      let upper95: Double
      let lower99_8: Double
      let upper99_8: Double
      let flag: String
    }
    let overall: Double
    let areas: [Area?]
  }
  struct EB: Decodable {
    let rates: [Double?]
  }
  struct Normal: Decodable {
    let quantile: [Double]
    let survival: [Double]
  }
  struct Gamma: Decodable {
    let lower: Double
    let upper: Double
    let quantile: Double
  }

  let spatial: [Spatial]
  let rates: [Rate]
  let wilson: [Wilson]
  let funnel: [Funnel]
  let eb: [EB]
  let fdr: [[Double?]]
  let normal: Normal
  let gamma: [Gamma]
}
