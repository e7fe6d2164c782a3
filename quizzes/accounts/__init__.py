"""Accounts: the user model, signing up, logging in (throttled by django-axes: accounts.lockout) and the one-time-password change."""
