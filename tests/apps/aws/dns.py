"""Names that lead where a test says: socket.getaddrinfo answered from a table (the OS's resolver
is patched, not Stepscope's code), so no test asks real DNS and a test can change an answer
between two look-ups, as a DNS rebinding attack does."""

from __future__ import annotations

import socket
from typing import Any

import pytest


class FakeDns:
    def __init__(self, monkeypatch: pytest.MonkeyPatch, names: dict[str, list[str]]) -> None:
        self.names = dict(names)  # an empty list: no answer
        self.asked: list[str] = []
        self._real = socket.getaddrinfo
        monkeypatch.setattr(socket, "getaddrinfo", self.getaddrinfo)

    def answer(self, name: str, addresses: list[str]) -> None:
        self.names[name] = addresses

    def getaddrinfo(self, host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else str(host)
        if name not in self.names:
            return self._real(host, port, *args, **kwargs)
        self.asked.append(name)
        if not self.names[name]:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        number = int(port or 0)
        answers = []
        for text in self.names[name]:
            if ":" in text:
                answers.append((socket.AF_INET6, socket.SOCK_STREAM, 6, "", (text, number, 0, 0)))
            else:
                answers.append((socket.AF_INET, socket.SOCK_STREAM, 6, "", (text, number)))
        return answers


def fake_dns(monkeypatch: pytest.MonkeyPatch, names: dict[str, list[str]]) -> FakeDns:
    return FakeDns(monkeypatch, names)
