"""As whom a source saved from the web may call AWS: the operator's allow-lists.

A profile from the server's ~/.aws/config, or a role to assume, decides which AWS account and
permissions Stepscope uses, so the web may only choose among those the operator lists:

- STEPSCOPE_AWS_PROFILES: comma-separated profile names. The empty profile (boto3's default
  chain: environment, instance or container role) is always allowed.
- STEPSCOPE_AWS_ROLE_ARNS: comma-separated role ARNs; `*` stands for any characters
  (arn:aws:iam::123456789012:role/Stepscope*).

Unset, only the default chain and no role may be chosen from the web. The command line
(`aws_sync --profile/--role-arn`) is the operator's own and is not limited.
"""

from __future__ import annotations

import re

from django.conf import settings

from apps.aws.errors import AwsSetupError

PROFILES_SETTING = "STEPSCOPE_AWS_PROFILES"
ROLES_SETTING = "STEPSCOPE_AWS_ROLE_ARNS"


def allowed_profiles() -> list[str]:
    return [name for name in getattr(settings, PROFILES_SETTING, []) if name]


def allowed_role_patterns() -> list[str]:
    return [pattern for pattern in getattr(settings, ROLES_SETTING, []) if pattern]


def role_allowed(role_arn: str) -> bool:
    for pattern in allowed_role_patterns():
        wildcard = re.escape(pattern).replace(r"\*", ".*")
        if re.fullmatch(wildcard, role_arn):
            return True
    return False


def profile_check(profile_name: str) -> str:
    """The profile when the web may use it; AwsSetupError saying which are allowed otherwise."""
    if not profile_name or profile_name in allowed_profiles():
        return profile_name
    listed = allowed_profiles()
    if not listed:
        raise AwsSetupError(
            f"The profile {profile_name!r} is not allowed: sources saved from the web use boto3's "
            f"default chain unless the operator lists profiles in {PROFILES_SETTING}. Leave the "
            "profile empty.",
            field="profile_name",
        )
    raise AwsSetupError(
        f"The profile {profile_name!r} is not one the operator allows: choose one of "
        f"{', '.join(listed)} ({PROFILES_SETTING}), or none for boto3's default chain.",
        field="profile_name",
    )


def role_check(role_arn: str) -> str:
    """The role ARN when the web may use it; AwsSetupError saying which are allowed otherwise."""
    if not role_arn or role_allowed(role_arn):
        return role_arn
    patterns = allowed_role_patterns()
    if not patterns:
        raise AwsSetupError(
            f"Assuming the role {role_arn!r} is not allowed: sources saved from the web assume "
            f"no role unless the operator lists role ARNs in {ROLES_SETTING}. Leave the role "
            "empty.",
            field="role_arn",
        )
    raise AwsSetupError(
        f"The role {role_arn!r} is not one the operator allows: it must match one of "
        f"{', '.join(patterns)} ({ROLES_SETTING}; * stands for any characters).",
        field="role_arn",
    )
