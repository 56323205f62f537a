"""The demo executions of the orders and order-saga machines, written event by event.

Each story follows its definition in fixtures/definitions/ exactly: the parameters each Task
sends, ResultSelector and ResultPath, Retry back-off and Catch routing.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from demo_aws_shapes import (
    execution_started,
    lambda_arn,
    lambda_cause,
    lambda_invoke_result,
    service_task,
    task_failed,
    task_succeeded,
    task_token,
)

from stepscope.history.synthetic import HistoryWriter, json_text


@dataclass
class Run:
    """A finished demo execution: its history and what describe-execution says about it."""

    machine: str
    name: str
    writer: HistoryWriter
    started: datetime
    execution_input: object
    status: str
    output: object = None
    error: str | None = None
    cause: str | None = None


def with_member(document: dict[str, Any], key: str, value: object) -> dict[str, Any]:
    """ResultPath "$.key": a copy of the state input with the result stored under key."""
    result = copy.deepcopy(document)
    result[key] = value
    return result


def invoke_lambda(
    writer: HistoryWriter,
    state: str,
    function: str,
    payload: object,
    reply: object,
    *,
    duration: float,
    timeout: int | None = None,
) -> object:
    """A Task state's lambda:invoke that succeeds; returns the task's result (with Payload)."""
    parameters = {"FunctionName": lambda_arn(function), "Payload": payload}
    started = service_task(
        writer, resource_type="lambda", resource="invoke", parameters=parameters, timeout=timeout
    )
    writer.advance(duration)
    result = lambda_invoke_result(writer.at, f"{writer.at.isoformat()}/{state}", reply)
    task_succeeded(writer, "lambda", "invoke", result, started)
    return result


def validate_order(
    writer: HistoryWriter, order: dict[str, Any], selector: list[str]
) -> dict[str, Any]:
    writer.advance(0.012)
    writer.state_entered("Task", "ValidateOrder", order, previous=0)
    checked_at = writer.at.isoformat(timespec="seconds").replace("+00:00", "Z")
    reply = {"valid": True, "checkedAt": checked_at, "orderId": order["orderId"]}
    invoke_lambda(
        writer, "ValidateOrder", "validate-order", order, reply, duration=0.412, timeout=30
    )
    selected = {key: reply[key] for key in selector}
    output = with_member(order, "validation", selected)
    writer.advance(0.018)
    writer.state_exited("Task", "ValidateOrder", output)
    return output


# --------------------------------------------------------------------------------------- orders


def _payment_attempt(writer: HistoryWriter, state_input: dict[str, Any]) -> int:
    """LambdaFunctionScheduled and LambdaFunctionStarted (direct ARN); returns Started's id."""
    details = {
        "resource": lambda_arn("process-payment"),
        "input": json_text(state_input),
        "inputDetails": {"truncated": False},
        "timeoutInSeconds": 60,
    }
    writer.advance(0.024)
    writer.add("LambdaFunctionScheduled", "lambdaFunctionScheduledEventDetails", details)
    writer.advance(0.052)
    return writer.add("LambdaFunctionStarted")


def _ship(writer: HistoryWriter, order: dict[str, Any], run: str) -> dict[str, Any]:
    writer.advance(0.015)
    writer.state_entered("Task", "CreateShipment", order)
    payload = {"orderId": order["orderId"], "paymentId": order["payment"]["paymentId"]}
    reply = {"trackingNumber": "1Z999AA10123456784", "carrier": "UPS", "orderId": order["orderId"]}
    invoke_lambda(writer, run, "create-shipment", payload, reply, duration=0.733, timeout=30)
    output = with_member(order, "shipment", {"trackingNumber": reply["trackingNumber"]})
    writer.advance(0.017)
    writer.state_exited("Task", "CreateShipment", output)
    return output


def order_succeeded(start: datetime) -> Run:
    order = {"orderId": "o-1001", "customerId": "c-42", "amount": 129.5, "currency": "USD"}
    writer = HistoryWriter(start)
    execution_started(writer, order, "StepFunctions-orders-role-4b7e2c19")
    state = validate_order(writer, order, ["valid", "checkedAt"])
    writer.advance(0.016)
    writer.state_entered("Task", "ProcessPayment", state)
    _payment_attempt(writer, state)
    writer.advance(1.208)
    payment = {
        "paymentId": "pay-7f3a9c2e",
        "status": "CAPTURED",
        "amount": 129.5,
        "currency": "USD",
    }
    details = {"output": json_text(payment), "outputDetails": {"truncated": False}}
    writer.add("LambdaFunctionSucceeded", "lambdaFunctionSucceededEventDetails", details)
    state = with_member(state, "payment", payment)
    writer.advance(0.019)
    writer.state_exited("Task", "ProcessPayment", state)
    output = _ship(writer, state, "order-1001")
    writer.advance(0.021)
    details = {"output": json_text(output), "outputDetails": {"truncated": False}}
    writer.add("ExecutionSucceeded", "executionSucceededEventDetails", details)
    return Run("orders", "order-1001-succeeded", writer, start, order, "SUCCEEDED", output=output)


PAYMENT_FRAMES = [
    ("/var/task/handler.py", 41, "handler", "charge = processor.charge(order)"),
    ("/var/task/payments.py", 88, "charge", "raise PaymentProcessorUnavailable(message)"),
]


