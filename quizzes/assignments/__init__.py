"""Assignments: giving a quiz set to a class with its settings, accommodations, closing and reopening."""
