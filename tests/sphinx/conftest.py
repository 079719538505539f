"""sphinx.testing's fixtures (``app``, ``make_app``, ...) for the test projects under tests/roots.

``pytest_plugins`` is refused outside the root conftest, so the fixtures are imported here instead.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sphinx.testing.fixtures import (  # noqa: F401  (fixtures, found by name)
    _shared_result_cache,
    app,
    app_params,
    make_app,
    shared_result,
    sphinx_test_tempdir,
    status,
    test_params,
    warning,
)
from sphinx.testing.fixtures import pytest_configure as _register_sphinx_markers

ROOTS = Path(__file__).resolve().parents[1] / "roots"


def pytest_configure(config: pytest.Config) -> None:
    _register_sphinx_markers(config)


@pytest.fixture(scope="session")
def rootdir() -> Path:
    return ROOTS
