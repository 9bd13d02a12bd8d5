"""Teacher accounts: sign-up (open or by invitation), log in and out, and shell commands."""

from .routes import bp

__all__ = ["bp"]
