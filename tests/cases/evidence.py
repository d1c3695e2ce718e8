"""What the evidence file tests share: a private storage directory per test, a small PNG
and uploads through the service."""

import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases import services
from cases.models import NoteVisibility


@pytest.fixture
def evidence_dir(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "evidence"), "base_url": None},
        },
    }
    return tmp_path / "evidence"


def png_bytes(width: int = 2, height: int = 2) -> bytes:
    """A tiny valid PNG, grey."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    rows = b"".join(b"\x00" + b"\x80\x80\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def upload(actor, case, name="photo.png", content=None, **kwargs):
    content = png_bytes() if content is None else content
    return services.file_upload(
        actor=actor, case=case, upload=SimpleUploadedFile(name, content), **kwargs
    )


def restricted_upload(personas, case):
    """A file by CON restricted to MGR and CON: EXC and VIEW are left out."""
    return upload(
        personas.user("contributor"),
        case,
        name="ci7-statement.txt",
        content=b"Statement of CI-7, invented for the tests.\n",
        visibility=NoteVisibility.RESTRICTED,
        restricted_to=[personas.agency("manager")],
    )
