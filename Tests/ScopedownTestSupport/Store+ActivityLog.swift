import ScopedownCore
import ScopedownImport
import ScopedownStore

extension Store {
    /// Imports one Activity Log file the way `scopedown import` does: `ActivityLogImport.read` into
    /// the store's usage sink (`Store.importUsage`).
    public func importActivityLogDetailed(_ file: InputFile, format: DetectedFormat,
                                          options: UsageImportOptions = UsageImportOptions(),
                                          prefetcher: ActivityPrefetcher? = nil) throws -> (receipt: ImportReceipt, summary: UsageImportSummary) {
        try importUsage(file.displayName, format: format, keepEvents: options.keepEvents) { sink in
            try ActivityLogImport.read(file, options: options, prefetcher: prefetcher, into: sink)
        }
    }

    /// `importActivityLogDetailed`'s receipt.
    public func importActivityLog(_ file: InputFile, format: DetectedFormat,
                                  options: UsageImportOptions = UsageImportOptions()) throws -> ImportReceipt {
        try importActivityLogDetailed(file, format: format, options: options).receipt
    }
}
