"""Turn what boto3 raises into one clear sentence: what went wrong, and what to do about it."""

from __future__ import annotations

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    InvalidRegionError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
    ProfileNotFound,
    ReadTimeoutError,
    SSOTokenLoadError,
    TokenRetrievalError,
    UnauthorizedSSOTokenError,
)

EXPIRED = {"ExpiredToken", "ExpiredTokenException", "RequestExpired"}
ACCESS_DENIED = {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation"}
THROTTLED = {
    "ThrottlingException",
    "Throttling",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "ProvisionedThroughputExceededException",
}
UNRECOGNIZED = {"UnrecognizedClientException", "InvalidClientTokenId", "InvalidSignatureException"}
SERVICE_PREFIX = {"AssumeRole": "sts", "GetCallerIdentity": "sts", "FilterLogEvents": "logs"}


class AwsSetupError(ValueError):
    """The source's settings cannot work, or may not be used (no region, a malformed or refused
    endpoint URL, a profile or role the operator does not allow, a source not tested since it
    changed). `field` names the form field it is about, when one is."""

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.field = field


class AwsPullError(RuntimeError):
    """A call to AWS failed; the message says why in words fit to show, and what to do."""

    def __init__(self, message: str, *, code: str = "") -> None:
        super().__init__(message)
        self.code = code


def iam_action(operation: str) -> str:
    """The IAM action an API operation needs: states:ListStateMachines, sts:AssumeRole."""
    return f"{SERVICE_PREFIX.get(operation, 'states')}:{operation}"


def _client_error(error: ClientError, region: str) -> tuple[str, str]:
    details = error.response.get("Error", {})
    code = str(details.get("Code") or "")
    message = str(details.get("Message") or "").strip()
    operation = error.operation_name or "the call"
    said = f" AWS said: {message}" if message else ""
    if code in EXPIRED:
        return code, (
            f"The AWS credentials have expired ({code}).{said} Refresh them (for SSO: "
            "aws sso login; for a role: assume it again) and try again."
        )
    if code in ACCESS_DENIED:
        return code, (
            f"Access denied: the credentials may not call {iam_action(operation)} "
            f"in {region}.{said} Allow {iam_action(operation)} in the IAM policy of the user "
            "or role Stepscope pulls as."
        )
    if code in THROTTLED:
        attempts = error.response.get("ResponseMetadata", {}).get("RetryAttempts", 0)
        return code, (
            f"AWS throttled {operation} in {region} ({code}) and was still throttling after "
            f"{int(attempts) + 1} attempts with back-off. Try again in a minute, pull fewer "
            "executions at once (STEPSCOPE_AWS_CONCURRENCY), or raise STEPSCOPE_AWS_MAX_ATTEMPTS."
        )
    if code in UNRECOGNIZED:
        return code, (
            f"AWS did not recognise the credentials in {region} ({code}).{said} Check the "
            "region name (an opt-in region must be enabled for the account) and that the "
            "access key is valid."
        )
    return code, f"{operation} failed in {region}: {code or 'error'}.{said}"


def _botocore_error(error: BotoCoreError, region: str, endpoint: str) -> tuple[str, str]:
    name = type(error).__name__
    where = endpoint or f"the Step Functions endpoint of {region}"
    if isinstance(error, NoCredentialsError | PartialCredentialsError):
        return name, (
            "No AWS credentials were found. Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY "
            "(and AWS_SESSION_TOKEN), or name a profile (--profile, AWS_PROFILE) from "
            "~/.aws/config, or run where an instance or container role is available."
        )
    if isinstance(error, ProfileNotFound):
        return name, f"{error}. Name a profile that is in ~/.aws/config or ~/.aws/credentials."
    if isinstance(error, SSOTokenLoadError | UnauthorizedSSOTokenError | TokenRetrievalError):
        return (
            "ExpiredToken",
            f"The SSO login has expired or is missing ({error}). Run aws sso login.",
        )
    if isinstance(error, InvalidRegionError):
        return name, f"{region!r} is not a region name; regions look like us-east-1."
    if isinstance(error, NoRegionError):
        return name, "No region was given: name one (--region us-east-1, AWS_REGION)."
    if isinstance(error, EndpointConnectionError | ConnectTimeoutError):
        return name, (
            f"Could not connect to {where}. Check the region name ({region!r}) and, for "
            "LocalStack or moto, that the endpoint URL is right and the server is running."
        )
    if isinstance(error, ReadTimeoutError):
        return name, f"{where} did not answer in time; try again."
    return name, f"The call to AWS failed: {error}"


def explain(error: Exception, *, region: str, endpoint_url: str = "") -> AwsPullError:
    """An AwsPullError with a clear message for a boto3/botocore exception."""
    if isinstance(error, AwsPullError):
        return error
    if isinstance(error, AwsSetupError):  # a refused endpoint at request time: said as it is
        return AwsPullError(str(error), code=type(error).__name__)
    if isinstance(error, ClientError):
        code, message = _client_error(error, region)
    elif isinstance(error, BotoCoreError):
        code, message = _botocore_error(error, region, endpoint_url)
    else:
        code, message = type(error).__name__, f"The call to AWS failed: {error}"
    return AwsPullError(message, code=code)
