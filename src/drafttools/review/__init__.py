"""The reviewers' layer: proposals kept in the repository (``proposals``), the Secretariat's status changes
(``room``), and collecting what Member States send back (``collect``).  Use cases: they return results, never
print."""
