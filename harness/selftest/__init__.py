"""Testing the tester: known bugs planted in a self-test run, and how fast fuzzing finds each.

Kept free of imports: ``python -m harness.selftest.fuzz_planted`` imports this package before
atheris instruments the harness, and anything imported here would escape instrumentation.
"""
