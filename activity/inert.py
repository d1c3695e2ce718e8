"""Text from requests made inert before it enters (or leaves) the audit trail.

A username, a reason or a title can carry a carriage return, a line feed or a Unicode line
separator; written into a log or a CSV as is, it would start a line that looks like a record
of its own ("log forging"), and bidirectional overrides can make a line read differently
from what it holds. Such characters are replaced by a visible escape (``\\n``, ``\\x1b``,
``\\u202e``), so every record prints on one line and shows what was sent.
"""

import json
import unicodedata
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

# Control characters, format characters (bidirectional overrides, zero-width ones), and the
# line and paragraph separators, and lone surrogates (no database stores them): nothing a
# record needs, everything a forger wants.
_ESCAPED_CATEGORIES = {"Cc", "Cf", "Cs", "Zl", "Zp"}
_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(char: str) -> str:
    if char in _SHORT:
        return _SHORT[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def inert(text: str) -> str:
    """``text`` with every control, format or separator character escaped; idempotent (an
    escaped text has none left), so output paths may apply it again to older records."""
    if text.isprintable():
        # The common case: isprintable() is false for all of the escaped categories.
        return text
    return "".join(
        _escape(char) if unicodedata.category(char) in _ESCAPED_CATEGORIES else char
        for char in text
    )


def inert_json(value: Any) -> Any:
    """``value`` as the plain JSON the trail stores: strings (and keys) made inert, dates and
    other Django-encodable values as their text, and numbers that are not whole as text, so
    the stored form, and the hash of it, do not depend on the database's JSON type."""
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, str):
        return inert(value)
    if isinstance(value, float):
        return int(value) if value.is_integer() and abs(value) < 2**53 else inert(repr(value))
    if isinstance(value, dict):
        return {inert(str(key)): inert_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [inert_json(item) for item in value]
    if isinstance(value, set | frozenset):
        items = [inert_json(item) for item in value]
        return sorted(items, key=lambda item: json.dumps(item, sort_keys=True))
    try:
        encoded = DjangoJSONEncoder().default(value)
    except TypeError:
        encoded = str(value)
    return inert(encoded) if isinstance(encoded, str) else inert_json(str(encoded))
