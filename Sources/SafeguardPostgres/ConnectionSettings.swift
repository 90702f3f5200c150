import PostgresNIO
import SafeguardCore

/// Where and as whom `export-postgres` connects: the stage's `connection:` option, whose values
/// normally come from the environment (`${env:NAME}`).
///
///     connection:
///       host: ${env:SAFEGUARD_PG_HOST}        # a name, an address, or a folder holding the socket
///       port: ${env:SAFEGUARD_PG_PORT}        # default 5432
///       database: ${env:SAFEGUARD_PG_DATABASE}
///       user: ${env:SAFEGUARD_PG_USER}
///       password: ${env:SAFEGUARD_PG_PASSWORD}   # optional; only from the environment
///       tls: verify-full                      # disable (default), require or verify-full
///       ca_file: /etc/ssl/certs/council-ca.pem
///
/// The settings never appear in a message, a log line or the run summary: `description` hides
/// them, and problems name the option, never its value.
struct ConnectionSettings: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
  enum Endpoint: Sendable {
    case tcp(host: String, port: Int)
    /// libpq's convention: a host starting with `/` is the folder of the server's socket.
    case socket(path: String)
  }

  /// libpq's `sslmode` values that PostgresNIO can honour.
  enum TLSMode: String, Sendable, CaseIterable {
    /// No TLS.
    case disable
    /// TLS required, the server's certificate not checked (libpq's `require`).
    case require
    /// TLS required, the certificate checked against `ca_file` (or the system's roots) and
    /// the host name (libpq's `verify-full`).
    case verifyFull = "verify-full"
  }

  var endpoint: Endpoint
  var database: String
  var user: String
  var password: String?
  var tls: TLSMode
  var caFile: String?

  var description: String { "PostgreSQL connection settings (not shown)" }
  var debugDescription: String { description }

  /// Reads `connection:`; records problems (naming options, never values) and returns nil on any.
  init?(_ node: ConfigNode?, stage: String, at location: SourceLocation, diagnostics: inout Diagnostics) {
    guard let node else {
      diagnostics.error(
        "stage '\(stage)' needs 'connection' with host, database and user (see docs/postgres.md)",
        at: location)
      return nil
    }
    var reader = ConfigReader(node, context: "the connection of stage '\(stage)'")
    let host = reader.string("host", required: true)
    let portNode = reader.node("port")
    let database = reader.string("database", required: true)
    let user = reader.string("user", required: true)
    let passwordNode = reader.node("password")
    let tlsText = reader.string("tls") ?? TLSMode.disable.rawValue
    let caFile = reader.string("ca_file")
    var problems = Diagnostics()
    var port = 5432
    if let portNode {
      // Read from the text: a value from the environment is text, never a YAML number.
      if let text = portNode.text, let value = Int(text), (1...65535).contains(value) {
        port = value
      } else {
        problems.error(
          "'port' in the connection of stage '\(stage)' must be a whole number between 1 and 65535",
          at: portNode.location)
      }
    }
    if let passwordNode, !passwordNode.isFromEnvironment {
      problems.error(
        "stage '\(stage)': a password must not be written in a definition; use 'password: ${env:NAME}'",
        at: passwordNode.location)
    }
    let tls = TLSMode(rawValue: tlsText)
    if tls == nil {
      let choices = TLSMode.allCases.map(\.rawValue).joined(separator: ", ")
      problems.error(
        "'tls' in the connection of stage '\(stage)' must be one of \(choices)", at: node["tls"]?.location)
    }
    if caFile != nil && tls != .verifyFull {
      problems.error(
        "'ca_file' in the connection of stage '\(stage)' is only used with 'tls: verify-full'",
        at: node["ca_file"]?.location)
    }
    for (key, value) in [("host", host), ("database", database), ("user", user)] where value?.isEmpty == true
    {
      problems.error("'\(key)' in the connection of stage '\(stage)' is empty", at: node[key]?.location)
    }
    reader.finish(into: &problems)
    diagnostics.append(contentsOf: problems)
    guard problems.isEmpty, let host, let database, let user, let tls else { return nil }
    endpoint = host.hasPrefix("/") ? .socket(path: host + "/.s.PGSQL.\(port)") : .tcp(host: host, port: port)
    self.database = database
    self.user = user
    self.password = passwordNode?.text
    self.tls = tls
    self.caFile = caFile
    if case .socket = endpoint, tls != .disable {
      diagnostics.error(
        "'tls' in the connection of stage '\(stage)' applies to a host name or address, not a socket folder",
        at: node["tls"]?.location)
      return nil
    }
  }

  /// PostgresNIO's configuration: UTF-8 and ISO dates whatever the server's defaults, and the
  /// run's application name for `pg_stat_activity`.
  func configuration() throws -> PostgresConnection.Configuration {
    var configuration: PostgresConnection.Configuration
    switch endpoint {
    case .socket(let path):
      configuration = .init(unixSocketPath: path, username: user, password: password, database: database)
    case .tcp(let host, let port):
      configuration = .init(
        host: host, port: port, username: user, password: password, database: database, tls: try tlsSetting())
    }
    configuration.options.additionalStartupParameters = [
      ("client_encoding", "UTF8"), ("DateStyle", "ISO, YMD"),
      ("application_name", "safeguard export-postgres"),
    ]
    return configuration
  }

  private func tlsSetting() throws -> PostgresConnection.Configuration.TLS {
    var client = TLSConfiguration.makeClientConfiguration()
    switch tls {
    case .disable:
      return .disable
    case .require:
      client.certificateVerification = .none
    case .verifyFull:
      client.certificateVerification = .fullVerification
      if let caFile { client.trustRoots = .file(caFile) }
    }
    return .require(try NIOSSLContext(configuration: client))
  }
}
