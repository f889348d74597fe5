"""calendar, absences, periscolaire, city audiences: calendar events with their audience
keys, private calendar feeds, absence notices and their reasons, periscolaire group kinds and
a site's absence cutoff, the guardian of a thread with a city service, and the stored audience
rules (age range, periscolaire kinds, schools, districts, levels) of city posts

New tables and nullable columns: no existing row changes.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 10:05:03.067600

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('absence_notice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=22), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('first_day', sa.Date(), nullable=False),
    sa.Column('last_day', sa.Date(), nullable=False),
    sa.Column('to_school', sa.Boolean(), nullable=False),
    sa.Column('to_periscolaire', sa.Boolean(), nullable=False),
    sa.Column('created_dt', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cancelled_dt', sa.DateTime(timezone=True), nullable=True),
    sa.Column('school_seen_dt', sa.DateTime(timezone=True), nullable=True),
    sa.Column('school_seen_by_id', sa.Integer(), nullable=True),
    sa.Column('periscolaire_seen_dt', sa.DateTime(timezone=True), nullable=True),
    sa.Column('periscolaire_seen_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], name=op.f('fk_absence_notice_author_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['child_id'], ['child.id'], name=op.f('fk_absence_notice_child_id_child'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['periscolaire_seen_by_id'], ['user_account.id'], name=op.f('fk_absence_notice_periscolaire_seen_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['school_seen_by_id'], ['user_account.id'], name=op.f('fk_absence_notice_school_seen_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_absence_notice')),
    sa.UniqueConstraint('public_id', name=op.f('uq_absence_notice_public_id'))
    )
    with op.batch_alter_table('absence_notice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_absence_notice_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_absence_notice_child_id'), ['child_id'], unique=False)
        batch_op.create_index('ix_absence_notice_days', ['first_day', 'last_day'], unique=False)

    op.create_table('calendar_feed',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_dt', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_read_dt', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_calendar_feed_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_feed')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_calendar_feed_token_hash')),
    sa.UniqueConstraint('user_id', name=op.f('uq_calendar_feed_user_id'))
    )
    op.create_table('absence_reason',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('notice_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_dt', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['notice_id'], ['absence_notice.id'], name=op.f('fk_absence_reason_notice_id_absence_notice'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_absence_reason')),
    sa.UniqueConstraint('notice_id', name=op.f('uq_absence_reason_notice_id'))
    )
    op.create_table('audience_rule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('city_id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=True),
    sa.Column('min_age', sa.Integer(), nullable=True),
    sa.Column('max_age', sa.Integer(), nullable=True),
    sa.Column('age_on', sa.Date(), nullable=True),
    sa.Column('born_from', sa.Date(), nullable=True),
    sa.Column('born_until', sa.Date(), nullable=True),
    sa.Column('created_dt', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['city_id'], ['city.id'], name=op.f('fk_audience_rule_city_id_city')),
    sa.ForeignKeyConstraint(['post_id'], ['post.id'], name=op.f('fk_audience_rule_post_id_post'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audience_rule'))
    )
    with op.batch_alter_table('audience_rule', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audience_rule_city_id'), ['city_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audience_rule_post_id'), ['post_id'], unique=False)

    op.create_table('audience_rule_part',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rule_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('value', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['rule_id'], ['audience_rule.id'], name=op.f('fk_audience_rule_part_rule_id_audience_rule'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audience_rule_part'))
    )
    with op.batch_alter_table('audience_rule_part', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audience_rule_part_rule_id'), ['rule_id'], unique=False)

    op.create_table('agenda_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=22), nullable=False),
    sa.Column('city_id', sa.Integer(), nullable=False),
    sa.Column('establishment_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('post_id', sa.Integer(), nullable=True),
    sa.Column('category', sa.String(length=12), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('start_time', sa.Time(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('end_time', sa.Time(), nullable=True),
    sa.Column('weekly_until', sa.Date(), nullable=True),
    sa.Column('is_public', sa.Boolean(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.Column('published_dt', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_dt', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_dt', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('cancelled_dt', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], name=op.f('fk_agenda_event_author_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['city_id'], ['city.id'], name=op.f('fk_agenda_event_city_id_city')),
    sa.ForeignKeyConstraint(['document_id'], ['attachment.id'], name=op.f('fk_agenda_event_document_id_attachment'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['establishment_id'], ['establishment.id'], name=op.f('fk_agenda_event_establishment_id_establishment')),
    sa.ForeignKeyConstraint(['post_id'], ['post.id'], name=op.f('fk_agenda_event_post_id_post'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_event')),
    sa.UniqueConstraint('post_id', name=op.f('uq_agenda_event_post_id')),
    sa.UniqueConstraint('public_id', name=op.f('uq_agenda_event_public_id'))
    )
    with op.batch_alter_table('agenda_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_event_author_id'), ['author_id'], unique=False)
        batch_op.create_index('ix_agenda_event_city_start', ['city_id', 'start_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_agenda_event_establishment_id'), ['establishment_id'], unique=False)

    op.create_table('agenda_event_audience',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('value', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['agenda_event.id'], name=op.f('fk_agenda_event_audience_event_id_agenda_event'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_event_audience'))
    )
    with op.batch_alter_table('agenda_event_audience', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_event_audience_event_id'), ['event_id'], unique=False)
        batch_op.create_index('ix_agenda_event_audience_key', ['kind', 'value'], unique=False)

    with op.batch_alter_table('establishment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('absence_cutoff', sa.Time(), nullable=True))

    with op.batch_alter_table('school_group', schema=None) as batch_op:
        batch_op.add_column(sa.Column('periscolaire_kind', sa.String(length=12), nullable=True))

    with op.batch_alter_table('thread', schema=None) as batch_op:
        batch_op.add_column(sa.Column('guardian_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_thread_guardian_id'), ['guardian_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_thread_guardian_id_user_account'), 'user_account', ['guardian_id'], ['id'], ondelete='CASCADE')



def downgrade():
    with op.batch_alter_table('thread', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_thread_guardian_id_user_account'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_thread_guardian_id'))
        batch_op.drop_column('guardian_id')

    with op.batch_alter_table('school_group', schema=None) as batch_op:
        batch_op.drop_column('periscolaire_kind')

    with op.batch_alter_table('establishment', schema=None) as batch_op:
        batch_op.drop_column('absence_cutoff')

    with op.batch_alter_table('agenda_event_audience', schema=None) as batch_op:
        batch_op.drop_index('ix_agenda_event_audience_key')
        batch_op.drop_index(batch_op.f('ix_agenda_event_audience_event_id'))

    op.drop_table('agenda_event_audience')
    with op.batch_alter_table('agenda_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agenda_event_establishment_id'))
        batch_op.drop_index('ix_agenda_event_city_start')
        batch_op.drop_index(batch_op.f('ix_agenda_event_author_id'))

    op.drop_table('agenda_event')
    with op.batch_alter_table('audience_rule_part', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audience_rule_part_rule_id'))

    op.drop_table('audience_rule_part')
    with op.batch_alter_table('audience_rule', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audience_rule_post_id'))
        batch_op.drop_index(batch_op.f('ix_audience_rule_city_id'))

    op.drop_table('audience_rule')
    op.drop_table('absence_reason')
    op.drop_table('calendar_feed')
    with op.batch_alter_table('absence_notice', schema=None) as batch_op:
        batch_op.drop_index('ix_absence_notice_days')
        batch_op.drop_index(batch_op.f('ix_absence_notice_child_id'))
        batch_op.drop_index(batch_op.f('ix_absence_notice_author_id'))

    op.drop_table('absence_notice')
