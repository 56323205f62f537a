"""A stub Step Functions endpoint on 127.0.0.1: each action answers what the test scripts, and
every call is recorded. Errors have AWS's JSON shape ({"__type": ..., "message": ...})."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Answer = tuple[int, dict[str, Any]]
Handler = Callable[[dict[str, Any]], Answer]


def error(code: str, message: str, status: int = 400) -> Answer:
    return status, {"__type": f"com.amazonaws.swf.base.model#{code}", "message": message}


@dataclass
class StubAws:
    url: str = ""
    handlers: dict[str, Handler] = field(default_factory=dict)
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    def on(self, action: str, handler: Handler) -> None:
        self.handlers[action] = handler

    def answer(self, action: str, body: dict[str, Any]) -> Answer:
        self.calls.append((action, body))
        handler = self.handlers.get(action)
        if handler is None:
            return error("UnknownOperationException", f"{action} is not scripted")
        return handler(body)

    def actions(self) -> list[str]:
        return [action for action, _ in self.calls]

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()


def start_stub() -> StubAws:
    stub = StubAws()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            action = str(self.headers.get("X-Amz-Target", "")).rsplit(".", 1)[-1]
            status, payload = stub.answer(action, body)
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/x-amz-json-1.0")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    stub.server = server
    stub.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return stub
