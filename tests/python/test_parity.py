"""Parity: every CRM_EXTERN function of include/crm/*.h (not sys/) is
reachable from Python as crm.<name without crm_>, is a method of the handle
when it takes one, and is called at least once by these tests."""
import glob
import os
import re
import unittest

import crm

# Functions with no binding, and why.
EXCLUDED = {
    "crm_buf_dispose": "crm_buf out-parameters are converted to str/bytes and disposed",
}
# Raw destructors are never bound: the garbage collector frees objects.
EXCLUDED_PATTERN = re.compile(r"_free$")

DECL = re.compile(r"CRM_EXTERN\(([^)]*)\)\s*(crm_\w+)\s*\(([^)]*)\)", re.S)


def headers_dir():
    d = os.environ.get("CRM_HEADERS_DIR")
    if not d:
        root = os.environ.get("CRM_SOURCE_ROOT",
                              os.path.join(os.path.dirname(__file__), "..", ".."))
        d = os.path.join(root, "include", "crm")
    return d


def public_functions():
    """{name: parameter text} of every CRM_EXTERN function."""
    found = {}
    for path in sorted(glob.glob(os.path.join(headers_dir(), "*.h"))):
        with open(path, encoding="utf-8") as f:
            text = re.sub(r"/\*.*?\*/", "", f.read(), flags=re.S)
        for _ret, name, params in DECL.findall(text):
            found[name] = params
    return found


def bound(name):
    return name not in EXCLUDED and not EXCLUDED_PATTERN.search(name)


class ParityTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.functions = public_functions()

    def test_headers_found(self):
        self.assertGreater(len(self.functions), 150, headers_dir())

    def test_every_function_is_reachable(self):
        missing = [n for n in self.functions if bound(n) and not callable(getattr(crm, n[4:], None))]
        self.assertEqual(missing, [])

    def test_exclusions_are_real(self):
        for name in EXCLUDED:
            self.assertIn(name, self.functions)

    def test_handle_methods(self):
        takes_db = sorted(n[4:] for n, p in self.functions.items()
                          if bound(n) and re.search(r"crm_db \*\s*\w", p))
        self.assertEqual(sorted(set(takes_db) - set(crm._crm._db_functions())), [])
        for name in takes_db:
            self.assertTrue(callable(getattr(crm.db, name, None)), name)

    def test_every_function_is_tested(self):
        here = os.path.dirname(os.path.abspath(__file__))
        source = ""
        for path in glob.glob(os.path.join(here, "test_*.py")):
            if not path.endswith("test_parity.py"):
                with open(path, encoding="utf-8") as f:
                    source += f.read()
        untested = [n for n in self.functions
                    if bound(n) and not re.search(r"\b%s\b" % re.escape(n[4:]), source)]
        self.assertEqual(untested, [])


if __name__ == "__main__":
    unittest.main()
