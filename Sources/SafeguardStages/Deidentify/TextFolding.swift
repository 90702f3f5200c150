import Foundation

/// Folds free text (names, address lines) to upper-case ASCII-where-possible words separated by
/// single spaces, so that spellings of the same name that differ only in case, accents,
/// apostrophes, hyphens or spacing give the same pseudonym.
///
/// Rules, in order:
/// 1. Apostrophes and their look-alikes (' ’ ‘ ʼ ` ´ ′ ·) are removed: O'Neill = ONeill.
/// 2. Compatibility decomposition (NFKD), then combining marks are dropped: é → E, ö → O,
///    ﬁ → FI, full-width letters → ASCII.
/// 3. Upper case (Unicode rules: ß → SS).
/// 4. Letters with no decomposition are spelled out: Æ → AE, Ø → O, Ł → L, Đ/Ð → D, Þ → TH,
///    Œ → OE, Ħ → H, Ŧ → T, Ŋ → N.
/// 5. Every other character that is not a letter or digit (hyphens, dashes, full stops,
///    commas, tabs, controls) separates words: Smith-Jones = SMITH JONES.
/// 6. Runs of separators collapse to one space; none at either end.
///
/// Letters of other scripts are kept as they are (upper-cased), not transliterated: a wrong
/// transliteration would merge different people. Pure and allocation-light; ASCII input, the
/// common case, takes a byte loop that gives the same result as the general path.
enum TextFolding {
  static func fold(_ text: some StringProtocol) -> String {
    var ascii = true
    for byte in text.utf8 where byte >= 0x80 {
      ascii = false
      break
    }
    return ascii ? foldASCII(text) : foldUnicode(text)
  }

  private static func foldASCII(_ text: some StringProtocol) -> String {
    var out: [UInt8] = []
    out.reserveCapacity(text.utf8.count)
    var pendingSpace = false
    for byte in text.utf8 {
      switch byte {
      case UInt8(ascii: "'"), UInt8(ascii: "`"): continue
      case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
        UInt8(ascii: "0")...UInt8(ascii: "9"):
        if pendingSpace && !out.isEmpty { out.append(UInt8(ascii: " ")) }
        pendingSpace = false
        out.append(byte >= UInt8(ascii: "a") ? byte - 32 : byte)
      default: pendingSpace = true
      }
    }
    return String(decoding: out, as: UTF8.self)
  }

  private static func foldUnicode(_ text: some StringProtocol) -> String {
    var withoutApostrophes = String.UnicodeScalarView()
    for scalar in text.unicodeScalars where !isApostrophe(scalar) { withoutApostrophes.append(scalar) }
    let decomposed = String(withoutApostrophes).decomposedStringWithCompatibilityMapping
    var unmarked = String.UnicodeScalarView()
    for scalar in decomposed.unicodeScalars where !isMark(scalar) { unmarked.append(scalar) }
    var out = String.UnicodeScalarView()
    var pendingSpace = false
    for scalar in String(unmarked).uppercased().unicodeScalars {
      let spelled = spelledOut(scalar)
      for piece in spelled?.unicodeScalars ?? String(scalar).unicodeScalars {
        if piece.properties.isAlphabetic || piece.properties.numericType != nil {
          if pendingSpace && !out.isEmpty { out.append(" ") }
          pendingSpace = false
          out.append(piece)
        } else if !isMark(piece) {
          pendingSpace = true
        }
      }
    }
    return String(out)
  }

  static func isApostrophe(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x27, 0x60, 0xB4, 0xB7, 0x2018, 0x2019, 0x201B, 0x2032, 0x02BC, 0x02BB, 0xFF07: true
    default: false
    }
  }

  private static func isMark(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.properties.generalCategory {
    case .nonspacingMark, .spacingMark, .enclosingMark: true
    default: false
    }
  }

  /// Upper-case letters that Unicode does not decompose but English records spell out.
  private static func spelledOut(_ scalar: Unicode.Scalar) -> String? {
    switch scalar {
    case "Æ": "AE"
    case "Ø": "O"
    case "Ł": "L"
    case "Đ", "Ð": "D"
    case "Þ": "TH"
    case "Œ": "OE"
    case "Ħ": "H"
    case "Ŧ": "T"
    case "Ŋ": "N"
    case "ẞ": "SS"
    case "ı": "I"
    default: nil
    }
  }
}
