"""Browser tests drive Debian's Chromium with Playwright against a live server."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# Module scope: while Playwright's sync API is open it keeps an event loop running in this thread,
# and a later test's async_to_sync (channel layers, consumers) refuses to run beside it.
@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
    # Playwright's sync API runs an event loop in this thread; the ORM calls made by fixtures
    # around it are still synchronous and safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    yield page
    context.close()


# A live server that also serves websockets: daphne in a thread of this process, sharing the test
# database, with a throwaway Redis as the channel layer that the test process and daphne share.


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """One throwaway Redis for the session, like the one daphne below (it outlives each test)."""
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed")
    port = _free_port()
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def redis_layer(settings: Any, redis_url: str) -> Iterator[None]:
    from channels.layers import channel_layers

    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [redis_url]},
        }
    }
    channel_layers.backends = {}
    yield
    channel_layers.backends = {}


_daphne: dict[str, str] = {}


def _asgi_application() -> Any:
    from channels.auth import AuthMiddlewareStack
    from channels.routing import ProtocolTypeRouter, URLRouter
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
    from django.core.asgi import get_asgi_application

    from config.websocket_urls import websocket_urlpatterns

    return ProtocolTypeRouter(
        {
            "http": ASGIStaticFilesHandler(get_asgi_application()),
            "websocket": AuthMiddlewareStack(URLRouter(websocket_urlpatterns)),
        }
    )


@pytest.fixture
def daphne_url(redis_layer: None) -> str:
    """One daphne per test session (Twisted's reactor runs once per process), in a thread."""
    if "url" not in _daphne:
        from daphne.server import Server

        port = _free_port()
        server = Server(
            _asgi_application(),
            endpoints=[f"tcp:port={port}:interface=127.0.0.1"],
            signal_handlers=False,
        )
        threading.Thread(target=server.run, daemon=True, name="daphne").start()
        deadline = time.monotonic() + 15
        while not server.listening_addresses and time.monotonic() < deadline:
            time.sleep(0.05)
        assert server.listening_addresses, "daphne did not start"
        _daphne["url"] = f"http://127.0.0.1:{port}"
    return _daphne["url"]
