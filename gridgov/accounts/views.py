from contextlib import suppress

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from gridgov.core.audit import client_ip
from gridgov.core.errors import Conflict, InvalidInput, stored_id
from gridgov.org.roles import post_of

from .actions import do_revoke_token, do_set_password
from .invitations import invited_user
from .models import ApiToken
from .oidc import oidc_enabled


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "oidc_name": settings.GRIDGOV_OIDC_NAME if oidc_enabled() else "",
            "oidc_refused": self.request.GET.get("oidc") == "refused",
        }


def oidc_start(request):
    """Off to the organisation's identity provider (404 where none is configured)."""
    if not oidc_enabled():
        raise Http404
    return OIDCAuthenticationRequestView.as_view()(request)


def oidc_callback(request):
    """Back from the provider: signed in as the staff member its claim names, or refused."""
    if not oidc_enabled():
        raise Http404
    return OIDCAuthenticationCallbackView.as_view()(request)


class LogoutView(auth_views.LogoutView):
    pass


def _refused(form, exc: InvalidInput) -> None:
    for detail in exc.details or [{"reason": str(exc.message)}]:
        form.add_error("new_password1", detail["reason"])


def _next_or_home(request):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("core:home")


@login_required
def password_change(request):
    """Change your own password (required when someone else chose it). Your API tokens are
    revoked; this browser stays signed in, the others are signed out."""
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            do_set_password(request.user, form.cleaned_data["new_password1"], actor=request.user)
        except InvalidInput as exc:
            _refused(form, exc)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Your password was changed; your API tokens were revoked."))
            return _next_or_home(request)
    context = {
        "form": form,
        "next": request.GET.get("next", ""),
        "forced": request.user.must_change_password,
    }
    return render(request, "accounts/password.html", context, status=400 if form.errors else 200)


def invitation(request, uidb64, token):
    """Set the first password of a login created for you, through your invitation link."""
    user = invited_user(uidb64, token)
    if user is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            do_set_password(user, form.cleaned_data["new_password1"], actor=user)
        except InvalidInput as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("Your password is set; sign in with it."))
            return redirect("accounts:login")
    context = {"form": form, "username": user.get_username()}
    return render(request, "accounts/invitation.html", context, status=400 if form.errors else 200)


@login_required
def tokens(request):
    """Your API tokens: when each was issued and last used; revoke any of them."""
    mine = ApiToken.objects.filter(user=request.user).order_by("-created_at", "-id")[:200]
    posts = list(request.user.posts.filter(is_active=True).select_related("region", "department"))
    current = post_of(request.user)
    context = {"tokens": mine, "posts": posts if len(posts) > 1 else [], "current": current}
    return render(request, "accounts/tokens.html", context)


@login_required
@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=stored_id(pk) or 0, user=request.user)
    with suppress(Conflict):  # already revoked: the list shows it so
        do_revoke_token(token, actor=request.user, ip_address=client_ip(request))
    messages.success(request, _("The token was revoked."))
    return redirect("accounts:tokens")
