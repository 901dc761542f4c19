# The two commands: `make run` starts the system with seed data; `make test` runs the whole suite.
.PHONY: run test

run:
	bash scripts/run.sh

test:
	bash scripts/test.sh
