import SafeguardCore

/// Exact event dates as linking keys. Two released streams that both carry dates to the day
/// can be joined on them without any pseudonym: a police incident and an emergency
/// attendance on the same day in the same area are very likely one family's. So when two or
/// more released streams carry a day-precise date, every such date field of those streams is
/// cut to its month (the first day of the month, as `deidentify` writes month precision)
/// before the search, whether or not it is a quasi-identifier.
///
/// A date field is day-precise when any of its values is not the first of a month; a field
/// whose values all are carries no more than its month already.
enum ExactDates {
  /// The day-precise date fields of each stream (streams with none are left out).
  static func find(in held: [String: [Batch]]) -> [String: [String]] {
    var found: [String: [String]] = [:]
    for (stream, batches) in held {
      guard let schema = batches.first?.schema else { continue }
      let exact = schema.fields.filter { $0.type == .date }.map(\.name).filter { name in
        batches.contains { batch in
          guard let column = batch.column(name), case .date(let days) = column.values else { return false }
          return days.indices.contains { column.present[$0] && CivilDate.components(days[$0]).day != 1 }
        }
      }
      if !exact.isEmpty { found[stream] = exact }
    }
    return found
  }

  /// The fields to cut to the month: every day-precise field, when at least two streams
  /// carry one; nothing otherwise.
  static func linkingKeys(in held: [String: [Batch]]) -> [String: [String]] {
    let found = find(in: held)
    return found.count >= 2 ? found : [:]
  }

  /// The batch with the named date fields cut to the first day of their month.
  static func toMonth(_ batch: Batch, fields: [String]) -> Batch {
    var out = batch
    for name in fields {
      guard let position = batch.schema.position(of: name),
        case .date(let days) = batch.columns[position].values
      else { continue }
      let months = days.map { day -> Int32 in
        let (year, month, _) = CivilDate.components(day)
        return CivilDate.days(year: year, month: month, day: 1) ?? day
      }
      out.columns[position] = Column(values: .date(months), present: batch.columns[position].present)
    }
    return out
  }
}
