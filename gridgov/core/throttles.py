"""The REST API's throttle: API writes per user, counted in the database (core.ratelimit),
so that every web process shares the count. Reads are not counted."""

from django.conf import settings
from rest_framework.permissions import SAFE_METHODS
from rest_framework.throttling import BaseThrottle

from .ratelimit import allow, seconds_left


class UserWriteThrottle(BaseThrottle):
    """GRIDGOV_API_WRITE_LIMIT writes (POST, PUT, PATCH, DELETE) per user and window: a 429
    with Retry-After beyond it. Generous: a busy phone or integration never meets it, a
    runaway loop does."""

    def allow_request(self, request, view) -> bool:
        user = request.user
        if request.method in SAFE_METHODS or not user or not user.is_authenticated:
            return True
        limit = settings.GRIDGOV_API_WRITE_LIMIT
        self.retry = seconds_left(limit["seconds"])
        # Counted in batches of a thirtieth of the limit (10 of 300), exactly near the limit.
        batch = max(1, limit["limit"] // 30)
        return allow(f"api:write:user:{user.pk}", **limit, batch=batch)

    def wait(self):
        return getattr(self, "retry", None)
