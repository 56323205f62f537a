"""/accounts/password/: Django's password change page, with the old password checked as a sign-in.

Django's own form compares the old password directly (user.check_password), outside the sign-in
throttle, so whoever holds a session (a stolen cookie, a shared screen) could guess the password
there without limit. Here it goes through authenticate() with the request, like the sign-in page:
each wrong guess counts towards the username's and the address's failures (django-axes,
config/signin.py), and once either is locked the page answers with the lockout page, even for the
right password.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.views import PasswordChangeView
from django.http import HttpRequest


class ThrottledPasswordChangeForm(PasswordChangeForm):
    def __init__(self, user: Any, *args: Any, request: HttpRequest | None = None, **kwargs: Any):
        super().__init__(user, *args, **kwargs)
        self.request = request

    def clean_old_password(self) -> str:
        old_password: str = self.cleaned_data["old_password"]
        signed = authenticate(
            self.request, username=self.user.get_username(), password=old_password
        )
        if signed is None or signed.pk != self.user.pk:
            raise forms.ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        return old_password


class ThrottledPasswordChangeView(PasswordChangeView):
    form_class = ThrottledPasswordChangeForm

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["request"] = self.request
        return kwargs
