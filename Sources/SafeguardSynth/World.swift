import SafeguardCore

/// Everything the file writers read: the geography, every area's population, and the global
/// numbering that turns an area's person index into identifiers. Read-only, so writers run in
/// parallel.
struct World: Sendable {
  let seed: UInt64
  let reference: Int32
  let windowStart: Int32
  let dirtyRate: Double
  /// `--collisions`: the share of children with a UPN given another child's; 0 plants none.
  let collisionRate: Double
  /// The planted pairs (truth/collisions.csv), common names first.
  let collisions: [Collision]
  let geography: Geography
  let areas: [AreaPopulation]
  /// The global index of each area's first person.
  let personBase: [Int]

  /// Each person's NHS number (ten digits) and each child's UPN (check letter << 40 | twelve
  /// digits), worked out once: SafeguardCore's generic check routines are too slow to call
  /// for every row that repeats an identifier.
  private let nhsNumbers: [[Int64]]
  private let upns: [[Int64]]

  /// `commonNames` are the pairs already planted in `areas` (`CollisionPlanter`); with a
  /// collision rate, pairs of children sharing a UPN are chosen here.
  init(
    seed: UInt64, reference: Int32, windowStart: Int32, dirtyRate: Double, collisionRate: Double = 0,
    commonNames: [Collision] = [], geography: Geography, areas: [AreaPopulation], threads: Int
  ) throws(RunError) {
    self.seed = seed
    self.reference = reference
    self.windowStart = windowStart
    self.dirtyRate = dirtyRate
    self.collisionRate = collisionRate
    self.geography = geography
    self.areas = areas
    var base: [Int] = []
    var total = 0
    for area in areas {
      base.append(total)
      total += area.persons.count
    }
    personBase = base
    var rng = SeededRandom(seed: seed, purpose: .identifiers)
    let nhsOffset = rng.below(10_000_000)
    let upnOffset = rng.below(9_000_000)
    let computed = try parallelMap(areas.count, threads: threads) { (a) throws(RunError) in
      (
        areas[a].persons.indices.map { Self.nhsNumber(global: base[a] + $0, offset: nhsOffset) },
        areas[a].persons.indices.map {
          areas[a].persons[$0].isChild
            ? Self.upn(global: base[a] + $0, dob: areas[a].persons[$0].dob, offset: upnOffset) : 0
        }
      )
    }
    nhsNumbers = computed.map(\.0)
    var upns = computed.map(\.1)
    let shared = CollisionPlanter.chooseSharedUPNs(
      areas: areas, rate: collisionRate, seed: seed, excluding: commonNames)
    for pair in shared { upns[pair.person.area][pair.person.index] = upns[pair.other.area][pair.other.index] }
    self.upns = upns
    collisions = commonNames + shared
  }

  /// With collisions planted, the register holds every child's NHS number, so that every pair
  /// can be told apart by it.
  var registerHoldsEveryChildsNHSNumber: Bool { collisionRate > 0 }

  var personCount: Int { (personBase.last ?? 0) + (areas.last?.persons.count ?? 0) }

  func global(_ area: Int, _ person: Int) -> Int { personBase[area] + person }

  /// The children's social care person id: seven digits.
  func personID(_ area: Int, _ person: Int) -> Int { 1_000_001 + global(area, person) }

  func appendNHSNumber(_ area: Int, _ person: Int, to out: inout ByteBuffer) {
    out.appendInt(Int(nhsNumbers[area][person]), width: 10)
  }

  func appendUPN(_ area: Int, _ person: Int, to out: inout ByteBuffer) {
    let upn = upns[area][person]
    out.append(UInt8(truncatingIfNeeded: upn >> 40))
    out.appendInt(Int(upn & 0xFF_FFFF_FFFF), width: 12)
  }

  /// A valid NHS number, unique per person: 9, then the person's global index scrambled by a
  /// bijection of 0..<10^7, then a digit chosen so that the modulus-11 check digit exists.
  /// NHS numbers beginning with 9 are outside the ranges issued in England and Wales.
  static func nhsNumber(global g: Int, offset: Int) -> Int64 {
    // 7,654,321 is coprime to 10^7, so this permutes 0..<10^7.
    let k = (g &* 7_654_321 &+ offset) % 10_000_000
    var nine: [UInt8] = [9, 0, 0, 0, 0, 0, 0, 0, UInt8(g % 10)]
    var rest = k
    for i in stride(from: 7, through: 1, by: -1) {
      nine[i] = UInt8(rest % 10)
      rest /= 10
    }
    // At most one value of the ninth digit leaves a remainder with no check digit.
    var check = Identifiers.nhsCheckDigit(nine)
    if check == nil {
      nine[8] = (nine[8] + 1) % 10
      check = Identifiers.nhsCheckDigit(nine)
    }
    return (nine + [check!]).reduce(0) { $0 * 10 + Int64($1) }
  }

  /// A valid UPN, unique per child: check letter, LA number 999 (not a real LA), a school
  /// number and serial from the scrambled global index, and the two-digit year the child
  /// started Reception.
  static func upn(global g: Int, dob: Int32, offset: Int) -> Int64 {
    // 1,234,567 is coprime to 9 × 10^6 (not divisible by 2, 3 or 5).
    let m = (g &* 1_234_567 &+ offset) % 9_000_000
    let (year, month, _) = CivilDate.components(dob)
    let reception = year + (month >= 9 ? 5 : 4)
    let number = ((999 * 10_000 + 1000 + m / 1000) * 100 + reception % 100) * 1000 + m % 1000
    var digits = [UInt8](repeating: 0, count: 12)
    var rest = number
    for i in stride(from: 11, through: 0, by: -1) {
      digits[i] = UInt8(rest % 10) + 48
      rest /= 10
    }
    return Int64(Identifiers.upnCheckLetter(digits)!) << 40 | Int64(number)
  }

  /// "22 Mill Lane" or "Flat 3, 22 Mill Lane".
  func appendAddress(_ spell: Spell, to out: inout ByteBuffer) {
    if spell.flat > 0 {
      out.append("Flat ")
      out.appendInt(Int(spell.flat))
      out.append(", ")
    }
    out.appendInt(Int(spell.house))
    out.append(UInt8(ascii: " "))
    out.append(geography.postcodes[Int(spell.postcode)].street)
  }

  func postcode(_ index: Int32) -> String { geography.postcodes[Int(index)].text }

  /// An extract's records from every area, as (area, index) pairs ordered by date (then area,
  /// then position), which is how agencies export them.
  func byDate<T>(_ records: KeyPath<AreaPopulation, [T]>, _ date: (T) -> Int32) -> [(area: Int, index: Int)] {
    var keyed: [(Int32, Int, Int)] = []
    for (a, area) in areas.enumerated() {
      for (i, record) in area[keyPath: records].enumerated() { keyed.append((date(record), a, i)) }
    }
    keyed.sort { ($0.0, $0.1, $0.2) < ($1.0, $1.1, $1.2) }
    return keyed.map { ($0.1, $0.2) }
  }
}

extension ExtractWriter {
  /// A surname, hyphenated when the person has two.
  func surname(of person: Person, upper: Bool = false) {
    let first = NameLists.surnameTable[Int(person.surname)]
    guard person.surname2 != Person.none else { return name(first, upper: upper) }
    let full = first.text + "-" + NameLists.surnameTable[Int(person.surname2)].text
    text(upper ? full.uppercased() : full)
  }

  func forename(of person: Person) { name(NameLists.forenames[Int(person.forename)]) }
}
