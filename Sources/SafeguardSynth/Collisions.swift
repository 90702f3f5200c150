/// Identifier collisions planted by `--collisions RATE`, the cases where linkage by a single key
/// goes wrong: two children sharing a UPN (one of them mis-keyed), and two children of different
/// households sharing forename, surname, date of birth and postcode (a common name). Every
/// child of such a pair keeps a distinct NHS number, so a linkage that respects NHS numbers can
/// always tell them apart.
public enum CollisionKind: String, Sendable, CaseIterable {
  /// The child's UPN was mis-keyed as the other child's, in the register and in every extract
  /// that carries it.
  case sharedUPN = "shared_upn"
  /// The child has the other child's forename, surname, date of birth and current postcode.
  case commonName = "common_name"
}

/// One planted pair: `person` is the child changed to collide with `other` (both as area
/// index and index in that area's `persons`).
struct Collision: Sendable {
  var kind: CollisionKind
  var person: (area: Int, index: Int)
  var other: (area: Int, index: Int)
}

enum CollisionPlanter {
  /// Common names: each child, with probability rate / 2, takes the forename, surname, sex and
  /// date of birth of a child of another household at the same current postcode born in the
  /// same school year, the younger taking the elder's date of birth (so no record of the
  /// younger predates the new birthday, and the school cohort and UPN stay the same). Done
  /// before identifiers are numbered, from each area's own stream.
  static func plantCommonNames(
    in areas: inout [AreaPopulation], rate: Double, seed: UInt64, reference: Int32
  ) -> [Collision] {
    guard rate > 0 else { return [] }
    var planted: [Collision] = []
    for a in areas.indices {
      var rng = SeededRandom(seed: seed, purpose: .commonNames, index: UInt64(a))
      let area = areas[a]
      let children = area.persons.indices.filter { area.persons[$0].isChild }
      var atPostcode: [Int32: [Int]] = [:]
      for child in children {
        atPostcode[area.spell(of: child, on: reference).postcode, default: []].append(child)
      }
      var used = Set<Int>()
      for child in children where !used.contains(child) && rng.chance(rate / 2) {
        let household = area.household(of: child, on: reference)
        let cohort = Dates.academicYearStart(containing: area.persons[child].dob)
        let partners = atPostcode[area.spell(of: child, on: reference).postcode, default: []].filter {
          $0 != child && !used.contains($0) && area.household(of: $0, on: reference) != household
            && Dates.academicYearStart(containing: area.persons[$0].dob) == cohort
        }
        guard !partners.isEmpty else { continue }
        let partner = rng.pick(partners)
        // The younger of the two becomes the namesake of the elder.
        let (younger, elder) =
          area.persons[child].dob >= area.persons[partner].dob ? (child, partner) : (partner, child)
        let source = area.persons[elder]
        areas[a].persons[younger].forename = source.forename
        areas[a].persons[younger].surname = source.surname
        areas[a].persons[younger].surname2 = source.surname2
        areas[a].persons[younger].sex = source.sex
        areas[a].persons[younger].dob = source.dob
        used.formUnion([child, partner])
        planted.append(Collision(kind: .commonName, person: (a, younger), other: (a, elder)))
      }
    }
    return planted
  }

  /// Shared UPNs: each child whose UPN the register holds, with probability rate, was mis-keyed
  /// with the UPN of another such child anywhere in the authority. A child is in at most one
  /// planted pair. Returns the pairs; the caller copies the UPNs.
  static func chooseSharedUPNs(
    areas: [AreaPopulation], rate: Double, seed: UInt64, excluding planted: [Collision]
  ) -> [Collision] {
    guard rate > 0 else { return [] }
    var used = Set<Int64>()
    func key(_ a: Int, _ i: Int) -> Int64 { Int64(a) << 32 | Int64(i) }
    for pair in planted {
      used.insert(key(pair.person.area, pair.person.index))
      used.insert(key(pair.other.area, pair.other.index))
    }
    var eligible: [(area: Int, index: Int)] = []
    for (a, area) in areas.enumerated() {
      for (i, person) in area.persons.enumerated() where person.isChild && !person.upnUnknown {
        eligible.append((a, i))
      }
    }
    guard eligible.count > 1 else { return [] }
    var rng = SeededRandom(seed: seed, purpose: .sharedUPNs)
    var pairs: [Collision] = []
    for child in eligible where !used.contains(key(child.area, child.index)) && rng.chance(rate) {
      // A few tries to find a child not yet in a pair; give up rather than loop.
      for _ in 0..<4 {
        let other = eligible[rng.below(eligible.count)]
        let otherKey = key(other.area, other.index)
        guard otherKey != key(child.area, child.index), !used.contains(otherKey) else { continue }
        used.formUnion([key(child.area, child.index), otherKey])
        pairs.append(Collision(kind: .sharedUPN, person: child, other: other))
        break
      }
    }
    return pairs
  }
}
