import SafeguardCore

/// Which collection year a return is, and so which year's schema reads it: from the header's
/// `ReferenceDate` (31 March of the year), else its `Year`, else the file's name (`2023-24`,
/// `202324`, `2024`), since some authorities' extracts carry the year only there.
enum CINReturnYear {
  static func of(_ header: CINReturnHeader, path: String) throws(RunError) -> Int {
    let year = fromHeader(header) ?? fromName(path)
    guard let year else {
      throw RunError(
        "input file \(path): the collection year is in neither the header (ReferenceDate, Year) nor the file's name"
      )
    }
    guard CINCensusSchema.years.contains(year) else {
      let first = CINCensusSchema.name(of: CINCensusSchema.years.lowerBound)
      let last = CINCensusSchema.name(of: CINCensusSchema.years.upperBound)
      throw RunError(
        "input file \(path) is the \(CINCensusSchema.name(of: year)) return; safeguard reads the CIN Census "
          + "from \(first) to \(last)")
    }
    return year
  }

  static func fromHeader(_ header: CINReturnHeader) -> Int? {
    if let text = header.referenceDate.map(CINValueCleaner.trim), text.utf8.count >= 10,
      let day = CINValueCleaner.isoDay(Array(text.utf8))
    {
      let (y, m, _) = CivilDate.components(day)
      return m >= 4 ? y + 1 : y
    }
    if let text = header.year.map(CINValueCleaner.trim), text.utf8.count == 4, let y = Int(text) { return y }
    return nil
  }

  /// `2023-24`, `2023_24`, `202324` name the year ending in 2024; a lone `2024` names 2024.
  static func fromName(_ path: String) -> Int? {
    let name = Array((path.split(separator: "/").last.map(String.init) ?? path).utf8)
    func digits(_ i: Int, _ n: Int) -> Int? {
      guard i >= 0, i + n <= name.count else { return nil }
      return CINValueCleaner.number(name[i..<(i + n)])
    }
    func isDigit(_ i: Int) -> Bool { i >= 0 && i < name.count && name[i] >= 48 && name[i] <= 57 }
    var lone: Int?
    var i = 0
    while i + 4 <= name.count {
      guard !isDigit(i - 1), let first = digits(i, 4), (2000...2099).contains(first) else {
        i += 1
        continue
      }
      // yyyy-yy, yyyy_yy, yyyy/yy
      if i + 7 <= name.count, [45, 95, 47].contains(name[i + 4]), let second = digits(i + 5, 2),
        !isDigit(i + 7),
        second == (first + 1) % 100
      {
        return first + 1
      }
      // yyyyyy
      if let second = digits(i + 4, 2), !isDigit(i + 6), second == (first + 1) % 100 { return first + 1 }
      if !isDigit(i + 4), lone == nil { lone = first }
      i += 4
    }
    return lone
  }
}
