"""``drafttools review ...``: the outputs made from the proposals (the compilation, the negotiating text, the clean
text, the per-proponent view); wiring only, the work is in ``drafttools.review``.

Outputs go to ``build/review/`` (or ``-o DIR``), diagnostics to stderr.  Exit 0 fine, 1 findings or a failed
build, 2 usage.
"""

from __future__ import annotations

import click


@click.group()
def review() -> None:
    """Build the reviewers' outputs from the proposals: compilation, negotiating text, clean text, per proponent."""


def register(main: click.Group) -> None:
    main.add_command(review)
