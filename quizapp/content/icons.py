"""The pictures a course may name with ``icon:`` in its course.yml: symbols of static/img/icons.svg (the first
is the default). tests/test_typography.py checks that the sprite draws every one."""

COURSE_ICONS = ("book", "door", "speech", "heart", "compass", "leaf")
