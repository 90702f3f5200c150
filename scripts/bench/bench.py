#!/usr/bin/env python3
"""`make bench`: pipelines/bench.yaml through safeguard, beside the same computation in DuckDB
and in pandas, on synthetic authorities of three sizes (docs/performance.md, "The benchmark").

For each size the authority is generated (`safeguard synth --dirty 0.01`), then the three
tools run in turn, interleaved (safeguard, DuckDB, pandas, safeguard, ...), each as a process
of its own measured whole: wall time and peak memory (maximum resident set size). Every run's
area table must equal the first safeguard run's, every column of every row; the first
difference stops the benchmark (exit 1). Then pipelines/neglect-overlay.yaml is timed on an
authority of 300,000 children. The report is printed and written as JSON.

DuckDB and pandas run in their own virtual environment (scripts/bench-venv.sh, pinned in
scripts/bench-requirements.txt). Only the orchestrator's standard library is needed here.
"""

import argparse
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

from compare import first_difference, outputs_identical  # noqa: E402
from measure import RunFailed, load_average, run_measured  # noqa: E402
from report import HOTSPOT_NOTE, TOOLS, overlay_lines, size_lines, summarise  # noqa: E402

DEFAULT_SIZES = "13500,200000,800000"  # about 0.1, 1.5 and 6 million agency records


def arguments(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default=DEFAULT_SIZES,
                        help="children in each authority, comma-separated (default %(default)s)")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each tool per size (default 3)")
    parser.add_argument("--tools", default=",".join(TOOLS), help="which of safeguard,duckdb,pandas to run")
    parser.add_argument("--overlay-children", type=int, default=300000,
                        help="children for the neglect-overlay line; 0 leaves it out (default 300000)")
    parser.add_argument("--dirty", default="0.01", help="synth's share of faulty rows (default 0.01)")
    parser.add_argument("--safeguard", default=os.path.join(ROOT, ".build/release/safeguard"),
                        help="the safeguard binary (default .build/release/safeguard)")
    parser.add_argument("--python", help="a python with duckdb and pandas (default: scripts/bench-venv.sh's)")
    parser.add_argument("--out", default=os.path.join(ROOT, "out/bench"),
                        help="where runs, logs and results.json go (default out/bench)")
    parser.add_argument("--keep-data", action="store_true",
                        help="keep the generated authorities and every run's output (reused next time)")
    options = parser.parse_args(argv)
    options.sizes = [int(s) for s in options.sizes.split(",") if s]
    options.tools = [t for t in options.tools.split(",") if t]
    unknown = set(options.tools) - set(TOOLS)
    if unknown or options.repeats < 1 or not options.sizes:
        parser.error(f"unknown tools {sorted(unknown)}" if unknown else "need sizes and --repeats >= 1")
    return options


def capture(command):
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


