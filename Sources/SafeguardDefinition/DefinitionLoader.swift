import Crypto
import Foundation
import SafeguardCore

/// Loads a pipeline definition from YAML, substitutes variables, and checks everything that
/// can be checked without data: keys, types, files and globs. All problems are reported at
/// once, each at file:line:column.
public struct DefinitionLoader {
  public var overrides: [String: String]
  public var environment: [String: String]
  /// The run's reference date (`yyyy-MM-dd`) when the caller sets it (a scheduled or backfill
  /// run, `run --reference-date`): it replaces `reference_date:`. The definition may use it
  /// anywhere as `${reference_date}` (for example in an output folder).
  public var referenceDate: String?

  public init(
    overrides: [String: String] = [:], environment: [String: String] = ProcessInfo.processInfo.environment,
    referenceDate: String? = nil
  ) {
    self.overrides = overrides
    self.environment = environment
    self.referenceDate = referenceDate
  }

  public func load(path: String) throws(DefinitionError) -> PipelineDefinition {
    let (definition, diagnostics) = try loadReportingProblems(path: path)
    try diagnostics.check()
    return definition
  }

  public func load(text: String, file: String, sha256: String = "") throws(DefinitionError)
    -> PipelineDefinition
  {
    let (definition, diagnostics) = try loadReportingProblems(text: text, file: file, sha256: sha256)
    try diagnostics.check()
    return definition
  }

