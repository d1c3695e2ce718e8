"""What the evidence file tests share: a private storage directory per test, a small PNG
and uploads through the service."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases import services
from cases.demo import png_bytes as demo_png
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


def png_bytes() -> bytes:
    """A small valid PNG (the demo's drawing)."""
    return demo_png()


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
