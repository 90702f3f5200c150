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
  public let stages: [any Stage]
  /// The streams planned to reach each stage, handed to it at the start of every run.
  public let plannedStreams: [StreamSchemas]

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
    definition: PipelineDefinition, registry: StageRegistry = Pipeline.registry, checkFiles: Bool = false,
    problems: Diagnostics = Diagnostics()
  ) throws(DefinitionError) {
    var diagnostics = problems
    var stages: [any Stage] = []
    var planned: [StreamSchemas] = []
    for var spec in definition.stages {
      spec.plugins = LuaPluginProvider()
      if let stage = registry.make(spec, diagnostics: &diagnostics) { stages.append(stage) }
    }
    // Plan only a complete chain: with a stage missing, later stages would report fields
    // that the missing stage might have provided.
    if stages.count == definition.stages.count {
      var streams = StreamSchemas(definition.inputs.map { ($0.name, $0.schema) })
      for stage in stages {
        planned.append(streams)
        streams = stage.plan(streams, diagnostics: &diagnostics)
      }
    }
    if checkFiles {
      for input in definition.inputs where !input.files.isEmpty {
        do {
          try InputReader(spec: input).checkHeaders()
        } catch {
          diagnostics.error(error.message, at: error.location ?? input.location)
        }
      }
      ReferenceHeaderCheck.check(definition.reference, stages: stages, diagnostics: &diagnostics)
    }
    try diagnostics.check()
    self.definition = definition
    self.stages = stages
    self.plannedStreams = planned
  }
}
