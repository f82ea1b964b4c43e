# The suite needs the real JAX, which the plain `pytest tests/python` run (the
# pytest_frontend test) does not have: it is collected only when named, as
# run.sh names it.
collect_ignore = ["test_conformance.py"]
