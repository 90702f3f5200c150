import Foundation
import Testing

extension PostgresServerTests {
  /// The test server offers TLS with a self-signed certificate for `localhost`.
  @Suite struct TLS {
    static func run(_ fixture: SinkFixture, host: String, tls: [String]) async throws -> (Bool, String) {
      var environment = fixture.environment
      environment["SG_PG_HOST"] = host
      let yaml = RunIsolation.definition().replacingOccurrences(
        of: "        user: ${env:SG_PG_USER}\n",
        with: "        user: ${env:SG_PG_USER}\n" + tls.map { "        \($0)\n" }.joined())
      let outcome = try await fixture.run(yaml, environment: environment)
      return (outcome.succeeded, outcome.record.failure ?? "")
    }

    @Test func verifyFullAcceptsTheServerWhoseCertificateTheCAFileVouchesFor() async throws {
      let fixture = try SinkFixture()
      try fixture.write("cases.csv", RunIsolation.cases)
      let (succeeded, failure) = try await Self.run(
        fixture, host: "localhost", tls: ["tls: verify-full", "ca_file: \(fixture.server.certificate)"])
      #expect(succeeded, "\(failure)")
      #expect(try fixture.sql("SELECT count(*) FROM cases") == "7")
      #expect(try fixture.server.connectionsWereEncrypted(database: fixture.database) == true)
    }

    @Test func verifyFullRefusesACertificateNobodyVouchesFor() async throws {
      let fixture = try SinkFixture()
      try fixture.write("cases.csv", RunIsolation.cases)
      let (succeeded, failure) = try await Self.run(fixture, host: "localhost", tls: ["tls: verify-full"])
      #expect(!succeeded)
      #expect(
        failure
          == "stage 'load': PostgreSQL: connecting failed: TLS: handshake failed (CERTIFICATE_VERIFY_FAILED); "
          + "check 'tls' and 'ca_file'")
    }

    @Test func requireEncryptsWithoutCheckingTheCertificate() async throws {
      let fixture = try SinkFixture()
      try fixture.write("cases.csv", RunIsolation.cases)
      let (succeeded, failure) = try await Self.run(fixture, host: "127.0.0.1", tls: ["tls: require"])
      #expect(succeeded, "\(failure)")
      #expect(try fixture.sql("SELECT count(*) FROM cases") == "7")
      #expect(try fixture.server.connectionsWereEncrypted(database: fixture.database) == true)
    }

    /// The other tests' plain connections are seen as such, so the check above can fail.
    @Test func withoutTLSTheServerSeesAPlainConnection() async throws {
      let fixture = try SinkFixture()
      try fixture.write("cases.csv", RunIsolation.cases)
      let (succeeded, failure) = try await Self.run(fixture, host: "127.0.0.1", tls: [])
      #expect(succeeded, "\(failure)")
      #expect(try fixture.server.connectionsWereEncrypted(database: fixture.database) == false)
    }
  }
}
