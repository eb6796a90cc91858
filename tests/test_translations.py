from pathlib import Path

import polib
from django.conf import settings
from django.test import Client
from django.utils import translation

CATALOGUE = Path(settings.BASE_DIR) / "gridgov/locale/zh_Hans/LC_MESSAGES/django.po"


def test_every_message_has_a_chinese_translation():
    catalogue = polib.pofile(str(CATALOGUE))
    assert not catalogue.untranslated_entries()
    assert not catalogue.fuzzy_entries()
    assert len(catalogue) > 100


def test_placeholders_survive_translation():
    for entry in polib.pofile(str(CATALOGUE)):
        for name in ("%(", "%d", "%s"):
            translated = entry.msgstr or entry.msgstr_plural.get(0, "")
            assert entry.msgid.count(name) == translated.count(name), entry.msgid


def test_chinese_is_the_default_language():
    assert settings.LANGUAGE_CODE == "zh-hans"
    with translation.override("zh-hans"):
        assert translation.gettext("Workbench") == "工作台"


def test_the_compiled_catalogue_is_used_by_pages(db):
    assert "登录" in Client().get("/accounts/login/").content.decode()
