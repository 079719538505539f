"""Use cases: check, ids, diff, snapshot, build. They return results and never print."""
