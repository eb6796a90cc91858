"""Demo catalogue: 南湖区's power items (权力事项) as the seed tells them.

8,995 items, 4,932 of them 行政处罚. The comprehensive enforcement bureau (综合行政执法局) holds
957 penalty items from 2020-01-01 and receives 418 more from other departments on 2022-06-01 by
a transfer with its document number; from that day it holds 1,375 of the 4,932, 27.88% — 7.00
points above the provincial target of 20.88%. Everything else is spread over the 16 functional
departments by kind. Deterministic: the same catalogue every time, whatever the seed.
"""

import datetime
from collections.abc import Iterator

from gridgov.org.demo import FUNCTIONAL_DEPARTMENTS, SEED_COUNTY
from gridgov.org.models import Department
from gridgov.regions.models import Region

from .actions import do_import_power_items, do_transfer_power_items
from .choices import PowerKind as K
from .choices import PowerStatus
from .demo_catalogue import GENERIC, PENALTY_VARIANTS, UNITS, UnitCatalogue
from .files import PowerRow
from .models import PowerItem

BUREAU = "ZHZFJ"
CATALOGUE_DAY = datetime.date(2020, 1, 1)
CATALOGUE_DOCUMENT = "南政发〔2019〕46号"
TRANSFER_DAY = datetime.date(2022, 6, 1)
TRANSFER_DOCUMENT = "南政发〔2022〕18号"
TRANSFER_NOTE = "深化“大综合一体化”行政执法改革，行政处罚事项划转综合行政执法局"

# Penalty items per holder on 2020-01-01 (4,932), and how many each hands to the bureau.
PENALTIES = {
    "ZHZFJ": 957, "SCJGJ": 900, "STHJJ": 420, "ZJJ": 380, "JTYSJ": 330, "NYNCJ": 310,
    "ZRZYJ": 300, "WSJKJ": 290, "GAFJ": 240, "YJGLJ": 220, "WGLTJ": 170, "SLJ": 150,
    "CGJ": 80, "SWJ": 70, "MZJ": 60, "JYJ": 55,
}  # fmt: skip
TRANSFERRED = {
    "ZJJ": 90, "ZRZYJ": 70, "STHJJ": 60, "SCJGJ": 50, "SLJ": 35, "JTYSJ": 35, "NYNCJ": 30,
    "CGJ": 28, "WGLTJ": 20,
}  # fmt: skip
# The other 4,063 items, by kind; with the penalties, 8,995.
OTHER_KINDS = {
    K.LICENSING: 780, K.COERCION: 410, K.INSPECTION: 1320, K.LEVY: 48, K.BENEFIT: 72,
    K.CONFIRMATION: 356, K.REWARD: 119, K.ADJUDICATION: 24, K.OTHER: 934,
}  # fmt: skip
# How the other kinds are shared out: by each unit's size, or only among the units that
# have such powers at all.
WEIGHTS = {
    "SCJGJ": 10, "STHJJ": 6, "WGLTJ": 5, "NYNCJ": 8, "YJGLJ": 4, "WSJKJ": 7, "GAFJ": 8,
    "ZJJ": 7, "ZRZYJ": 6, "JTYSJ": 7, "SLJ": 4, "MZJ": 3, "JYJ": 3, "SWJ": 2, "CGJ": 3,
    "ZHZFJ": 4,
}  # fmt: skip
KIND_WEIGHTS = {
    K.LEVY: {"ZRZYJ": 4, "SLJ": 3, "ZJJ": 2, "STHJJ": 1, "CGJ": 1, "MZJ": 1},
    K.BENEFIT: {"MZJ": 6, "WSJKJ": 2, "NYNCJ": 2, "JYJ": 2, "YJGLJ": 1},
    K.ADJUDICATION: {"ZRZYJ": 3, "SLJ": 2, "NYNCJ": 1, "GAFJ": 1},
    K.COERCION: {**WEIGHTS, "ZHZFJ": 8},
}
KIND_CODES = {
    K.LICENSING: "XK", K.PENALTY: "CF", K.COERCION: "QZ", K.INSPECTION: "JC", K.LEVY: "ZS",
    K.BENEFIT: "JF", K.CONFIRMATION: "QR", K.REWARD: "JL", K.ADJUDICATION: "CJ", K.OTHER: "QT",
}  # fmt: skip
LIST_OF_KIND = {
    K.LICENSING: "licences", K.COERCION: "coercions", K.LEVY: "levies", K.BENEFIT: "benefits",
    K.CONFIRMATION: "confirmations", K.REWARD: "rewards", K.ADJUDICATION: "adjudications",
    K.OTHER: "others",
}  # fmt: skip
DIGITS = "零一二三四五六七八九"


