"""A Bangla collation (ICU, CLDR's Bangla order) for sorting district and upazila names."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("offices", "0002_seed_geography")]

    operations = [
        migrations.RunSQL(
            "CREATE COLLATION IF NOT EXISTS bn_icu (provider = icu, locale = 'bn')",
            reverse_sql="DROP COLLATION IF EXISTS bn_icu",
        )
    ]
