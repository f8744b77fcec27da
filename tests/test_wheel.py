"""A wheel built from the repository, installed (not editable) into a fresh venv, serves and exports.

The fresh venv has no pip and no network: the wheel goes in with ``pip --python ... --no-index --no-deps`` and
the dependencies are borrowed from this interpreter's site-packages through a ``.pth`` line (a path line adds
a folder to ``sys.path`` without running the ``.pth`` files inside it, so an editable install of the
repository there is not picked up). Every command runs from an empty folder, so the checkout is not on the path.
"""
from __future__ import annotations

import importlib.util
import json
import os
import shutil
import site
import subprocess
import sys
import sysconfig
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ["pyproject.toml", "setup.py", "README.md", "app", "static", "templates"]
STATE = {"surface": "himmelblau", "start": [0.0, 0.0], "steps": 60,
         "optimizers": [{"optimizer": "adam", "params": {"lr": 0.1}}, {"optimizer": "gd", "params": {"lr": 0.01}}],
         "view": {"caption": "from the wheel"}}


def build_wheel(out: Path) -> Path:
    src = out / "src"
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "node_modules"))
        else:
            src.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, src / name)
    offline = importlib.util.find_spec("setuptools") is not None and importlib.util.find_spec("wheel") is not None
    cmd = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", str(src), "-w", str(out / "dist")]
    cmd += ["--no-build-isolation", "--no-index"] if offline else []  # else pip fetches setuptools from the index
    done = subprocess.run(cmd, cwd=out, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    (wheel,) = (out / "dist").glob("slopes-*.whl")
    return wheel


def fresh_venv(path: Path, wheel: Path) -> Path:
    """A venv holding only the wheel (installed first, so pip cannot find slopes already satisfied elsewhere),
    then given this interpreter's dependencies."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(path)], check=True, timeout=120)
    python = path / "bin" / "python"
    done = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index",
                           "--find-links", str(wheel.parent), "-q", "slopes"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    deps = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"], *site.getsitepackages()}
    (Path(purelib) / "_slopes_test_deps.pth").write_text("\n".join(sorted(deps)) + "\n")
    return python


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    base = tmp_path_factory.mktemp("wheel")
    wheel = build_wheel(base)
    python = fresh_venv(base / "venv", wheel)
    work = base / "work"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    return {"wheel": wheel, "python": python, "bin": python.parent, "venv": base / "venv", "cwd": work, "env": env}


def run(installed, *cmd, timeout=120):
    return subprocess.run([str(c) for c in cmd], cwd=installed["cwd"], env=installed["env"], capture_output=True,
                          text=True, timeout=timeout)


@pytest.mark.process
def test_the_wheel_carries_static_and_templates(installed):
    import zipfile

    names = set(zipfile.ZipFile(installed["wheel"]).namelist())
    for path in (ROOT / "static").rglob("*"):
        if path.is_file():
            assert f"app/static/{path.relative_to(ROOT / 'static').as_posix()}" in names
    assert {"app/templates/index.html", "app/templates/export.html", "app/main.py"} <= names


@pytest.mark.process
def test_import_app_main_and_the_notebook_api_from_the_installed_package(installed):
    code = ("import app, app.main, app.assets, app.notebook; "
            "print(app.__file__); print(app.assets.STATIC_DIR); print(app.assets.TEMPLATES_DIR)")
    done = run(installed, installed["python"], "-c", code)
    assert done.returncode == 0, done.stderr
    package, static, templates = (Path(line) for line in done.stdout.split())
    venv = installed["venv"].resolve()
    assert venv in package.resolve().parents  # the installed copy, not the checkout
    assert static == package.parent / "static" and templates == package.parent / "templates"
    assert (static / "js" / "main.js").is_file()


@pytest.mark.process
def test_slopes_export_from_the_installed_package(installed):
    state = installed["cwd"] / "state.json"
    state.write_text(json.dumps(STATE))
    out = installed["cwd"] / "x.html"
    done = run(installed, installed["bin"] / "slopes", "export", state, "-o", out)
    assert done.returncode == 0, done.stderr
    html = out.read_text()
    assert "from the wheel" in html and "Plotly" in html and '"himmelblau"' in html
    done = run(installed, installed["bin"] / "slopes", "export", state, "-o", installed["cwd"] / "x.json")
    runs = json.loads((installed["cwd"] / "x.json").read_text())
    assert [r["optimizer"] for r in runs["runs"]] == ["adam", "gd"] and len(runs["runs"][0]["points"]) == 61


@pytest.mark.process
def test_slopes_serve_from_the_installed_package(installed):
    from browser import free_port

    port = free_port()
    proc = subprocess.Popen([str(installed["bin"] / "slopes"), "serve", "--port", str(port)], cwd=installed["cwd"],
                            env=installed["env"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180  # the answer is waited for; on a loaded machine a start can take a minute
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=5)
                break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail(proc.stdout.read().decode()[-3000:])
                time.sleep(0.1)
        for path, needle in [("/", b"Slopes"), ("/embed", b'data-mode="embed"'), ("/static/js/main.js", b"import"),
                             ("/static/css/slopes.css", b"{"), ("/static/i18n/ko.json", b"{"),
                             ("/vendor/plotly.min.js", b"plotly")]:
            with urllib.request.urlopen(base + path, timeout=10) as r:
                assert r.status == 200 and needle in r.read(), path
    finally:
        proc.terminate()
        proc.wait(15)


def test_every_asset_folder_is_a_named_package():
    """A folder of static/ missing from ``packages`` made setuptools (>= 69, as ``make run`` gets) print a
    40-line "Package would be ignored" warning per folder on a fresh clone's first ``make run``."""
    import runpy

    import setuptools

    captured = {}
    real = setuptools.setup
    setuptools.setup = lambda **kwargs: captured.update(kwargs)
    try:
        runpy.run_path(str(ROOT / "setup.py"), run_name="__main__")
    finally:
        setuptools.setup = real
    folders = {"app.static" + ("." + ".".join(p.relative_to(ROOT / "static").parts) if p != ROOT / "static" else "")
               for p in [ROOT / "static", *(ROOT / "static").rglob("*")] if p.is_dir() and "__pycache__" not in p.parts}
    assert folders <= set(captured["packages"]), folders - set(captured["packages"])
    assert all(captured["package_data"].get(name) for name in folders)
