"""baseline

Revision ID: 0001
Revises: 
Create Date: 2026-11-26 23:08:35.776982

"""


# revision identifiers, used by Alembic.
revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
