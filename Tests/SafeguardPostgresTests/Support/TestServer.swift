import Foundation
import Synchronization

/// A real PostgreSQL server for the tests, from Debian's `postgresql` package: a cluster made
/// by `initdb` in a temporary folder, listening on a free loopback port and on a socket in
/// that folder, stopped and removed at the end.
///
/// PostgreSQL refuses to run as root, and CI runs as root: then `initdb` and `pg_ctl` run as
/// the `postgres` user the package creates (or `nobody`) through `runuser`, and the folder is
/// theirs. The test user `safeguard_test` connects without a password (trust) over the socket
/// and from 127.0.0.1; `loader` needs its password (SCRAM) from 127.0.0.1. TLS is on with a
/// self-signed certificate for `localhost` (`certificate`), and optional, as on most servers.
final class TestServer: Sendable {
  let folder: String
  let port: Int
  let bin: String
  let certificate: String
  static let user = "safeguard_test"
  static let loader = (user: "loader", password: "s3cret-Loader-pw!")
  private let owner: String?
  private let databases = Counter()

  /// Starts a server; throws with the server's log when it cannot.
  static func start() throws -> TestServer {
    guard let bin = binaries() else {
      throw ServerError("no PostgreSQL server found under /usr/lib/postgresql; run scripts/install-deps.sh")
    }
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sg-pg-\(UUID().uuidString)")
      .path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let owner: String? = getuid() == 0 ? (getpwnam("postgres") != nil ? "postgres" : "nobody") : nil
    let server = TestServer(folder: folder, port: try freePort(), bin: bin, owner: owner)
    try server.makeCluster()
    return server
  }

  private init(folder: String, port: Int, bin: String, owner: String?) {
    self.folder = folder
    self.port = port
    self.bin = bin
    self.owner = owner
    self.certificate = folder + "/server.crt"
  }

  private func makeCluster() throws {
    let data = folder + "/data"
    try Shell.run(
      "/usr/bin/openssl",
      [
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
        "-addext", "subjectAltName=DNS:localhost", "-keyout", folder + "/server.key", "-out", certificate,
      ])
    chmod(folder + "/server.key", 0o600)
    if let owner {
      // The cluster's files must belong to the user the server runs as.
      try Shell.run("/bin/chown", ["-R", owner, folder])
    }
    try asOwner(
      bin + "/initdb", ["-D", data, "-U", Self.user, "-E", "UTF8", "--no-locale", "--no-sync", "-A", "trust"])
    let hba = """
      local all all trust
      host all \(Self.user) 127.0.0.1/32 trust
      host all all 127.0.0.1/32 scram-sha-256

      """
    try hba.write(toFile: data + "/pg_hba.conf", atomically: false, encoding: .utf8)
    // pg_ctl leaves the server running: it must not keep the descriptor through which
    // Foundation learns that pg_ctl has exited.
    try asOwner(
      bin + "/pg_ctl", detached: true,
      [
        "-D", data, "-l", folder + "/server.log", "-w", "-t", "60", "-o",
        "-p \(port) -k \(folder) -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
          + "-c full_page_writes=off -c log_connections=on -c ssl=on -c ssl_cert_file=\(certificate) "
          + "-c ssl_key_file=\(folder)/server.key", "start",
      ])
    try psql(
      "postgres",
      "CREATE ROLE \(Self.loader.user) LOGIN PASSWORD '\(Self.loader.password)' CREATEDB")
  }

  /// Stops the server at once and removes its folder.
  func stop() {
    _ = try? asOwner(bin + "/pg_ctl", ["-D", folder + "/data", "-m", "immediate", "-w", "stop"])
    try? FileManager.default.removeItem(atPath: folder)
  }

  /// Whether the server logged the sink's connections to `database` as encrypted: nil when
  /// there were none, true when every one was.
  func connectionsWereEncrypted(database: String) throws -> Bool? {
    let log = try String(contentsOfFile: folder + "/server.log", encoding: .utf8)
    let authorized = log.split(separator: "\n").filter {
      $0.contains("connection authorized:") && $0.contains("database=\(database) ")
        && $0.contains("application_name=safeguard export-postgres")
    }
    guard !authorized.isEmpty else { return nil }
    return authorized.allSatisfy { $0.contains("SSL enabled") }
  }

