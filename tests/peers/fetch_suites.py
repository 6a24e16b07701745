"""Download the peers' test suites that ship only in source distributions (ripser.py) from PyPI
and unpack their ``tests/`` folders under ``tests/peers/_suites/``. Run by ``.ci/run``; by hand:
``python tests/peers/fetch_suites.py``. Nothing downloaded here is committed."""

import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

SDISTS = {"ripser": "0.6.15"}
DEST = Path(__file__).resolve().parent / "_suites"


def main() -> int:
    DEST.mkdir(exist_ok=True)
    status = 0
    for name, version in SDISTS.items():
        target = DEST / f"{name}-{version}"
        if target.is_dir():
            continue
        with tempfile.TemporaryDirectory() as tmp:
            proc = subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                                   "--no-binary", name, f"{name}=={version}", "-d", tmp],
                                  capture_output=True, text=True)
            archives = list(Path(tmp).glob(f"{name}-{version}.tar.gz"))
            if proc.returncode != 0 or not archives:
                print(f"could not download the {name} {version} sdist: {proc.stderr.strip()[-300:]}", file=sys.stderr)
                status = 1
                continue
            with tarfile.open(archives[0]) as tar:
                members = [m for m in tar.getmembers() if "/tests/" in m.name + "/" and m.isfile()]
                tar.extractall(DEST, members=members, filter="data")
        print(f"{name} {version}: tests unpacked in {target}")
    return status


if __name__ == "__main__":
    sys.exit(main())
