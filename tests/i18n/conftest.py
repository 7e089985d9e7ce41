"""The i18n tests reuse the breach tests' inventory (tests/breaches/fixtures.py) and the sub-processor world."""

from tests.breaches.fixtures import breach_world  # noqa: F401
from tests.residency.fixtures import inventory  # noqa: F401
from tests.subprocessors.fixtures import sp_world  # noqa: F401
