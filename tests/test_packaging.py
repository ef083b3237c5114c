"""What a wheel carries besides Python: every data file of a package is named in setup.cfg.

An editable install reads the checkout, so a template or a sample page missing from the
wheel goes unnoticed until someone installs with `pip install .`. scripts/wheel_smoke.sh
(run by CI) installs the real wheel; this test catches the omission in the ordinary suite.
"""

import configparser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_cfg() -> configparser.ConfigParser:
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg", encoding="utf-8")
    return config


def packages() -> list[str]:
    """The top-level packages the wheel holds."""
    return [n for n in setup_cfg()["options.packages.find"]["include"].split() if "." not in n]


def package_data() -> dict[str, list[str]]:
    section = setup_cfg()["options.package_data"]
    return {name: [p.strip() for p in value.split(",")] for name, value in section.items()}


def data_files(package: str) -> set[Path]:
    return {
        path for path in (ROOT / package).rglob("*")
        if path.is_file() and path.suffix not in (".py", ".pyc") and "__pycache__" not in path.parts
    }


def test_every_data_file_in_a_package_is_in_its_package_data():
    data = package_data()
    for package in packages():
        shipped = {path for pattern in data.get(package, []) for path in
                   (ROOT / package).glob(pattern) if path.is_file()}
        missing = sorted(str(p.relative_to(ROOT)) for p in data_files(package) - shipped)
        assert not missing, f"not in [options.package_data] {package}: {missing[:10]}"
