import CLibXML2
import Crypto
import Foundation
import SafeguardCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A forward-only pass over an XML file through libxml2's streaming reader (`xmlTextReader`):
/// one node at a time, in constant memory however large the file, hashing every byte read for
/// the run summary's SHA-256.
///
/// Element names are interned by libxml2 in the reader's dictionary, so `tag` compares the
/// current element's name with the names of interest by pointer, once per element, and hands
/// out a small integer. Errors say where (file and line) and libxml2's error code, never the
/// text near the error, which in a return is a child's details.
///
/// > xmlTextReaderRead: Moves the position of the current instance to the next node in the
/// > stream, exposing its properties. Returns 1 if the node was read successfully, 0 if there
/// > is no more nodes to read, or -1 in case of error.
final class XMLStreamReader {
  /// What the current node is (libxml2's `xmlReaderTypes`).
  enum Node: Int32 {
    case element = 1
    case text = 3
    case cdata = 4
    case whitespace = 13
    case significantWhitespace = 14
    case endElement = 15
    case other = -1
  }

  let path: String
  private let file: HashedFile
  private let reader: xmlTextReaderPtr
  private let fault: UnsafeMutablePointer<sg_xml_fault>
  // The reader is used from one thread at a time (it is not Sendable), and its properties
  // are read once or twice per node: Swift's run-time exclusivity checks on a class's stored
  // properties cost more than the work, so they are dropped here.
  /// Interned element names → tag, by pointer.
  @exclusivity(unchecked) private var tags = PointerTags()
  @exclusivity(unchecked) private(set) var node: Node = .other
  /// The tag of the current element or end element (-1 for a name not asked about).
  @exclusivity(unchecked) private(set) var tag: Int32 = -1
  /// The line of the current element's start tag (see `advance()`).
  @exclusivity(unchecked) private(set) var line = 0
  /// The line the last text node ended on, while nothing but text has followed it.
  @exclusivity(unchecked) private var textEndLine: Int?

  /// Opens `path`; `names[i]` will be reported as tag `i`.
  init(path: String, names: [String]) throws(RunError) {
    XMLStreamReader.initialise
    self.path = path
    file = try HashedFile(path: path)
    fault = .allocate(capacity: 1)
    fault.initialize(to: sg_xml_fault(code: 0, line: 0, count: 0))
    let context = Unmanaged.passUnretained(file).toOpaque()
    guard
      let made = xmlReaderForIO(
        { context, buffer, length in
          guard let context, let buffer, length > 0 else { return -1 }
          let file = Unmanaged<HashedFile>.fromOpaque(context).takeUnretainedValue()
          return Int32(file.read(into: UnsafeMutableRawPointer(buffer), count: Int(length)))
        }, nil, context, nil, nil, sg_xml_options())
    else {
      fault.deallocate()
      throw RunError("cannot read input file \(path) as XML")
    }
    reader = made
    sg_xml_capture_faults(reader, fault)
    for (index, name) in names.enumerated() {
      if let interned = xmlTextReaderConstString(reader, name) {
        tags.insert(UnsafeRawPointer(interned), Int32(index))
      }
    }
  }

  deinit {
    xmlFreeTextReader(reader)
    fault.deallocate()
  }

  /// libxml2 needs one initialisation before readers run on several threads.
  private static let initialise: Void = { xmlInitParser() }()

  /// Moves to the next node; false at the end of the document. A malformed document is an
  /// error naming the file, the line and libxml2's error code.
  func advance() throws(RunError) -> Bool {
    let status = xmlTextReaderRead(reader)
    if status == 1 {
      node = Node(rawValue: xmlTextReaderNodeType(reader)) ?? .other
      switch node {
      case .element, .endElement:
        if let name = xmlTextReaderConstLocalName(reader) {
          tag = tags[UnsafeRawPointer(name)]
        } else {
          tag = -1
        }
        if node == .element { line = elementLine() }
        textEndLine = nil
      case .text, .cdata, .whitespace, .significantWhitespace:
        // Only needed once elements' own lines have run out (see `elementLine()`).
        textEndLine = line >= 65535 ? Int(sg_xml_node_line(reader)) : nil
      case .other:
        textEndLine = nil
      }
      return true
    }
    if let failure = file.failure { throw RunError("cannot read input file \(path): \(failure)") }
    if status < 0 || fault.pointee.code != 0 {
      let line =
        fault.pointee.line > 0 ? Int(fault.pointee.line) : Int(xmlTextReaderGetParserLineNumber(reader))
      throw RunError(
        "input file \(path) is not well-formed XML (libxml2 error \(fault.pointee.code))",
        at: SourceLocation(file: path, line: line))
    }
    return false
  }

