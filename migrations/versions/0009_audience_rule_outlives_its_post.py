"""a stored audience rule outlives its deleted post while the post's cancelled event uses it

A post sent to criteria (one ("rule", "<id>") audience key) may carry a date; its calendar
event copies the same key. With ON DELETE CASCADE from the post, deleting the post deleted
the rule, so the event cancelled with the post reached nobody any more and its
STATUS:CANCELLED never got to the families' calendars. The foreign key now sets
``audience_rule.post_id`` to null instead (the rule is "detached"); the application deletes a
detached rule once no event uses it (at the post's deletion, or later by the purge with the
event).

Only the foreign key's ON DELETE changes (SQLite recreates the table in batch mode, rows
carried over); no row changes. Downgrading restores CASCADE and leaves any detached rule as
it is (nothing else references it once its events are gone).

Written by hand, self-contained: migrations never import ent_lite.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 10:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

FK_NAME = 'fk_audience_rule_post_id_post'


def _post_fk(ondelete):
    with op.batch_alter_table('audience_rule', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f(FK_NAME), type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f(FK_NAME), 'post', ['post_id'], ['id'], ondelete=ondelete)


def upgrade():
    _post_fk('SET NULL')


def downgrade():
    _post_fk('CASCADE')
