"""Reading and rewriting a code text on disk.

Files and manifest, profiles, the MyST parse, the ledger, versions, the parse cache."""
