# SPDX-License-Identifier: MIT
"""The package's public API is documented and typed: every public function,
class, method and property of every public module of omniq (whatever modules
exist) has a docstring and complete type hints, and the package ships
py.typed. (ctest python_types runs mypy --strict on top of this.)"""

import ast
import os
import unittest

import _support

PACKAGE = os.path.join(_support.BINDING, "omniq")


def public_modules():
    for name in sorted(os.listdir(PACKAGE)):
        if name.endswith(".py") and (name == "__init__.py" or not name.startswith("_")):
            yield name, os.path.join(PACKAGE, name)


def missing_annotations(fn):
    """Names of fn's parameters (and "return") without a type hint."""
    a = fn.args
    params = a.posonlyargs + a.args + a.kwonlyargs
    out = [p.arg for p in params if p.annotation is None and p.arg not in ("self", "cls")]
    out += ["*" + v.arg for v in (a.vararg, a.kwarg) if v is not None and v.annotation is None]
    if fn.returns is None:
        out.append("return")
    return out


def problems_in(path):
    with open(path, encoding="utf-8") as fh:
        tree = ast.parse(fh.read(), path)
    rel = os.path.relpath(path, _support.BINDING)
    out = []

    def check_function(fn, where):
        setter = any(isinstance(d, ast.Attribute) and d.attr in ("setter", "deleter")
                     for d in fn.decorator_list)  # documented by its property
        if not ast.get_docstring(fn) and not fn.name.startswith("__") and not setter:
            out.append(f"{rel}:{fn.lineno}: {where}{fn.name}: no docstring")
        missing = missing_annotations(fn)
        if missing:
            out.append(f"{rel}:{fn.lineno}: {where}{fn.name}: no type hint for "
                       f"{', '.join(missing)}")

    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if not node.name.startswith("_"):
                check_function(node, "")
        elif isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
            if not ast.get_docstring(node):
                out.append(f"{rel}:{node.lineno}: class {node.name}: no docstring")
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and (
                        not item.name.startswith("_") or item.name.startswith("__")):
                    check_function(item, node.name + ".")
    return out


class PublicApiIsDocumentedAndTyped(unittest.TestCase):
    def test_every_public_function_and_method(self):
        problems = []
        checked = 0
        for _, path in public_modules():
            problems += problems_in(path)
            checked += 1
        self.assertGreaterEqual(checked, 6)
        self.assertEqual(problems, [], "\n" + "\n".join(problems))

    def test_the_checker_sees_a_gap(self):
        """The checker itself: an undocumented, unannotated method is reported."""
        src = ("class A:\n    '''doc'''\n    def f(self, x):\n        pass\n"
               "def g(y: int) -> int:\n    return y\n")
        tree = ast.parse(src)
        fn = tree.body[0].body[1]
        self.assertEqual(missing_annotations(fn), ["x", "return"])
        self.assertIsNone(ast.get_docstring(fn))
        self.assertEqual(missing_annotations(tree.body[1]), [])

    def test_ships_py_typed(self):
        self.assertTrue(os.path.isfile(os.path.join(PACKAGE, "py.typed")))


if __name__ == "__main__":
    unittest.main()
