"""Packaging that pyproject.toml cannot say alone: ship the top-level static/ and templates/ folders
inside the package (as app/static and app/templates) while the repository keeps them at its top level."""
from setuptools import find_packages, setup

ASSETS = {"app.static": "static", "app.templates": "templates"}

setup(packages=find_packages(include=["app", "app.*"]) + list(ASSETS), package_dir=ASSETS,
      package_data={"app.static": ["**/*"], "app.templates": ["*.html"]})
