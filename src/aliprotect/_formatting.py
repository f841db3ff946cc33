"""The notebook display hook: a small registry the display shell fills.

The library's values define ``_repr_html_`` (what Jupyter calls to show a value) by asking
this registry for the formatter of their type. The registry is empty until the display
shell, :mod:`aliprotect.display`, registers its formatters when it is imported (the package
imports it), so the core never imports the display shell. With no formatter,
``_repr_html_`` returns ``None`` and Jupyter shows the plain ``repr``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_HTML: dict[type, Callable[[Any], str]] = {}


def register_html(kind: type, formatter: Callable[[Any], str]) -> None:
    """Show values of ``kind`` in a notebook as the HTML ``formatter`` writes."""
    _HTML[kind] = formatter


def html(value: object) -> str | None:
    """The HTML of ``value`` from its type's formatter, or ``None`` when none is registered."""
    formatter = _HTML.get(type(value))
    return None if formatter is None else formatter(value)


class ShowsAsHtml:
    """A mix-in: a value whose type's formatter, once registered, shows it in a notebook."""

    __slots__ = ()

    def _repr_html_(self) -> str | None:
        return html(self)