  /// A new empty database, owned by `loader` so that both users may fill it.
  func createDatabase() throws -> String {
    let name = "t\(databases.next())"
    try psql("postgres", "CREATE DATABASE \(name) OWNER \(Self.loader.user)")
    return name
  }

  /// Runs SQL with psql as the test user over the socket; returns what it printed, unaligned.
  @discardableResult
  func psql(_ database: String, _ sql: String) throws -> String {
    try Shell.run(
      bin + "/psql",
      [
        "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", folder, "-p", "\(port)", "-U", Self.user, "-d", database,
        "-At", "-c", sql,
      ])
  }

  /// A query's rows as PostgreSQL's own CSV (`COPY … TO STDOUT`), with the header.
  func csv(_ database: String, _ query: String) throws -> String {
    try Shell.run(
      bin + "/psql",
      [
        "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", folder, "-p", "\(port)", "-U", Self.user, "-d", database,
        "-c",
        "COPY (\(query)) TO STDOUT WITH (FORMAT csv, HEADER)",
      ])
  }

  /// Runs a command as the cluster's owner. With `detached`, it starts with no descriptor
  /// open but the standard three: Foundation's `Process` learns that a child exited when a
  /// socket it shares with the child closes, which a server left running would hold forever.
  private func asOwner(_ command: String, detached: Bool = false, _ arguments: [String]) throws {
    var line = (owner.map { ["/usr/sbin/runuser", "-u", $0, "--"] } ?? []) + [command] + arguments
    if detached {
      let closeAll =
        #"for fd in /proc/self/fd/*; do n=${fd##*/}; [ "$n" -gt 2 ] && eval "exec $n>&-"; done 2>/dev/null; exec "$@""#
      line = ["/bin/bash", "-c", closeAll, "bash"] + line
    }
    try Shell.run(line[0], Array(line.dropFirst()))
  }

  /// The newest installed server's programs.
  private static func binaries() -> String? {
    let root = "/usr/lib/postgresql"
    let versions = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
    return versions.compactMap(Int.init).sorted().reversed().map { "\(root)/\($0)/bin" }.first {
      FileManager.default.isExecutableFile(atPath: $0 + "/initdb")
    }
  }

  /// A loopback port nothing listens on now.
  private static func freePort() throws -> Int {
    let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard socket >= 0 else { throw ServerError("cannot open a socket") }
    defer { close(socket) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0
      }
    }
    guard bound else { throw ServerError("cannot find a free port") }
    return Int(UInt16(bigEndian: address.sin_port))
  }
}

struct ServerError: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}

/// Numbers from 1, for names that must differ within one server.
final class Counter: Sendable {
  private let value = Mutex(0)
  func next() -> Int {
    value.withLock {
      $0 += 1
      return $0
    }
  }
}

/// Runs programs for the tests.
enum Shell {
  struct Output {
    var status: Int32
    var stdout: String
    var stderr: String
  }

  /// Runs a program to its end and returns what it printed on both streams.
  static func output(
    _ command: String, _ arguments: [String], environment: [String: String]? = nil, directory: String? = nil
  ) throws -> Output {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: command)
    process.arguments = arguments
    if let environment { process.environment = environment }
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    // Both pipes read at once, so that a chatty program cannot fill one and block.
    let error = Mutex(Data())
    let reading = DispatchGroup()
    DispatchQueue.global().async(group: reading) {
      let data = err.fileHandleForReading.readDataToEndOfFile()
      error.withLock { $0 = data }
    }
    let output = out.fileHandleForReading.readDataToEndOfFile()
    reading.wait()
    process.waitUntilExit()
    return Output(
      status: process.terminationStatus, stdout: String(decoding: output, as: UTF8.self),
      stderr: String(decoding: error.withLock { $0 }, as: UTF8.self))
  }

  /// Runs a program and returns its standard output; a non-zero exit throws with its errors.
  @discardableResult
  static func run(
    _ command: String, _ arguments: [String], environment: [String: String]? = nil, directory: String? = nil
  ) throws -> String {
    let result = try output(command, arguments, environment: environment, directory: directory)
    guard result.status == 0 else {
      throw ServerError(
        "\((command as NSString).lastPathComponent) exited \(result.status): \(result.stderr)")
    }
    return result.stdout
  }
}
