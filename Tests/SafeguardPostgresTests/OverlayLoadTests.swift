import Foundation
import Testing

extension PostgresServerTests {
  /// The neglect overlay of a synthetic authority, run with `safeguard run` as a user would,
  /// with the connection in the environment: the child, area and hotspot tables in the database
  /// equal the CSV export of the same run, row for row.
  @Suite struct OverlayLoad {
    static let root: String = {
      var url = URL(fileURLWithPath: #filePath)
      for _ in 0..<3 { url.deleteLastPathComponent() }
      return url.path
    }()

    /// The `safeguard` binary built beside these tests.
    static var binary: String {
      let tests = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
        .map { URL(fileURLWithPath: $0).deletingLastPathComponent().appendingPathComponent("safeguard").path }
      if let tests, FileManager.default.isExecutableFile(atPath: tests) { return tests }
      return root + "/.build/debug/safeguard"
    }

    /// Runs `safeguard` from the package root; returns everything it printed, and throws if it failed.
    @discardableResult
    static func safeguard(_ arguments: [String], environment: [String: String] = [:]) throws -> String {
      let result = try Shell.output(
        binary, arguments,
        environment: ProcessInfo.processInfo.environment.merging(environment) { _, new in new },
        directory: root)
      guard result.status == 0 else {
        throw ServerError("safeguard \(arguments[0]) exited \(result.status): \(result.stderr)")
      }
      return result.stdout + result.stderr
    }

    @Test func theOverlayTablesInTheDatabaseEqualTheCSVExport() async throws {
      let fixture = try SinkFixture()
      let data = fixture.folder + "/authority"
      try Self.safeguard(["synth", "--out", data, "--children", "2000", "--seed", "1"])
      try Self.safeguard(["key", "generate", "--out", fixture.folder + "/key"])
      // pipelines/neglect-overlay.yaml with the sink after its CSV export, into schema `overlay`,
      // as `loader` with its password over TCP.
      let streams = ["overlay_children", "overlay_areas", "hotspots"]
      let sink = SinkFixture.sinkStage(streams: streams, extra: ["schema: overlay"])
        .replacingOccurrences(
          of: "        user: ${env:SG_PG_USER}\n",
          with: "        user: ${env:SG_PG_USER}\n        password: ${env:SG_PG_PASSWORD}\n")
      let yaml = try String(contentsOfFile: Self.root + "/pipelines/neglect-overlay.yaml", encoding: .utf8)
        .replacingOccurrences(
          of: "include: synthetic-authority.yaml",
          with: "include: \(Self.root)/pipelines/synthetic-authority.yaml"
        )
        .replacingOccurrences(of: "\noutputs:", with: "\n" + sink + "\noutputs:")
      let definition = fixture.folder + "/overlay-postgres.yaml"
      try yaml.write(toFile: definition, atomically: true, encoding: .utf8)
      let environment = [
        "SG_PG_HOST": "127.0.0.1", "SG_PG_PORT": "\(fixture.server.port)", "SG_PG_DATABASE": fixture.database,
        "SG_PG_USER": TestServer.loader.user, "SG_PG_PASSWORD": TestServer.loader.password,
      ]
      let out = fixture.folder + "/out"
      let printed = try Self.safeguard(
        [
          "run", definition, "--set", "data=\(data)", "--set", "key_file=\(fixture.folder)/key", "--out", out,
        ],
        environment: environment)
      let summaryText = try String(contentsOfFile: out + "/run-summary.json", encoding: .utf8)
      let summary = try JSONSerialization.jsonObject(with: Data(summaryText.utf8)) as! [String: Any]
      let runID = try #require(summary["run_id"] as? String)
      for stream in streams {
        try fixture.expectLoaded(
          table: stream, runID: runID, schema: "overlay", equalTo: out + "/overlay/\(stream).csv",
          released: stream == "overlay_children" ? nil : (marker: "suppressed", symbol: "c"))
      }
      let exportedRows = try streams.sorted().map { stream in
        let text = try String(contentsOfFile: out + "/overlay/\(stream).csv", encoding: .utf8)
        return "\(stream):\(TestCSV.rows(text).count - 1)"
      }
      #expect(
        try fixture.sql(
          "SELECT string_agg(stream || ':' || row_count, ',' ORDER BY stream) FROM overlay.safeguard_run_tables"
        )
          == exportedRows.joined(separator: ","))
      // The key fingerprint ties the database's rows to the key, as in metadata.json.
      #expect(
        try fixture.sql("SELECT key_fingerprint FROM overlay.safeguard_runs") == summary["key_fingerprint"]
          as? String)
      for secret in [TestServer.loader.password, TestServer.loader.user, fixture.database] {
        #expect(!printed.contains(secret) && !summaryText.contains(secret), "'\(secret)' was written")
      }
    }
  }
}
