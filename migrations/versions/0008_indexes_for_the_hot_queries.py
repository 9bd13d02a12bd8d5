"""indexes for the hot queries: answers per question on screen, the purges by age; no redundant indexes

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 09:00:00

What each index is for (the queries and their plans: docs/PERFORMANCE.md):
- session_answers (session_id, question_id): the console's and projector's poll counts the answers to the
  question on screen; it replaces the index on session_id alone, whose queries it serves by its first column.
- class_sessions (ended_at, open_until, created_at) and (open_until): `flask sessions purge` finds expired
  sessions through them instead of reading the whole table; the first replaces the index on ended_at alone.
- quiz_attempts (started_at) and teacher_logins (last_seen_at): the purges of old attempts and idle logins.
- quiz_answers (attempt_id) and quiz_answer_tallies (course_id) go: the unique constraints' indexes start
  with the same column and serve the same look-ups.
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_session_answers_session_id_question_id', 'session_answers', ['session_id', 'question_id'])
    op.drop_index('ix_session_answers_session_id', table_name='session_answers')
    op.create_index('ix_class_sessions_ended_at_open_until_created_at', 'class_sessions', ['ended_at', 'open_until', 'created_at'])
    op.create_index('ix_class_sessions_open_until', 'class_sessions', ['open_until'])
    op.drop_index('ix_class_sessions_ended_at', table_name='class_sessions')
    op.create_index('ix_quiz_attempts_started_at', 'quiz_attempts', ['started_at'])
    op.create_index('ix_teacher_logins_last_seen_at', 'teacher_logins', ['last_seen_at'])
    op.drop_index('ix_quiz_answers_attempt_id', table_name='quiz_answers')
    op.drop_index('ix_quiz_answer_tallies_course_id', table_name='quiz_answer_tallies')


def downgrade():
    op.create_index('ix_quiz_answer_tallies_course_id', 'quiz_answer_tallies', ['course_id'])
    op.create_index('ix_quiz_answers_attempt_id', 'quiz_answers', ['attempt_id'])
    op.drop_index('ix_teacher_logins_last_seen_at', table_name='teacher_logins')
    op.drop_index('ix_quiz_attempts_started_at', table_name='quiz_attempts')
    op.create_index('ix_class_sessions_ended_at', 'class_sessions', ['ended_at'])
    op.drop_index('ix_class_sessions_open_until', table_name='class_sessions')
    op.drop_index('ix_class_sessions_ended_at_open_until_created_at', table_name='class_sessions')
    op.create_index('ix_session_answers_session_id', 'session_answers', ['session_id'])
    op.drop_index('ix_session_answers_session_id_question_id', table_name='session_answers')
