"""Helpers that several test modules share, one module per subject."""
