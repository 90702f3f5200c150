import Foundation
import Logging
import SafeguardCore
import SafeguardRunner
import Synchronization
import Testing

extension PostgresServerTests {
  /// Connection settings and values never reach a message, a log line or the run summary.
  @Suite struct Privacy {
    /// Everything a run logged, at every level.
    final class Lines: Sendable {
      let all = Mutex<[String]>([])
      var text: String { all.withLock { $0.joined(separator: "\n") } }

      var logger: Logger {
        var logger = Logger(label: "safeguard.test") { _ in Handler(lines: self) }
        logger.logLevel = .trace
        return logger
      }

      struct Handler: LogHandler {
        let lines: Lines
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
          get { metadata[key] }
          set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
          lines.all.withLock { $0.append("\(event.level) \(event.message) \(event.metadata ?? [:])") }
        }
      }
    }

    /// Runs the cases as `loader` over TCP with `password`, logging into `lines`.
    static func run(_ fixture: SinkFixture, password: String, port: Int? = nil, lines: Lines) async throws
      -> RunOutcome
    {
      var environment = fixture.environment
      environment["SG_PG_HOST"] = "127.0.0.1"
      environment["SG_PG_PORT"] = "\(port ?? fixture.server.port)"
      environment["SG_PG_USER"] = TestServer.loader.user
      environment["SG_PG_PASSWORD"] = password
      let yaml = RunIsolation.definition().replacingOccurrences(
        of: "        user: ${env:SG_PG_USER}\n",
        with: "        user: ${env:SG_PG_USER}\n        password: ${env:SG_PG_PASSWORD}\n")
      let pipeline = try Pipeline(definition: fixture.load(yaml, environment: environment))
      var options = RunOptions(outputDirectory: fixture.folder + "/out-\(UUID().uuidString)", batchSize: 3)
      options.logger = lines.logger
      // A failed run's summary is kept outside its (unpublished) output folder.
      options.keepUnsuccessful = fixture.folder + "/kept"
      let runner = PipelineRunner(pipeline: pipeline, options: options)
      return await Task { await runner.run() }.value
    }

    /// What a run left anywhere a person could read it.
    static func everythingWritten(_ outcome: RunOutcome, _ lines: Lines) throws -> String {
      let summary = try String(contentsOfFile: outcome.summaryPath!, encoding: .utf8)
      return [outcome.record.failure ?? "", lines.text, summary].joined(separator: "\n")
    }

    @Test func thePasswordNeverAppearsWhetherItIsRightOrWrong() async throws {
      let fixture = try SinkFixture()
      try fixture.write("cases.csv", RunIsolation.cases)
      let wrong = "Wrong-pw-\(UUID().uuidString)"
      let lines = Lines()
      let refused = try await Self.run(fixture, password: wrong, lines: lines)
      #expect(
        refused.record.failure
          == "stage 'load': PostgreSQL: connecting failed: SQLSTATE 28P01 (invalid_password); "
          + "check the user and password settings")
      let accepted = try await Self.run(fixture, password: TestServer.loader.password, lines: lines)
      #expect(accepted.succeeded, "\(accepted.record.failure ?? "")")
      #expect(try fixture.sql("SELECT count(*) FROM cases") == "7")
      for outcome in [refused, accepted] {
        let written = try Self.everythingWritten(outcome, lines)
        for secret in [
          wrong, TestServer.loader.password, TestServer.loader.user, "127.0.0.1", fixture.database,
        ] {
          #expect(!written.contains(secret), "'\(secret)' was written")
        }
      }
    }

    @Test func aServerThatIsNotThereIsReportedWithoutItsAddress() async throws {
      let fixture = try SinkFixture()
      try fixture.write("cases.csv", RunIsolation.cases)
      let lines = Lines()
      let port = 1  // nothing listens on port 1
      let outcome = try await Self.run(
        fixture, password: TestServer.loader.password, port: port, lines: lines)
      #expect(
        outcome.record.failure
          == "stage 'load': PostgreSQL: connecting failed: cannot connect (Connection refused); check host and port"
      )
      #expect(!(try Self.everythingWritten(outcome, lines)).contains("127.0.0.1"))
    }

    /// PostgreSQL's own message for a rejected row quotes the row ("Failing row contains …").
    @Test func aRowTheServerRejectsIsReportedWithoutItsValues() async throws {
      let fixture = try SinkFixture()
      try fixture.sql(
        """
        CREATE TABLE cases (run_id text NOT NULL, row_number bigint NOT NULL, ref text,
          name text CONSTRAINT no_rockets CHECK (name NOT LIKE '%🚀%'), count bigint, score double precision,
          seen date, flag boolean, kind text, PRIMARY KEY (run_id, row_number));
        ALTER TABLE cases OWNER TO \(TestServer.loader.user);
        """)
      try fixture.write("cases.csv", RunIsolation.cases)
      let lines = Lines()
      let outcome = try await Self.run(fixture, password: TestServer.loader.password, lines: lines)
      #expect(
        outcome.record.failure
          == "stage 'load': PostgreSQL: loading rows into table cases failed: SQLSTATE 23514 (check_violation) "
          + "at table cases, constraint no_rockets")
      let written = try Self.everythingWritten(outcome, lines)
      for value in ["Zoë", "Łukasz", "🚀", "r5", "1234567", "She said"] {
        #expect(!written.contains(value), "'\(value)' was written")
      }
      #expect(try fixture.sql("SELECT count(*) FROM cases") == "0")
    }
  }
}