def order_payment_failed(start: datetime) -> Run:
    """ProcessPayment fails four times; Retry (2 s, 4 s, 8 s) runs out; nothing catches it."""
    order = {"orderId": "o-1002", "customerId": "c-77", "amount": 349.99, "currency": "EUR"}
    writer = HistoryWriter(start)
    execution_started(writer, order, "StepFunctions-orders-role-4b7e2c19")
    state = validate_order(writer, order, ["valid", "checkedAt"])
    writer.advance(0.016)
    writer.state_entered("Task", "ProcessPayment", state)
    error = "PaymentProcessorUnavailable"
    message = "Payment processor did not answer within 10 seconds"
    cause = ""
    for attempt, backoff in enumerate((0.0, 2.0, 4.0, 8.0), start=1):
        writer.advance(backoff)
        _payment_attempt(writer, state)
        writer.advance(10.034 + attempt * 0.011)
        cause = lambda_cause(error, message, f"order-1002/attempt-{attempt}", PAYMENT_FRAMES)
        details = {"error": error, "cause": cause}
        writer.add("LambdaFunctionFailed", "lambdaFunctionFailedEventDetails", details)
    writer.advance(0.023)
    writer.add("ExecutionFailed", "executionFailedEventDetails", {"error": error, "cause": cause})
    name = "order-1002-payment-failed"
    return Run("orders", name, writer, start, order, "FAILED", error=error, cause=cause)


# ----------------------------------------------------------------------------------- order-saga


def _reserve_inventory(writer: HistoryWriter, state: dict[str, Any]) -> dict[str, Any]:
    """Callback task: TaskSubmitted once Lambda has the token, TaskSucceeded on SendTaskSuccess."""
    writer.advance(0.014)
    writer.state_entered("Task", "ReserveInventory", state)
    token = task_token("order-saga-payment-declined/ReserveInventory")
    payload = {"orderId": state["orderId"], "items": state["items"], "taskToken": token}
    parameters = {"FunctionName": lambda_arn("reserve-inventory"), "Payload": payload}
    resource = "invoke.waitForTaskToken"
    started = service_task(
        writer,
        resource_type="lambda",
        resource=resource,
        parameters=parameters,
        timeout=900,
        heartbeat=60,
    )
    writer.advance(0.318)
    submitted = lambda_invoke_result(writer.at, "saga/reserve/submitted", None)
    details = {
        "resourceType": "lambda",
        "resource": resource,
        "output": json_text(submitted),
        "outputDetails": {"truncated": False},
    }
    writer.add("TaskSubmitted", "taskSubmittedEventDetails", details, previous=started)
    writer.advance(41.377)
    reservation = {"reservationId": "res-5521", "warehouse": "DUB-2", "expiresInMinutes": 30}
    task_succeeded(writer, "lambda", resource, reservation, None)
    output = with_member(state, "reservation", reservation)
    writer.advance(0.020)
    writer.state_exited("Task", "ReserveInventory", output)
    return output


DECLINE_FRAMES = [
    ("/var/task/handler.py", 27, "handler", "receipt = gateway.charge(amount, card_token)"),
    ("/var/task/gateway.py", 112, "charge", "raise PaymentDeclined(response.decline_message)"),
]


def _charge_payment(writer: HistoryWriter, state: dict[str, Any]) -> dict[str, Any]:
    writer.advance(0.013)
    writer.state_entered("Task", "ChargePayment", state)
    payload = {
        "orderId": state["orderId"],
        "amount": state["amount"],
        "reservationId": state["reservation"]["reservationId"],
    }
    parameters = {"FunctionName": lambda_arn("charge-payment"), "Payload": payload}
    started = service_task(
        writer, resource_type="lambda", resource="invoke", parameters=parameters, timeout=60
    )
    writer.advance(1.842)
    error = "PaymentDeclined"
    message = "Card declined by issuer: insufficient funds (code 51)"
    cause = lambda_cause(error, message, "order-saga-payment-declined/charge", DECLINE_FRAMES)
    task_failed(writer, "lambda", "invoke", error, cause, started)
    output = with_member(state, "error", {"Error": error, "Cause": cause})
    writer.advance(0.019)
    writer.state_exited("Task", "ChargePayment", output)
    return output


def order_saga_declined(start: datetime) -> Run:
    order = {
        "orderId": "o-2001",
        "customerId": "c-42",
        "amount": 89.9,
        "items": [{"sku": "A-1", "quantity": 2}, {"sku": "B-7", "quantity": 1}],
    }
    writer = HistoryWriter(start)
    execution_started(writer, order, "StepFunctions-order-saga-role-91d0a6f3")
    state = validate_order(writer, order, ["valid"])
    state = _reserve_inventory(writer, state)
    state = _charge_payment(writer, state)
    writer.advance(0.015)
    writer.state_entered("Task", "ReleaseReservation", state)
    payload = {"orderId": state["orderId"], "reservationId": state["reservation"]["reservationId"]}
    reply = {"released": True, "reservationId": payload["reservationId"]}
    invoke_lambda(
        writer, "release", "release-inventory", payload, reply, duration=0.512, timeout=30
    )
    writer.advance(0.018)
    writer.state_exited("Task", "ReleaseReservation", state)
    writer.advance(0.014)
    writer.state_entered("Fail", "FailOrder", state)
    error, cause = "OrderFailed", "The order could not be completed; any reservation was released."
    writer.advance(0.011)
    writer.add("ExecutionFailed", "executionFailedEventDetails", {"error": error, "cause": cause})
    name = "order-saga-payment-declined"
    return Run("order-saga", name, writer, start, order, "FAILED", error=error, cause=cause)
