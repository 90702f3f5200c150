import Foundation
import SafeguardCore
import SafeguardDefinition
import SafeguardRunner

/// A temporary folder with hand-written extracts and a definition over them.
struct RunnerFixture {
  let folder: String

  init() throws {
    folder = FileManager.default.temporaryDirectory.appendingPathComponent("sg-run-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: folder + "/data", withIntermediateDirectories: true)
  }

  func write(_ name: String, _ text: String) throws {
    try text.write(toFile: folder + "/data/" + name, atomically: true, encoding: .utf8)
  }

  func definition(_ yaml: String) throws -> PipelineDefinition {
    let path = folder + "/pipeline.yaml"
    try yaml.replacingOccurrences(of: "$DATA", with: folder + "/data").write(
      toFile: path, atomically: true, encoding: .utf8)
    return try DefinitionLoader().load(path: path)
  }

  func run(_ yaml: String) async throws -> RunOutcome {
    let pipeline = try Pipeline(definition: definition(yaml))
    var options = RunOptions(outputDirectory: folder + "/out", batchSize: 3)
    options.keepUnsuccessful = folder + "/kept"
    return await PipelineRunner(pipeline: pipeline, options: options).run()
  }

  func output(_ relative: String) throws -> String {
    try String(contentsOfFile: folder + "/out/" + relative, encoding: .utf8)
  }

  func summary() throws -> [String: Any] {
    let data = try Data(contentsOf: URL(fileURLWithPath: folder + "/out/run-summary.json"))
    return try JSONSerialization.jsonObject(with: data) as! [String: Any]
  }
}
