"""moto in server mode on 127.0.0.1, with its Step Functions interpreter on, and helpers to make
state machines and executions there."""

from __future__ import annotations

import json
import time
import urllib.request
from dataclasses import dataclass, field
from typing import Any

import boto3
from moto.server import ThreadedMotoServer

# The machine the README's moto walk-through creates.
from scripts.moto_failed_execution import DEFINITION as ORDERS

REGION = "us-east-1"
ROLE = "arn:aws:iam::123456789012:role/stepscope-tests"


def _post(url: str, document: dict[str, Any] | None = None) -> None:
    data = json.dumps(document or {}).encode()
    request = urllib.request.Request(
        url, data=data, method="POST", headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        answer.read()


@dataclass
class MotoServer:
    server: ThreadedMotoServer
    url: str
    clients: dict[str, Any] = field(default_factory=dict)

    def reset(self) -> None:
        _post(f"{self.url}/moto-api/reset")
        _post(f"{self.url}/moto-api/config", {"stepfunctions": {"execute_state_machine": True}})

    def stop(self) -> None:
        self.server.stop()

    def client(self, region: str = REGION) -> Any:
        if region not in self.clients:
            self.clients[region] = boto3.client(
                "stepfunctions",
                region_name=region,
                endpoint_url=self.url,
                aws_access_key_id="testing",
                aws_secret_access_key="testing",
            )
        return self.clients[region]

    def machine(self, name: str = "orders", definition: dict[str, Any] | None = None) -> str:
        created = self.client().create_state_machine(
            name=name, definition=json.dumps(definition or ORDERS), roleArn=ROLE
        )
        return str(created["stateMachineArn"])

    def run(self, machine_arn: str, inputs: list[dict[str, Any]]) -> list[str]:
        """Start one execution per input (named run-0, run-1, ...) and wait for them to end."""
        client = self.client()
        arns = [
            client.start_execution(
                stateMachineArn=machine_arn, name=f"run-{number}", input=json.dumps(given)
            )["executionArn"]
            for number, given in enumerate(inputs)
        ]
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            listed = client.list_executions(stateMachineArn=machine_arn)["executions"]
            if all(item["status"] != "RUNNING" for item in listed):
                return arns
            time.sleep(0.02)
        raise AssertionError("moto's executions did not end within 10 s")


def start_moto_server() -> MotoServer:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    moto = MotoServer(server, f"http://{host}:{port}")
    moto.reset()
    return moto
