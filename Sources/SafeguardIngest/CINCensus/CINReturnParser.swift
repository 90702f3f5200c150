import Foundation
import SafeguardCore

/// The header of a CIN Census return, as written.
struct CINReturnHeader {
  var collection: String?
  var year: String?
  var referenceDate: String?
  var la: String?
}

/// Reads one CIN Census return a child at a time: the header first, then each `Child` element
/// with everything in it, as text (`CINRawChild`); validating it is `CINChildRows`' work. Holds
/// one child in memory at a time.
final class CINReturnParser {
  private let xml: XMLStreamReader
  // Used from one thread at a time, its properties touched per node: no run-time exclusivity
  // checks (see XMLStreamReader).
  @exclusivity(unchecked) private var text: [UInt8] = []
  @exclusivity(unchecked) private(set) var header = CINReturnHeader()
  @exclusivity(unchecked) private var inChildren = false

  init(path: String) throws(RunError) {
    xml = try XMLStreamReader(path: path, names: CINElement.allCases.map(\.name))
  }

  var path: String { xml.path }
  var byteCount: Int { xml.byteCount }
  var modified: Date? { xml.modified }
  func sha256() -> String { xml.sha256() }

  /// Reads up to the first child (or the end of a return with none), collecting the header.
  /// A root element other than `Message` is an error: the file is not a CIN Census return.
  func readHeader() throws(RunError) -> CINReturnHeader {
    var leaf: CINElement?
    var sawRoot = false
    while try xml.advance() {
      switch xml.node {
      case .element:
        let element = CINElement(rawValue: xml.tag)
        if !sawRoot {
          sawRoot = true
          guard element == .message else {
            throw RunError(
              "input file \(xml.path) is not a CIN Census return: its root element is not <Message>",
              at: SourceLocation(file: xml.path, line: xml.line))
          }
        }
        if element == .children {
          inChildren = true
          return header
        }
        if let element, !element.isContainer {
          if xml.isEmptyElement { assignHeader(element, "") } else { leaf = element }
          text.removeAll(keepingCapacity: true)
        }
      case .text, .cdata, .whitespace, .significantWhitespace:
        if leaf != nil { xml.withValue { text.append(contentsOf: $0) } }
      case .endElement:
        if let open = leaf, xml.tag == open.rawValue {
          assignHeader(open, String(decoding: text, as: UTF8.self))
          leaf = nil
        }
      case .other:
        break
      }
    }
    if !sawRoot {
      throw RunError("input file \(xml.path) is empty: it holds no XML element")
    }
    return header
  }

  private func assignHeader(_ element: CINElement, _ value: String) {
    switch element {
    case .collection: header.collection = header.collection ?? value
    case .year: header.year = header.year ?? value
    case .referenceDate: header.referenceDate = header.referenceDate ?? value
    case .lea: header.la = header.la ?? value
    default: break
    }
  }

  /// The next child, or nil at the end of the return.
  func nextChild() throws(RunError) -> CINRawChild? {
    guard inChildren else { return nil }
    while try xml.advance() {
      if xml.node == .element, xml.tag == CINElement.child.rawValue {
        let line = Int32(clamping: xml.line)
        if xml.isEmptyElement { return CINRawChild(record: CINRawRecord(.child, line: line)) }
        return try readChild(line: line)
      }
      if xml.node == .endElement, xml.tag == CINElement.children.rawValue {
        inChildren = false
        return nil
      }
    }
    inChildren = false
    return nil
  }

  /// Reads past whatever follows the children, so that a malformed ending is found and every
  /// byte of the file is hashed.
  func readToEnd() throws(RunError) {
    while try xml.advance() {}
  }

