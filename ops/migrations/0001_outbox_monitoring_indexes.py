"""Small partial indexes that keep /ops/metrics' outbox counts cheap on years of rows.

The metrics read only rows still waiting or failed (ops/metrics.py): a few, among millions sent.
Each index holds just those rows. They belong to the monitoring, not to the apps' models, so
they are created here with SQL (CONCURRENTLY: no write lock on a live table) and the apps'
migrations stay untouched.
"""

from django.db import migrations

INDEXES = [
    ("ops_reply_unsent", "grievances_reply", "(state, created_at)", "state <> 'sent'"),
    (
        "ops_notification_unsent",
        "notifications_notification",
        "(state, created_at)",
        "state <> 'sent'",
    ),
    (
        "ops_fbprivate_unsent",
        "facebook_facebookprivatereply",
        "(state, created_at)",
        "state <> 'sent'",
    ),
    ("ops_fbwebhook_parked", "facebook_webhookdelivery", "(parked_at)", "parked_at IS NOT NULL"),
]


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("grievances", "0011_filing_token"),
        ("notifications", "0003_secret_apart_sending_state_daily_cap"),
        ("facebook", "0005_private_replies"),
    ]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {table} {columns} WHERE {where}",
            reverse_sql=f"DROP INDEX CONCURRENTLY IF EXISTS {name}",
        )
        for name, table, columns, where in INDEXES
    ]
