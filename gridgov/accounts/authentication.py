"""API tokens on the wire: `Authorization: Bearer <secret>` (or `Token <secret>`).

A token-authenticated request carries no cookie, so DRF does not check CSRF for it; browser
pages keep using the session (and CSRF) through SessionAuthentication.
"""

from datetime import timedelta
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication, get_authorization_header

from .actions import token_digest
from .models import ApiToken

# last_used_at is a hint for people reviewing their tokens, not a log: writing it at most
# once a minute per token keeps busy phones from turning every read into a write.
TOUCH_INTERVAL = timedelta(seconds=60)


class BearerTokenAuthentication(TokenAuthentication):
    keyword = "Bearer"
    keywords = (b"bearer", b"token")

    def authenticate(self, request):
        auth = get_authorization_header(request).split()
        if not auth or auth[0].lower() not in self.keywords:
            return None  # not ours: the session may still authenticate the request
        if len(auth) != 2:
            raise exceptions.AuthenticationFailed(
                _("Malformed Authorization header: give it as “Bearer <token>”.")
            )
        try:
            secret = auth[1].decode("ascii")
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("The API token is not valid.")) from None
        return self.authenticate_credentials(secret)

    def authenticate_credentials(self, key):
        # The digest is unique: no ORDER BY for the ORM to compile on every API request.
        token = (
            ApiToken.objects.select_related("user")
            .filter(key_digest=token_digest(key))
            .order_by()[:1]
        )
        token = token[0] if token else None
        if token is None:
            raise exceptions.AuthenticationFailed(_("The API token is not valid."))
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("This API token has been revoked."))
        now = timezone.now()
        if token.is_expired(now):
            raise exceptions.AuthenticationFailed(
                _("This API token has expired; sign in again to get a new one.")
            )
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("This account is disabled."))
        touch(token, now)
        return token.user, token

    def authenticate_header(self, request):
        """The challenge of a 401. Only requests that tried a token get one: a request with no
        credentials at all keeps getting 403, as before tokens existed."""
        auth = get_authorization_header(request).split()
        if auth and auth[0].lower() in self.keywords:
            return f'{self.keyword} realm="api"'
        return None


def session_or_bearer(view):
    """For a page-side URL that phones also read (a photo in an API answer): a bearer token
    signs the request in as its user, with the same checks as the API; without one, the
    session as for any page (login_required). A bad token is a 401, never the login page."""
    page = login_required(view)

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        scheme = BearerTokenAuthentication()
        try:
            found = scheme.authenticate(request)
        except exceptions.AuthenticationFailed as failure:
            response = JsonResponse(
                {"detail": str(failure.detail), "code": "authentication_failed"}, status=401
            )
            response["WWW-Authenticate"] = scheme.authenticate_header(request)
            return response
        if found is None:
            return page(request, *args, **kwargs)
        request.user = found[0]
        return view(request, *args, **kwargs)

    return wrapped


def touch(token: ApiToken, now) -> None:
    """Note that the token was used: one conditional UPDATE, and only when the stored time
    is more than a minute old (so concurrent requests do not all write)."""
    threshold = now - TOUCH_INTERVAL
    if token.last_used_at is not None and token.last_used_at >= threshold:
        return
    ApiToken.objects.filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=threshold), pk=token.pk
    ).update(last_used_at=now)
    token.last_used_at = now


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """Documents the tokens in /api/schema/ as the `bearerAuth` HTTP bearer scheme."""

    target_class = "gridgov.accounts.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(
            header_name="Authorization",
            token_prefix="Bearer",  # noqa: S106 (the scheme's name)
            bearer_format="ggv_…",
        )
