from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ballots", "0007_letter_pack"),
    ]

    operations = [
        migrations.AddField(
            model_name="rollentry",
            name="delivery_reference",
            field=models.CharField(blank=True, db_index=True, max_length=64),
        ),
    ]
