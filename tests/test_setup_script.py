"""scripts/setup.sh on a fresh Debian/Ubuntu whose Python lacks venv/ensurepip (python3.X-venv not
installed), run against a fake environment: a fake ``python`` that only gains venv support once
the stub ``apt-get`` has "installed" the package, stub ``sudo`` and ``id``, and a PATH holding
nothing else (so the machine's own apt-get is never reached)."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO

SETUP = REPO / "scripts" / "setup.sh"
TOOLS = ["bash", "env", "dirname", "sha256sum", "cut", "rm", "mkdir", "cat", "cp", "chmod", "touch"]

FAKE_PYTHON = r"""#!/bin/bash
echo "python $*" >> "$FAKE_LOG"
if [ "$1" = "-c" ]; then
  case "$2" in
    *"import venv, ensurepip"*)
      if [ -f "$FAKE_STATE/venv-installed" ]; then exit 0; fi
      echo "ModuleNotFoundError: No module named 'ensurepip'" >&2; exit 1 ;;
    *version_info*) echo 3.11; exit 0 ;;
  esac
fi
if [ "$1" = "-m" ] && [ "$2" = "venv" ]; then
  mkdir -p "$3/bin"; cp "$FAKE_STATE/venv-python" "$3/bin/python"; chmod +x "$3/bin/python"; exit 0
fi
exit 0
"""
VENV_PYTHON = """#!/bin/bash
echo "venv-python $*" >> "$FAKE_LOG"
exit 0
"""
BROKEN_VENV_PYTHON = """#!/bin/bash
echo "broken-venv-python $*" >> "$FAKE_LOG"
if [ "$1" = "-m" ] && [ "$2" = "pip" ]; then echo "No module named pip" >&2; exit 1; fi
exit 0
"""
APT_GET = """#!/bin/bash
echo "apt-get $*" >> "$FAKE_LOG"
if [ "$1" = "install" ] && [ -z "$FAKE_APT_FAILS" ] && [ -z "$FAKE_APT_NO_EFFECT" ]; then touch "$FAKE_STATE/venv-installed"; fi
if [ "$1" = "install" ] && [ -n "$FAKE_APT_FAILS" ]; then echo "E: Unable to locate package" >&2; exit 100; fi
exit 0
"""
SUDO = """#!/bin/bash
echo "sudo $*" >> "$FAKE_LOG"
exec "$@"
"""
ID = """#!/bin/bash
if [ "$1" = "-u" ]; then echo "$FAKE_UID"; else echo "uid=$FAKE_UID"; fi
"""


def script(path: Path, text: str) -> None:
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


class FakeMachine:
    def __init__(self, root: Path, *, uid: int, apt: bool = True, sudo: bool = True, has_venv: bool = False):
        self.root = root
        self.bin = root / "bin"
        self.state = root / "state"
        self.log = root / "log.txt"
        self.bin.mkdir()
        self.state.mkdir()
        self.log.write_text("")
        for tool in TOOLS:
            found = shutil.which(tool)
            assert found, tool
            (self.bin / tool).symlink_to(found)
        script(self.bin / "fakepython", FAKE_PYTHON)
        script(self.state / "venv-python", VENV_PYTHON)
        script(self.bin / "id", ID)
        if apt:
            script(self.bin / "apt-get", APT_GET)
        if sudo:
            script(self.bin / "sudo", SUDO)
        if has_venv:
            (self.state / "venv-installed").touch()
        self.env = {"PATH": str(self.bin), "PYTHON": "fakepython", "FAKE_LOG": str(self.log),
                    "FAKE_STATE": str(self.state), "FAKE_UID": str(uid), "HOME": str(root)}

    def run(self, *args: str, **env: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(self.bin / "bash"), str(SETUP), *args], env={**self.env, **env},
                              capture_output=True, text=True, timeout=60)

    def calls(self) -> list[str]:
        return self.log.read_text().splitlines()


@pytest.fixture
def machine(tmp_path):
    return lambda **kw: FakeMachine(tmp_path, **kw)


def test_python_with_venv_support_needs_nothing(machine):
    m = machine(uid=1000, has_venv=True)
    r = m.run("--check-only")
    assert r.returncode == 0, r.stderr
    assert not any(c.startswith(("apt-get", "sudo")) for c in m.calls())


def test_root_installs_the_venv_package_with_apt_get(machine):
    m = machine(uid=0)
    r = m.run("--check-only")
    assert r.returncode == 0, r.stderr
    assert "installing python3.11-venv with apt-get" in r.stderr
    apt = [c for c in m.calls() if c.startswith(("apt-get", "sudo"))]
    assert apt == ["apt-get update -q", "apt-get install -y -q python3.11-venv"]


def test_a_user_installs_it_with_sudo(machine):
    m = machine(uid=1000)
    r = m.run("--check-only")
    assert r.returncode == 0, r.stderr
    assert "sudo apt-get install -y -q python3.11-venv" in m.calls()


def test_a_user_without_sudo_gets_the_exact_command(machine):
    m = machine(uid=1000, sudo=False)
    r = m.run("--check-only")
    assert r.returncode == 1
    assert "  sudo apt-get install -y python3.11-venv" in r.stderr.splitlines()
    assert not any(c.startswith("apt-get") for c in m.calls())


def test_no_apt_means_no_install_and_the_exact_command(machine):
    m = machine(uid=0)
    r = m.run("--check-only", CLUSTERDASH_NO_APT="1")
    assert r.returncode == 1
    assert "  apt-get install -y python3.11-venv" in r.stderr.splitlines()
    assert not any(c.startswith("apt-get") for c in m.calls())


def test_not_debian_names_the_package_to_look_for(machine):
    m = machine(uid=1000, apt=False)
    r = m.run("--check-only")
    assert r.returncode == 1
    assert "install your distribution's package for it (on Debian/Ubuntu: sudo apt-get install -y python3.11-venv)" \
        in r.stderr


@pytest.mark.parametrize("failure", ["FAKE_APT_FAILS", "FAKE_APT_NO_EFFECT"])
def test_a_failed_install_stops_with_the_command(machine, failure):
    m = machine(uid=0)
    r = m.run("--check-only", **{failure: "1"})
    assert r.returncode == 1
    assert "  apt-get install -y python3.11-venv" in r.stderr.splitlines()


def test_missing_python_is_named(machine):
    m = machine(uid=0)
    r = m.run("--check-only", PYTHON="python3-not-here")
    assert r.returncode == 1 and "python3-not-here not found" in r.stderr


def test_full_run_rebuilds_a_venv_left_without_pip(machine, tmp_path):
    m = machine(uid=0)
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    script(venv / "bin" / "python", BROKEN_VENV_PYTHON)  # what a half-failed `python3 -m venv` leaves
    r = m.run(CLUSTERDASH_VENV=str(venv))
    assert r.returncode == 0, r.stderr
    assert "has no working pip" in r.stderr
    calls = m.calls()
    assert "apt-get install -y -q python3.11-venv" in calls
    assert f"python -m venv {venv}" in calls
    assert any(c.startswith("venv-python -m pip install") for c in calls)
    assert (venv / ".requirements.sha256").read_text().strip()
    # a second run changes nothing
    m.log.write_text("")
    assert m.run(CLUSTERDASH_VENV=str(venv)).returncode == 0
    assert [c for c in m.calls() if "install" in c] == []


def test_the_scripts_use_setup(machine):
    for name in ("start.sh", "test.sh"):
        assert "bash scripts/setup.sh" in (REPO / "scripts" / name).read_text()
    assert os.access(SETUP, os.R_OK)
