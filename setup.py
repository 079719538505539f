"""Build hook: the wheel carries the repository's ``annex_templates/`` as package data, from one copy in git.

``annex_templates/`` stays at the repository root, where a project's templates live (the layout ``drafttools
new`` writes, and the one a user edits); ``drafttools new`` needs the same folder in an installed package.  So
``build_py`` copies it into the built package as ``drafttools/annex_templates/`` (every file, whatever bodies are
added: a new folder is shipped without a change here), and ``drafttools.papers.templates.shipped`` finds it there
through importlib.resources, or at the repository root in a source checkout or an editable install, where this
hook does not run.  The sdist carries the folder too (MANIFEST.in), so a wheel built from it has it.  All other
settings are in pyproject.toml.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
SHIPPED = "annex_templates"


def _shipped() -> list[Path]:
    """Every file of annex_templates/, relative to it, but hidden files and caches (and drafttools' temporary
    files, which are hidden: ``.NAME.tmp-PID-...``)."""
    found = (p.relative_to(HERE / SHIPPED) for p in sorted((HERE / SHIPPED).rglob("*")) if p.is_file())
    return [p for p in found if not any(part.startswith(".") or part == "__pycache__" for part in p.parts)]


class build_py_with_templates(build_py):  # noqa: N801 - setuptools' own naming
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the repository's folder itself
        if not (HERE / SHIPPED).is_dir():
            raise SystemExit(f"error: {HERE / SHIPPED} is missing: an sdist must carry it (MANIFEST.in)")
        target = Path(self.build_lib) / "drafttools" / SHIPPED
        if target.exists():
            shutil.rmtree(target)
        for name in _shipped():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(HERE / SHIPPED / name, target / name)

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        outputs = list(super().get_outputs(include_bytecode))
        if getattr(self, "editable_mode", False) or not (HERE / SHIPPED).is_dir():
            return outputs
        return outputs + [str(Path(self.build_lib) / "drafttools" / SHIPPED / name) for name in _shipped()]


setup(cmdclass={"build_py": build_py_with_templates})
