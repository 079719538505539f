"""Reading and rewriting a code text on disk: files and manifest, the MyST parse, the ledger, versions, the parse cache."""
