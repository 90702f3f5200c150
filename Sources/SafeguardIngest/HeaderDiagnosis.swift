/// Why a header may not hold the columns a definition expects, when the reason is the file's
/// form rather than its names: a file in UTF-16, bytes that are not UTF-8, or lines ended by
/// a carriage return alone (the whole file then reads as one header line). Said plainly, it
/// replaces a puzzling "no column" with what to do.
enum HeaderDiagnosis {
  static func problem(in header: [String]) -> String? {
    let text = header.joined(separator: ",")
    if text.unicodeScalars.contains(where: { $0.value == 0 }) {
      return "the header holds NUL bytes: the file looks like UTF-16 (as some Windows tools save it); "
        + "save it as UTF-8 or Windows-1252 and set 'encoding:' to match"
    }
    if text.unicodeScalars.contains("\u{FFFD}") {
      return "the header is not valid UTF-8: if the file was saved by Excel or another Windows tool, "
        + "set 'encoding: windows-1252' on the input"
    }
    if text.unicodeScalars.contains("\r") {
      return "the header runs on past a carriage return: the file's lines end in CR alone (an old "
        + "Mac format), which is not read; save it with LF or CRLF line ends"
    }
    return nil
  }
}
