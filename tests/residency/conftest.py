from tests.residency.fixtures import inventory, world  # noqa: F401  (fixtures shared with tests/api)