def load_demo_powers(*, actor) -> dict:
    """Load 南湖区's catalogue (one import, one transfer: two audit rows)."""
    county = Region.objects.filter(code=SEED_COUNTY).first()
    if county is None:
        return {"items": 0, "transferred": 0}
    codes = [f"{county.code}-{suffix}" for suffix, _kind, _name in FUNCTIONAL_DEPARTMENTS]
    units = {
        d.code.removeprefix(f"{county.code}-"): d
        for d in Department.objects.filter(code__in=codes).select_related("region")
    }
    rows, transferred = catalogue_rows(county, units)
    summary = do_import_power_items(county, rows, actor=actor)
    do_transfer_power_items(
        PowerItem.objects.filter(jurisdiction=county, code__in=transferred),
        to_department=units[BUREAU],
        effective_from=TRANSFER_DAY,
        document_number=TRANSFER_DOCUMENT,
        note=TRANSFER_NOTE,
        actor=actor,
    )
    return {"items": summary["items_created"], "transferred": len(transferred)}


def catalogue_rows(county: Region, units: dict[str, Department]) -> tuple[list[PowerRow], list]:
    """Every item of the demo catalogue as a file row from 2020-01-01, and the codes of the
    penalty items that move to the bureau."""
    rows, transferred = [], []
    counts = kind_counts()
    for index, (suffix, _kind, _name) in enumerate(FUNCTIONAL_DEPARTMENTS, start=1):
        unit = UNITS[suffix]
        for kind in K:
            n = counts[kind].get(suffix, 0)
            for serial, (name, basis) in enumerate(_items(unit, kind, n), start=1):
                code = f"{KIND_CODES[kind]}{county.code}{index:02d}{serial:04d}"
                rows.append(
                    PowerRow(
                        row=None,
                        code=code,
                        name=name,
                        kind=kind,
                        department=units[suffix],
                        legal_basis=basis,
                        status=PowerStatus.ACTIVE,
                        effective_from=CATALOGUE_DAY,
                        document_number=CATALOGUE_DOCUMENT,
                    )
                )
                if kind == K.PENALTY and serial > n - TRANSFERRED.get(suffix, 0):
                    transferred.append(code)
    return rows, transferred


def kind_counts() -> dict[str, dict[str, int]]:
    """Items per kind and unit. Every unit has at least its scenario inspections."""
    counts = {K.PENALTY: dict(PENALTIES)}
    for kind, total in OTHER_KINDS.items():
        minimum = {s: len(u.pairs) for s, u in UNITS.items()} if kind == K.INSPECTION else {}
        counts[kind] = apportion(total, KIND_WEIGHTS.get(kind, WEIGHTS), minimum)
    return counts


def apportion(total: int, weights: dict[str, int], minimum: dict[str, int]) -> dict[str, int]:
    """`total` shared in proportion to the weights (largest remainders, ties in the weights'
    order), on top of each one's minimum."""
    rest = total - sum(minimum.values())
    whole = sum(weights.values())
    shares = {k: rest * w // whole for k, w in weights.items()}
    left = rest - sum(shares.values())
    by_remainder = sorted(weights, key=lambda k: -(rest * weights[k] % whole))
    for k in by_remainder[:left]:
        shares[k] += 1
    return {k: shares.get(k, 0) + minimum.get(k, 0) for k in {*weights, *minimum}}


def _items(unit: UnitCatalogue, kind: str, n: int) -> Iterator[tuple[str, str]]:
    for i, name in enumerate(_names(unit, kind, n)):
        law = unit.laws[i % len(unit.laws)]
        yield name, f"《{law}》第{chinese_number(8 + (i * 7) % 113)}条"


def _names(unit: UnitCatalogue, kind: str, n: int) -> list[str]:
    if kind == K.PENALTY:
        acts = [violation for _object, violation in unit.pairs] + list(unit.penalties)
        return _cycle([f"对{act}的行政处罚" for act in acts], n, PENALTY_VARIANTS)
    if kind == K.INSPECTION:
        return _cycle([f"对{thing}的行政检查" for thing, _violation in unit.pairs], n)
    listed = list(getattr(unit, LIST_OF_KIND[kind]))
    return _cycle(listed or [GENERIC[kind].format(noun=unit.domain)], n)


def _cycle(bases: list[str], n: int, variants=("",)) -> list[str]:
    """n names from the bases, then their variants, then numbered sub-items (子项)."""
    names = []
    for i in range(n):
        base, round_ = bases[i % len(bases)], i // len(bases)
        if round_ < len(variants):
            names.append(base + variants[round_])
        else:
            names.append(f"{base}（子项{round_ - len(variants) + 2}）")
    return names


def chinese_number(n: int) -> str:
    """1–999 as written in law citations: 第一百二十二条."""
    hundreds, tens, ones = n // 100, n // 10 % 10, n % 10
    text = f"{DIGITS[hundreds]}百" if hundreds else ""
    if tens:
        text += ("" if tens == 1 and not hundreds else DIGITS[tens]) + "十"
    elif hundreds and ones:
        text += "零"
    if ones:
        text += DIGITS[ones]
    return text
