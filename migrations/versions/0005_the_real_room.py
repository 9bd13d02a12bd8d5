"""the real room: seats, locks, removals, projector links, browsers

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 07:10:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('class_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('joined', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('locked', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('projector_token', sa.String(length=43), nullable=True))
        batch_op.create_unique_constraint('uq_class_sessions_projector_token', ['projector_token'])
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('removed', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('browser', sa.String(length=16), nullable=True))
    # Seats already taken in sessions that exist.
    op.execute("UPDATE class_sessions SET joined = (SELECT COUNT(*) FROM participants WHERE participants.session_id = class_sessions.id)")


def downgrade():
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.drop_column('browser')
        batch_op.drop_column('removed')
    with op.batch_alter_table('class_sessions', schema=None) as batch_op:
        batch_op.drop_constraint('uq_class_sessions_projector_token', type_='unique')
        batch_op.drop_column('projector_token')
        batch_op.drop_column('locked')
        batch_op.drop_column('joined')
