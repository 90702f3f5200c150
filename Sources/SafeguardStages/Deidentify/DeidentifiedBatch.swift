import SafeguardCore

/// Assembles the de-identified batch: derived columns (pseudonyms, ages, bands, areas), then
/// kept fields copied whole, event dates generalised, and redacted text.
enum DeidentifiedBatch {
  static func build(
    _ batch: Batch, rule: StreamRules, schema: Schema, rows: DeidentifiedRows, bands: AgeBands, wards: Bool,
    redacted: [[String?]]
  ) -> Batch {
    var columns: [Column] = []
    for (role, person) in rule.persons.enumerated() {
      var ids = ColumnBuilder(type: .string, capacity: batch.count)
      for pseudonym in rows.persons[role] {
        if let pseudonym { pseudonym.withHexUTF8 { ids.appendString(bytes: $0) } } else { ids.appendNull() }
      }
      columns.append(ids.build())
      if person.dateOfBirth != nil {
        var ages = ColumnBuilder(type: .integer, capacity: batch.count)
        var bandColumn = ColumnBuilder(type: .code(bands.codeList), capacity: batch.count)
        for age in rows.ages[role] {
          if let age { ages.appendInteger(Int64(age)) } else { ages.appendNull() }
          if let age, let band = bands.band(for: age) {
            bandColumn.appendCode(Int32(band))
          } else {
            bandColumn.appendNull()
          }
        }
        columns.append(ages.build())
        columns.append(bandColumn.build())
      }
    }
    if rule.household != nil {
      var ids = ColumnBuilder(type: .string, capacity: batch.count)
      for pseudonym in rows.households {
        if let pseudonym { pseudonym.withHexUTF8 { ids.appendString(bytes: $0) } } else { ids.appendNull() }
      }
      columns.append(ids.build())
    }
    if rule.area != nil {
      var lsoa = ColumnBuilder(type: .string, capacity: batch.count)
      var ward = ColumnBuilder(type: .string, capacity: batch.count)
      for found in rows.areas {
        if let found {
          lsoa.appendString(found.lsoa)
          if let code = found.ward { ward.appendString(code) } else { ward.appendNull() }
        } else {
          lsoa.appendNull()
          ward.appendNull()
        }
      }
      columns.append(lsoa.build())
      if wards { columns.append(ward.build()) }
    }
    for name in rule.keep { columns.append(batch.column(name)!) }
    for name in rule.dates {
      var column = batch.column(name)!
      if case .date(let days) = column.values, rule.eventDates != .day {
        column.values = .date(days.map(rule.eventDates.generalise))
      }
      columns.append(column)
    }
    for values in redacted {
      var cleaned = ColumnBuilder(type: .string, capacity: batch.count)
      for value in values {
        if let value { cleaned.appendString(value) } else { cleaned.appendNull() }
      }
      columns.append(cleaned.build())
    }
    return Batch(stream: batch.stream, schema: schema, columns: columns, origins: batch.origins)
  }
}
