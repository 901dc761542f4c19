"""Shared API plumbing: base serializer and viewset, pagination, permissions, error handler, schema hooks."""
