"""Packaging that pyproject.toml cannot say alone: ship the top-level static/ and templates/ folders
inside the package (as app/static and app/templates) while the repository keeps them at its top level."""
from setuptools import find_namespace_packages, find_packages, setup

ASSETS = {"app.static": "static", "app.templates": "templates"}
# static's folders (css, js, i18n) named as packages of their own: unnamed, setuptools warns at length, once per
# folder, that it "would ignore" them (40 lines on every fresh `make run`); the files shipped are the same
STATIC = ["app.static." + name for name in find_namespace_packages(where="static")]

setup(packages=find_packages(include=["app", "app.*"]) + list(ASSETS) + STATIC, package_dir=ASSETS,
      package_data={"app.static": ["*"], **{name: ["*"] for name in STATIC}, "app.templates": ["*.html"]})
