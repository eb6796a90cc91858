"""The built-in signal sources: noise sensors, complaints drawn from events, expiring
night-construction filings, and the warnings' own signals (for repeated-warning rules)."""

from django.db import migrations

BUILTIN = [
    {"code": "noise", "name": "噪声监测", "kind": "sensor", "metric": "noise_db",
     "unit": "dB(A)", "min_value": 0, "max_value": 150},
    {"code": "complaints", "name": "群众投诉", "kind": "complaint", "metric": "",
     "unit": "", "event_categories": ["0201", "0202", "0206", "06*", "08*"]},
    {"code": "filing-expiry", "name": "报备到期", "kind": "expiry", "metric": "filing_expiry",
     "unit": "days", "min_value": 0, "max_value": 366},
    {"code": "warnings", "name": "预警记录", "kind": "warning", "metric": "warning", "unit": ""},
]  # fmt: skip


def create(apps, schema_editor):
    SignalSource = apps.get_model("alerts", "SignalSource")
    for fields in BUILTIN:
        SignalSource.objects.get_or_create(
            code=fields["code"], defaults={**fields, "is_builtin": True}
        )


def remove(apps, schema_editor):
    apps.get_model("alerts", "SignalSource").objects.filter(
        code__in=[f["code"] for f in BUILTIN], is_builtin=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("alerts", "0001_initial")]
    operations = [migrations.RunPython(create, remove)]
