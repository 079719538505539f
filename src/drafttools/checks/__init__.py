"""Checks over the model: identities and the ledger, cross-references, brackets, and the check cache."""
