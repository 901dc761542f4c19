"""Formats of Simplified Chinese that differ from Django's."""
