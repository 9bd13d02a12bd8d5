"""Classroom sessions: a teacher paces a lesson, learners join with a code, answers stay anonymous."""

from .learner_routes import bp as learn_bp
from .projector_routes import bp as projector_bp
from .teacher_routes import bp

__all__ = ["bp", "learn_bp", "projector_bp"]
