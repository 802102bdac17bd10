"""Re-run every lesson for its full default length, in course order, then
refresh the scripts' Results headers from what they recorded.

    python -m docgen.run_all                 # all ten (lesson 1 alone takes well over an hour on a CPU)
    python -m docgen.run_all --from 2        # lessons 2 to 10
    python -m docgen.run_all --only 4 9      # just these

Each lesson runs with --record, so its run replaces results/<script>/. Other
flags go to every lesson. The recorded runs are CPU runs: on a machine with a
GPU, add --device cpu.
"""
import argparse
import subprocess
import sys

from common import paths
from common.cli import EXIT_OK
from course.lessons import lesson_number, scripts

from . import headers


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--from", dest="start", type=int, default=1, help="first lesson number")
    parser.add_argument("--only", type=int, nargs="+", help="lesson numbers to run")
    args, extra = parser.parse_known_args(argv)
    for path in scripts():
        number = lesson_number(path)
        if number < args.start or (args.only and number not in args.only):
            continue
        print(f"=== {path.name}", flush=True)
        status = subprocess.run([sys.executable, path.name, "--record", *extra], cwd=paths.ROOT).returncode
        if status != EXIT_OK:
            print(f"error: {path.name} exited with status {status}; stopping", file=sys.stderr)
            return status
    return headers.main([])


if __name__ == "__main__":
    sys.exit(main())
