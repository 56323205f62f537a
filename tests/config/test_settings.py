"""Safe defaults: settings loaded in a fresh process with a clean environment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]

PRINT_SETTINGS = """
import json, os
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from django.conf import settings
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "SECRET_KEY": settings.SECRET_KEY,
    "SESSION_COOKIE_SECURE": settings.SESSION_COOKIE_SECURE,
    "CSRF_COOKIE_SECURE": settings.CSRF_COOKIE_SECURE,
    "SECURE_COOKIES_AUTO": settings.STEPSCOPE_SECURE_COOKIES_AUTO,
    "SECURE_HSTS_SECONDS": settings.SECURE_HSTS_SECONDS,
    "SECURE_PROXY_SSL_HEADER": settings.SECURE_PROXY_SSL_HEADER,
    "AXES_FAILURE_LIMIT": settings.AXES_FAILURE_LIMIT,
    "AXES_COOLOFF_MINUTES": settings.AXES_COOLOFF_TIME.total_seconds() / 60,
    "AXES_LOCKOUT_PARAMETERS": settings.AXES_LOCKOUT_PARAMETERS,
    "AUTHENTICATION_BACKENDS": settings.AUTHENTICATION_BACKENDS,
}))
"""


def load(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "STEPSCOPE_VAR_DIR": str(tmp_path / "var"),
        **env,
    }
    return subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def settings_in(tmp_path: Path, **env: str) -> dict[str, Any]:
    done = load(tmp_path, **env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_defaults_are_safe(tmp_path: Path) -> None:
    settings = settings_in(tmp_path)
    assert settings["DEBUG"] is False
    assert settings["SECURE_HSTS_SECONDS"] == 31536000
    assert settings["SECURE_PROXY_SSL_HEADER"] is None
    # Cookies: Secure per request (auto), so plain http://127.0.0.1 still signs in.
    assert settings["SECURE_COOKIES_AUTO"] is True
    assert settings["SESSION_COOKIE_SECURE"] is False
    assert settings["AXES_FAILURE_LIMIT"] == 10
    assert settings["AXES_COOLOFF_MINUTES"] == 15
    assert settings["AXES_LOCKOUT_PARAMETERS"] == ["username", "ip_address"]
    assert settings["AUTHENTICATION_BACKENDS"] == [
        "config.signin.SignInThrottleBackend",
        "django.contrib.auth.backends.ModelBackend",
    ]


def test_the_backend_is_axes_standalone_backend() -> None:
    from axes.backends import AxesStandaloneBackend

    from config.signin import SignInThrottleBackend

    assert issubclass(SignInThrottleBackend, AxesStandaloneBackend)


def test_debug_is_on_only_when_asked(tmp_path: Path) -> None:
    settings = settings_in(tmp_path, DJANGO_DEBUG="1")
    assert settings["DEBUG"] is True
    assert settings["SECURE_HSTS_SECONDS"] == 0
    done = load(tmp_path, DJANGO_DEBUG="maybe")
    assert done.returncode != 0
    assert "DJANGO_DEBUG='maybe' is not a boolean" in done.stderr


def test_without_a_key_one_is_generated_once_and_kept(tmp_path: Path) -> None:
    first = settings_in(tmp_path)["SECRET_KEY"]
    key_file = tmp_path / "var" / "secret_key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert key_file.read_text().strip() == first
    assert len(first) >= 50
    assert settings_in(tmp_path)["SECRET_KEY"] == first  # the next start reuses it


def test_a_key_file_others_may_read_is_refused(tmp_path: Path) -> None:
    settings_in(tmp_path)
    key_file = tmp_path / "var" / "secret_key"
    key_file.chmod(0o644)
    done = load(tmp_path)
    assert done.returncode != 0
    assert f"{key_file} holds the secret key but its mode is 0644" in done.stderr
    assert f"chmod 600 {key_file}" in done.stderr


def test_a_given_key_is_used_and_must_be_long(tmp_path: Path) -> None:
    key = "k" * 40
    assert settings_in(tmp_path, DJANGO_SECRET_KEY=key)["SECRET_KEY"] == key
    assert not (tmp_path / "var" / "secret_key").exists()
    done = load(tmp_path, DJANGO_SECRET_KEY="short-key")
    assert done.returncode != 0
    assert "DJANGO_SECRET_KEY is 9 characters long; use at least 32" in done.stderr


def test_secure_cookies_always_never_or_auto(tmp_path: Path) -> None:
    always = settings_in(tmp_path, DJANGO_SECURE_COOKIES="1")
    assert always["SESSION_COOKIE_SECURE"] is True and always["CSRF_COOKIE_SECURE"] is True
    assert always["SECURE_COOKIES_AUTO"] is False
    never = settings_in(tmp_path, DJANGO_SECURE_COOKIES="0")
    assert never["SESSION_COOKIE_SECURE"] is False and never["SECURE_COOKIES_AUTO"] is False
    auto = settings_in(tmp_path, DJANGO_SECURE_COOKIES="auto")
    assert auto["SESSION_COOKIE_SECURE"] is False and auto["SECURE_COOKIES_AUTO"] is True
    done = load(tmp_path, DJANGO_SECURE_COOKIES="sometimes")
    assert done.returncode != 0
    assert "DJANGO_SECURE_COOKIES='sometimes' is not one of auto" in done.stderr


def test_hsts_and_the_proxy_header(tmp_path: Path) -> None:
    settings = settings_in(tmp_path, DJANGO_HSTS_SECONDS="0", DJANGO_SECURE_PROXY_SSL_HEADER="1")
    assert settings["SECURE_HSTS_SECONDS"] == 0
    assert settings["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_the_sign_in_limits_are_settings(tmp_path: Path) -> None:
    settings = settings_in(
        tmp_path, STEPSCOPE_SIGNIN_FAILURES="5", STEPSCOPE_SIGNIN_LOCKOUT_MINUTES="60"
    )
    assert settings["AXES_FAILURE_LIMIT"] == 5
    assert settings["AXES_COOLOFF_MINUTES"] == 60
    done = load(tmp_path, STEPSCOPE_SIGNIN_FAILURES="0")
    assert done.returncode != 0
    assert "STEPSCOPE_SIGNIN_FAILURES=0 must be at least 1" in done.stderr


def test_manage_py_check_passes_with_debug_off_and_no_key(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "ERROR"],
        cwd=ROOT,
        env={
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(tmp_path),
            "STEPSCOPE_VAR_DIR": str(tmp_path / "var"),
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr + done.stdout
