# Two commands for a new user (see README.md):
#   make demo   sets up, builds in release mode, generates the synthetic authority, runs the demo
#   make test   sets up and runs the whole test suite
SWIFT ?= swift
DEMO_DATA ?= demo-data
DEMO_OUT ?= out/demo
DEMO_CHILDREN ?= 20000
OVERLAY_OUT ?= out/neglect-overlay
CIN_OUT ?= out/cin-census
# Options of the benchmark against DuckDB and pandas, e.g. BENCH_ARGS="--sizes 13500 --repeats 5"
BENCH_ARGS ?=

.PHONY: demo test deps build release bench format clean

deps:
	@scripts/install-deps.sh

release: deps
	$(SWIFT) build -c release --product safeguard

demo: release
	.build/release/safeguard synth --out $(DEMO_DATA) --children $(DEMO_CHILDREN) --seed 1 --dirty 0.01
	.build/release/safeguard validate pipelines/demo.yaml --set data=$(DEMO_DATA)
	.build/release/safeguard run pipelines/demo.yaml --set data=$(DEMO_DATA) --out $(DEMO_OUT)
	test -f safeguard.key || .build/release/safeguard key generate --out safeguard.key
	.build/release/safeguard run pipelines/neglect-overlay.yaml --set data=$(DEMO_DATA) --out $(OVERLAY_OUT)
	.build/release/safeguard run pipelines/cin-census.yaml --set returns=$(DEMO_DATA)/returns --out $(CIN_OUT)
	@echo
	@echo "Demo outputs are in $(DEMO_OUT)/ (run summary: $(DEMO_OUT)/run-summary.json)"
	@echo "The neglect overlay is in $(OVERLAY_OUT)/overlay/ (docs/measures.md defines every column),"
	@echo "  its map layers for QGIS in $(OVERLAY_OUT)/geojson/, each file with a .metadata.json beside it (docs/exports.md)"
	@echo "The report: $(OVERLAY_OUT)/report/neglect-overlay.html (open it in a web browser; it works offline)"
	@echo "The CIN measures from the CIN Census returns: $(CIN_OUT)/cin_measures.csv (docs/statutory-returns.md)"

test: deps
	scripts/checker-venv.sh >/dev/null
	scripts/spatial-venv.sh >/dev/null
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

# pipelines/bench.yaml beside the same computation in DuckDB and pandas at three sizes
# (docs/performance.md, "The benchmark: make bench"); not part of `make test` (it takes a while).
bench: release
	python3 scripts/bench/bench.py --safeguard .build/release/safeguard $(BENCH_ARGS)

format:
	$(SWIFT) format --in-place --recursive Sources Tests Package.swift

clean:
	rm -rf .build $(DEMO_DATA) out
