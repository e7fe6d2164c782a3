"""The classroom: classes, join codes, enrolment, rosters and one-time-password sheets."""
