"""Run every benchmark script in this folder, one after the other, and print what they print."""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

if __name__ == "__main__":
    status = 0
    for script in sorted(HERE.glob("*.py")):
        if script.name in (Path(__file__).name, "__init__.py", "suite_cpu.py"):  # suite_cpu runs the whole test suite
            continue
        print(f"\n== {script.name}", flush=True)
        status |= subprocess.run([sys.executable, "-m", f"benchmarks.{script.stem}"], cwd=HERE.parent).returncode
    sys.exit(status)
