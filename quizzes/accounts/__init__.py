"""Accounts: the user model, signing up, logging in (with its throttle) and the one-time-password change."""
