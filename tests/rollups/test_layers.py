"""The rollups sit below the areas: areas register their sources with it, never the reverse."""

from pathlib import Path

import gridgov.rollups
from tests.core.test_registry import imported_modules

ROLLUPS = Path(gridgov.rollups.__file__).resolve().parent
BELOW = ("gridgov.core", "gridgov.regions", "gridgov.org", "gridgov.workflow", "gridgov.rollups")


def test_the_rollups_import_no_area():
    upward = {
        f"{path.relative_to(ROLLUPS)}: {module}"
        for path in ROLLUPS.rglob("*.py")
        for module in imported_modules(path)
        if module.startswith("gridgov.") and not module.startswith(BELOW)
    }
    assert upward == set()
