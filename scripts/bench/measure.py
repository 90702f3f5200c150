"""Running one benchmark command and measuring it as a whole process: wall time from start to
exit, and peak memory as the process's maximum resident set size (getrusage's ru_maxrss
through os.wait4, which covers every thread of the process), and its CPU time, the steadier
figure on a shared machine. Standard library only.
"""

import os
import subprocess
import sys
import time


class RunFailed(Exception):
    """A command that exited non-zero; the message ends with the tail of its log."""


def run_measured(command, log_path, cwd=None):
    """Runs `command` with its output in `log_path`; returns (wall seconds, peak MiB, CPU
    seconds: user and system time of all its threads)."""
    with open(log_path, "wb") as log:
        log.write(("$ " + " ".join(command) + "\n").encode())
        log.flush()
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=cwd)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        with open(log_path, "rb") as log:
            tail = log.read()[-3000:].decode(errors="replace")
        raise RunFailed(f"{' '.join(command)} exited with status {process.returncode}; "
                        f"the end of {log_path}:\n{tail}")
    peak_kib = usage.ru_maxrss if sys.platform != "darwin" else usage.ru_maxrss // 1024
    return wall, peak_kib / 1024, usage.ru_utime + usage.ru_stime


def load_average():
    return [round(x, 2) for x in os.getloadavg()]
