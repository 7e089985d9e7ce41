from tests.residency.fixtures import inventory, world  # noqa: F401  (the residency example inventory)
