"""The AWS source form. It has no field for a secret key, on purpose: credentials come from
boto3's chain (environment, profiles, SSO, instance and container roles)."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from apps.accounts.forms import add_workspace_field
from apps.accounts.models import Role

REGION_SEPARATORS = re.compile(r"[\s,]+")


class AwsSourceForm(forms.Form):
    name = forms.CharField(max_length=200, help_text="What to call this source in Stepscope.")
    profile_name = forms.CharField(
        max_length=200,
        required=False,
        label="Profile",
        help_text="A profile from ~/.aws/config of the server (empty: boto3's default chain).",
    )
    role_arn = forms.CharField(
        max_length=2048,
        required=False,
        label="Role ARN",
        help_text="A role to assume with sts:AssumeRole, such as "
        "arn:aws:iam::123456789012:role/StepscopeReader (optional).",
    )
    regions = forms.CharField(
        max_length=1000,
        label="Regions",
        help_text="One or more, separated by spaces or commas: us-east-1, eu-west-1.",
    )
    endpoint_url = forms.CharField(
        max_length=2048,
        required=False,
        label="Endpoint URL",
        help_text="Only for LocalStack or moto, such as http://127.0.0.1:5000 (empty for AWS).",
    )

    def __init__(self, *args: Any, renaming: bool = True, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if user is not None:  # a new source: in a workspace where the user is an admin
            add_workspace_field(self, user, Role.ADMIN)
        if not renaming:  # sources are saved by name: editing keeps the name
            self.fields["name"].disabled = True
            self.fields["name"].help_text = "A source keeps its name."

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
