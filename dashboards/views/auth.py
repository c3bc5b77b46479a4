"""Login (throttled), logout, password change, and each role's landing page."""

from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import redirect
from django.urls import reverse_lazy


from hotline import access, login_throttle, roles


class ThrottledAuthenticationForm(AuthenticationForm):
    def clean(self):
        username = self.cleaned_data.get("username") or ""
        address = login_throttle.client_address(self.request)
        verdict = login_throttle.check(username=username, address=address)
        if not verdict.allowed:
            raise forms.ValidationError(verdict.message, code="throttled")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            login_throttle.record_failure(username=username, address=address)
            raise
        login_throttle.record_success(username=username)
        return cleaned


class LoginView(auth_views.LoginView):
    form_class = ThrottledAuthenticationForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


class PasswordChangeView(auth_views.PasswordChangeView):
    success_url = reverse_lazy("password_change_done")


def landing_url_name(user):
    user_roles = access.roles_of(user)
    if access.is_supervisor(user):
        return "supervisor"
    if roles.OPERATOR in user_roles:
        return "console"
    if access.is_unit_user(user):
        return "unit"
    if roles.MEDIA_EDITOR in user_roles:
        return "editor_promotions"
    if user.is_staff:
        return "admin:index"
    return "password_change"


def home(request):
    """Each role lands on its own page; a visitor who is not logged in sees the public site."""
    if not request.user.is_authenticated:
        return redirect("public_home")
    return redirect(landing_url_name(request.user))


__all__ = ["LoginView", "LogoutView", "PasswordChangeView", "home", "landing_url_name"]
