from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("reviews", "0018_revisions_to_reversion")]

    operations = [
        migrations.RemoveIndex(model_name="revision", name="revision_review_idx"),
        migrations.DeleteModel(name="Revision"),
    ]