  /// Loads as far as the definition allows and returns the problems found alongside, so that
  /// a caller can add its own checks (stages, files) and report everything at once. Throws only
  /// when the file cannot be read as YAML at all.
  public func loadReportingProblems(path: String) throws(DefinitionError) -> (PipelineDefinition, Diagnostics)
  {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw DefinitionError("cannot read the definition file \(path)")
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw DefinitionError("\(path) is not UTF-8 text")
    }
    let sha256 = SHA256Text.hex(of: data)
    return try loadReportingProblems(text: text, file: path, sha256: sha256)
  }

  public func loadReportingProblems(text: String, file: String, sha256: String = "") throws(DefinitionError)
    -> (PipelineDefinition, Diagnostics)
  {
    let parsed = try YAMLNodes.parse(text, file: file)
    var diagnostics = Diagnostics()
    guard case .map = parsed else {
      throw DefinitionError("a definition is a mapping with name, inputs and stages", at: parsed.location)
    }
    let (root, included) = Includes.merge(parsed, file: file, diagnostics: &diagnostics)
    // `${reference_date}`: the run's reference date, else the definition's own when written
    // as a date.
    var builtins: [String: String] = [:]
    if let referenceDate {
      builtins["reference_date"] = referenceDate
    } else if let written = root["reference_date"]?.text, !written.contains("${") {
      builtins["reference_date"] = written
    }
    let variables = Variables(
      section: root["variables"], overrides: overrides, environment: environment, diagnostics: &diagnostics,
      file: file, builtins: builtins)
    let resolved = variables.substituteAll(in: root, diagnostics: &diagnostics)

    var top = ConfigReader(resolved, context: "the definition")
    let name = top.string("name", required: true) ?? "unnamed"
    let description = top.string("description")
    _ = top.node("variables")  // read above, before substitution
    _ = top.node("include")  // merged above
    let maxQuarantine = readShare(top.node("max_quarantine"), diagnostics: &diagnostics) ?? 0.05
    var referenceDate = readDate(top.node("reference_date"), diagnostics: &diagnostics)
    if let date = self.referenceDate {
      referenceDate = CivilDate.parseISO(date)
      if referenceDate == nil {
        diagnostics.error(
          "the reference date must be written yyyy-MM-dd, not '\(date)'", at: resolved.location)
      }
    }
    let schedule = ScheduleSection.read(top.node("schedule"), diagnostics: &diagnostics)
    let retries = ScheduleSection.retries(top.node("retries"), diagnostics: &diagnostics)
    let onFailure = top.string("on_failure")
    let reference = readReference(top.node("reference"), diagnostics: &diagnostics)
    let inputs = InputsSection.read(
      top.node("inputs"), diagnostics: &diagnostics, definition: resolved.location)
    var stages = StagesSection.read(
      top.node("stages"), diagnostics: &diagnostics, definition: resolved.location)
    for index in stages.indices {
      stages[index].referenceDate = referenceDate
      stages[index].referenceTables = Set(reference.keys)
      stages[index].referenceFormats = reference.mapValues(\.format)
    }
    let outputs = readOutputs(top.node("outputs"), name: name, diagnostics: &diagnostics)
    top.finish(into: &diagnostics)
    let definition = PipelineDefinition(
      path: file, sha256: Self.combinedSHA256(sha256, included), name: name, description: description,
      variables: variables.recorded,
      maxQuarantine: maxQuarantine, referenceDate: referenceDate, reference: reference, inputs: inputs,
      stages: stages, outputs: outputs, schedule: schedule, retries: retries, onFailure: onFailure)
    return (definition, diagnostics)
  }

  /// The definition's hash, covering its included files: the file's own SHA-256 when it
  /// includes nothing, else the SHA-256 of the file's hash followed by each included file's.
  static func combinedSHA256(_ own: String, _ included: [Data]) -> String {
    guard !included.isEmpty else { return own }
    var hasher = SHA256()
    hasher.update(data: Data(own.utf8))
    for data in included { hasher.update(data: Data(SHA256Text.hex(of: data).utf8)) }
    return SHA256Text.hex(hasher.finalize())
  }

  /// A share written as `5%` or `0.05`.
  private func readShare(_ node: ConfigNode?, diagnostics: inout Diagnostics) -> Double? {
    guard let node else { return nil }
    guard var text = node.text else {
      diagnostics.error("max_quarantine must be a share such as 5% or 0.05", at: node.location)
      return nil
    }
    var scale = 1.0
    if text.hasSuffix("%") {
      text.removeLast()
      scale = 100
    }
    guard let value = Double(text.trimmingCharacters(in: .whitespaces)), value >= 0, value / scale <= 1 else {
      diagnostics.error(
        "max_quarantine must be a share between 0% and 100%, such as 5% or 0.05", at: node.location)
      return nil
    }
    return value / scale
  }

  private func readDate(_ node: ConfigNode?, diagnostics: inout Diagnostics) -> Int32? {
    guard let node else { return nil }
    guard let text = node.text, let days = CivilDate.parseISO(text) else {
      diagnostics.error("reference_date must be a date written yyyy-MM-dd", at: node.location)
      return nil
    }
    return days
  }

  private func readReference(_ node: ConfigNode?, diagnostics: inout Diagnostics) -> [String: ReferenceSpec] {
    guard let node else { return [:] }
    var reader = ConfigReader(node, context: "reference")
    var tables: [String: ReferenceSpec] = [:]
    for key in reader.keys {
      guard let value = reader.node(key) else { continue }
      let path: String?
      var format: ReferenceFormat?
      var idProperty: String?
      if let text = value.text {
        path = text
      } else {
        var table = ConfigReader(value, context: "reference table '\(key)'")
        path = table.string("path", required: true)
        let formats = ReferenceFormat.allCases.map(\.rawValue)
        if table.has("format") {
          format = ReferenceFormat(rawValue: table.choice("format", formats, default: "csv"))
        }
        idProperty = table.string("id")
        table.finish(into: &diagnostics)
      }
      guard let path else { continue }
      let location = value["path"]?.location ?? value.location
      if !FileManager.default.fileExists(atPath: path) {
        diagnostics.error("reference table '\(key)': no file at \(path)", at: location)
      } else if let kind = FileKind.notRegular(path) {
        // Reading a FIFO would wait for a writer; a device may never end.
        diagnostics.error("reference table '\(key)': \(path) is \(kind), not a regular file", at: location)
      }
      let spec = ReferenceSpec(
        name: key, path: path, format: format, idProperty: idProperty, location: location)
      if idProperty != nil, spec.format != .geojson {
        diagnostics.error(
          "reference table '\(key)': 'id' names the area property of GeoJSON boundaries, but this file "
            + "is \(spec.format.holds)",
          at: value["id"]?.location ?? location)
      }
      tables[key] = spec
    }
    reader.finish(into: &diagnostics)
    return tables
  }

  private func readOutputs(_ node: ConfigNode?, name: String, diagnostics: inout Diagnostics) -> OutputsSpec {
    guard let node else { return OutputsSpec(directory: "out/\(name)", location: nil) }
    var reader = ConfigReader(node, context: "outputs")
    let directory = reader.string("dir", default: "out/\(name)")
    reader.finish(into: &diagnostics)
    return OutputsSpec(directory: directory, location: node["dir"]?.location ?? node.location)
  }
}
