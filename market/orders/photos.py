"""Evidence photos: checked by their bytes and size, stored under the data folder with random names."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from market.errors import InvalidInput

MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_PHOTOS = 4
# The first bytes of each accepted format; the name and declared type of an upload are not trusted.
SIGNATURES = {
    b"\xff\xd8\xff": ("image/jpeg", "jpg"),
    b"\x89PNG\r\n\x1a\n": ("image/png", "png"),
}


@dataclass(frozen=True)
class StoredPhoto:
    relative_path: str
    content_type: str
    size_bytes: int


def photo_type(content: bytes) -> tuple[str, str]:
    for signature, kind in SIGNATURES.items():
        if content.startswith(signature):
            return kind
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp", "webp"
    raise InvalidInput("照片须为 JPEG、PNG 或 WebP 格式", field="photos")


def check_photos(photos: list[bytes]) -> list[tuple[str, str]]:
    if len(photos) > MAX_PHOTOS:
        raise InvalidInput(f"最多上传 {MAX_PHOTOS} 张照片", field="photos")
    for content in photos:
        if len(content) > MAX_PHOTO_BYTES:
            raise InvalidInput(f"每张照片不能超过 {MAX_PHOTO_BYTES // (1024 * 1024)} MB", field="photos")
        if not content:
            raise InvalidInput("照片是空的", field="photos")
    return [photo_type(content) for content in photos]


def store_photos(data_dir: str, order_id: int, photos: list[bytes]) -> list[StoredPhoto]:
    """Write the photos to disk; on any failure nothing written stays."""
    kinds = check_photos(photos)
    stored: list[StoredPhoto] = []
    try:
        for content, (content_type, extension) in zip(photos, kinds, strict=True):
            relative = Path("photos") / str(order_id) / f"{secrets.token_hex(16)}.{extension}"
            target = Path(data_dir) / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
            stored.append(StoredPhoto(relative.as_posix(), content_type, len(content)))
    except OSError:
        remove_photos(data_dir, stored)
        raise
    return stored


def remove_photos(data_dir: str, stored: list[StoredPhoto]) -> None:
    for photo in stored:
        (Path(data_dir) / photo.relative_path).unlink(missing_ok=True)


def photo_file(data_dir: str, relative_path: str) -> Path:
    return Path(data_dir) / relative_path
