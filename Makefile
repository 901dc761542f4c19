# The two commands: `make run` starts the system with seed data; `make test` runs the whole suite.
.PHONY: run test bench

run:
	bash scripts/run.sh

test:
	bash scripts/test.sh

# The city-scale benchmark (bench/README.md): about 5 minutes on 2 cores.
bench:
	bash scripts/bench.sh
