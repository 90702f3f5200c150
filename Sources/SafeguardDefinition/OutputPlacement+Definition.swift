import SafeguardCore

extension OutputPlacement {
  /// Why `output` must not receive the outputs of `definition`: it is placed among the files
  /// and folders the definition reads (its inputs, their globs and its reference files).
  /// `run`, `validate`, `schedule` and `backfill` all ask this before anything is written.
  public static func problem(output: String, definition: PipelineDefinition) -> String? {
    problem(
      output: output,
      inputs: definition.inputs.flatMap(\.files) + definition.reference.values.map(\.path),
      patterns: definition.inputs.map(\.pattern))
  }
}
