"""The one way drafttools makes a Jinja2 environment: sandboxed, strict, autoescaped, and bare.

Templates are files that contributors and other offices send in (``annex_templates/``), so they render in
Jinja's ``ImmutableSandboxedEnvironment``: no attribute starting with '_' (so no ``''.__class__.__mro__``, no
``self._TemplateReference__context``), no ``__globals__``, no method that changes a list or a dict.  The
environment starts with no globals at all (Jinja's ``range``, ``dict``, ``cycler``, ``joiner``, ``namespace`` and
``lipsum`` are dropped) and with only the filters and tests a caller names: what the shipped templates use.
A template that reaches for anything else fails, and ``where`` finds the template file and line that did.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

from jinja2 import BaseLoader, StrictUndefined, Undefined, select_autoescape
from jinja2.exceptions import SecurityError
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

# The tests a template may use ({% if paper.subtitle is defined %}); Jinja's own, kept by name.
TESTS = ("defined", "undefined")


# A product longer than this ('x' * 10 ** 9) is refused rather than built: no template needs one.
MAX_PRODUCT = 100_000


class Sealed(Markup):
    """Markup a template may print but not look into: reading an attribute or an item of it raises ``Opened``.

    A caller that renders with a stand-in for a value (``render.html`` does, for the annexed code) learns so that
    the template did more with the value than print it, and renders with the value itself.  (Slices, ``in`` and
    ``len`` bypass the environment, so the value itself refuses them.)"""

    def __getitem__(self, key: Any) -> Sealed:
        raise Opened(key)

    def __contains__(self, part: object) -> bool:
        raise Opened(part)

    def __len__(self) -> int:
        raise Opened("len")

    def __iter__(self) -> Iterator[str]:
        raise Opened("iter")


class Opened(Exception):
    """A template read an attribute or an item of a ``Sealed`` value."""


class Sandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, which also refuses '**' and a '*' that would make a huge string or list."""

    intercepted_binops = frozenset({"*", "**", "%"})

    def __init__(self, records: Iterable[type] = (), **options: Any) -> None:
        super().__init__(**options)
        self.records = frozenset(records)

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) in self.records and not attribute.startswith("_"):
            # Our own view-model records: a public field or method of one is safe, and the full check costs a
            # third of a large redline's rendering.
            try:
                return getattr(obj, attribute)
            except AttributeError:
                pass
        if isinstance(obj, Sealed):
            raise Opened(attribute)
        if isinstance(obj, Undefined):  # say that 'cycler' is undefined, not that its '__init__' is unsafe
            obj._fail_with_undefined_error()
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        if isinstance(obj, Sealed):
            raise Opened(argument)
        return super().getitem(obj, argument)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """Jinja sandboxes ``str.format`` but not the width it pads to ('{:>20000000}'): refused outright, as no
        template needs it."""
        if super().wrap_str_format(value) is not None:
            raise SecurityError("str.format and str.format_map are not available in templates")
        return None

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "**":
            raise SecurityError("the power operator '**' is not available in templates")
        if operator == "%" and isinstance(left, str):  # '%020000000d' % 1 would build 20 MB
            raise SecurityError("string formatting with '%' is not available in templates")
        sizes = [len(x) for x in (left, right) if isinstance(x, (str, list, tuple))]
        counts = [x for x in (left, right) if isinstance(x, int)]
        if sizes and counts and sizes[0] * counts[0] > MAX_PRODUCT:
            raise SecurityError(f"a repetition longer than {MAX_PRODUCT:,} characters or items is refused")
        return super().call_binop(context, operator, left, right)


def environment(
    loader: BaseLoader,
    filters: Mapping[str, Callable[..., Any]] | None = None,
    tests: Iterable[str] = TESTS,
    records: Iterable[type] = (),
    **options: Any,
) -> Sandbox:
    """A sandboxed, strict, autoescaping environment holding only ``filters`` and Jinja's ``tests`` named;
    ``records`` are the caller's own data classes, whose public attributes are read without the sandbox's check."""
    env = Sandbox(
        records,
        loader=loader,
        undefined=StrictUndefined,
        autoescape=select_autoescape(["html", "j2"]),
        **options,
    )
    env.globals.clear()
    kept = set(tests)
    env.tests = {name: test for name, test in env.tests.items() if name in kept}
    env.filters = dict(filters or {})
    return env


def where(exc: BaseException) -> tuple[Path, int] | None:
    """The template file and line an error was raised at: the innermost template frame of its traceback.

    Jinja rewrites a rendering error's traceback so that each template's frames carry the template's file name
    and line (globals holding ``__jinja_exception__``); an include that is refused is found at the include."""
    found: tuple[Path, int] | None = None
    tb: TracebackType | None = exc.__traceback__
    while tb is not None:
        if "__jinja_exception__" in tb.tb_frame.f_globals:
            found = (Path(tb.tb_frame.f_code.co_filename), tb.tb_lineno)
        tb = tb.tb_next
    return found
