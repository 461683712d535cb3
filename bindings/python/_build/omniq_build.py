# SPDX-License-Identifier: MIT
"""A tiny in-tree PEP 517 build backend, standard library only.

``pip install --no-build-isolation ./bindings/python`` then works offline with
any Python >= 3.8 and pip >= 19, without setuptools or wheel installed (pyenv
interpreters often lack ``wheel``; Debian's lacks nothing but is managed).
It builds a pure-Python wheel of the ``omniq`` package (plus any
``libomniq.so*`` copied next to it), an sdist, and PEP 660 editable wheels.
"""

import base64
import hashlib
import io
import os
import re
import tarfile
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE = "omniq"


def _read(path):
    with open(path, encoding="utf-8") as fh:
        return fh.read()


def _project():
    text = _read(os.path.join(ROOT, "pyproject.toml"))
    section = text.split("[project]", 1)[1].split("\n[", 1)[0]

    def field(name):
        m = re.search(rf'^{name}\s*=\s*"([^"]*)"', section, re.M)
        return m.group(1) if m else ""

    return {"name": field("name"), "version": field("version"),
            "summary": field("description"), "requires_python": field("requires-python")}


def _metadata(p):
    lines = ["Metadata-Version: 2.1", f"Name: {p['name']}", f"Version: {p['version']}",
             f"Summary: {p['summary']}"]
    if p["requires_python"]:
        lines.append(f"Requires-Python: {p['requires_python']}")
    readme = os.path.join(ROOT, "README.md")
    if os.path.exists(readme):
        lines.append("Description-Content-Type: text/markdown")
        return "\n".join(lines) + "\n\n" + _read(readme)
    return "\n".join(lines) + "\n"


def _package_files():
    pkg = os.path.join(ROOT, PACKAGE)
    for dirpath, dirnames, filenames in os.walk(pkg):
        dirnames[:] = [d for d in dirnames if d != "__pycache__"]
        for name in sorted(filenames):
            if name.endswith(".py") or name.startswith("libomniq") or name == "omniq.dll":
                full = os.path.join(dirpath, name)
                yield full, os.path.relpath(full, ROOT).replace(os.sep, "/")


def _dist_info(p):
    return f"{p['name']}-{p['version']}.dist-info"


def _write_wheel(wheel_directory, entries, p):
    """entries: list of (archive name, bytes). Returns the wheel's basename."""
    dist_info = _dist_info(p)
    entries = list(entries) + [
        (f"{dist_info}/METADATA", _metadata(p).encode()),
        (f"{dist_info}/WHEEL", b"Wheel-Version: 1.0\nGenerator: omniq_build\n"
                               b"Root-Is-Purelib: true\nTag: py3-none-any\n"),
        (f"{dist_info}/top_level.txt", (PACKAGE + "\n").encode()),
    ]
    record = []
    for name, data in entries:
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
        record.append(f"{name},sha256={digest.decode()},{len(data)}")
    record.append(f"{dist_info}/RECORD,,")
    entries.append((f"{dist_info}/RECORD", ("\n".join(record) + "\n").encode()))
    basename = f"{p['name']}-{p['version']}-py3-none-any.whl"
    with zipfile.ZipFile(os.path.join(wheel_directory, basename), "w",
                         zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    return basename


# ---- PEP 517 hooks -------------------------------------------------------------------

def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def get_requires_for_build_editable(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    p = _project()
    d = os.path.join(metadata_directory, _dist_info(p))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "METADATA"), "w", encoding="utf-8") as fh:
        fh.write(_metadata(p))
    return _dist_info(p)


prepare_metadata_for_build_editable = prepare_metadata_for_build_wheel


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    p = _project()
    entries = []
    for full, arc in _package_files():
        with open(full, "rb") as fh:
            entries.append((arc, fh.read()))
    return _write_wheel(wheel_directory, entries, p)


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    p = _project()
    return _write_wheel(wheel_directory, [(f"__editable__.{PACKAGE}.pth",
                                           (ROOT + "\n").encode())], p)


def build_sdist(sdist_directory, config_settings=None):
    p = _project()
    base = f"{p['name']}-{p['version']}"
    names = ["pyproject.toml", "README.md", "_build/omniq_build.py"]
    names += [arc for _, arc in _package_files()]
    tests = os.path.join(ROOT, "tests")
    if os.path.isdir(tests):
        names += [f"tests/{n}" for n in sorted(os.listdir(tests)) if n.endswith(".py")]
    path = os.path.join(sdist_directory, base + ".tar.gz")
    with tarfile.open(path, "w:gz", format=tarfile.PAX_FORMAT) as tf:
        for arc in names:
            full = os.path.join(ROOT, arc)
            if os.path.exists(full):
                tf.add(full, arcname=f"{base}/{arc}")
        info = tarfile.TarInfo(f"{base}/PKG-INFO")
        data = _metadata(p).encode()
        info.size = len(data)
        tf.addfile(info, io.BytesIO(data))
    return os.path.basename(path)
