"""Processing of personal data that art28's own modules carry out for the provider as controller, for the
provider's own record of processing activities (GDPR Art. 30(1), nFADP Art. 12).

The DPO types the provider's activities in the records app; an activity that exists only because an art28
module processes personal data (the badge log of the datacenters, for instance) is registered here by that
module (in its ``AppConfig.ready()``), with its retention read from the module's own setting, so the record
states what the software really does and the setting stays the one source. The records app lists these
after the typed ones; an activity the DPO typed under the same name replaces the registered one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class OwnProcessing:
    name: str
    purposes: str
    data_subject_categories: str
    personal_data_categories: str
    recipients: str
    transfers: str
    retention: Callable[[], str]  # read when the record is shown: the module's setting of the moment
    measures: str


_REGISTRY: dict[str, OwnProcessing] = {}


def register_own_processing(activity: OwnProcessing) -> None:
    _REGISTRY[activity.name] = activity


def own_processing() -> list[OwnProcessing]:
    return [_REGISTRY[name] for name in sorted(_REGISTRY)]
