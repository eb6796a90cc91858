"""Someone signed in with a password another person chose (an initial one, a reset) picks
their own before anything else."""

from urllib.parse import urlencode

from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

# What stays reachable meanwhile: the change itself, signing out, the language switch.
ALLOWED_PREFIXES = ("/accounts/", "/i18n/", "/static/")


class PasswordChangeRequired:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.must_change_password
            and not request.path.startswith(ALLOWED_PREFIXES)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {
                        "detail": _("Choose your own password first (%(path)s).")
                        % {"path": reverse("accounts:password")},
                        "code": "password_change_required",
                    },
                    status=403,
                )
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('accounts:password')}?{query}")
        return self.get_response(request)
