"""The secret key when DJANGO_SECRET_KEY is unset: made once, kept in a file only its owner reads.

The first process to start writes a new key to a private temporary file and links it into place;
link() fails if the file is already there, so two processes starting at once agree on one key and
neither ever reads a half-written file.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from pathlib import Path

from config.env import SettingError

MIN_LENGTH = 32


def check_length(key: str, where: str) -> str:
    if len(key) < MIN_LENGTH:
        raise SettingError(
            f"{where} is {len(key)} characters long; use at least {MIN_LENGTH} random characters "
            "(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(50))'`), or unset "
            "DJANGO_SECRET_KEY to have one generated and kept in the var directory"
        )
    return key


def read_key_file(path: Path) -> str:
    """The key kept at `path`, refusing a file others may read or one without a usable key."""
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise SettingError(
            f"{path} holds the secret key but its mode is {mode:04o}: others may read it. "
            f"Run `chmod 600 {path}` (or delete it to have a new key made; sessions then end)."
        )
    key = path.read_text(encoding="utf-8").strip()
    if not key:
        raise SettingError(
            f"{path} is empty: delete it to have a new secret key made, or put a key in it"
        )
    return check_length(key, str(path))


def load_or_create(path: Path) -> str:
    """The key in `path`, made there first (mode 0600) if there is none yet."""
    if path.exists():
        return read_key_file(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(secrets.token_urlsafe(50) + "\n")
            out.flush()
            os.fsync(out.fileno())
        try:
            os.link(draft, path)  # atomic, and refuses to replace a key another process made
        except FileExistsError:
            pass
        except OSError:
            # A filesystem without hard links: claim the name itself, then write.
            _create_in_place(path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(draft)
    return read_key_file(path)


def _create_in_place(path: Path) -> None:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(secrets.token_urlsafe(50) + "\n")
