"""Attestations for a past moment (issue 12): ``as_of`` is the moment spoken for, ``issued_at`` the signing.

Every attestation issued before this was for the moment it was signed, so ``issued_at = as_of``."""

from django.db import migrations, models
from django.db.models import F


def issued_when_spoken_for(apps, schema_editor):  # type: ignore[no-untyped-def]
    apps.get_model("residency", "Attestation").objects.update(issued_at=F("as_of"))


class Migration(migrations.Migration):
    dependencies = [("residency", "0001_initial")]

    operations = [
        migrations.AlterField(
            model_name="attestation",
            name="as_of",
            field=models.DateTimeField(help_text="The moment the statement speaks for.", verbose_name="as of"),
        ),
        migrations.AddField(
            model_name="attestation",
            name="issued_at",
            field=models.DateTimeField(null=True, verbose_name="issued at"),
        ),
        migrations.RunPython(issued_when_spoken_for, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="attestation",
            name="issued_at",
            field=models.DateTimeField(help_text="When it was signed (as_of or later).", verbose_name="issued at"),
        ),
    ]
