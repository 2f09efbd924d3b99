# Holiday uses core.BilingualName: the two name fields gain their labels; no SQL.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0002_seed_holidays'),
    ]

    operations = [
        migrations.AlterField(
            model_name='holiday',
            name='name_bn',
            field=models.CharField(max_length=200, verbose_name='name (Bangla)'),
        ),
        migrations.AlterField(
            model_name='holiday',
            name='name_en',
            field=models.CharField(max_length=200, verbose_name='name (English)'),
        ),
    ]
