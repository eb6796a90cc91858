"""The libraries' apps under Chinese names in the admin, and the libraries' own words that
their catalogues do not translate into Chinese: kept here so that the project's catalogue
(which takes precedence) holds them."""

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from django_tasks_db.apps import TasksAppConfig


class SignInLockoutsConfig(AxesAppConfig):
    verbose_name = _("Sign-in lockouts")


class BackgroundTasksConfig(TasksAppConfig):
    verbose_name = _("Background tasks")


LIBRARY_WORDS = (
    # django-axes' models
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    # django-tasks' database backend
    gettext_noop("Task Result"),
    gettext_noop("Task Results"),
    # Django's admin index (its table captions for screen readers)
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
)
