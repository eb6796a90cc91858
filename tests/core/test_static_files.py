"""Static files as production and the demo serve them: collected, compressed and
fingerprinted; a fingerprinted file is cached for good, since its name changes with it."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from django.conf import settings as django_settings
from django.core.management import call_command
from django.templatetags.static import static
from django.test import Client

MANIFEST = "gridgov.core.storage.CompressedManifestStorage"


def test_collected_files_are_compressed_and_fingerprinted_ones_cached_for_good(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": MANIFEST}}
    settings.WHITENOISE_USE_FINDERS = False
    settings.WHITENOISE_AUTOREFRESH = False
    call_command("collectstatic", interactive=False, verbosity=0)
    url = static("gridgov/app.css")
    assert re.search(r"/app\.[0-9a-f]{12}\.css$", url), url
    response = Client().get(url, HTTP_ACCEPT_ENCODING="gzip, br")
    assert response.status_code == 200
    assert response["Content-Encoding"] in ("gzip", "br")
    assert "immutable" in response["Cache-Control"]
    assert "max-age=315360000" in response["Cache-Control"]


def settings_of(module: str, **env) -> dict:
    """STORAGES and WhiteNoise's settings of a settings module, as a fresh process reads them."""
    code = (
        f"import json, {module} as s; print(json.dumps({{'storage': "
        "s.STORAGES['staticfiles']['BACKEND'], 'finders': getattr(s, 'WHITENOISE_USE_FINDERS', "
        "False), 'max_age': s.WHITENOISE_MAX_AGE}))"
    )
    environment = {**os.environ, "PYTHONPATH": str(django_settings.BASE_DIR), **env}
    out = subprocess.run(  # noqa: S603 (this interpreter, a fixed program)
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, check=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def test_the_demo_serves_what_production_serves_and_development_the_source_tree():
    demo = settings_of("gridgov.settings.development", GRIDGOV_DEBUG="false")
    assert demo == {"storage": MANIFEST, "finders": False, "max_age": 86400}
    develop = settings_of("gridgov.settings.development", GRIDGOV_DEBUG="true")
    assert develop["finders"] is True and develop["storage"] != MANIFEST


def test_make_demo_collects_the_static_files_as_the_demo_serves_them():
    makefile = (Path(django_settings.BASE_DIR) / "Makefile").read_text()
    demo = makefile.split("\ndemo:", 1)[1].split("\n\n", 1)[0]
    assert "GRIDGOV_DEBUG=$${GRIDGOV_DEBUG:-false} $(PY) manage.py collectstatic" in demo
