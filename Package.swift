// swift-tools-version:6.0
import PackageDescription

/// Every target enables `ExistentialAny` so that an `any Stage` reads as the existential it is.
let strict: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]

let package = Package(
  name: "safeguard",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "safeguard", targets: ["safeguard"])
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    // The run ledger: SQLite through GRDB, over the system's libsqlite3 (Debian's libsqlite3-dev).
    .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
    // `safeguard schedule` and `run` as services: SIGTERM and SIGINT become graceful shutdown.
    .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
  ],
  targets: [
    // The system Lua 5.4 library; only SafeguardLua imports it.
    .systemLibrary(
      name: "CLua",
      pkgConfig: "lua5.4",
      providers: [.apt(["liblua5.4-dev"])]
    ),
    // The GNU Linear Programming Kit (GLPK); only SafeguardStages' LinearProgram imports it, for
    // the disclosure audit's interval attack.
    .systemLibrary(name: "CGLPK", providers: [.apt(["libglpk-dev"])]),
    // libxml2's streaming reader (xmlTextReader) for the CIN Census returns; only
    // SafeguardIngest's XMLStreamReader imports it.
    .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
    // HMAC-SHA-256 over the system's OpenSSL libcrypto (SHA extensions where the CPU has
    // them); only SafeguardStages' HMACSHA256 imports it.
    .target(name: "CKeyedHash", linkerSettings: [.linkedLibrary("crypto")]),
    // Swaps two folders in one step (renameat2 with RENAME_EXCHANGE): how a run's staging
    // folder replaces its output folder.
    .target(name: "CFileExchange"),
    // Records, batches, the stage protocol, run context, errors. No I/O formats.
    .target(
      name: "SafeguardCore",
      dependencies: [
        "CFileExchange",
        .product(name: "Logging", package: "swift-log"),
        .product(name: "Crypto", package: "swift-crypto"),
      ],
      swiftSettings: strict
    ),
    // Pipeline definitions: YAML with positions, variables, validation.
    .target(
      name: "SafeguardDefinition",
      dependencies: ["SafeguardCore", "Yams"],
      swiftSettings: strict
    ),
    // Readers that turn CSV, JSON Lines and statutory returns (CIN Census XML) into typed
    // batches, registered by format.
    .target(name: "SafeguardIngest", dependencies: ["SafeguardCore", "CLibXML2"], swiftSettings: strict),
    // Built-in stages, one per file.
    .target(
      name: "SafeguardStages",
      dependencies: [
        "SafeguardCore", "SafeguardSpatial", "CKeyedHash", "CGLPK",
        .product(name: "Crypto", package: "swift-crypto"),
      ],
      swiftSettings: strict
    ),
    // The part of the Lua host that must be C: everything that raises Lua errors (longjmp).
    .target(name: "CLuaHost", dependencies: ["CLua"]),
    // The Lua host: with CLuaHost, the only user of CLua.
    .target(
      name: "SafeguardLua", dependencies: ["CLua", "CLuaHost", "SafeguardCore"], swiftSettings: strict),
    // The PostgreSQL sink (`export-postgres`): the only importer of PostgresNIO, so that SwiftNIO
    // and its TLS stay out of the stages, the Lua host and their tests' builds.
    .target(
      name: "SafeguardPostgres",
      dependencies: [
        "SafeguardCore", .product(name: "PostgresNIO", package: "postgres-nio"),
        .product(name: "Logging", package: "swift-log"),
      ],
      swiftSettings: strict
    ),
    // The synthetic local authority.
    .target(name: "SafeguardSynth", dependencies: ["SafeguardCore"], swiftSettings: strict),
    // Builds a pipeline from a definition and runs it.
    .target(
      name: "SafeguardRunner",
      dependencies: [
        "SafeguardCore", "SafeguardDefinition", "SafeguardIngest", "SafeguardStages", "SafeguardLua",
        "SafeguardPostgres",
      ],
      swiftSettings: strict
    ),
    // Operations: the run ledger, per-definition locks, atomic runs, schedules, logs.
    .target(
      name: "SafeguardOperations",
      dependencies: [
        "SafeguardCore", "SafeguardDefinition", "SafeguardRunner",
        .product(name: "GRDB", package: "GRDB.swift"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
      ],
      swiftSettings: strict
    ),
    // Spatial weights (GAL, contiguity from GeoJSON, k nearest neighbours) and the hotspot
    // statistics over them: rates and intervals, Moran's I, local Moran, Getis-Ord Gi*.
    .target(name: "SafeguardSpatial", dependencies: ["SafeguardCore"], swiftSettings: strict),
    // Benchmarks behind `safeguard bench`: real stages on generated records, with a reference
    // measured in the same run.
    .target(
      name: "SafeguardBenchmarks",
      dependencies: [
        "SafeguardCore", "SafeguardStages", "SafeguardDefinition", "SafeguardTesting", "SafeguardLua",
        "SafeguardIngest", "SafeguardRunner", "SafeguardSynth", "SafeguardSpatial",
        .product(name: "Crypto", package: "swift-crypto"),
      ],
      swiftSettings: strict
    ),
    // In-memory pipeline and batch-size verifier for tests.
    .target(name: "SafeguardTesting", dependencies: ["SafeguardCore"], swiftSettings: strict),
    .executableTarget(
      name: "safeguard",
      dependencies: [
        "SafeguardRunner", "SafeguardSynth", "SafeguardStages", "SafeguardBenchmarks", "SafeguardSpatial",
        "SafeguardOperations",
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: strict
    ),
    .testTarget(name: "SafeguardCoreTests", dependencies: ["SafeguardCore", "SafeguardTesting"]),
    // Data/: real LSOA boundaries (Open Government Licence; see Data/README.md).
    .testTarget(
      name: "SafeguardSpatialTests",
      dependencies: [
        "SafeguardSpatial", "SafeguardDefinition", "SafeguardSynth", "SafeguardIngest",
      ],
      exclude: ["Data"]),
    .testTarget(name: "SafeguardDefinitionTests", dependencies: ["SafeguardDefinition"]),
    .testTarget(name: "SafeguardIngestTests", dependencies: ["SafeguardIngest", "SafeguardTesting"]),
    .testTarget(
      name: "SafeguardStagesTests",
      dependencies: ["SafeguardStages", "SafeguardTesting", "SafeguardDefinition"]),
    .testTarget(
      name: "SafeguardLuaTests",
      dependencies: ["SafeguardLua", .product(name: "Logging", package: "swift-log")]),
    .testTarget(name: "SafeguardSynthTests", dependencies: ["SafeguardSynth"]),
    .testTarget(
      name: "SafeguardRunnerTests",
      dependencies: ["SafeguardRunner", "SafeguardSynth", "SafeguardTesting"]
    ),
    .testTarget(
      name: "SafeguardOperationsTests",
      dependencies: ["SafeguardOperations", "SafeguardRunner", "SafeguardSynth", "SafeguardTesting"]
    ),
    .testTarget(name: "SafeguardCLITests", dependencies: ["SafeguardSynth", "SafeguardTesting"]),
    // Against a real PostgreSQL server the tests start themselves (Debian's postgresql package).
    .testTarget(
      name: "SafeguardPostgresTests",
      dependencies: ["SafeguardPostgres", "SafeguardRunner", "SafeguardDefinition", "SafeguardCore"]),
  ]
)
