import CLuaHost

/// Why a state was stopped for good. After a trip the state refuses every call: the plugin was
/// cut off mid-work and its tables may be half-changed, so the caller closes it and builds a
/// new one (``LuaPlugin/rebuild()``).
public enum LuaTrip: Sendable, Hashable {
  /// A call ran its whole instruction budget.
  case instructionBudget
  /// A pattern function's estimated work was more than the budget left.
  case patternTooComplex
  /// A call ran past its wall-clock time.
  case timeLimit
  /// `string.rep` would have made a string larger than the memory left.
  case stringRepTooLarge
  /// An allocation failed even after an emergency collection.
  case memory

  public var kind: PluginError.Kind {
    switch self {
    case .instructionBudget, .patternTooComplex, .timeLimit: .instructionLimit
    case .stringRepTooLarge, .memory: .memoryLimit
    }
  }

  init?(trip: Int32, reason: Int32) {
    switch (trip, reason) {
    case (SG_TRIP_NONE, _): return nil
    case (SG_TRIP_INSTRUCTIONS, SG_REASON_PATTERN): self = .patternTooComplex
    case (SG_TRIP_INSTRUCTIONS, SG_REASON_DEADLINE): self = .timeLimit
    case (SG_TRIP_INSTRUCTIONS, _): self = .instructionBudget
    case (_, SG_REASON_REP): self = .stringRepTooLarge
    default: self = .memory
    }
  }

  func explanation(_ limits: PluginLimits) -> String {
    switch self {
    case .instructionBudget:
      "ran more than \(limits.instructions) instructions in one call (the instruction limit)"
    case .timeLimit:
      "ran longer than \(limits.callSeconds.formatted()) seconds in one call (the time limit)"
    case .patternTooComplex:
      "a pattern is too complex for its subject: its estimated work is more than the instruction limit left"
    case .stringRepTooLarge:
      "string.rep would make a string larger than the memory left (limit \(limits.memoryBytes) bytes)"
    case .memory:
      "used more than \(limits.memoryBytes) bytes (the memory limit)"
    }
  }
}
