"""The special groups the seed's services reach, and how long each kind of record is kept.
Administrators edit both; these are the defaults a new county starts with."""

from django.db import migrations

GROUPS = (
    # code, name, from age, up to age, living alone only, order
    ("age80", "80岁以上老人", 80, None, False, 10),
    ("alone60", "60岁以上独居老人", 60, None, True, 20),
    ("pregnant", "孕产妇", None, None, False, 30),
    ("infant", "婴幼儿", None, 2, False, 40),
    ("disabled", "残疾人", None, None, False, 50),
    ("key_care", "重点关爱人员", None, None, False, 60),
)

# record, days, action: an emergency canvass's answers are health data gathered for one
# emergency — kept 90 days after it closes, then purged; an ordinary canvass's answers are
# anonymised after three years (the counts stay); reveals and moves are kept for the audit.
RETENTION = (
    ("canvass.emergency", 90, "purge"),
    ("canvass.ordinary", 1095, "anonymise"),
)


def add_defaults(apps, schema_editor):
    SpecialGroup = apps.get_model("households", "SpecialGroup")
    RetentionPeriod = apps.get_model("households", "RetentionPeriod")
    for code, name, min_age, max_age, alone, order in GROUPS:
        SpecialGroup.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "min_age": min_age,
                "max_age": max_age,
                "living_alone": alone,
                "order": order,
            },
        )
    for record, days, action in RETENTION:
        RetentionPeriod.objects.get_or_create(
            record=record, defaults={"days": days, "action": action}
        )


class Migration(migrations.Migration):
    dependencies = [("households", "0001_initial")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
