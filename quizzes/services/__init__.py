"""Writes that touch several models, each in one transaction."""
