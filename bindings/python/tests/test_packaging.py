# SPDX-License-Identifier: MIT
"""The in-tree build backend (_build/omniq_build.py): a wheel with no library
is pure (py3-none-any); a wheel that bundles libomniq is tagged for the
platform and works once installed; the sdist carries no binary; every
artifact carries the MIT licence and py.typed."""

import base64
import hashlib
import importlib.util
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import tempfile
import unittest
import zipfile

import _support

BACKEND = os.path.join(_support.BINDING, "_build", "omniq_build.py")


def load_backend(root):
    """The backend module as if bindings/python were `root` (a copy)."""
    path = os.path.join(root, "_build", "omniq_build.py")
    spec = importlib.util.spec_from_file_location(f"omniq_build_{abs(hash(root))}", path)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def copy_binding(dest):
    """A copy of bindings/python (no caches, no libraries) plus the LICENSE the
    backend finds two levels up, as in the repository."""
    root = os.path.join(dest, "bindings", "python")
    shutil.copytree(_support.BINDING, root, ignore=shutil.ignore_patterns(
        "__pycache__", "libomniq*", "*.whl", "build", "dist"))
    shutil.copy(os.path.join(_support.REPO, "LICENSE"), os.path.join(dest, "LICENSE"))
    return root


def expected_platform():
    """The PEP 425 platform tag, derived without the backend's code."""
    if sys.platform.startswith("linux"):
        return "linux_" + platform.machine()
    return sys.platform


def wheel_meta(path):
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        dist = next(n.split("/")[0] for n in names if n.endswith(".dist-info/WHEEL"))
        return (names, zf.read(f"{dist}/WHEEL").decode(), zf.read(f"{dist}/METADATA").decode(),
                {n: zf.read(n) for n in names}, dist)


class Wheels(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.root = copy_binding(self.tmp)
        self.out = os.path.join(self.tmp, "dist")
        os.mkdir(self.out)

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def check_record(self, files, dist):
        record = files[f"{dist}/RECORD"].decode().splitlines()
        listed = {line.split(",")[0] for line in record}
        self.assertEqual(listed, set(files), "RECORD must list every file of the wheel")
        for line in record:
            name, digest, size = line.split(",")
            if name.endswith("RECORD"):
                continue
            data = files[name]
            want = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
            self.assertEqual(digest, "sha256=" + want.decode(), name)
            self.assertEqual(int(size), len(data), name)

    def check_common(self, names, meta, files, dist):
        self.assertIn("omniq/py.typed", names)
        self.assertIn("License: MIT", meta.splitlines())
        self.assertIn("Classifier: License :: OSI Approved :: MIT License", meta.splitlines())
        self.assertIn(f"{dist}/LICENSE", names)
        self.assertIn(b"MIT License", files[f"{dist}/LICENSE"])
        self.check_record(files, dist)

    def test_wheel_without_library_is_pure(self):
        name = load_backend(self.root).build_wheel(self.out)
        self.assertTrue(name.endswith("-py3-none-any.whl"), name)
        names, wheel, meta, files, dist = wheel_meta(os.path.join(self.out, name))
        self.assertIn("Root-Is-Purelib: true", wheel)
        self.assertIn("Tag: py3-none-any", wheel)
        self.assertEqual([n for n in names if "libomniq" in n], [])
        self.check_common(names, meta, files, dist)

    def test_library_in_package_dir_gives_a_platform_wheel(self):
        shutil.copy(os.environ["OMNIQ_LIBRARY"], os.path.join(self.root, "omniq", "libomniq.so"))
        name = load_backend(self.root).build_wheel(self.out)
        tag = f"py3-none-{expected_platform()}"
        self.assertTrue(name.endswith(f"-{tag}.whl"), name)
        names, wheel, meta, files, dist = wheel_meta(os.path.join(self.out, name))
        self.assertIn("Root-Is-Purelib: false", wheel)
        self.assertIn(f"Tag: {tag}", wheel)
        self.assertIn("omniq/libomniq.so", names)
        self.check_common(names, meta, files, dist)

    def test_library_config_setting_bundles_it_and_the_wheel_works_installed(self):
        lib = os.environ["OMNIQ_LIBRARY"]
        name = load_backend(self.root).build_wheel(self.out, {"library": lib})
        self.assertTrue(name.endswith(f"-py3-none-{expected_platform()}.whl"), name)
        path = os.path.join(self.out, name)
        names, wheel, meta, files, dist = wheel_meta(path)
        self.assertIn("Root-Is-Purelib: false", wheel)
        with open(lib, "rb") as fh:
            self.assertEqual(files["omniq/libomniq.so"], fh.read())
        self.check_common(names, meta, files, dist)
        # Install it (as pip would: a wheel is unpacked into site-packages)
        # and use it with OMNIQ_LIBRARY unset: the bundled library is loaded.
        site = os.path.join(self.tmp, "site")
        with zipfile.ZipFile(path) as zf:
            zf.extractall(site)
        env = {k: v for k, v in os.environ.items() if k != "OMNIQ_LIBRARY"}
        env["PYTHONPATH"] = site
        code = ("import omniq; print(omniq.library_path()); "
                "print(round(omniq.erlang.erlang_b(10, 15), 6))")
        r = subprocess.run([sys.executable, "-c", code], env=env, cwd=self.tmp,
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        loaded, value = r.stdout.split()
        self.assertEqual(os.path.realpath(loaded),
                         os.path.realpath(os.path.join(site, "omniq", "libomniq.so")))
        b = 1.0  # Erlang B(15 agents, 10 Erlangs) by the textbook recurrence
        for k in range(1, 16):
            b = 10 * b / (k + 10 * b)
        self.assertEqual(value, f"{b:.6f}")

    def test_missing_library_setting_is_an_error(self):
        with self.assertRaises(FileNotFoundError) as cm:
            load_backend(self.root).build_wheel(self.out, {"library": "/nonexistent.so"})
        self.assertIn("/nonexistent.so", str(cm.exception))

    def test_sdist_never_carries_a_binary(self):
        shutil.copy(os.environ["OMNIQ_LIBRARY"], os.path.join(self.root, "omniq", "libomniq.so"))
        name = load_backend(self.root).build_sdist(self.out)
        with tarfile.open(os.path.join(self.out, name)) as tf:
            names = tf.getnames()
            pkg_info = tf.extractfile("omniq-0.1.0/PKG-INFO")
            assert pkg_info is not None
            self.assertIn("License: MIT", pkg_info.read().decode().splitlines())
        self.assertEqual([n for n in names if "libomniq" in n], [])
        self.assertIn("omniq-0.1.0/LICENSE", names)
        self.assertIn("omniq-0.1.0/omniq/py.typed", names)


if __name__ == "__main__":
    unittest.main()
