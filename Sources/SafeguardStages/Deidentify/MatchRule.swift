import SafeguardCore

/// An identifier a person rule may map, and a match rule may combine.
///
/// Declared in the order their normalised values are joined into a key, so that the four
/// demographic fields give exactly the demographic key (`FORENAME|SURNAME|yyyy-MM-dd|POSTCODE`)
/// and pseudonyms stay what they were before match rules existed.
enum IdentifierField: String, CaseIterable, Sendable, Comparable {
  case forename
  case surname
  case dateOfBirth = "date_of_birth"
  case postcode
  case nhsNumber = "nhs_number"
  case upn
  case localID = "local_id"

  /// The position in key order, for arrays indexed by identifier (no lookup per record).
  var ordinal: Int {
    switch self {
    case .forename: 0
    case .surname: 1
    case .dateOfBirth: 2
    case .postcode: 3
    case .nhsNumber: 4
    case .upn: 5
    case .localID: 6
    }
  }

  static func < (lhs: Self, rhs: Self) -> Bool { lhs.ordinal < rhs.ordinal }
}

/// A set of identifier fields that together pick out one person, tried in the order a stream
/// declares them (`match:`). A record links to a registered person by the first rule that
/// finds exactly one person whose strong identifiers (NHS number, UPN) do not disagree with
/// the record's.
struct MatchRule: Sendable, Hashable {
  /// The fields, in key order.
  let fields: [IdentifierField]
  /// The hashing domain of the rule's key: the built-in person domains for the built-in keys,
  /// `custom:match.<fields>` for any other combination.
  let domain: KeyedHasher.Domain

  init(_ fields: some Sequence<IdentifierField>) {
    let sorted = Set(fields).sorted()
    self.fields = sorted
    switch sorted {
    case [.nhsNumber]: domain = .personNHS
    case [.upn]: domain = .personUPN
    case [.localID]: domain = Self.localDomain
    case [.forename, .surname, .dateOfBirth, .postcode]: domain = .personDemographic
    default:
      // Field names are lower-case letters and underscores: always a valid custom name.
      domain = try! .custom("match." + sorted.map(\.rawValue).joined(separator: "."))
    }
  }

  static let localDomain = try! KeyedHasher.Domain.custom("local-person")  // a fixed, valid name
  static let demographic = MatchRule([.forename, .surname, .dateOfBirth, .postcode])

  /// The name used in the run summary and messages: `date_of_birth+postcode`.
  var name: String { fields.map(\.rawValue).joined(separator: "+") }
  var usesPostcode: Bool { fields.contains(.postcode) }
  /// A rule with an NHS number decides by it: equal NHS numbers are one person whatever their
  /// UPNs say (a mis-keyed UPN must not split a child in two).
  var decidesByNHSNumber: Bool { fields.contains(.nhsNumber) }

  /// The rules tried when a stream declares none: each single strong identifier the role maps,
  /// then the local person number, then the demographic key; as before match rules existed.
  static func defaults(for mapped: Set<IdentifierField>) -> [MatchRule] {
    var rules: [MatchRule] = []
    for field in [IdentifierField.nhsNumber, .upn, .localID] where mapped.contains(field) {
      rules.append(MatchRule([field]))
    }
    if demographic.fields.allSatisfy(mapped.contains) { rules.append(demographic) }
    return rules
  }

  /// Reads `match:`: a list whose items are a field name or a list of field names, each using
  /// only fields the role maps.
  static func read(
    _ node: ConfigNode, mapped: Set<IdentifierField>, context: String, diagnostics: inout Diagnostics
  ) -> [MatchRule] {
    guard case .list(let items, _) = node, !items.isEmpty else {
      diagnostics.error(
        "'match' of \(context) must be a list of rules, each a field or a list of fields "
          + "(e.g. [nhs_number, [date_of_birth, postcode]])", at: node.location)
      return []
    }
    var rules: [MatchRule] = []
    for item in items {
      let names: [(String, SourceLocation)]
      switch item {
      case .scalar(let name, _, let location): names = [(name, location)]
      case .list(let parts, _):
        names = parts.compactMap {
          if case .scalar(let name, _, let location) = $0 { (name, location) } else { nil }
        }
      default: names = []
      }
      guard !names.isEmpty else {
        diagnostics.error("a rule of 'match' of \(context) must name one or more fields", at: item.location)
        continue
      }
      var fields: [IdentifierField] = []
      for (name, location) in names {
        guard let field = IdentifierField(rawValue: name) else {
          let known = IdentifierField.allCases.map(\.rawValue)
          let hint = nearest(to: name, in: known).map { " (did you mean '\($0)'?)" } ?? ""
          diagnostics.error(
            "'match' of \(context) names '\(name)', which is not an identifier\(hint); identifiers: "
              + known.joined(separator: ", "), at: location)
          continue
        }
        guard mapped.contains(field) else {
          diagnostics.error(
            "'match' of \(context) uses '\(name)', which the person does not map to a field", at: location)
          continue
        }
        fields.append(field)
      }
      if fields.count == names.count { rules.append(MatchRule(fields)) }
    }
    return rules
  }
}
