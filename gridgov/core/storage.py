"""How static files are stored once collected: compressed (gzip, and Brotli when installed)
and fingerprinted by WhiteNoise, so that browsers may keep them for good.

Source maps are not shipped with the front-end libraries (scripts/fetch_assets.py), so the
references to them are left as they are instead of failing collectstatic."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


def _without_source_maps(patterns) -> tuple:
    kept = []
    for extension, rules in patterns:
        rules = tuple(r for r in rules if "sourceMappingURL" not in str(r))
        if rules:
            kept.append((extension, rules))
    return tuple(kept)


class CompressedManifestStorage(CompressedManifestStaticFilesStorage):
    patterns = _without_source_maps(CompressedManifestStaticFilesStorage.patterns)