  /// Everything up to the child's end tag.
  private func readChild(line: Int32) throws(RunError) -> CINRawChild {
    var child = CINRawChild(record: CINRawRecord(.child, line: line))
    var context = CINRecordKind.child
    var leaf: CINElement?
    while try xml.advance() {
      switch xml.node {
      case .element:
        guard let element = CINElement(rawValue: xml.tag) else { continue }
        let line = Int32(clamping: xml.line)
        let empty = xml.isEmptyElement
        if element.isContainer {
          context = open(element, line: line, empty: empty, context: context, in: &child)
        } else if element != .assessmentFactor && element.slot(in: context) == nil {
          // A leaf nothing keeps (Disability, CPPreviewDate): its text is read past.
          continue
        } else if empty {
          assign(element, "", line: line, context: context, in: &child)
        } else {
          leaf = element
          leafLine = line
          text.removeAll(keepingCapacity: true)
        }
      case .text, .cdata, .whitespace, .significantWhitespace:
        if leaf != nil { xml.withValue { text.append(contentsOf: $0) } }
      case .endElement:
        if let open = leaf, xml.tag == open.rawValue {
          assign(open, String(decoding: text, as: UTF8.self), line: leafLine, context: context, in: &child)
          leaf = nil
          continue
        }
        switch CINElement(rawValue: xml.tag) {
        case .child?: return child
        case .cinDetails?: context = .child
        case .assessments?, .cinPlanDates?, .section47?, .protectionPlans?: context = .episode
        default: break
        }
      case .other:
        break
      }
    }
    throw RunError(
      "input file \(xml.path) ends inside a <Child> element",
      at: SourceLocation(file: xml.path, line: Int(line)))
  }

  /// The line of the leaf being read (a factor's own line).
  @exclusivity(unchecked) private var leafLine: Int32 = 0

  /// Starts a record for a container element; returns the record its leaves now belong to.
  private func open(
    _ element: CINElement, line: Int32, empty: Bool, context: CINRecordKind, in child: inout CINRawChild
  ) -> CINRecordKind {
    switch element {
    case .cinDetails:
      child.episodes.append(CINRawEpisode(record: CINRawRecord(.episode, line: line)))
      return empty ? .child : .episode
    case .assessments, .cinPlanDates, .section47, .protectionPlans:
      guard context != .child, !child.episodes.isEmpty else { return context }
      let last = child.episodes.count - 1
      switch element {
      case .assessments:
        child.episodes[last].assessments.append(
          CINRawAssessment(record: CINRawRecord(.assessment, line: line)))
        return empty ? .episode : .assessment
      case .cinPlanDates:
        child.episodes[last].cinPlans.append(CINRawRecord(.cinPlan, line: line))
        return empty ? .episode : .cinPlan
      case .section47:
        child.episodes[last].section47.append(CINRawRecord(.section47, line: line))
        return empty ? .episode : .section47
      default:
        child.episodes[last].protectionPlans.append(CINRawRecord(.protectionPlan, line: line))
        return empty ? .episode : .protectionPlan
      }
    case .factorsIdentified:
      if context == .assessment, let e = child.episodes.indices.last,
        let a = child.episodes[e].assessments.indices.last
      {
        child.episodes[e].assessments[a].factorsLine = line
      }
      return context
    default:
      return context
    }
  }

  /// Keeps a leaf's text in the slot of the record it belongs to (the first one written).
  private func assign(
    _ element: CINElement, _ value: String, line: Int32, context: CINRecordKind, in child: inout CINRawChild
  ) {
    if element == .assessmentFactor {
      guard context == .assessment, let e = child.episodes.indices.last,
        let a = child.episodes[e].assessments.indices.last
      else { return }
      child.episodes[e].assessments[a].factors.append((line, value))
      return
    }
    guard let slot = element.slot(in: context) else { return }
    func keep(_ record: inout CINRawRecord) {
      if record.values[slot] == nil { record.values[slot] = value }
    }
    switch context {
    case .child: keep(&child.record)
    case .episode: keep(&child.episodes[child.episodes.count - 1].record)
    case .assessment:
      let e = child.episodes.count - 1
      keep(&child.episodes[e].assessments[child.episodes[e].assessments.count - 1].record)
    case .cinPlan:
      let e = child.episodes.count - 1
      keep(&child.episodes[e].cinPlans[child.episodes[e].cinPlans.count - 1])
    case .section47:
      let e = child.episodes.count - 1
      keep(&child.episodes[e].section47[child.episodes[e].section47.count - 1])
    case .protectionPlan:
      let e = child.episodes.count - 1
      keep(&child.episodes[e].protectionPlans[child.episodes[e].protectionPlans.count - 1])
    }
  }
}
