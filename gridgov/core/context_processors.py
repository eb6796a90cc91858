from django.conf import settings

from .registry import capabilities_of, navigation


def site(request):
    user = getattr(request, "user", None)
    capabilities = capabilities_of(user) if user is not None else frozenset()
    return {
        "SITE_NAME": settings.SITE_NAME,
        "capabilities": capabilities,
        "navigation": [entry for entry in navigation() if entry.shown_to(capabilities)],
    }
