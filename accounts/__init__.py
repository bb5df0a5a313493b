"""Officer accounts: two-factor login (TOTP), the idle timeout and rate-limited password reset.

The password step is config/auth_views.py; the code step, enrolment and the device reset are
here (two_factor.py, views.py, management/commands/reset_two_factor.py); the session rules
every request passes are sessions.py, called by config/middleware.py.
"""
