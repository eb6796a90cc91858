"""The API's own sign-in: exchange a password for a bearer token, revoke it, and who am I."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate, user_logged_in
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.exceptions import Throttled
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from gridgov.core.audit import client_ip
from gridgov.core.errors import InvalidInput, NotPermitted, stored_id
from gridgov.core.ratelimit import allow, seconds_left
from gridgov.org.roles import post_of

from .actions import do_issue_token, do_revoke_token
from .authentication import BearerTokenAuthentication
from .models import ApiToken


class TokenRequest(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False)
    name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class TokenView(APIView):
    """POST: sign in with username and password, get a bearer token (shown once).
    DELETE: revoke the token this request is authenticated with (sign out)."""

    def get_authenticators(self):
        # Signing in presents credentials in the body: no session, hence no CSRF check.
        # Signing out needs the token itself.
        if getattr(getattr(self, "request", None), "method", "POST") == "DELETE":
            return [BearerTokenAuthentication()]
        return []

    def get_permissions(self):
        if getattr(getattr(self, "request", None), "method", "POST") == "DELETE":
            return [IsAuthenticated()]
        return [AllowAny()]

    @extend_schema(
        request=TokenRequest,
        responses={
            201: inline_serializer(
                "IssuedToken",
                {
                    "token": serializers.CharField(),
                    "expires_at": serializers.DateTimeField(allow_null=True),
                },
            ),
            400: dict,
            401: dict,
            403: dict,
        },
        auth=[],
    )
    def post(self, request):
        data = TokenRequest(data=request.data)
        data.is_valid(raise_exception=True)
        username, password = data.validated_data["username"], data.validated_data["password"]
        # The Django request, not DRF's wrapper: django-axes counts failures and flags the
        # lockout on it.
        django_request = request._request
        _count_minting(client_ip(django_request), username)
        user = authenticate(request=django_request, username=username, password=password)
        if getattr(django_request, "axes_locked_out", False):
            # Answered here in JSON; left set, AxesMiddleware would replace it with the HTML page.
            django_request.axes_locked_out = False
            raise NotPermitted(
                _(
                    "Too many failed sign-in attempts: this account is locked for now. "
                    "Try again later."
                )
            )
        if user is None:
            return Response(
                {"detail": _("Wrong username or password."), "code": "authentication_failed"},
                status=status.HTTP_401_UNAUTHORIZED,
            )
        if not user.is_active:  # ModelBackend already refuses these; belt and braces
            raise InvalidInput(_("This account is disabled."))
        if user.must_change_password:
            # Someone else chose this password: no token until the person has their own.
            raise NotPermitted(
                _("Choose your own password on the web first; then sign in here again.")
            )
        # Like a sign-in on the web: clears the failure count (AXES_RESET_ON_SUCCESS), notes
        # last_login.
        user_logged_in.send(sender=user.__class__, request=django_request, user=user)
        days = settings.GRIDGOV_API_TOKEN_DAYS
        token, secret = do_issue_token(
            user,
            actor=user,
            name=data.validated_data["name"],
            lifetime=timedelta(days=days) if days > 0 else None,
            ip_address=client_ip(django_request),
        )
        return Response(
            {"token": secret, "expires_at": token.expires_at},
            status=status.HTTP_201_CREATED,
            headers={"Cache-Control": "no-store"},
        )

    @extend_schema(request=None, responses={204: None, 401: dict})
    def delete(self, request):
        if not isinstance(request.auth, ApiToken):
            raise InvalidInput(_("Sign out with the token itself."))
        do_revoke_token(request.auth, actor=request.user, ip_address=client_ip(request._request))
        return Response(status=status.HTTP_204_NO_CONTENT)


def _count_minting(ip: str, username: str) -> None:
    """Signing in for tokens is counted per address and per username, successes included: a
    script minting tokens, or trying passwords across accounts, is slowed (429)."""
    for bucket, limit in (
        (f"token:ip:{ip}", settings.GRIDGOV_TOKEN_IP_LIMIT),
        (f"token:user:{username.lower()}", settings.GRIDGOV_TOKEN_USER_LIMIT),
    ):
        if not allow(bucket, **limit):
            raise Throttled(
                wait=seconds_left(limit["seconds"]),
                detail=_("Too many sign-ins from here or for this account; try again later."),
            )


class TokenSerializer(serializers.ModelSerializer):
    revoked = serializers.BooleanField(source="is_revoked", read_only=True)

    class Meta:
        model = ApiToken
        fields = ["id", "prefix", "name", "created_at", "last_used_at", "expires_at", "revoked"]


class MyTokensView(generics.ListAPIView):
    """Your own API tokens (never their secrets), newest first."""

    serializer_class = TokenSerializer

    def get_queryset(self):
        return ApiToken.objects.filter(user=self.request.user).order_by("-created_at", "-id")


class MyTokenView(APIView):
    """Revoke one of your own tokens (another's is 404)."""

    @extend_schema(request=None, responses={204: None, 404: dict, 409: dict})
    def delete(self, request, pk):
        token = get_object_or_404(ApiToken, pk=stored_id(pk) or 0, user=request.user)
        do_revoke_token(token, actor=request.user, ip_address=client_ip(request._request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    """Who the caller is: name, role and the region of their staff post."""

    @extend_schema(
        responses=inline_serializer(
            "Me",
            {
                "username": serializers.CharField(),
                "name": serializers.CharField(),
                "role": serializers.CharField(allow_null=True),
                "region": inline_serializer(
                    "MeRegion",
                    {"code": serializers.CharField(), "name": serializers.CharField()},
                    allow_null=True,
                ),
            },
        )
    )
    def get(self, request):
        user = request.user
        staff = post_of(user)
        return Response(
            {
                "username": user.get_username(),
                "name": staff.name if staff is not None else user.get_username(),
                "role": staff.role if staff is not None else None,
                "region": (
                    {"code": staff.region.code, "name": staff.region.name}
                    if staff is not None and staff.region is not None
                    else None
                ),
            }
        )
