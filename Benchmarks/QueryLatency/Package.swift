// swift-tools-version: 6.0
// In-process latency of the evaluator (issue 3: `effective` / `who-can` under 100 ms once the
// process is warm; index build under 5 s). A separate package so it never slows the main build or CI:
//   swift run -c release --package-path Benchmarks/QueryLatency query-latency --db DB --principal P --scope S --action A
import PackageDescription

let package = Package(
    name: "QueryLatency",
    dependencies: [.package(name: "scopedown", path: "../..")],
    targets: [
        .executableTarget(
            name: "query-latency",
            dependencies: [
                .product(name: "ScopedownCore", package: "scopedown"),
                .product(name: "ScopedownStore", package: "scopedown"),
            ]
        ),
    ]
)
