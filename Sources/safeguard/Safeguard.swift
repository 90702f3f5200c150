import ArgumentParser

/// The `safeguard` command: runs pipeline definitions over a local authority's extracts.
struct Safeguard: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "safeguard",
    abstract: "Turn agency extracts into an area-level picture of where children are most at risk.",
    discussion: """
      Exit status: 0 success; 1 the run failed; 2 the definition or the command line is invalid.
      See docs/cli.md.
      """,
    subcommands: [
      Run.self, Runs.self, Schedule.self, Backfill.self, Validate.self, Synth.self, Hotspot.self, Audit.self, Key.self,
      Plugin.self, Bench.self,
    ]
  )
}
