// swift-tools-version: 6.0
import PackageDescription

// Module map (see docs/architecture.md):
//   CSQLite, CZlib        system libraries; only ScopedownSQLite / ScopedownImport import them
//   ScopedownCore         pure domain model and evaluator: no SQLite, no files, no printing; the values
//                         importers hand the store (ImportBatch, the usage seam) and the use rule
//   ScopedownSQLite       thin owner of the SQLite C API (connections, statements, errors)
//   ScopedownImport       bytes -> Core values + diagnostics (one decoder per shape, format detection,
//                         streaming Activity Log reader into a Core `UsageSink`)
//   ScopedownStore        the only module that knows table names; schema/ and queries/ embedded;
//                         the usage sink (Store.importUsage); never reads files itself
//   ScopedownSynth        deterministic synthetic tenants in real export shapes
//   ScopedownRender       table / JSON / CSV rendering (returns String)
//   ScopedownReview       access reviews: snapshot diff, the HTML report, review packs, review-apply
//   ScopedownCLI          argument parsing, files, stdout/stderr, exit codes (one type per command)
//   scopedown             the executable: calls ScopedownCLI
let package = Package(
    name: "scopedown",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "scopedown", targets: ["scopedown"]),
        .library(name: "ScopedownCore", targets: ["ScopedownCore"]),
        // For the in-process latency probe in Benchmarks/QueryLatency (a separate package).
        .library(name: "ScopedownStore", targets: ["ScopedownStore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .target(name: "ScopedownCore"),
        .target(name: "ScopedownSQLite", dependencies: ["CSQLite"]),
        .target(name: "ScopedownImport", dependencies: ["ScopedownCore", "CZlib"]),
        .target(
            name: "ScopedownStore",
            dependencies: ["ScopedownCore", "ScopedownSQLite"],
            resources: [
                .embedInCode("../../schema/v001_core.sql"),
                .embedInCode("../../queries/assignment_counts_by_scope.sql"),
                .embedInCode("../../queries/table_counts.sql"),
                .embedInCode("../../queries/unresolved_references.sql"),
            ]
        ),
        .target(name: "ScopedownSynth", dependencies: ["ScopedownCore", "ScopedownRender"]),
        .target(name: "ScopedownRender", dependencies: ["ScopedownCore"]),
        .target(name: "ScopedownRules", dependencies: ["ScopedownCore"]),
        .target(name: "ScopedownRecommend", dependencies: ["ScopedownCore"]),
        .target(name: "ScopedownReview", dependencies: ["ScopedownCore", "ScopedownRender"]),
        .target(
            name: "ScopedownCLI",
            dependencies: [
                "ScopedownCore", "ScopedownImport", "ScopedownStore", "ScopedownSynth", "ScopedownRender", "ScopedownRules",
                "ScopedownRecommend",
                "ScopedownReview",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "scopedown", dependencies: ["ScopedownCLI"]),
        .target(
            name: "ScopedownTestSupport",
            dependencies: ["ScopedownCore", "ScopedownImport", "ScopedownStore"],
            path: "Tests/ScopedownTestSupport"
        ),
        .testTarget(name: "ScopedownCoreTests", dependencies: ["ScopedownCore", "ScopedownRender", "ScopedownTestSupport"]),
        .testTarget(name: "ScopedownRulesTests", dependencies: ["ScopedownRules", "ScopedownCore"]),
        .testTarget(name: "ScopedownImportTests", dependencies: ["ScopedownImport", "ScopedownTestSupport"]),
        .testTarget(
            name: "ScopedownStoreTests",
            dependencies: ["ScopedownStore", "ScopedownImport", "ScopedownSQLite", "ScopedownTestSupport"]
        ),
        .testTarget(name: "ScopedownSynthTests", dependencies: ["ScopedownSynth", "ScopedownCore", "ScopedownImport", "ScopedownTestSupport"],
                    exclude: ["Golden"]),  // golden files read by path
        .testTarget(
            name: "ScopedownRecommendTests",
            dependencies: ["ScopedownRecommend", "ScopedownCore", "ScopedownRender", "ScopedownTestSupport"]
        ),
        .testTarget(
            name: "ScopedownCLITests",
            dependencies: ["ScopedownCLI", "ScopedownStore", "ScopedownImport", "ScopedownCore", "ScopedownTestSupport", "ScopedownRules",
                           "ScopedownRecommend", "ScopedownReview"]
        ),
        .testTarget(
            name: "ScopedownReviewTests",
            dependencies: ["ScopedownReview", "ScopedownCLI", "ScopedownStore", "ScopedownCore", "ScopedownRender", "ScopedownTestSupport"]
        ),
    ]
)
