"""Which profiles and roles a source saved from the web may use (apps/aws/identities.py): the
operator's STEPSCOPE_AWS_PROFILES and STEPSCOPE_AWS_ROLE_ARNS; unset, only boto3's default chain
and no role. The form says what is allowed; the command line is not limited."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from apps.aws.clients import SourceSettings, aws_session
from apps.aws.errors import AwsSetupError
from apps.aws.identities import profile_check, role_check
from apps.aws.models import AwsSource
from apps.aws.services import aws_source_save
from tests.apps.aws.moto_server import REGION
from tests.workspaces import team

ROLE = "arn:aws:iam::123456789012:role/StepscopeReader"


@pytest.fixture(autouse=True)
def unset(settings: Any) -> None:
    settings.STEPSCOPE_AWS_PROFILES = []
    settings.STEPSCOPE_AWS_ROLE_ARNS = []


def test_unset_only_the_default_chain_and_no_role():
    assert profile_check("") == "" and role_check("") == ""
    with pytest.raises(AwsSetupError, match="use boto3's default chain unless the operator lists"):
        profile_check("prod")
    with pytest.raises(AwsSetupError, match="assume no role unless the operator lists role ARNs"):
        role_check(ROLE)


def test_listed_profiles_and_role_patterns(settings):
    settings.STEPSCOPE_AWS_PROFILES = ["prod-read", "staging"]
    settings.STEPSCOPE_AWS_ROLE_ARNS = [
        "arn:aws:iam::123456789012:role/Stepscope*",
        "arn:aws:iam::210987654321:role/audit",
    ]
    assert profile_check("staging") == "staging"
    with pytest.raises(AwsSetupError) as refused:
        profile_check("admin")
    assert "choose one of prod-read, staging (STEPSCOPE_AWS_PROFILES)" in str(refused.value)
    assert refused.value.field == "profile_name"
    assert role_check(ROLE) == ROLE
    assert role_check("arn:aws:iam::210987654321:role/audit")
    for refused_role in (
        "arn:aws:iam::123456789012:role/Admin",
        "arn:aws:iam::999999999999:role/StepscopeReader",  # another account
        "arn:aws:iam::210987654321:role/auditor",  # no wildcard: exactly
    ):
        with pytest.raises(AwsSetupError, match="is not one the operator allows") as refused:
            role_check(refused_role)
        assert refused.value.field == "role_arn"


@pytest.mark.django_db
def test_the_service_refuses_what_is_not_allowed(settings):
    with pytest.raises(AwsSetupError, match="profile 'prod' is not allowed"):
        aws_source_save(workspace=team(), name="a", regions=[REGION], profile_name="prod")
    with pytest.raises(AwsSetupError, match="Assuming the role"):
        aws_source_save(workspace=team(), name="a", regions=[REGION], role_arn=ROLE)
    assert not AwsSource.objects.exists()
    settings.STEPSCOPE_AWS_PROFILES = ["prod"]
    settings.STEPSCOPE_AWS_ROLE_ARNS = ["arn:aws:iam::123456789012:role/Stepscope*"]
    source = aws_source_save(
        workspace=team(), name="a", regions=[REGION], profile_name="prod", role_arn=ROLE
    )
    assert (source.profile_name, source.role_arn) == ("prod", ROLE)


def test_a_stored_source_is_checked_again_when_used(settings):
    """A profile the operator takes off the list is refused from then on, before boto3 is asked."""
    checked = SourceSettings((REGION,), profile_name="prod", checked=True)
    with pytest.raises(AwsSetupError, match="profile 'prod' is not allowed"):
        aws_session(checked, REGION)
    with pytest.raises(AwsSetupError, match="Assuming the role"):
        aws_session(SourceSettings((REGION,), role_arn=ROLE, checked=True), REGION)


def test_the_command_lines_settings_are_not_limited(moto):
    """aws_sync --profile/--role-arn: the operator's; moto's STS gives the role's credentials."""
    session = aws_session(SourceSettings((REGION,), role_arn=ROLE, endpoint_url=moto.url), REGION)
    assert session.get_credentials().access_key != "testing"


@pytest.mark.django_db
def test_the_form_lists_what_is_allowed(signed_in, settings):
    page = signed_in.get(reverse("aws:new")).content.decode()
    assert "Only boto3&#x27;s default chain on the server" in page
    assert "no role may be assumed from the web unless the operator lists" in page
    assert "STEPSCOPE_AWS_ENDPOINT_ALLOW, now: none" in page
    settings.STEPSCOPE_AWS_PROFILES = ["prod-read", "staging"]
    settings.STEPSCOPE_AWS_ROLE_ARNS = ["arn:aws:iam::123456789012:role/Stepscope*"]
    settings.STEPSCOPE_AWS_ENDPOINT_ALLOW = ["localhost:4566"]
    page = signed_in.get(reverse("aws:new")).content.decode()
    assert '<select name="profile_name"' in page
    assert '<option value="prod-read">prod-read</option>' in page
    assert '<option value="staging">staging</option>' in page
    assert "arn:aws:iam::123456789012:role/Stepscope*" in page
    assert "STEPSCOPE_AWS_ENDPOINT_ALLOW, now: localhost:4566" in page
    answer = signed_in.post(
        reverse("aws:new"),
        {"name": "x", "profile_name": "root", "role_arn": "", "regions": REGION},
    )
    assert answer.status_code == 400
    assert "Choose a profile from the list" in answer.content.decode()
    answer = signed_in.post(
        reverse("aws:new"),
        {
            "name": "x",
            "profile_name": "staging",
            "role_arn": "arn:aws:iam::123456789012:role/Admin",
            "regions": REGION,
        },
    )
    assert answer.status_code == 400
    assert "is not one the operator allows" in answer.content.decode()
    assert not AwsSource.objects.exists()


@pytest.mark.django_db
def test_editing_a_source_whose_profile_is_no_longer_allowed_says_so(signed_in, settings):
    settings.STEPSCOPE_AWS_PROFILES = ["old"]
    source = aws_source_save(workspace=team(), name="a", regions=[REGION], profile_name="old")
    settings.STEPSCOPE_AWS_PROFILES = ["new"]
    edit = reverse("aws:edit", args=[source.pk])
    assert '<option value="old" selected>old (no longer allowed)</option>' in (
        signed_in.get(edit).content.decode()
    )
    answer = signed_in.post(edit, {"profile_name": "old", "role_arn": "", "regions": REGION})
    assert answer.status_code == 400
    assert "The profile &#x27;old&#x27; is not one the operator allows" in answer.content.decode()
