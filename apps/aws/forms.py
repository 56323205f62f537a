"""The AWS source form. It has no field for a secret key, on purpose: credentials come from
boto3's chain (environment, profiles, SSO, instance and container roles).

It says what the operator allows: the profiles to choose from (STEPSCOPE_AWS_PROFILES), the
role ARN patterns (STEPSCOPE_AWS_ROLE_ARNS) and the endpoints on this server's own networks
(STEPSCOPE_AWS_ENDPOINT_ALLOW). The service (services.aws_source_save) enforces them."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from apps.accounts.forms import add_workspace_field
from apps.accounts.models import Role
from apps.aws import endpoints, identities
from apps.aws.errors import AwsSetupError

REGION_SEPARATORS = re.compile(r"[\s,]+")
DEFAULT_CHAIN = "boto3's default chain (environment, instance or container role)"


def _profile_help() -> str:
    listed = identities.allowed_profiles()
    if not listed:
        return (
            "Only boto3's default chain on the server: the operator allows named profiles from "
            f"~/.aws/config by listing them in {identities.PROFILES_SETTING}."
        )
    return (
        f"A profile from ~/.aws/config of the server, among those the operator allows "
        f"({identities.PROFILES_SETTING}): {', '.join(listed)}; or boto3's default chain."
    )


def _role_help() -> str:
    patterns = identities.allowed_role_patterns()
    if not patterns:
        return (
            "Leave it empty: no role may be assumed from the web unless the operator lists "
            f"role ARNs in {identities.ROLES_SETTING}."
        )
    return (
        "A role to assume with sts:AssumeRole (optional), matching one the operator allows "
        f"({identities.ROLES_SETTING}; * stands for any characters): {', '.join(patterns)}."
    )


def _endpoint_help() -> str:
    try:
        allowed = endpoints.allowed_description()
    except AwsSetupError as error:  # a malformed allow-list: said on the form
        allowed = str(error)
    return (
        "Only for LocalStack or moto (empty for AWS itself). It must lead to a public address: "
        "loopback, link-local, private and cloud metadata addresses are refused unless the "
        f"operator allows them ({endpoints.SETTING}, now: {allowed})."
    )


class AwsSourceForm(forms.Form):
    name = forms.CharField(max_length=200, help_text="What to call this source in Stepscope.")
    profile_name = forms.ChoiceField(required=False, label="Profile")
    role_arn = forms.CharField(max_length=2048, required=False, label="Role ARN")
    regions = forms.CharField(
        max_length=1000,
        label="Regions",
        help_text="One or more, separated by spaces or commas: us-east-1, eu-west-1.",
    )
    endpoint_url = forms.CharField(max_length=2048, required=False, label="Endpoint URL")

    def __init__(
        self,
        *args: Any,
        renaming: bool = True,
        user: Any = None,
        source: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if user is not None:  # a new source: in a workspace where the user is an admin
            add_workspace_field(self, user, Role.ADMIN)
        if not renaming:  # sources are saved by name: editing keeps the name
            self.fields["name"].disabled = True
            self.fields["name"].help_text = "A source keeps its name."
        self._describe_allowed(source)

    def _describe_allowed(self, source: Any) -> None:
        choices = [("", DEFAULT_CHAIN)]
        choices += [(name, name) for name in identities.allowed_profiles()]
        current = getattr(source, "profile_name", "")
        if current and current not in identities.allowed_profiles():  # kept, to say why not
            choices.append((current, f"{current} (no longer allowed)"))
        profile = self.fields["profile_name"]
        profile.choices = choices  # type: ignore[attr-defined]
        profile.help_text = _profile_help()
        profile.error_messages["invalid_choice"] = (
            "Choose a profile from the list: the operator allows only those "
            f"({identities.PROFILES_SETTING})."
        )
        self.fields["role_arn"].help_text = _role_help()
        self.fields["endpoint_url"].help_text = _endpoint_help()

    def clean_name(self) -> str:
        return " ".join(str(self.cleaned_data["name"]).split())

    def clean_regions(self) -> list[str]:
        text = str(self.cleaned_data["regions"])
        regions = [region for region in REGION_SEPARATORS.split(text) if region]
        if not regions:
            raise forms.ValidationError("Name at least one region, such as us-east-1.")
        return regions


def source_initial(source: Any) -> dict[str, Any]:
    return {
        "name": source.name,
        "profile_name": source.profile_name,
        "role_arn": source.role_arn,
        "regions": ", ".join(source.regions),
        "endpoint_url": source.endpoint_url,
    }
