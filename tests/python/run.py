"""Run the Python binding tests (standard unittest only).

Usage: run.py [HEADERS_DIR]   (HEADERS_DIR: include/crm, for the parity test)
The crm package must be importable (PYTHONPATH=<build>/bindings).
"""
import os
import sys
import unittest

here = os.path.dirname(os.path.abspath(__file__))
if len(sys.argv) > 1:
    os.environ["CRM_HEADERS_DIR"] = sys.argv[1]
sys.path.insert(0, here)
suite = unittest.defaultTestLoader.discover(here, pattern="test_*.py", top_level_dir=here)
result = unittest.TextTestRunner(verbosity=2).run(suite)
sys.exit(0 if result.wasSuccessful() else 1)