  /// Whether the current element is written `<Name/>`, with no end element to follow.
  var isEmptyElement: Bool { xmlTextReaderIsEmptyElement(reader) == 1 }

  /// Nesting depth of the current node (the root element is 0).
  var depth: Int { Int(xmlTextReaderDepth(reader)) }

  /// libxml2 keeps an element's line up to 65535 only; past it, a text node keeps the line its
  /// text ends on. The blank text before an element (a line end and indentation) ends on the
  /// element's own line, so that is its line; an element with no text before it follows an
  /// end tag on the same line in a file without line breaks, whose lines never reach 65535.
  private func elementLine() -> Int {
    let stored = Int(sg_xml_node_line(reader))
    if stored < 65535 { return stored }
    return textEndLine ?? max(line, stored)
  }

  /// The current text node's bytes (UTF-8, entities replaced), valid only inside `body`.
  func withValue<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
    guard let value = xmlTextReaderConstValue(reader) else {
      return body(UnsafeBufferPointer(start: nil, count: 0))
    }
    return body(
      UnsafeBufferPointer(
        start: value, count: strlen(UnsafeRawPointer(value).assumingMemoryBound(to: CChar.self))))
  }

  /// Bytes read from the file so far.
  var byteCount: Int { file.byteCount }
  var modified: Date? { file.modified }
  /// SHA-256 of the bytes read (of the whole file once read to the end).
  func sha256() -> String { file.sha256() }
}

/// A small open-addressing table from an interned name's address to its tag: looked up once
/// per element, where a `Dictionary` would hash the pointer with SipHash.
struct PointerTags {
  private var keys = [UInt](repeating: 0, count: 256)
  private var values = [Int32](repeating: -1, count: 256)

  private static func slot(_ key: UInt) -> Int {
    Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 56)
  }

  mutating func insert(_ pointer: UnsafeRawPointer, _ tag: Int32) {
    let key = UInt(bitPattern: pointer)
    var i = Self.slot(key)
    while keys[i] != 0 && keys[i] != key { i = (i + 1) & 255 }
    keys[i] = key
    values[i] = tag
  }

  /// The tag of a name, or -1.
  subscript(pointer: UnsafeRawPointer) -> Int32 {
    let key = UInt(bitPattern: pointer)
    var i = Self.slot(key)
    while keys[i] != 0 {
      if keys[i] == key { return values[i] }
      i = (i + 1) & 255
    }
    return -1
  }
}

/// A file libxml2 pulls bytes from through `XMLStreamReader`'s read callback, hashed as they
/// pass. Owned by the reader and used from one thread at a time.
final class HashedFile {
  let path: String
  private let descriptor: Int32
  // Used from the one thread reading the file (see XMLStreamReader).
  @exclusivity(unchecked) private var hasher = SHA256()
  @exclusivity(unchecked) private(set) var byteCount = 0
  private(set) var modified: Date?
  /// Why a read failed (errno text), when one did.
  private(set) var failure: String?

  init(path: String) throws(RunError) {
    self.path = path
    descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
    guard descriptor >= 0 else {
      throw RunError("cannot open input file \(path): \(String(cString: strerror(errno)))")
    }
    if let kind = FileKind.notRegular(descriptor: descriptor) {
      throw RunError("input file \(path) is \(kind), not a regular file")
    }
    var info = stat()
    if fstat(descriptor, &info) == 0 {
      modified = Date(timeIntervalSince1970: Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9)
    }
  }

  deinit { close(descriptor) }

  /// Reads up to `count` bytes into `buffer`; 0 at the end, -1 on failure.
  func read(into buffer: UnsafeMutableRawPointer, count: Int) -> Int {
    while true {
      let n = systemRead(descriptor, buffer, count)
      if n < 0 && errno == EINTR { continue }
      if n < 0 {
        failure = String(cString: strerror(errno))
        return -1
      }
      if n > 0 { hasher.update(bufferPointer: UnsafeRawBufferPointer(start: buffer, count: n)) }
      byteCount += n
      return n
    }
  }

  func sha256() -> String {
    let digits = Array("0123456789abcdef".utf8)
    var text: [UInt8] = []
    for byte in hasher.finalize() {
      text.append(digits[Int(byte >> 4)])
      text.append(digits[Int(byte & 15)])
    }
    return String(decoding: text, as: UTF8.self)
  }
}

/// `read(2)`, named apart from `HashedFile.read`.
private func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
  read(descriptor, buffer, count)
}
