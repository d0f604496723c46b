// Placeholder so the ScopedownImportTests target declared in Package.swift has a source file until
// the decoders work adds its tests (added by the store work; delete when real tests land).
