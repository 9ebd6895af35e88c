"""The five timeline tables lose their index on case alone: the (case, time) index leads with
case and serves the foreign key. With both, the plan PostgreSQL keeps for a prepared
statement (made for any case) read a long history off the index on case alone and sorted
all of it (docs/performance.md).

Only the indexes are dropped. Django's own AlterField would also drop and re-add each
foreign key, which checks every row of the tables (5 million events in the benchmark)
while holding a lock that stops writes."""

import django.db.models.deletion
from django.db import migrations, models

# Django's names for these indexes (a hash of the table and column), the same in every
# database the migrations made.
INDEXES = {
    "workers_assignment": "workers_assignment_case_id_c25e065f",
    "workers_caseevent": "workers_caseevent_case_id_80189f91",
    "workers_casenote": "workers_casenote_case_id_58a88124",
    "workers_checkin": "workers_checkin_case_id_1e852522",
    "workers_counsellingsession": "workers_counsellingsession_case_id_3b46b586",
}


class Migration(migrations.Migration):
    dependencies = [
        ("workers", "0024_guarded_workers_scoped_models"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="assignment",
                    name="case",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="assignments",
                        to="workers.case",
                    ),
                ),
                migrations.AlterField(
                    model_name="caseevent",
                    name="case",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="events",
                        to="workers.case",
                    ),
                ),
                migrations.AlterField(
                    model_name="casenote",
                    name="case",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="notes",
                        to="workers.case",
                    ),
                ),
                migrations.AlterField(
                    model_name="checkin",
                    name="case",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="check_ins",
                        to="workers.case",
                    ),
                ),
                migrations.AlterField(
                    model_name="counsellingsession",
                    name="case",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="sessions",
                        to="workers.case",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f"DROP INDEX IF EXISTS {index}",
                    reverse_sql=f"CREATE INDEX IF NOT EXISTS {index} ON {table} (case_id)",
                )
                for table, index in INDEXES.items()
            ],
        ),
    ]
