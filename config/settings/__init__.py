"""Settings split by environment: base, local, test, production; all read from the environment."""
