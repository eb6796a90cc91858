"""The supply chain is locked: every Python package set-up installs is pinned with its hashes,
and a front-end tarball that does not match its published integrity is refused."""

import base64
import hashlib
import importlib.util
import io
import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements.lock"


def locked() -> dict[str, tuple[str, list[str]]]:
    """name -> (version, hashes) of every requirement in the lock."""
    entries, name = {}, None
    for line in LOCK.read_text().splitlines():
        requirement = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^ ;\\]+)", line)
        if requirement:
            name = normalised(requirement[1])
            entries[name] = (requirement[2], [])
        for digest in re.findall(r"--hash=sha256:([0-9a-f]{64})", line):
            entries[name][1].append(digest)
    return entries


def normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_locked_package_is_pinned_with_its_hashes():
    entries = locked()
    assert len(entries) > 50
    unhashed = [name for name, (_version, hashes) in entries.items() if not hashes]
    assert unhashed == []
    for line in LOCK.read_text().splitlines():
        stripped = line.strip()
        assert not stripped or stripped.startswith(("#", "--hash", "-")) or "==" in stripped, line


def test_every_pin_of_pyproject_is_in_the_lock_at_the_same_version():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pins = [*project["dependencies"], *project["optional-dependencies"]["dev"]]
    entries = locked()
    for pin in pins:
        name, version = re.match(r"^([A-Za-z0-9._-]+)(?:\[[^\]]*\])?==(\S+)$", pin).groups()
        assert entries.get(normalised(name), (None,))[0] == version, f"{pin}: run scripts/lock"


def test_set_up_installs_only_from_the_lock_with_hash_checking():
    script = (ROOT / "scripts" / "bootstrap-venv").read_text()
    assert "--require-hashes -r requirements.lock" in script
    assert "--no-deps" in script and "'.[dev]'" not in script


def fetch_assets():
    spec = importlib.util.spec_from_file_location("fetch_assets", ROOT / "scripts/fetch_assets.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _Answer(io.BytesIO):
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_a_tampered_front_end_tarball_is_refused(monkeypatch):
    assets = fetch_assets()
    genuine = b"the tarball the registry published"
    integrity = "sha512-" + base64.b64encode(hashlib.sha512(genuine).digest()).decode()
    monkeypatch.setattr(assets.urllib.request, "urlopen", lambda url, timeout: _Answer(genuine))
    assert assets.verified_download("leaflet", "1.9.4", integrity) == genuine
    tampered = genuine + b" with something added"
    monkeypatch.setattr(assets.urllib.request, "urlopen", lambda url, timeout: _Answer(tampered))
    with pytest.raises(SystemExit, match="integrity check failed"):
        assets.verified_download("leaflet", "1.9.4", integrity)


def test_every_front_end_asset_has_a_sha512_integrity_pinned():
    for package, version, integrity, _files in fetch_assets().ASSETS:
        assert re.fullmatch(r"sha512-[A-Za-z0-9+/]{86}==", integrity), (package, version)
