import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from gridgov.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def answer(monkeypatch, *replies):
    replies = iter(replies)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(replies))


def test_set_password_changes_the_password_and_is_audited(monkeypatch):
    answer(monkeypatch, "a-new-long-passphrase", "a-new-long-passphrase")
    call_command("set_password", "gridworker", stdout=io.StringIO())
    user = get_user_model().objects.get(username="gridworker")
    assert user.check_password("a-new-long-passphrase")
    entry = AuditEntry.objects.filter(action="accounts.user.set_password").latest("id")
    assert entry.target_id == str(user.pk) and entry.actor_label == "command:set_password"


@pytest.mark.usefixtures("english")
def test_a_weak_password_is_refused_with_the_reasons(monkeypatch):
    answer(monkeypatch, "123", "123")
    with pytest.raises(CommandError, match="too weak"):
        call_command("set_password", "gridworker", stdout=io.StringIO())


def test_two_different_entries_change_nothing(monkeypatch):
    answer(monkeypatch, "a-new-long-passphrase", "another-long-passphrase")
    with pytest.raises(CommandError, match="differ"):
        call_command("set_password", "gridworker", stdout=io.StringIO())
    assert not AuditEntry.objects.filter(action="accounts.user.set_password").exists()