class Bench:
    def __init__(self, options):
        self.options = options
        self.out = os.path.abspath(options.out)
        self.safeguard = os.path.abspath(options.safeguard)
        self.key = os.path.join(self.out, "bench.key")
        self.python = options.python
        self.made = []  # folders to remove unless --keep-data

    def setup(self):
        if not os.access(self.safeguard, os.X_OK):
            sys.exit(f"bench: no safeguard binary at {self.safeguard} (make release, or --safeguard PATH)")
        os.makedirs(self.out, exist_ok=True)
        if not os.path.exists(self.key):
            capture([self.safeguard, "key", "generate", "--out", self.key])
        if self.python is None and {"duckdb", "pandas"} & set(self.options.tools):
            print("bench: preparing the DuckDB and pandas environment (scripts/bench-venv.sh)", flush=True)
            self.python = capture([os.path.join(ROOT, "scripts/bench-venv.sh")]).strip()
        self.threads = "--threads" in capture([self.safeguard, "run", "--help"])

    def versions(self):
        found = {"python": platform.python_version()}
        if self.python:
            found.update(json.loads(capture([self.python, "-c", (
                "import json, duckdb, pandas, platform; print(json.dumps({'duckdb': duckdb.__version__, "
                "'pandas': pandas.__version__, 'bench_python': platform.python_version()}))")])))
        found["safeguard_binary"] = self.safeguard
        if self.safeguard == os.path.join(ROOT, ".build/release/safeguard"):
            try:
                found["safeguard_commit"] = capture(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"]).strip()
            except (subprocess.CalledProcessError, FileNotFoundError):
                pass
        return found

    def authority(self, children):
        """The folder of a synthetic authority of `children` (reused when already generated
        with the same options), with its agency records and bytes from its manifest."""
        folder = os.path.join(self.out, "data", f"children-{children}")
        manifest = os.path.join(folder, "truth", "manifest.json")
        wanted = {"children": children, "seed": 1, "dirty_rate": float(self.options.dirty)}
        if not (os.path.exists(manifest) and all(json.load(open(manifest))["options"].get(k) == v
                                                 for k, v in wanted.items())):
            print(f"bench: generating {children:,} children into {folder}", flush=True)
            capture([self.safeguard, "synth", "--out", folder, "--children", str(children),
                     "--seed", "1", "--dirty", self.options.dirty])
        self.made.append(folder)
        files = [f for f in json.load(open(manifest))["files"] if f["path"].startswith("extracts/")]
        return folder, sum(f["rows"] for f in files), sum(f["bytes"] for f in files)

    def command(self, tool, data, run_dir, threads=None):
        """(command, the area table it writes)."""
        if tool == "safeguard":
            command = [self.safeguard, "run", os.path.join(ROOT, "pipelines/bench.yaml"),
                       "--set", f"data={data}", "--set", f"key_file={self.key}", "--out", run_dir]
            if threads:
                command += ["--threads", str(threads)]
            return command, os.path.join(run_dir, "bench", "overlay_areas.csv")
        os.makedirs(run_dir, exist_ok=True)
        table = os.path.join(run_dir, "overlay_areas.csv")
        return [self.python, os.path.join(HERE, f"run_{tool}.py"), data, self.key, table], table

    def measure_size(self, children):
        data, records, size_bytes = self.authority(children)
        runs_dir = os.path.join(self.out, "runs", f"children-{children}")
        shutil.rmtree(runs_dir, ignore_errors=True)
        self.made.append(runs_dir)
        runs = {tool: [] for tool in self.options.tools}
        reference, loads = None, []
        for repeat in range(1, self.options.repeats + 1):
            for tool in self.options.tools:
                run_dir = os.path.join(runs_dir, f"{tool}-{repeat}")
                command, table = self.command(tool, data, run_dir)
                os.makedirs(runs_dir, exist_ok=True)
                loads.append(load_average()[0])
                wall, peak, cpu = run_measured(command, run_dir + ".log")
                runs[tool].append((wall, peak, cpu))
                print(f"  {children:,} children, run {repeat}, {tool:9}: {wall:7.2f} s, {peak:8,.0f} MiB, "
                      f"CPU {cpu:7.2f} s (load {loads[-1]})", flush=True)
                if reference is None:
                    reference = table
                else:
                    difference = first_difference(reference, table)
                    if difference:
                        raise TablesDiffer(f"the area table of {tool} (run {repeat}) differs from "
                                           f"{reference}:\n{difference}")
        rows = open(reference).read().splitlines()
        tools, ratios = summarise(runs)
        size = {"children": children, "agency_records": records, "extract_bytes": size_bytes,
                "tables_equal": True, "area_rows": len(rows) - 1,
                "area_columns": len(rows[0].split(",")), "tools": tools, "ratios": ratios,
                "load_average_1min": {"min": min(loads), "max": max(loads)}}
        if "safeguard" in self.options.tools:
            size["threads_check"] = self.threads_check(data, runs_dir)
        return size

    def threads_check(self, data, runs_dir):
        # Outputs must not depend on the number of threads: a run with one thread must write
        # byte-identical outputs to the first default run's (a binary from before `--threads`
        # existed is reported as not checked).
        if not self.threads:
            return "not checked: this safeguard has no --threads option yet"
        run_dir = os.path.join(runs_dir, "safeguard-threads-1")
        command, _ = self.command("safeguard", data, run_dir, threads=1)
        run_measured(command, run_dir + ".log")
        difference = outputs_identical(os.path.join(runs_dir, "safeguard-1", "bench"),
                                       os.path.join(run_dir, "bench"))
        if difference:
            raise TablesDiffer(f"--threads 1 changed the outputs: {difference}")
        return "outputs byte-identical to the default run's"

    def measure_overlay(self):
        children = self.options.overlay_children
        data, records, _ = self.authority(children)
        runs_dir = os.path.join(self.out, "runs", f"neglect-overlay-{children}")
        shutil.rmtree(runs_dir, ignore_errors=True)
        os.makedirs(runs_dir)
        self.made.append(runs_dir)
        measured = []
        for repeat in range(1, self.options.repeats + 1):
            run_dir = os.path.join(runs_dir, f"run-{repeat}")
            wall, peak, cpu = run_measured(
                [self.safeguard, "run", os.path.join(ROOT, "pipelines/neglect-overlay.yaml"), "--set",
                 f"data={data}", "--set", f"key_file={self.key}", "--out", run_dir], run_dir + ".log")
            measured.append((wall, peak, cpu))
            print(f"  neglect overlay, {children:,} children, run {repeat}: {wall:7.2f} s, {peak:8,.0f} MiB, "
                  f"CPU {cpu:7.2f} s", flush=True)
        tools, _ = summarise({"safeguard": measured})
        return {"children": children, "agency_records": records, **tools["safeguard"]}

    def cleanup(self):
        if not self.options.keep_data:
            for folder in self.made:
                shutil.rmtree(folder, ignore_errors=True)
            shutil.rmtree(os.path.join(self.out, "data"), ignore_errors=True)


class TablesDiffer(Exception):
    pass


def main(argv):
    options = arguments(argv)
    bench = Bench(options)
    bench.setup()
    results = {"measured_at": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
               "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
               "versions": bench.versions(), "load_average_before": load_average(),
               "options": {"sizes": options.sizes, "repeats": options.repeats, "tools": options.tools,
                           "dirty": float(options.dirty), "seed": 1},
               "notes": [HOTSPOT_NOTE], "sizes": []}
    versions = results["versions"]
    print(f"bench: pipelines/bench.yaml in safeguard ({bench.safeguard}), DuckDB "
          f"{versions.get('duckdb', '-')} and pandas {versions.get('pandas', '-')}; "
          f"{options.repeats} runs each, interleaved; load average {results['load_average_before']}", flush=True)
    try:
        for children in options.sizes:
            results["sizes"].append(bench.measure_size(children))
        if options.overlay_children and "safeguard" in options.tools:
            results["neglect_overlay"] = bench.measure_overlay()
    except (RunFailed, TablesDiffer) as failure:
        print(f"\nbench: FAILED: {failure}", file=sys.stderr)
        return 1
    results["load_average_after"] = load_average()
    lines = ["", f"Measured {results['measured_at']}, load average {results['load_average_before']} before, "
             f"{results['load_average_after']} after; {os.cpu_count()} cores."]
    for size in results["sizes"]:
        lines += [""] + size_lines(size)
    if "neglect_overlay" in results:
        lines += [""] + overlay_lines(results["neglect_overlay"])
    lines += ["", HOTSPOT_NOTE]
    print("\n".join(lines))
    path = os.path.join(bench.out, "results.json")
    with open(path, "w") as handle:
        json.dump(results, handle, indent=2)
        handle.write("\n")
    print(f"\nResults: {path}")
    bench.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
