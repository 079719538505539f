"""drafttools: a drafting toolchain for intergovernmental instruments.

Layers (imports point downward only; see pyproject's import-linter contract):

- entry points: ``cli`` (click), ``sphinx_ext`` (Sphinx glue)
- use cases: ``api`` (check, ids, build, diff, import) — return results, never print
- adapters: ``parse`` (MyST → model), ``sources`` (files, manifest), ``ledger``, ``rewrite``, ``render/*``
- logic: ``xref``, ``brackets``, ``checks``, ``diff``
- core: ``model``, ``ids``, ``diagnostics``, ``conventions``, ``fsutil`` (standard library only)
"""

__version__ = "0.1.0"
