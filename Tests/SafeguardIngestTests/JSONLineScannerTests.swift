import Foundation
import SafeguardIngest
import Testing

@Suite struct JSONLineScannerTests {
  /// The members of one line as (key, value text, kind), or the error.
  private func scan(_ text: String) -> Result<[(String, String, JSONValueKind)], JSONLineError> {
    var bytes = Array(text.utf8)
    return bytes.withUnsafeMutableBufferPointer { line in
      var members: [JSONMember] = []
      if let error = JSONLineScanner.scan(line, into: &members) { return .failure(error) }
      return .success(
        members.map {
          (
            String(decoding: line[$0.key], as: UTF8.self), String(decoding: line[$0.value], as: UTF8.self),
            $0.kind
          )
        })
    }
  }

  private func values(_ text: String) -> [String]? { try? scan(text).get().map(\.1) }

  @Test func scalarsOfEveryKind() throws {
    let members = try scan(#" { "a" : "x", "b":-1.5e3,"c":true,"d":false, "e":null,"f":0 } "#).get()
    #expect(members.map(\.0) == ["a", "b", "c", "d", "e", "f"])
    #expect(members.map(\.1) == ["x", "-1.5e3", "true", "false", "null", "0"])
    #expect(members.map(\.2) == [.string, .number, .boolean, .boolean, .null, .number])
    #expect(try scan("{}").get().isEmpty)
  }

  @Test func stringEscapesAreDecodedInPlace() throws {
    #expect(values(#"{"k":"a\"b\\c\/d\b\f\n\r\t"}"#) == ["a\"b\\c/d\u{8}\u{C}\n\r\t"])
    #expect(values(#"{"k":"\u00e9\u20AC\u2019"}"#) == ["é€’"])
    #expect(values(#"{"k":"\ud83d\ude00 ok"}"#) == ["😀 ok"])
    let member = try scan(#"{"caf\u00e9":"é raw"}"#).get()[0]
    #expect(member.0 == "café")
    #expect(member.1 == "é raw")
  }

  @Test func nestedValuesAreValidatedAndMarked() throws {
    let members = try scan(#"{"a":{"x":[1,{"y":"\u0041"}],"z":[]},"b":[true,null,"s"],"c":1}"#).get()
    #expect(members.map(\.2) == [.nested, .nested, .number])
    #expect(members[2].1 == "1")
    for bad in [#"{"a":[1,]}"#, #"{"a":{"x"}}"#, #"{"a":[1}"#, #"{"a":{"x":1,}}"#, #"{"a":[}"#] {
      #expect(throws: JSONLineError.self, "\(bad)") { try scan(bad).get() }
    }
  }

  @Test func linesThatAreNotObjects() {
    for text in ["[1,2]", "\"text\"", "42", "null", "not json", ""] {
      #expect(scan(text).map { _ in 0 } == .failure(.notAnObject), "\(text)")
    }
    for text in [
      #"{"a":1"#, #"{"a":1}}"#, #"{"a" 1}"#, #"{a:1}"#, #"{"a":01}"#, #"{"a":1.}"#, #"{"a":tru}"#,
      #"{"a":"\x"}"#, #"{"a":"\ud800"}"#, #"{"a":"\udc00x"}"#, "{\"a\":\"tab\there\"}", #"{"a":"open}"#,
      #"{"a":1,}"#, #"{"a":+1}"#,
    ] {
      #expect(throws: JSONLineError.self, "\(text)") { try scan(text).get() }
    }
  }

  @Test func errorsGiveAnOffsetNeverText() throws {
    let error = try #require(throws: JSONLineError.self) { try scan(#"{"nhs":"9434765919" x}"#).get() }
    #expect(error.description == "line is not valid JSON: expected ',' or '}' at byte 21")
    #expect(!error.description.contains("9434765919"))
  }

  /// Random flat objects: the scanner must agree with JSONSerialization on every one.
  @Test func agreesWithJSONSerialization() throws {
    var generator = SystemRandomNumberGenerator()
    let pieces = ["a", "é", "\\n", "\\\"", "\\u00e9", "\\ud83d\\ude00", "\\/", " ", "\\t", "€", "\\\\"]
    for _ in 0..<500 {
      var object: [String] = []
      for index in 0..<Int.random(in: 0...5, using: &generator) {
        let text = (0..<Int.random(in: 0...4, using: &generator)).map { _ in
          pieces.randomElement(using: &generator)!
        }
        let value: String
        switch Int.random(in: 0...4, using: &generator) {
        case 0: value = "\"" + text.joined() + "\""
        case 1: value = String(Double.random(in: -1e6...1e6, using: &generator))
        case 2: value = String(Int.random(in: -1000...1000, using: &generator))
        case 3: value = Bool.random(using: &generator) ? "true" : "false"
        default: value = "null"
        }
        object.append("\"k\(index)\(text.joined())\":\(value)")
      }
      let line = "{" + object.joined(separator: ",") + "}"
      let reference = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
      let members = try scan(line).get()
      #expect(members.count == reference.count, "\(line)")
      for (key, value, kind) in members {
        switch kind {
        case .string: #expect(reference[key] as? String == value, "\(line)")
        case .number:
          // Foundation on Linux does not round JSON numbers correctly; the literal is what matters.
          let expected = try #require((reference[key] as? NSNumber)?.doubleValue)
          #expect(abs(expected - Double(value)!) <= abs(expected) * 1e-14, "\(line)")
        case .boolean: #expect((reference[key] as? Bool) == (value == "true"), "\(line)")
        case .null: #expect(reference[key] is NSNull, "\(line)")
        case .nested: Issue.record("no nested values were generated")
        }
      }
    }
  }
}
