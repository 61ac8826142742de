"""Structuration: from a hospital's exports to a validated OSIRIS RWD store."""
