"""Fault tests: services of their own, stopped, paused and restarted around real requests."""
