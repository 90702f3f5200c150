import PostgresNIO
import SafeguardCore

/// Turns what PostgresNIO throws into a message that is safe to show and log.
///
/// A server's error message and detail may quote the data (`Failing row contains (…)`,
/// `invalid input syntax for type date: "…"`), and a connection error may name the host and
/// port. So a message is built only from: what the sink was doing, the SQLSTATE code and its
/// condition name, the table, column and constraint the server names (schema objects, never
/// values), and for failures below SQL, the kind of failure. PostgresNIO's own description of a
/// `PSQLError` is deliberately generic for the same reason.
enum PostgresFailure {
  /// A run error for `error`, raised while `doing` something ("loading rows into table x").
  static func runError(_ error: any Error, stage: String, doing: String) -> RunError {
    RunError("stage '\(stage)': PostgreSQL: \(doing) failed: \(reason(error))")
  }

  static func reason(_ error: any Error) -> String {
    if let error = error as? RunError { return error.message }
    if error is CancellationError { return "the run was cancelled" }
    if let error = error as? NIOSSLError { return "TLS: \(tls(error))" }
    guard let error = error as? PSQLError else { return "\(type(of: error))" }
    switch error.code {
    case .server:
      return server(error.serverInfo)
    case .connectionError:
      if let failure = error.underlying as? NIOSSLError { return "TLS: \(tls(failure))" }
      return "cannot connect (\(error.underlying.map(connection) ?? "no reason given")); check host and port"
    case .sslUnsupported:
      return "the server does not offer TLS; set 'tls: disable' or enable TLS on the server"
    case .failedToAddSSLHandler:
      return "TLS could not be set up"
    case .authMechanismRequiresPassword:
      return "the server asks for a password and none is set ('password: ${env:NAME}')"
    case .unsupportedAuthMechanism:
      return "the server asks for an authentication method PostgresNIO does not support"
    case .serverClosedConnection, .clientClosedConnection, .uncleanShutdown:
      return "the connection closed (\(error.underlying.map(connection) ?? "by the server"))"
    case .queryCancelled:
      return "the statement was cancelled"
    default:
      return error.code.description
    }
  }

  /// SQLSTATE, its condition, and the schema objects the server names.
  private static func server(_ info: PSQLError.ServerInfo?) -> String {
    guard let info, let state = info[.sqlState] else { return "the server reported an error" }
    var text = "SQLSTATE \(state)"
    if let name = conditions[state] ?? classes[String(state.prefix(2))] { text += " (\(name))" }
    let objects = [
      ("table", info[.tableName]), ("column", info[.columnName]), ("constraint", info[.constraintName]),
    ]
    .compactMap { kind, name in name.map { "\(kind) \($0)" } }
    if !objects.isEmpty { text += " at " + objects.joined(separator: ", ") }
    if let advice = advice[state] { text += "; \(advice)" }
    return text
  }

  /// The kind of a connection failure, without the address it was trying.
  private static func connection(_ error: any Error) -> String {
    if let error = error as? IOError { return String(cString: strerror(error.errnoCode)) }
    if let error = error as? NIOConnectionError {
      return error.connectionErrors.first.map { connection($0.error) } ?? "no address could be resolved"
    }
    if let error = error as? ChannelError, case .connectTimeout = error { return "timed out" }
    if let error = error as? NIOSSLError { return "TLS: \(tls(error))" }
    return "\(type(of: error))"
  }

  /// A TLS failure, by BoringSSL's reason codes (`CERTIFICATE_VERIFY_FAILED`), which name no
  /// connection setting.
  private static func tls(_ error: NIOSSLError) -> String {
    switch error {
    case .handshakeFailed(let failure):
      let described = "\(failure)"
      var reasons: [String] = []
      var rest = described[...]
      while let marker = rest.range(of: "OPENSSL_internal:") {
        let reason = rest[marker.upperBound...].prefix { $0.isUppercase || $0.isNumber || $0 == "_" }
        if !reason.isEmpty && !reasons.contains(String(reason)) { reasons.append(String(reason)) }
        rest = rest[marker.upperBound...]
      }
      return "handshake failed (\(reasons.isEmpty ? "no reason given" : reasons.joined(separator: ", "))); "
        + "check 'tls' and 'ca_file'"
    case .unableToValidateCertificate:
      return "the server's certificate could not be validated; check 'ca_file'"
    default:
      return "\(error)"
    }
  }

  private static let advice: [String: String] = [
    "28P01": "check the user and password settings",
    "28000": "the server's pg_hba.conf does not let this user in from here",
    "3D000": "check the database setting",
    "42501": "grant the user CREATE on the schema, or create the tables as their owner",
  ]

  /// Conditions (Appendix A of the PostgreSQL manual) that the sink can meet.
  private static let conditions: [String: String] = [
    "08001": "sqlclient_unable_to_establish_sqlconnection", "08006": "connection_failure",
    "22021": "character_not_in_repertoire", "22P02": "invalid_text_representation",
    "22003": "numeric_value_out_of_range", "22007": "invalid_datetime_format",
    "22008": "datetime_field_overflow",
    "23502": "not_null_violation", "23505": "unique_violation", "23514": "check_violation",
    "23503": "foreign_key_violation", "25P02": "in_failed_sql_transaction",
    "28000": "invalid_authorization_specification",
    "28P01": "invalid_password", "3D000": "invalid_catalog_name", "3F000": "invalid_schema_name",
    "40001": "serialization_failure", "40P01": "deadlock_detected", "42501": "insufficient_privilege",
    "42P01": "undefined_table", "42703": "undefined_column", "42804": "datatype_mismatch",
    "53100": "disk_full", "53200": "out_of_memory", "53300": "too_many_connections",
    "55P03": "lock_not_available",
    "57014": "query_canceled", "57P01": "admin_shutdown", "57P03": "cannot_connect_now",
  ]

  private static let classes: [String: String] = [
    "08": "connection exception", "22": "data exception", "23": "integrity constraint violation",
    "25": "invalid transaction state", "28": "invalid authorization specification",
    "40": "transaction rollback",
    "42": "syntax error or access rule violation", "53": "insufficient resources",
    "54": "program limit exceeded",
    "55": "object not in prerequisite state", "57": "operator intervention", "58": "system error",
    "XX": "internal error",
  ]
}
