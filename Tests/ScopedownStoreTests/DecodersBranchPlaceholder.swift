// Placeholder so the decoders branch builds on its own (the target is declared in Package.swift and
// filled by the store work). Safe to delete once that work is merged.
