"""Scores: the gradebook, results per assignment with item analysis, and each student's history."""
