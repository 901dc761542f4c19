"""Security tests: each module is an attack that the registry once let through, written as the attacker would try it."""
