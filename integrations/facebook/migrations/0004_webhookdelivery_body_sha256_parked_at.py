from django.db import migrations, models

# Deliveries stored before de-duplication keep their rows; the oldest of each body gets the
# hash, so a later copy of that body is recognised and the unique constraint holds.
BACKFILL_SHA256 = """
UPDATE facebook_webhookdelivery AS d
SET body_sha256 = encode(sha256(d.body), 'hex')
WHERE d.id IN (
    SELECT DISTINCT ON (sha256(body)) id FROM facebook_webhookdelivery ORDER BY sha256(body), id
)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("facebook", "0003_page_writes_paused_until"),
    ]

    operations = [
        migrations.AddField(
            model_name="webhookdelivery",
            name="body_sha256",
            field=models.CharField(editable=False, max_length=64, null=True, unique=True),
        ),
        migrations.AddField(
            model_name="webhookdelivery",
            name="parked_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="parked at"),
        ),
        migrations.RunSQL(BACKFILL_SHA256, migrations.RunSQL.noop),
    ]
