from django.conf import settings

from gridgov.org.roles import capabilities_of


def site(request):
    user = getattr(request, "user", None)
    return {
        "SITE_NAME": settings.SITE_NAME,
        "capabilities": capabilities_of(user) if user is not None else frozenset(),
    }
