import Foundation
import Testing

/// The overlay on a dirty authority, whose registers carry stray quotes in names and addresses
/// (`O"Neill`, `22" Mill Lane`): every child whose row has one is read and counted, so the
/// area table equals an independent re-computation that reads quotes as Python's csv module
/// does (scripts/check_overlay.py).
@Suite struct DirtyOverlayTests {
  @Test func rowsWithStrayQuotesAreReadAndTheAreaTableMatchesAnIndependentCount() throws {
    let folder = try CLI.temporaryFolder()
    let data = folder + "/authority"
    let synth = try CLI.run(["synth", "--out", data, "--children", "4000", "--seed", "11", "--dirty", "0.03"])
    try #require(synth.status == 0, "\(synth.stderr)")
    let faults = try DemoRunTests.readCSV(data + "/truth/faults.csv").dropFirst()
    let strayInRegister = faults.filter { $0[0] == "extracts/people.csv" && $0[3] == "stray_quote" }
    try #require(strayInRegister.count >= 10, "the authority has register rows with stray quotes")
    try #require(try CLI.run(["key", "generate", "--out", folder + "/key"]).status == 0)
    let run = try CLI.run([
      "run", "pipelines/neglect-overlay.yaml", "--set", "data=\(data)", "--set", "key_file=\(folder)/key",
      "--set", "disclosure=off",
      "--out", folder + "/out",
    ])
    #expect(run.status == 0, "\(run.stderr)")
    // No register row with a stray quote is quarantined.
    let quarantine = (try? DemoRunTests.readCSV(folder + "/out/quarantine/people.csv")) ?? []
    let quarantined = Set(quarantine.dropFirst().map { $0[2] })
    #expect(strayInRegister.allSatisfy { !quarantined.contains($0[1]) })

    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [
      "python3", CLI.root + "/scripts/check_overlay.py", data, "--compare",
      folder + "/out/overlay/overlay_areas.csv",
    ]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let printed = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "\(printed)")
    #expect(printed.contains("all match"), "\(printed)")
  }
}
