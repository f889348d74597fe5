"""notifications: the outbox of events, items per person, deliveries, preferences, push devices

Also the instance's Web Push key and the addresses the mail server refused. New tables only:
no existing row changes.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 20:31:50.890544

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('vapid_key',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('private_pem', sa.Text(), nullable=False),
    sa.Column('created_dt', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vapid_key'))
    )
    op.create_table('email_problem',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('address', sa.String(length=254), nullable=False),
    sa.Column('smtp_code', sa.Integer(), nullable=True),
    sa.Column('detail', sa.String(length=200), nullable=False),
    sa.Column('recorded_dt', sa.DateTime(timezone=True), nullable=False),
    sa.Column('shown_dt', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_email_problem_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_email_problem')),
    sa.UniqueConstraint('user_id', name=op.f('uq_email_problem_user_id'))
    )
    op.create_table('notification_delivery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=22), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=8), nullable=False),
    sa.Column('digest_slot_dt', sa.DateTime(timezone=True), nullable=True),
    sa.Column('is_urgent', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('due_dt', sa.DateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_dt', sa.DateTime(timezone=True), nullable=False),
    sa.Column('done_dt', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_notification_delivery_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_delivery')),
    sa.UniqueConstraint('public_id', name=op.f('uq_notification_delivery_public_id')),
    sa.UniqueConstraint('user_id', 'channel', 'digest_slot_dt', name=op.f('uq_notification_delivery_user_id_channel_digest_slot_dt'))
    )
    with op.batch_alter_table('notification_delivery', schema=None) as batch_op:
        batch_op.create_index('ix_notification_delivery_due', ['status', 'due_dt'], unique=False)
        batch_op.create_index(batch_op.f('ix_notification_delivery_user_id'), ['user_id'], unique=False)

    op.create_table('notification_preferences',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('news_email', sa.String(length=10), nullable=False),
    sa.Column('news_push', sa.String(length=10), nullable=False),
    sa.Column('todo_email', sa.String(length=10), nullable=False),
    sa.Column('todo_push', sa.String(length=10), nullable=False),
    sa.Column('messages_email', sa.String(length=10), nullable=False),
    sa.Column('messages_push', sa.String(length=10), nullable=False),
    sa.Column('digest_minute', sa.Integer(), nullable=False),
    sa.Column('weekly_day', sa.Integer(), nullable=False),
    sa.Column('quiet_start_minute', sa.Integer(), nullable=False),
    sa.Column('quiet_end_minute', sa.Integer(), nullable=False),
    sa.Column('quiet_weekends', sa.Boolean(), nullable=False),
    sa.Column('updated_dt', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_notification_preferences_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_notification_preferences'))
    )
    op.create_table('push_subscription',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=22), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('endpoint', sa.String(length=1000), nullable=False),
    sa.Column('p256dh', sa.String(length=200), nullable=False),
    sa.Column('auth', sa.String(length=100), nullable=False),
    sa.Column('device_label', sa.String(length=100), nullable=False),
    sa.Column('created_dt', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_success_dt', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_push_subscription_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_push_subscription')),
    sa.UniqueConstraint('endpoint', name=op.f('uq_push_subscription_endpoint')),
    sa.UniqueConstraint('public_id', name=op.f('uq_push_subscription_public_id'))
    )
    with op.batch_alter_table('push_subscription', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_push_subscription_user_id'), ['user_id'], unique=False)

    op.create_table('notification_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('category', sa.String(length=12), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=True),
    sa.Column('message_id', sa.Integer(), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('due_dt', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_dt', sa.DateTime(timezone=True), nullable=False),
    sa.Column('not_before_dt', sa.DateTime(timezone=True), nullable=False),
    sa.Column('fanout_cursor', sa.Integer(), nullable=False),
    sa.Column('fanned_out_dt', sa.DateTime(timezone=True), nullable=True),
    sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], name=op.f('fk_notification_event_actor_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['message_id'], ['message.id'], name=op.f('fk_notification_event_message_id_message'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['post_id'], ['post.id'], name=op.f('fk_notification_event_post_id_post'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_event'))
    )
    with op.batch_alter_table('notification_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notification_event_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index('ix_notification_event_due', ['fanned_out_dt', 'not_before_dt'], unique=False)
        batch_op.create_index(batch_op.f('ix_notification_event_message_id'), ['message_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notification_event_post_id'), ['post_id'], unique=False)

    op.create_table('notification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=12), nullable=False),
    sa.Column('created_dt', sa.DateTime(timezone=True), nullable=False),
    sa.Column('email_delivery_id', sa.Integer(), nullable=True),
    sa.Column('push_delivery_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['email_delivery_id'], ['notification_delivery.id'], name=op.f('fk_notification_email_delivery_id_notification_delivery'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['event_id'], ['notification_event.id'], name=op.f('fk_notification_event_id_notification_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['push_delivery_id'], ['notification_delivery.id'], name=op.f('fk_notification_push_delivery_id_notification_delivery'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_notification_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification')),
    sa.UniqueConstraint('event_id', 'user_id', name=op.f('uq_notification_event_id_user_id'))
    )
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notification_email_delivery_id'), ['email_delivery_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notification_push_delivery_id'), ['push_delivery_id'], unique=False)
        batch_op.create_index('ix_notification_user', ['user_id', 'created_dt'], unique=False)



def downgrade():
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index('ix_notification_user')
        batch_op.drop_index(batch_op.f('ix_notification_push_delivery_id'))
        batch_op.drop_index(batch_op.f('ix_notification_email_delivery_id'))

    op.drop_table('notification')
    with op.batch_alter_table('notification_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notification_event_post_id'))
        batch_op.drop_index(batch_op.f('ix_notification_event_message_id'))
        batch_op.drop_index('ix_notification_event_due')
        batch_op.drop_index(batch_op.f('ix_notification_event_actor_id'))

    op.drop_table('notification_event')
    with op.batch_alter_table('push_subscription', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_push_subscription_user_id'))

    op.drop_table('push_subscription')
    op.drop_table('notification_preferences')
    with op.batch_alter_table('notification_delivery', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notification_delivery_user_id'))
        batch_op.drop_index('ix_notification_delivery_due')

    op.drop_table('notification_delivery')
    op.drop_table('email_problem')
    op.drop_table('vapid_key')
