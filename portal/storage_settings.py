"""Where evidence files are kept and how large they may be (README, "Evidence files"), read
from the environment by portal/settings.py.

By default the bytes go to a private directory of the file system, outside the web root
and never served by the static server (``var/evidence/`` in the project, or
``CROSSROADS_EVIDENCE_DIR``). With ``CROSSROADS_EVIDENCE_S3_BUCKET`` set they go to an
S3-compatible bucket through django-storages (private objects, server-side encryption).
Every download goes through the access policy either way.
"""


def evidence_storage(env, base_dir) -> dict:
    bucket = env.str("CROSSROADS_EVIDENCE_S3_BUCKET", default="")
    if bucket:
        options = {
            "bucket_name": bucket,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
            "object_parameters": {"ServerSideEncryption": "AES256"},
            "location": env.str("CROSSROADS_EVIDENCE_S3_PREFIX", default="evidence"),
        }
        for option, variable in [
            ("endpoint_url", "CROSSROADS_EVIDENCE_S3_ENDPOINT_URL"),
            ("region_name", "CROSSROADS_EVIDENCE_S3_REGION"),
            ("access_key", "CROSSROADS_EVIDENCE_S3_ACCESS_KEY_ID"),
            ("secret_key", "CROSSROADS_EVIDENCE_S3_SECRET_ACCESS_KEY"),
        ]:
            value = env.str(variable, default="")
            if value:
                options[option] = value
        return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
    location = env.str("CROSSROADS_EVIDENCE_DIR", default=str(base_dir / "var" / "evidence"))
    return {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        # No base_url: nothing in this storage has an address of its own.
        "OPTIONS": {"location": location, "base_url": None, "file_permissions_mode": 0o600},
    }


def evidence_settings(env) -> dict:
    return {
        # Larger uploads are refused (413) and nothing is stored.
        "EVIDENCE_MAX_BYTES": env.int("CROSSROADS_EVIDENCE_MAX_BYTES", default=100 * 1024 * 1024),
    }
