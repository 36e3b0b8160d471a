"""Comments moved to their own app (comments.0001_initial takes the model over).
The table stays where it is, under its name, with its rows: only Django's idea of
which app the model belongs to changes."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0010_list_filter_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Comment")],
            database_operations=[],
        ),
    ]
