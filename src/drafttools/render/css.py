"""Text put into a stylesheet: the one filter (``css``) that every page template is given.

A page's print stylesheet names the document in its running header (``@page { @top-right { content: ... } }``),
and CSS has no way to read that text from the page: Chromium's paged media supports neither ``string-set`` nor
running elements, so the template writes the symbol into the stylesheet as a CSS string.  HTML escaping is wrong
there (``<style>`` is raw text: ``&amp;`` would print as five characters), so this filter quotes and escapes for
CSS instead, and also escapes ``<`` so that no text can close the ``<style>`` element.
"""

from __future__ import annotations

from markupsafe import Markup

# Characters that may not stand as themselves inside a double-quoted CSS string in a <style> element.
_ESCAPED = {'"', "\\", "<", ">", "&", "\n", "\r", "\f"}


def string(value: object) -> Markup:
    """``value`` as a double-quoted CSS string (``"EB124/13"``), each unsafe character as a hex escape (``\\22 ``);
    control characters become spaces, as a header shows one line."""
    out = ['"']
    for char in str(value):
        if char in ("\n", "\r", "\f", "\t") or ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(" ")
        elif char in _ESCAPED:
            out.append(f"\\{ord(char):x} ")
        else:
            out.append(char)
    out.append('"')
    return Markup("".join(out))
