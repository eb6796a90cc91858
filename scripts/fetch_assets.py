#!/usr/bin/env python3
"""Fetch the front-end libraries from the npm registry into gridgov/static/vendor/.

Run by `make` during set-up; nothing is served from a CDN at run time and nothing fetched is
committed. Only the Python standard library is used, so no Node.js is needed. Every tarball is
checked against the sha512 integrity the registry published for that exact version.
"""

import base64
import hashlib
import io
import json
import sys
import tarfile
import urllib.request
from pathlib import Path

REGISTRY = "https://registry.npmjs.org"
VENDOR = Path(__file__).resolve().parent.parent / "gridgov" / "static" / "vendor"

# package, version, sha512 integrity, {path in the tarball: path under vendor/}
ASSETS = [
    (
        "leaflet",
        "1.9.4",
        "sha512-nxS1ynzJOmOlHp+iL3FyWqK89GtNL8U8rvlMOsQdTTssxZwCXh8N2NB3GDQOL+YR3XnWyZAxwQixURb+FA74PA==",
        {
            "package/dist/leaflet.js": "leaflet/leaflet.js",
            "package/dist/leaflet.css": "leaflet/leaflet.css",
            "package/dist/images/marker-icon.png": "leaflet/images/marker-icon.png",
            "package/dist/images/marker-icon-2x.png": "leaflet/images/marker-icon-2x.png",
            "package/dist/images/marker-shadow.png": "leaflet/images/marker-shadow.png",
            "package/dist/images/layers.png": "leaflet/images/layers.png",
            # leaflet.css names it: collectstatic's fingerprinting needs every file it names.
            "package/dist/images/layers-2x.png": "leaflet/images/layers-2x.png",
        },
    ),
    (
        "htmx.org",
        "2.0.11",
        "sha512-Thx/WtpeOQqSrqBCw/A1cwGJGg4UrVa3+sW0GmrM3p4gJgO89ecH4qtbnyzDDWFvBTqjnIMCgELTNt636dtamA==",
        {"package/dist/htmx.min.js": "htmx/htmx.min.js"},
    ),
    (
        "echarts",
        "5.6.0",
        "sha512-oTbVTsXfKuEhxftHqL5xprgLoc0k7uScAwtryCgWF6hPYFLRwOUHiFmHGCBKP5NPFNkDVopOieyUqYGH8Fa3kA==",
        {"package/dist/echarts.min.js": "echarts/echarts.min.js"},
    ),
    # The phone app's service worker (gridgov/mobile): Workbox's production builds, loaded by
    # importScripts from this site in dependency order.
    (
        "workbox-core",
        "7.4.1",
        "sha512-DT+vu46eh/2vRsSHTY4Xmc32Z1rr9PRlQUXr1Dx30ZuXRWwOsvZgGgcwxcasubQLQmbTNYZjv44LkBAQ4tT5tQ==",
        {"package/build/workbox-core.prod.js": "workbox/workbox-core.prod.js"},
    ),
    (
        "workbox-routing",
        "7.4.1",
        "sha512-yubJGErZOusuidAenaL5ypfhQOa7urxP/f8E0ws7FPb4039RiWXUWBAyUkmUoOL/BcQGen3h0J8872d51IYxtA==",
        {"package/build/workbox-routing.prod.js": "workbox/workbox-routing.prod.js"},
    ),
    (
        "workbox-strategies",
        "7.4.1",
        "sha512-GZxpaw9NbmOelj7667uZ2kpk5BFpOGbO4X0qjwh5ls8XQ8C+Lha5LQchTiUzsTFSS+NlUpftYAyOVXvQUrcqOQ==",
        {"package/build/workbox-strategies.prod.js": "workbox/workbox-strategies.prod.js"},
    ),
    (
        "workbox-precaching",
        "7.4.1",
        "sha512-cdr/9qByww7yzEp7zg/qI4ukUrrNjQLgN+ONQRpjy/VqGQXwkgHwr00KksGJK8v0VifwDXBb8a4cWNZH71jn3Q==",
        {"package/build/workbox-precaching.prod.js": "workbox/workbox-precaching.prod.js"},
    ),
]


def tarball_url(package: str, version: str) -> str:
    return f"{REGISTRY}/{package}/-/{package.split('/')[-1]}-{version}.tgz"


def verified_download(package: str, version: str, integrity: str) -> bytes:
    with urllib.request.urlopen(tarball_url(package, version), timeout=120) as response:  # noqa: S310
        data = response.read()
    algorithm, expected = integrity.split("-", 1)
    actual = base64.b64encode(hashlib.new(algorithm, data).digest()).decode()
    if actual != expected:
        raise SystemExit(f"{package}@{version}: integrity check failed; refusing to install it.")
    return data


def install(package: str, version: str, integrity: str, files: dict[str, str]) -> None:
    stamp = VENDOR / f".{package}-{version}"
    if stamp.exists() and all((VENDOR / dest).exists() for dest in files.values()):
        return
    data = verified_download(package, version, integrity)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        for source, dest in files.items():
            target = VENDOR / dest
            target.parent.mkdir(parents=True, exist_ok=True)
            member = archive.extractfile(source)
            if member is None:
                raise SystemExit(f"{package}@{version}: {source} is missing from the tarball.")
            target.write_bytes(member.read())
    stamp.write_text(json.dumps({"package": package, "version": version}))
    print(f"  {package}@{version}")


def main() -> int:
    VENDOR.mkdir(parents=True, exist_ok=True)
    for package, version, integrity, files in ASSETS:
        install(package, version, integrity, files)
    return 0


if __name__ == "__main__":
    sys.exit(main())
