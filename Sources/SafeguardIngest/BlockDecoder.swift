import SafeguardCore

/// Brings a block of a file into UTF-8, the form every parser here reads: UTF-8 passes
/// through unchanged (validated later, per field), windows-1252 is transcoded.
struct BlockDecoder {
  let encoding: TextEncoding
  private var scratch: [UInt8] = []

  init(encoding: TextEncoding) { self.encoding = encoding }

  mutating func decode<R>(_ raw: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
    switch encoding {
    case .utf8:
      return body(raw)
    case .windows1252:
      Windows1252.transcode(raw, into: &scratch)
      return scratch.withUnsafeBufferPointer(body)
    }
  }

  /// The failure for a field whose bytes are not valid UTF-8 after decoding.
  var invalidText: FieldFailure { encoding == .windows1252 ? .invalidWindows1252 : .invalidUTF8 }
}
