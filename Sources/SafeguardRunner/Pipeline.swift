import SafeguardCore
import SafeguardDefinition
import SafeguardIngest
import SafeguardLua
import SafeguardPostgres
import SafeguardStages

/// A definition turned into stages and checked end to end: every stage made from its spec,
/// and the chain planned so that a stage needing a field no earlier stage provides is an
/// error at the stage's line, before any data flows.
public struct Pipeline: Sendable {
  public let definition: PipelineDefinition
  /// One source per input, in the order declared, made by the reader of its format.
  public let sources: [any InputSource]
  public let stages: [any Stage]
  /// The streams planned to reach each stage, handed to it at the start of every run.
  public let plannedStreams: [StreamSchemas]
  /// The order in which the inputs are read and their streams reach the stages.
  let arrival: ArrivalOrder

  /// The input formats safeguard reads: CSV, JSON Lines and the statutory returns.
  public static var formats: InputFormatRegistry { InputFormats.registry }

  /// The stages safeguard knows: the built-in ones, `lua` for plugin stages and
  /// `export-postgres` (a module of its own, so that only it links SwiftNIO).
  public static var registry: StageRegistry {
    var registry = BuiltinStages.registry
    registry.register(LuaStage.name, summary: LuaStage.summary) { LuaStage(spec: $0, diagnostics: &$1) }
    registry.register(ExportPostgres.name, summary: ExportPostgres.summary) {
      ExportPostgres(spec: $0, diagnostics: &$1)
    }
    return registry
  }

  /// Loads a definition file and builds it, reporting every problem of both at once; with
  /// `checkFiles`, also reads the header of every input file and reference table (not their
  /// rows) and checks it has the columns the definition and its stages need.
  public static func load(
    path: String, overrides: [String: String], referenceDate: String? = nil,
    registry: StageRegistry = Pipeline.registry, checkFiles: Bool
  ) throws(DefinitionError) -> Pipeline {
    let (definition, problems) = try DefinitionLoader(overrides: overrides, referenceDate: referenceDate)
      .loadReportingProblems(path: path)
    return try Pipeline(
      definition: definition, registry: registry, checkFiles: checkFiles, problems: problems)
  }

  public init(
    definition: PipelineDefinition, registry: StageRegistry = Pipeline.registry,
    formats: InputFormatRegistry = Pipeline.formats, checkFiles: Bool = false,
    problems: Diagnostics = Diagnostics()
  ) throws(DefinitionError) {
    var diagnostics = problems
    var sources: [any InputSource] = []
    for input in definition.inputs {
      if let source = formats.make(input, diagnostics: &diagnostics) { sources.append(source) }
    }
    Self.checkStreamNames(sources, diagnostics: &diagnostics)
    var stages: [any Stage] = []
    var planned: [StreamSchemas] = []
    for var spec in definition.stages {
      spec.plugins = LuaPluginProvider()
      if let stage = registry.make(spec, diagnostics: &diagnostics) { stages.append(stage) }
    }
    let arrival = ArrivalOrder(
      sources: sources.map(\.streams), stages: stages, specs: definition.stages, diagnostics: &diagnostics)
    // Plan only a complete chain: with a stage missing, later stages would report fields
    // that the missing stage might have provided.
    if stages.count == definition.stages.count, sources.count == definition.inputs.count {
      var streams = arrival.arranged(sources.map(\.streams))
      for stage in stages {
        planned.append(streams)
        streams = stage.plan(streams, diagnostics: &diagnostics)
      }
    }
    if checkFiles {
      for source in sources where !source.spec.files.isEmpty {
        do {
          try source.checkFiles()
        } catch {
          diagnostics.error(error.message, at: error.location ?? source.spec.location)
        }
      }
      ReferenceHeaderCheck.check(definition.reference, stages: stages, diagnostics: &diagnostics)
    }
    try diagnostics.check()
    self.definition = definition
    self.sources = sources
    self.stages = stages
    self.plannedStreams = planned
    self.arrival = arrival
  }

  /// Every stream of every input must have a name of its own: an input of several streams
  /// names them after itself (`cin` yields `cin_children`), which another input may not take.
  private static func checkStreamNames(_ sources: [any InputSource], diagnostics: inout Diagnostics) {
    var owner: [String: String] = [:]
    for source in sources {
      for stream in source.streams.names {
        if let other = owner[stream] {
          diagnostics.error(
            "input '\(source.spec.name)' yields stream '\(stream)', which input '\(other)' yields too; "
              + "rename one of the inputs", at: source.spec.location)
        } else {
          owner[stream] = source.spec.name
        }
      }
    }
  }
}
