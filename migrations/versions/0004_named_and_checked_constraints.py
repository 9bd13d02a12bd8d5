"""named and checked constraints

Every constraint gets the name the naming convention in quizapp/extensions.py gives it (primary keys,
unique constraints and foreign keys created unnamed by 0002 and 0003), and the enumerated columns get
CHECK constraints.

PostgreSQL named the unnamed constraints itself (teachers_pkey, teachers_email_key,
class_sessions_teacher_id_fkey, ...): they are renamed in place. SQLite cannot rename or add a
constraint, so each table is recreated (batch mode, rows copied); the naming convention names the
constraints it reflects without a name. env.py switches SQLite's foreign keys off while this runs, so
dropping the old parent tables cascades nowhere.

A database created after the convention was added already has these names: Alembic's op.create_table
names unnamed constraints with the convention of the target metadata (the app's), so 0002 and 0003 now
create pk_teachers, uq_teachers_email and so on. Both kinds of database end up the same.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 10:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

# The convention as of this revision (a copy: later changes to the app's must not rewrite history).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Parents before children. Per table: PostgreSQL's default name -> the convention's name.
RENAMES = {
    'teachers': {
        'teachers_pkey': 'pk_teachers',
        'teachers_email_key': 'uq_teachers_email',
    },
    'invites': {
        'invites_pkey': 'pk_invites',
        'invites_code_hash_key': 'uq_invites_code_hash',
        'invites_used_by_fkey': 'fk_invites_used_by_teachers',
    },
    'class_sessions': {
        'class_sessions_pkey': 'pk_class_sessions',
        'class_sessions_code_key': 'uq_class_sessions_code',
        'class_sessions_teacher_id_fkey': 'fk_class_sessions_teacher_id_teachers',
    },
    'participants': {
        'participants_pkey': 'pk_participants',
        'participants_token_key': 'uq_participants_token',
        'participants_session_id_fkey': 'fk_participants_session_id_class_sessions',
    },
    'session_answers': {
        'session_answers_pkey': 'pk_session_answers',
        'session_answers_session_id_fkey': 'fk_session_answers_session_id_class_sessions',
        'session_answers_participant_id_fkey': 'fk_session_answers_participant_id_participants',
    },
    'survey_responses': {
        'survey_responses_pkey': 'pk_survey_responses',
        'survey_responses_session_id_fkey': 'fk_survey_responses_session_id_class_sessions',
        'survey_responses_participant_id_fkey': 'fk_survey_responses_participant_id_participants',
    },
    'join_attempts': {
        'join_attempts_pkey': 'pk_join_attempts',
    },
    'quiz_attempts': {
        'quiz_attempts_pkey': 'pk_quiz_attempts',
        'quiz_attempts_token_key': 'uq_quiz_attempts_token',
    },
    'quiz_answers': {
        'quiz_answers_pkey': 'pk_quiz_answers',
        'quiz_answers_attempt_id_fkey': 'fk_quiz_answers_attempt_id_quiz_attempts',
    },
}

CHECKS = {
    'class_sessions': {
        'ck_class_sessions_state': "state IN ('lobby', 'question', 'ended')",
        'ck_class_sessions_mode': "mode IN ('live', 'self')",
    },
    'participants': {
        'ck_participants_pre_survey': "pre_survey IS NULL OR pre_survey IN ('answered', 'skipped')",
        'ck_participants_post_survey': "post_survey IS NULL OR post_survey IN ('answered', 'skipped')",
    },
    'survey_responses': {
        'ck_survey_responses_phase': "phase IN ('pre', 'post')",
    },
}


def upgrade():
    if op.get_context().dialect.name == 'sqlite':
        for table in RENAMES:
            # Reflected unnamed constraints are named by the convention; named ones keep their names.
            with op.batch_alter_table(table, recreate='always', naming_convention=NAMING_CONVENTION) as batch_op:
                for name, condition in CHECKS.get(table, {}).items():
                    batch_op.create_check_constraint(op.f(name), condition)
        return
    for table, renames in RENAMES.items():
        rename_constraints(table, renames)
        for name, condition in CHECKS.get(table, {}).items():
            op.create_check_constraint(op.f(name), table, condition)


def downgrade():
    if op.get_context().dialect.name == 'sqlite':
        for table, renames in RENAMES.items():
            with op.batch_alter_table(table, recreate='always', copy_from=unnamed_copy(table, set(renames.values()))):
                pass
        return
    for table, renames in RENAMES.items():
        for name in CHECKS.get(table, {}):
            op.drop_constraint(op.f(name), table, type_='check')
        rename_constraints(table, {new: old for old, new in renames.items()})


def rename_constraints(table, renames):
    """PostgreSQL: rename each constraint ``old`` to ``new``; skip those already called ``new``.

    Alembic names the constraints that 0002 and 0003 create unnamed with the naming convention of the
    app's metadata, so a database created since the convention was added already has the new names.
    """
    existing = set(op.get_bind().execute(
        sa.text('SELECT conname FROM pg_constraint WHERE conrelid = CAST(:table AS regclass)'),
        {'table': table},
    ).scalars())
    for old, new in renames.items():
        if old in existing:
            op.execute(f'ALTER TABLE {table} RENAME CONSTRAINT {old} TO {new}')
        elif new not in existing:
            raise RuntimeError(f'{table} has neither a constraint {old} nor {new}: rename it by hand')


def unnamed_copy(table, names):
    """The SQLite table as it is, less this revision's CHECK constraints, with the constraints in
    ``names`` unnamed again (as 0002 and 0003 created them); batch mode recreates the table from it."""
    reflected = sa.Table(table, sa.MetaData(), autoload_with=op.get_bind())
    for constraint in list(reflected.constraints):
        if isinstance(constraint, sa.CheckConstraint) and constraint.name in CHECKS.get(table, {}):
            reflected.constraints.remove(constraint)
        elif constraint.name in names:
            constraint.name = None
    return reflected
