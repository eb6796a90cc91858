from django.conf import settings
from django.contrib.auth import views as auth_views


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "failure_limit": settings.AXES_FAILURE_LIMIT}


class LogoutView(auth_views.LogoutView):
    pass
