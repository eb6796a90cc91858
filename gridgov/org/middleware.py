"""Someone holding two posts chooses which one they act in (for this browser session); without
a choice, or when the chosen post is no longer theirs and active, their first active post."""

from .roles import posts_with_places

SESSION_KEY = "gridgov_post"


class ChosenPost:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
        if chosen is not None and request.user.is_authenticated:
            post = posts_with_places().filter(pk=chosen, user=request.user, is_active=True).first()
            if post is not None:
                request.user._gridgov_post = post  # what post_of(user) answers from now on
            else:
                del request.session[SESSION_KEY]
        return self.get_response(request)
