import Foundation
import ScopedownCore
import ScopedownImport
@testable import ScopedownStore
import ScopedownTestSupport
import Testing

/// A catalog without `isDataAction` never demotes what another catalog knows as a data action.
@Suite("Catalogs without isDataAction")
struct CatalogPlaneTests {
    static func decoded(_ name: String) throws -> DecodedFile {
        let file = InputFile(displayName: name, path: SharedData.fixture("shapes/\(name)").path)
        return try InventoryImporter.decode(file, format: try FormatDetector.detect(file))
    }

    static let blobRead = "microsoft.storage/storageaccounts/blobservices/containers/blobs/read"

    @Test(arguments: [["catalog-without-isdataaction.json", "catalog-with-isdataaction.json"],
                      ["catalog-with-isdataaction.json", "catalog-without-isdataaction.json"]])
    func knownDataActionsStayDataActions(order: [String]) throws {
        let tmp = TempDB(); defer { tmp.cleanup() }
        let store = try Store(path: tmp.path)
        for name in order { _ = try store.write(try Self.decoded(name)) }
        let ops = try store.loadSnapshot().operations
        #expect(ops.filter { $0.key == Self.blobRead }.map(\.isDataAction) == [true])
        #expect(ops.filter { !$0.isDataAction }.map(\.key) == ["microsoft.storage/register/action",
                                                              "microsoft.storage/storageaccounts/listkeys/action",
                                                              "microsoft.storage/storageaccounts/read"])
    }

    @Test func aCatalogWithoutPlanesAloneIsKeptAsControlPlaneAndSaysSo() throws {
        let tmp = TempDB(); defer { tmp.cleanup() }
        let store = try Store(path: tmp.path)
        let receipt = try store.write(try Self.decoded("catalog-without-isdataaction.json"))
        #expect(receipt.shape == "az provider operation list (without isDataAction)")
        #expect(receipt.warnings.count == 1)
        let ops = try store.loadSnapshot().operations
        #expect(ops.count == 4)
        #expect(ops.allSatisfy { !$0.isDataAction })
    }
}
