import Foundation
import SafeguardCore
import SafeguardDefinition

#if canImport(Glibc)
  import Glibc
#endif

/// Chooses the files a run reads for its `mode: new-files` inputs: those no successful run of
/// the definition has processed. A file is known by its content (SHA-256), so a file renamed or
/// copied is not read twice and a file rewritten in place is read again; a file whose path,
/// size and modification time match a processed one is taken as known without reading it.
struct NewFiles {
  /// The definition with only new files in its `new-files` inputs.
  var definition: PipelineDefinition
  /// Whether it has any `new-files` input.
  var hasNewFilesInputs: Bool
  /// Files left out as already processed, per input.
  var known: [String: Int] = [:]
  /// New files, per input.
  var new: [String: Int] = [:]

  /// True when the definition has `new-files` inputs and none has a new file: nothing to do.
  var nothingNew: Bool { hasNewFilesInputs && new.values.reduce(0, +) == 0 }

  init(_ definition: PipelineDefinition, ledger: RunLedger) throws(RunError) {
    self.definition = definition
    hasNewFilesInputs = definition.inputs.contains { $0.mode == .newFiles }
    for index in definition.inputs.indices where definition.inputs[index].mode == .newFiles {
      let input = definition.inputs[index]
      let admitted = try ledger.admitted(definition: definition.name, input: input.name)
      let hashes = Set(admitted.map(\.sha256))
      var fresh: [String] = []
      for path in input.files {
        if Self.matchesWithoutReading(path, admitted) { continue }
        guard let sha256 = SHA256Text.hex(ofFile: path) else {
          throw RunError("cannot read input file \(path) of input '\(input.name)'")
        }
        if !hashes.contains(sha256) { fresh.append(path) }
      }
      known[input.name] = input.files.count - fresh.count
      new[input.name] = fresh.count
      self.definition.inputs[index].files = fresh
    }
  }

  /// Same path, size and modification time (to the millisecond the ledger keeps) as a file
  /// already processed.
  private static func matchesWithoutReading(_ path: String, _ admitted: [AdmittedFile]) -> Bool {
    var info = stat()
    guard stat(path, &info) == 0 else { return false }
    let modified = Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
    return admitted.contains { file in
      file.path == path && file.bytes == Int(info.st_size)
        && file.modified.map { abs($0.timeIntervalSince1970 - modified) < 0.001 } == true
    }
  }

  /// The files of `new-files` inputs a successful run read, to remember as processed.
  static func admissions(_ record: RunRecord, definition: PipelineDefinition) -> [(
    input: String, file: InputFile
  )] {
    let modes = Dictionary(uniqueKeysWithValues: definition.inputs.map { ($0.name, $0.mode) })
    return record.inputs.filter { modes[$0.name] == .newFiles }.flatMap { input in
      input.files.map { (input: input.name, file: $0) }
    }
  }
}
