"""activities: the city's catalogue, prices per family-quotient bracket, sessions, lottery
campaigns and tickets, registrations with their notes and attendance

Also the outbox's link to a registration whose status changed. New tables and one nullable
column: no existing row changes.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 06:24:26.173954

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('quotient_bracket',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=22), nullable=False),
    sa.Column('city_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=40), nullable=False),
    sa.Column('min_quotient', sa.Integer(), nullable=True),
    sa.Column('max_quotient', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['city_id'], ['city.id'], name=op.f('fk_quotient_bracket_city_id_city')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quotient_bracket')),
    sa.UniqueConstraint('city_id', 'label', name=op.f('uq_quotient_bracket_city_id_label')),
    sa.UniqueConstraint('public_id', name=op.f('uq_quotient_bracket_public_id'))
    )
    with op.batch_alter_table('quotient_bracket', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quotient_bracket_city_id'), ['city_id'], unique=False)

    op.create_table('activity_campaign',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=22), nullable=False),
    sa.Column('city_id', sa.Integer(), nullable=False),
    sa.Column('establishment_id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=60), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('opens_dt', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closes_dt', sa.DateTime(timezone=True), nullable=False),
    sa.Column('max_choices', sa.Integer(), nullable=False),
    sa.Column('priority_rules', sa.String(length=40), nullable=False),
    sa.Column('seed', sa.String(length=64), nullable=True),
    sa.Column('drawn_dt', sa.DateTime(timezone=True), nullable=True),
    sa.Column('result_json', sa.Text(), nullable=True),
    sa.Column('created_dt', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['city_id'], ['city.id'], name=op.f('fk_activity_campaign_city_id_city')),
    sa.ForeignKeyConstraint(['establishment_id'], ['establishment.id'], name=op.f('fk_activity_campaign_establishment_id_establishment')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity_campaign')),
    sa.UniqueConstraint('city_id', 'slug', name=op.f('uq_activity_campaign_city_id_slug')),
    sa.UniqueConstraint('public_id', name=op.f('uq_activity_campaign_public_id'))
    )
    with op.batch_alter_table('activity_campaign', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activity_campaign_city_id'), ['city_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_activity_campaign_establishment_id'), ['establishment_id'], unique=False)

    op.create_table('bracket_declaration',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('bracket_id', sa.Integer(), nullable=False),
    sa.Column('school_year', sa.String(length=9), nullable=False),
    sa.Column('declared_dt', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['bracket_id'], ['quotient_bracket.id'], name=op.f('fk_bracket_declaration_bracket_id_quotient_bracket')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_bracket_declaration_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bracket_declaration')),
    sa.UniqueConstraint('user_id', 'school_year', name=op.f('uq_bracket_declaration_user_id_school_year'))
    )
    with op.batch_alter_table('bracket_declaration', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bracket_declaration_bracket_id'), ['bracket_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bracket_declaration_user_id'), ['user_id'], unique=False)

    op.create_table('activity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=22), nullable=False),
    sa.Column('city_id', sa.Integer(), nullable=False),
    sa.Column('establishment_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('campaign_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('place', sa.String(length=300), nullable=False),
    sa.Column('min_age', sa.Integer(), nullable=True),
    sa.Column('max_age', sa.Integer(), nullable=True),
    sa.Column('levels', sa.String(length=40), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('places_taken', sa.Integer(), nullable=False),
    sa.Column('mode', sa.String(length=12), nullable=False),
    sa.Column('opens_dt', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closes_dt', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cancel_until_dt', sa.DateTime(timezone=True), nullable=True),
    sa.Column('offer_hours', sa.Integer(), nullable=False),
    sa.Column('documents', sa.Text(), nullable=False),
    sa.Column('photo_key', sa.String(length=80), nullable=True),
    sa.Column('photo_thumb_key', sa.String(length=80), nullable=True),
    sa.Column('school_year', sa.String(length=9), nullable=False),
    sa.Column('first_day', sa.Date(), nullable=True),
    sa.Column('last_session_dt', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_dt', sa.DateTime(timezone=True), nullable=True),
    sa.Column('withdrawn_dt', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_dt', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_dt', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], name=op.f('fk_activity_author_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['campaign_id'], ['activity_campaign.id'], name=op.f('fk_activity_campaign_id_activity_campaign')),
    sa.ForeignKeyConstraint(['city_id'], ['city.id'], name=op.f('fk_activity_city_id_city')),
    sa.ForeignKeyConstraint(['establishment_id'], ['establishment.id'], name=op.f('fk_activity_establishment_id_establishment')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity')),
    sa.UniqueConstraint('photo_key', name=op.f('uq_activity_photo_key')),
    sa.UniqueConstraint('photo_thumb_key', name=op.f('uq_activity_photo_thumb_key')),
    sa.UniqueConstraint('public_id', name=op.f('uq_activity_public_id'))
    )
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activity_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_activity_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_activity_city_id'), ['city_id'], unique=False)
        batch_op.create_index('ix_activity_city_published', ['city_id', 'published_dt'], unique=False)
        batch_op.create_index(batch_op.f('ix_activity_establishment_id'), ['establishment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_activity_last_session_dt'), ['last_session_dt'], unique=False)

    op.create_table('lottery_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('ticket', sa.String(length=20), nullable=False),
    sa.Column('tier', sa.Integer(), nullable=True),
    sa.Column('draw_position', sa.Integer(), nullable=True),
    sa.Column('created_dt', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['activity_campaign.id'], name=op.f('fk_lottery_entry_campaign_id_activity_campaign'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['child_id'], ['child.id'], name=op.f('fk_lottery_entry_child_id_child'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lottery_entry')),
    sa.UniqueConstraint('campaign_id', 'child_id', name=op.f('uq_lottery_entry_campaign_id_child_id')),
    sa.UniqueConstraint('ticket', name=op.f('uq_lottery_entry_ticket'))
    )
    with op.batch_alter_table('lottery_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lottery_entry_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lottery_entry_child_id'), ['child_id'], unique=False)

    op.create_table('activity_price',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('bracket_id', sa.Integer(), nullable=False),
    sa.Column('amount_cents', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], name=op.f('fk_activity_price_activity_id_activity'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['bracket_id'], ['quotient_bracket.id'], name=op.f('fk_activity_price_bracket_id_quotient_bracket')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity_price')),
    sa.UniqueConstraint('activity_id', 'bracket_id', name=op.f('uq_activity_price_activity_id_bracket_id'))
    )
    with op.batch_alter_table('activity_price', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activity_price_activity_id'), ['activity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_activity_price_bracket_id'), ['bracket_id'], unique=False)

    op.create_table('activity_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=22), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('starts_dt', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_dt', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], name=op.f('fk_activity_session_activity_id_activity'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity_session')),
    sa.UniqueConstraint('public_id', name=op.f('uq_activity_session_public_id'))
    )
    with op.batch_alter_table('activity_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activity_session_activity_id'), ['activity_id'], unique=False)

    op.create_table('registration',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=22), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('guardian_id', sa.Integer(), nullable=True),
    sa.Column('campaign_id', sa.Integer(), nullable=True),
    sa.Column('choice_rank', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('queue_rank', sa.Integer(), nullable=True),
    sa.Column('bracket_id', sa.Integer(), nullable=True),
    sa.Column('price_cents', sa.Integer(), nullable=True),
    sa.Column('offer_expires_dt', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_dt', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_dt', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], name=op.f('fk_registration_activity_id_activity'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['bracket_id'], ['quotient_bracket.id'], name=op.f('fk_registration_bracket_id_quotient_bracket')),
    sa.ForeignKeyConstraint(['campaign_id'], ['activity_campaign.id'], name=op.f('fk_registration_campaign_id_activity_campaign')),
    sa.ForeignKeyConstraint(['child_id'], ['child.id'], name=op.f('fk_registration_child_id_child'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['guardian_id'], ['user_account.id'], name=op.f('fk_registration_guardian_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registration')),
    sa.UniqueConstraint('activity_id', 'child_id', name=op.f('uq_registration_activity_id_child_id')),
    sa.UniqueConstraint('campaign_id', 'child_id', 'choice_rank', name=op.f('uq_registration_campaign_id_child_id_choice_rank')),
    sa.UniqueConstraint('public_id', name=op.f('uq_registration_public_id'))
    )
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_registration_activity_id'), ['activity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_registration_bracket_id'), ['bracket_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_registration_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_registration_child_id'), ['child_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_registration_guardian_id'), ['guardian_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_registration_offer_expires_dt'), ['offer_expires_dt'], unique=False)
        batch_op.create_index('ix_registration_queue', ['activity_id', 'status', 'queue_rank'], unique=False)

    op.create_table('activity_attendance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('present', sa.Boolean(), nullable=False),
    sa.Column('recorded_dt', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_activity_attendance_recorded_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_activity_attendance_registration_id_registration'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['activity_session.id'], name=op.f('fk_activity_attendance_session_id_activity_session'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity_attendance')),
    sa.UniqueConstraint('session_id', 'registration_id', name=op.f('uq_activity_attendance_session_id_registration_id'))
    )
    with op.batch_alter_table('activity_attendance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activity_attendance_recorded_by_id'), ['recorded_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_activity_attendance_registration_id'), ['registration_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_activity_attendance_session_id'), ['session_id'], unique=False)

    op.create_table('registration_note',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_dt', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_registration_note_registration_id_registration'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registration_note')),
    sa.UniqueConstraint('registration_id', name=op.f('uq_registration_note_registration_id'))
    )
    with op.batch_alter_table('notification_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('registration_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_notification_event_registration_id'), ['registration_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_notification_event_registration_id_registration'), 'registration', ['registration_id'], ['id'], ondelete='CASCADE')



def downgrade():
    with op.batch_alter_table('notification_event', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_notification_event_registration_id_registration'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_notification_event_registration_id'))
        batch_op.drop_column('registration_id')

    op.drop_table('registration_note')
    with op.batch_alter_table('activity_attendance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activity_attendance_session_id'))
        batch_op.drop_index(batch_op.f('ix_activity_attendance_registration_id'))
        batch_op.drop_index(batch_op.f('ix_activity_attendance_recorded_by_id'))

    op.drop_table('activity_attendance')
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_index('ix_registration_queue')
        batch_op.drop_index(batch_op.f('ix_registration_offer_expires_dt'))
        batch_op.drop_index(batch_op.f('ix_registration_guardian_id'))
        batch_op.drop_index(batch_op.f('ix_registration_child_id'))
        batch_op.drop_index(batch_op.f('ix_registration_campaign_id'))
        batch_op.drop_index(batch_op.f('ix_registration_bracket_id'))
        batch_op.drop_index(batch_op.f('ix_registration_activity_id'))

    op.drop_table('registration')
    with op.batch_alter_table('activity_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activity_session_activity_id'))

    op.drop_table('activity_session')
    with op.batch_alter_table('activity_price', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activity_price_bracket_id'))
        batch_op.drop_index(batch_op.f('ix_activity_price_activity_id'))

    op.drop_table('activity_price')
    with op.batch_alter_table('lottery_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lottery_entry_child_id'))
        batch_op.drop_index(batch_op.f('ix_lottery_entry_campaign_id'))

    op.drop_table('lottery_entry')
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activity_last_session_dt'))
        batch_op.drop_index(batch_op.f('ix_activity_establishment_id'))
        batch_op.drop_index('ix_activity_city_published')
        batch_op.drop_index(batch_op.f('ix_activity_city_id'))
        batch_op.drop_index(batch_op.f('ix_activity_campaign_id'))
        batch_op.drop_index(batch_op.f('ix_activity_author_id'))

    op.drop_table('activity')
    with op.batch_alter_table('bracket_declaration', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bracket_declaration_user_id'))
        batch_op.drop_index(batch_op.f('ix_bracket_declaration_bracket_id'))

    op.drop_table('bracket_declaration')
    with op.batch_alter_table('activity_campaign', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activity_campaign_establishment_id'))
        batch_op.drop_index(batch_op.f('ix_activity_campaign_city_id'))

    op.drop_table('activity_campaign')
    with op.batch_alter_table('quotient_bracket', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quotient_bracket_city_id'))

    op.drop_table('quotient_bracket')
