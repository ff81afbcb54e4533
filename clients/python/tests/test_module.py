"""The module stays what its README promises: one file, Python 3.9 syntax, standard library only."""

import ast
import os
import sys
import unittest

import support

SOURCE = os.path.join(support.MODULE_DIR, "agent_auth.py")


class ModuleTest(unittest.TestCase):
    def setUp(self):
        with open(SOURCE, encoding="utf-8") as f:
            self.tree = ast.parse(f.read(), SOURCE, feature_version=(3, 9))  # no match, no 3.10+ syntax

    @unittest.skipIf(sys.version_info < (3, 10), "sys.stdlib_module_names needs Python 3.10")
    def test_it_imports_only_the_standard_library_and_optionally_cryptography(self):
        imported = set()
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Import):
                imported.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                imported.add(node.module.split(".")[0])
        self.assertEqual(imported - set(sys.stdlib_module_names), {"cryptography"})

    def test_annotations_use_no_union_operator(self):
        unions = [node.lineno for node in ast.walk(self.tree)
                  if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr)
                  and isinstance(node.left, (ast.Name, ast.Constant)) and getattr(node.left, "id", "") in
                  ("str", "int", "float", "bytes", "None", "dict", "list")]
        self.assertEqual(unions, [], "X | Y types need Python 3.10")


if __name__ == "__main__":
    unittest.main()
