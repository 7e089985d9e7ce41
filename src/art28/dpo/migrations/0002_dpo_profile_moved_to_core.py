# The DPO profile moved to core (issue 9, item 12): every app reads the DPO's contact there. The saved row
# is copied before the old table goes, so an installation keeps the profile its DPO saved.

from django.db import migrations


def copy_profile_to_core(apps, schema_editor):
    old = apps.get_model("dpo", "DpoProfile")
    new = apps.get_model("core", "DpoProfile")
    for row in old.objects.all():
        new.objects.update_or_create(
            pk=row.pk,
            defaults={
                field: getattr(row, field)
                for field in ("name", "email", "phone", "postal_address", "introduction", "languages", "updated_at")
            },
        )


def copy_profile_back(apps, schema_editor):
    old = apps.get_model("dpo", "DpoProfile")
    new = apps.get_model("core", "DpoProfile")
    for row in new.objects.all():
        old.objects.update_or_create(
            pk=row.pk,
            defaults={
                field: getattr(row, field)
                for field in ("name", "email", "phone", "postal_address", "introduction", "languages", "updated_at")
            },
        )


class Migration(migrations.Migration):
    dependencies = [
        ("dpo", "0001_initial"),
        ("core", "0004_dpo_profile"),
    ]

    operations = [
        migrations.RunPython(copy_profile_to_core, copy_profile_back),
        migrations.RemoveConstraint(model_name="dpoprofile", name="dpo_profile_single_row"),
        migrations.DeleteModel(name="DpoProfile"),
    ]
