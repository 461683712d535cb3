# SPDX-License-Identifier: MIT
"""A tiny in-tree PEP 517 build backend, standard library only.

``pip install --no-build-isolation ./bindings/python`` then works offline with
any Python >= 3.8 and pip >= 19, without setuptools or wheel installed (pyenv
interpreters often lack ``wheel``; Debian's lacks nothing but is managed).
It builds wheels, an sdist, and PEP 660 editable wheels.

Which wheel (docs/python.md, "Wheels"):

- By default the wheel is **pure**: ``py3-none-any``, ``Root-Is-Purelib:
  true``, and it contains **no** shared library; the package then loads
  ``libomniq`` from ``OMNIQ_LIBRARY`` or the system's library path.
- A wheel that bundles ``libomniq`` is a **platform** wheel:
  ``py3-none-<platform>`` (``linux_x86_64`` on this machine: the library is
  loaded by ctypes, so it depends on the platform, not on the Python ABI) and
  ``Root-Is-Purelib: false``. A library is bundled when the config setting
  ``library=<path to libomniq.so>`` is given (pip: ``--config-settings
  library=$PWD/build/libomniq.so``), or when a ``libomniq.so*`` lies in the
  package directory. The bundled file still needs libyaml (``libyaml-0.so.2``)
  on the target machine.

The sdist never contains a binary.
"""

import base64
import hashlib
import io
import os
import re
import sysconfig
import tarfile
import zipfile
from typing import Any, Dict, Iterator, List, Mapping, Optional, Tuple

Project = Dict[str, Any]
ConfigSettings = Optional[Mapping[str, Any]]

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE = "omniq"
BUNDLED_NAME = "libomniq.so"  # the name the loader (omniq/_lib.py) looks for next to it
# The project's LICENSE: in an sdist it sits next to pyproject.toml, in the
# repository two levels up (bindings/python -> repository root).
LICENSE_CANDIDATES = (os.path.join(ROOT, "LICENSE"),
                      os.path.join(ROOT, os.pardir, os.pardir, "LICENSE"))


def _read(path: str) -> str:
    with open(path, encoding="utf-8") as fh:
        return fh.read()


def _project() -> Project:
    text = _read(os.path.join(ROOT, "pyproject.toml"))
    section = text.split("[project]", 1)[1].split("\n[", 1)[0]

    def field(name: str) -> str:
        m = re.search(rf'^{name}\s*=\s*"([^"]*)"', section, re.M)
        return m.group(1) if m else ""

    lic = re.search(r'^license\s*=\s*\{\s*text\s*=\s*"([^"]*)"\s*\}', section, re.M)
    classifiers = re.search(r"^classifiers\s*=\s*\[(.*?)\]", section, re.M | re.S)
    return {"name": field("name"), "version": field("version"),
            "summary": field("description"), "requires_python": field("requires-python"),
            "license": lic.group(1) if lic else "",
            "classifiers": re.findall(r'"([^"]+)"', classifiers.group(1)) if classifiers else []}


def _license_file() -> Optional[str]:
    for path in LICENSE_CANDIDATES:
        if os.path.isfile(path):
            return path
    return None


def _metadata(p: Project) -> str:
    lines = ["Metadata-Version: 2.1", f"Name: {p['name']}", f"Version: {p['version']}",
             f"Summary: {p['summary']}"]
    if p["license"]:
        lines.append(f"License: {p['license']}")
    if _license_file():
        lines.append("License-File: LICENSE")
    lines += [f"Classifier: {c}" for c in p["classifiers"]]
    if p["requires_python"]:
        lines.append(f"Requires-Python: {p['requires_python']}")
    readme = os.path.join(ROOT, "README.md")
    if os.path.exists(readme):
        lines.append("Description-Content-Type: text/markdown")
        return "\n".join(lines) + "\n\n" + _read(readme)
    return "\n".join(lines) + "\n"


def _is_library(name: str) -> bool:
    return name.startswith("libomniq") or name == "omniq.dll"


def _package_files(binaries: bool) -> Iterator[Tuple[str, str]]:
    """(full path, archive name) of the package's sources, py.typed and, when
    `binaries`, any library lying next to them."""
    pkg = os.path.join(ROOT, PACKAGE)
    for dirpath, dirnames, filenames in os.walk(pkg):
        dirnames[:] = [d for d in dirnames if d != "__pycache__"]
        for name in sorted(filenames):
            if name.endswith(".py") or name == "py.typed" or (binaries and _is_library(name)):
                full = os.path.join(dirpath, name)
                yield full, os.path.relpath(full, ROOT).replace(os.sep, "/")


def _dist_info(p: Project) -> str:
    return f"{p['name']}-{p['version']}.dist-info"


def platform_tag() -> str:
    """This machine's wheel platform tag (PEP 425): 'linux_x86_64', ..."""
    return sysconfig.get_platform().replace("-", "_").replace(".", "_")


