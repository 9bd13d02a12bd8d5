"""sessions keep the survey version they were created with (class_sessions.survey_id)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 12:00:00

Surveys became versioned files, courses/surveys/<id>.yml, shared by courses (issue 12). Each course's own
survey.yml became a retired version, <course>-2025.yml, with the same statement ids; the sessions that asked
it are backfilled with that id, so their report keeps the statements their learners answered. A session
without the survey keeps None.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

# The survey each course asked before 0009: its retired version's id. Fixed data, like the files it names.
RETIRED_SURVEYS = {
    'understanding-hikikomori': 'understanding-hikikomori-2025',
    'stigma-and-mental-health': 'stigma-and-mental-health-2025',
    'reaching-out': 'reaching-out-2025',
}


def upgrade():
    with op.batch_alter_table('class_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('survey_id', sa.String(length=100), nullable=True))
    sessions = sa.table('class_sessions', sa.column('course_id', sa.String), sa.column('with_survey', sa.Boolean), sa.column('survey_id', sa.String))
    for course_id, survey_id in RETIRED_SURVEYS.items():
        op.execute(sessions.update().where(sessions.c.course_id == course_id, sessions.c.with_survey.is_(True)).values(survey_id=survey_id))


def downgrade():
    with op.batch_alter_table('class_sessions', schema=None) as batch_op:
        batch_op.drop_column('survey_id')
