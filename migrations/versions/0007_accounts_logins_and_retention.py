"""teacher logins on the server, login throttling, invitations used once, tallies of purged quiz answers

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 07:40:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('teacher_logins',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('teacher_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['teacher_id'], ['teachers.id'], name=op.f('fk_teacher_logins_teacher_id_teachers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_teacher_logins')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_teacher_logins_token_hash'))
    )
    with op.batch_alter_table('teacher_logins', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_teacher_logins_teacher_id'), ['teacher_id'], unique=False)

    op.create_table('login_throttles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_failure_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_throttles')),
    sa.UniqueConstraint('key', name=op.f('uq_login_throttles_key'))
    )
    with op.batch_alter_table('login_throttles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_throttles_last_failure_at'), ['last_failure_at'], unique=False)

    op.create_table('quiz_answer_tallies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.String(length=100), nullable=False),
    sa.Column('lesson_id', sa.String(length=100), nullable=False),
    sa.Column('question_id', sa.String(length=100), nullable=False),
    sa.Column('language', sa.String(length=16), nullable=False),
    sa.Column('value_json', sa.Text(), nullable=False),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_answer_tallies')),
    sa.UniqueConstraint('course_id', 'lesson_id', 'question_id', 'language', 'value_json', 'score', name='uq_quiz_answer_tallies_answer')
    )
    with op.batch_alter_table('quiz_answer_tallies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quiz_answer_tallies_course_id'), ['course_id'], unique=False)

    with op.batch_alter_table('invites', schema=None) as batch_op:
        batch_op.add_column(sa.Column('used_at', sa.DateTime(timezone=True), nullable=True))
    # Invitations already used keep counting as used.
    op.execute("UPDATE invites SET used_at = created_at WHERE used_by IS NOT NULL")


def downgrade():
    with op.batch_alter_table('quiz_answer_tallies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quiz_answer_tallies_course_id'))
    op.drop_table('quiz_answer_tallies')
    with op.batch_alter_table('invites', schema=None) as batch_op:
        batch_op.drop_column('used_at')
    with op.batch_alter_table('login_throttles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_throttles_last_failure_at'))
    op.drop_table('login_throttles')
    with op.batch_alter_table('teacher_logins', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_teacher_logins_teacher_id'))
    op.drop_table('teacher_logins')