def _write_wheel(wheel_directory: str, entries: List[Tuple[str, bytes]], p: Project,
                 platform: Optional[str] = None) -> str:
    """entries: list of (archive name, bytes). A `platform` tag makes a
    platform wheel (py3-none-<platform>); None a pure one. Returns the basename."""
    dist_info = _dist_info(p)
    tag = f"py3-none-{platform or 'any'}"
    purelib = "false" if platform else "true"
    entries = entries + [
        (f"{dist_info}/METADATA", _metadata(p).encode()),
        (f"{dist_info}/WHEEL", (f"Wheel-Version: 1.0\nGenerator: omniq_build\n"
                                f"Root-Is-Purelib: {purelib}\nTag: {tag}\n").encode()),
        (f"{dist_info}/top_level.txt", (PACKAGE + "\n").encode()),
    ]
    lic = _license_file()
    if lic:
        with open(lic, "rb") as fh:
            entries.append((f"{dist_info}/LICENSE", fh.read()))
    record: List[str] = []
    for name, data in entries:
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
        record.append(f"{name},sha256={digest.decode()},{len(data)}")
    record.append(f"{dist_info}/RECORD,,")
    entries.append((f"{dist_info}/RECORD", ("\n".join(record) + "\n").encode()))
    basename = f"{p['name']}-{p['version']}-{tag}.whl"
    with zipfile.ZipFile(os.path.join(wheel_directory, basename), "w",
                         zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            mode = 0o755 if _is_library(os.path.basename(name)) else 0o644
            info.external_attr = mode << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    return basename


# ---- PEP 517 hooks -------------------------------------------------------------------

def get_requires_for_build_wheel(config_settings: ConfigSettings = None) -> List[str]:
    """PEP 517: nothing to install first."""
    return []


def get_requires_for_build_sdist(config_settings: ConfigSettings = None) -> List[str]:
    """PEP 517: nothing to install first."""
    return []


def get_requires_for_build_editable(config_settings: ConfigSettings = None) -> List[str]:
    """PEP 660: nothing to install first."""
    return []


def prepare_metadata_for_build_wheel(metadata_directory: str,
                                     config_settings: ConfigSettings = None) -> str:
    """PEP 517: write the .dist-info directory (METADATA) only."""
    p = _project()
    d = os.path.join(metadata_directory, _dist_info(p))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "METADATA"), "w", encoding="utf-8") as fh:
        fh.write(_metadata(p))
    return _dist_info(p)


prepare_metadata_for_build_editable = prepare_metadata_for_build_wheel


def build_wheel(wheel_directory: str, config_settings: ConfigSettings = None,
                metadata_directory: Optional[str] = None) -> str:
    """PEP 517: the wheel (pure, or a platform wheel bundling libomniq; see the
    module docstring). Returns its file name."""
    p = _project()
    entries: List[Tuple[str, bytes]] = []
    for full, arc in _package_files(binaries=True):
        with open(full, "rb") as fh:
            entries.append((arc, fh.read()))
    library = (config_settings or {}).get("library")
    if library:
        if not os.path.isfile(library):
            raise FileNotFoundError(f"config setting library={library!r}: no such file")
        arc = f"{PACKAGE}/{BUNDLED_NAME}"
        entries = [e for e in entries if e[0] != arc]
        with open(library, "rb") as fh:  # follows the libomniq.so -> .so.0 symlinks
            entries.append((arc, fh.read()))
    bundles = any(_is_library(os.path.basename(arc)) for arc, _ in entries)
    return _write_wheel(wheel_directory, entries, p, platform_tag() if bundles else None)


def build_editable(wheel_directory: str, config_settings: ConfigSettings = None,
                   metadata_directory: Optional[str] = None) -> str:
    """PEP 660: a wheel holding a .pth file pointing at this directory."""
    p = _project()
    return _write_wheel(wheel_directory, [(f"__editable__.{PACKAGE}.pth",
                                           (ROOT + "\n").encode())], p)


def build_sdist(sdist_directory: str, config_settings: ConfigSettings = None) -> str:
    """PEP 517: the source distribution (never with a binary)."""
    p = _project()
    base = f"{p['name']}-{p['version']}"
    names = ["pyproject.toml", "README.md", "_build/omniq_build.py"]
    names += [arc for _, arc in _package_files(binaries=False)]
    tests = os.path.join(ROOT, "tests")
    if os.path.isdir(tests):
        names += [f"tests/{n}" for n in sorted(os.listdir(tests)) if n.endswith(".py")]
    path = os.path.join(sdist_directory, base + ".tar.gz")
    with tarfile.open(path, "w:gz", format=tarfile.PAX_FORMAT) as tf:
        for arc in names:
            full = os.path.join(ROOT, arc)
            if os.path.exists(full):
                tf.add(full, arcname=f"{base}/{arc}")
        lic = _license_file()
        if lic:
            tf.add(lic, arcname=f"{base}/LICENSE")
        info = tarfile.TarInfo(f"{base}/PKG-INFO")
        data = _metadata(p).encode()
        info.size = len(data)
        tf.addfile(info, io.BytesIO(data))
    return os.path.basename(path)
