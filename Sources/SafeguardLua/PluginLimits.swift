/// The resources one plugin state may use. Every hook call gets the full instruction budget
/// again; memory is for the state as a whole.
///
/// A state that exceeds either limit is stopped for good (see ``LuaState/isSpent``) and must be
/// rebuilt, because a plugin stopped in the middle of its work may have left its own tables
/// half-changed.
public struct PluginLimits: Sendable, Hashable {
  /// Lua VM instructions one call may run, counted every 1,000 instructions. Pattern matching
  /// (`string.find`, `match`, `gmatch`, `gsub`) runs in C, where instructions are not counted,
  /// so its estimated work is charged against the same budget before it starts.
  public var instructions: Int
  /// Bytes the state may hold, counted by its allocator. The host's own work handing over
  /// records may go past it; the plugin's next allocation then fails.
  public var memoryBytes: Int
  /// Wall-clock seconds one call may take: the last line of defence for work in C that no
  /// instruction count or charge reaches (comparing two long strings with `==` in a loop).
  public var callSeconds: Double

  public init(instructions: Int = 10_000_000, memoryBytes: Int = 64 << 20, callSeconds: Double = 30) {
    self.instructions = instructions
    self.memoryBytes = memoryBytes
    self.callSeconds = callSeconds
  }

  /// 10 million instructions and 30 seconds a call, and 64 MiB a state.
  public static let standard = PluginLimits()
}
