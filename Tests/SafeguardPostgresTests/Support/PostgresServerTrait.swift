import Testing

extension TestServer {
  /// The server of the suite being run (see `PostgresServerTrait`).
  @TaskLocal static var current: TestServer?
}

/// Starts one PostgreSQL server for a suite and its nested suites, and stops it when their
/// tests are done, whether they passed or not. A server that cannot start fails the tests with
/// its reason: they are never skipped.
struct PostgresServerTrait: SuiteTrait, TestScoping {
  let isRecursive = false

  func provideScope(
    for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
  ) async throws {
    let server = try TestServer.start()
    defer { server.stop() }
    try await TestServer.$current.withValue(server) { try await function() }
  }
}

extension Trait where Self == PostgresServerTrait {
  static var postgresServer: Self { Self() }
}

/// Every scenario against the real server, in nested suites that share it. Each test makes a
/// database of its own, so they may run at once.
@Suite(.postgresServer) struct PostgresServerTests {}
