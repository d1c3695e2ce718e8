"""How the OpenAPI schema groups the API in its docs: by resource (cases, meetings, notes,
...), instead of one "v1" section holding every operation."""

import re

from drf_spectacular.openapi import AutoSchema

VERSION = re.compile(r"v\d+")


class PortalSchema(AutoSchema):
    def get_tags(self) -> list[str]:
        # Every path starts /api/v1/; the resource is the part after the version. Only the
        # tags change: operation ids keep their names, as clients may be generated from them.
        parts = self._tokenize_path()
        if len(parts) > 1 and VERSION.fullmatch(parts[0]):
            return [parts[1]]
        return parts[:1]
