from django.apps import AppConfig


class SubprocessorsConfig(AppConfig):
    name = "art28.subprocessors"
    label = "subprocessors"
    verbose_name = "Sub-processors: register, contracts, changes, objections"

    def ready(self) -> None:
        from art28.inventory.as_of import register_snapshot
        from art28.subprocessors import evidence  # noqa: F401  (registers the evidence collector: core.evidence)
        from art28.subprocessors.models import SubProcessor

        # "As of" a past moment, each sub-processor processes in the countries of that moment: its period
        # covering it, else (before its first recorded period) the earliest recorded, else as now.
        register_snapshot(
            SubProcessor,
            "{main}subprocessors_subprocessor r LEFT JOIN {main}subprocessors_countriesperiod h "
            "ON h.subprocessor_id = r.id AND h.valid_from <= %(at)s AND (h.valid_to IS NULL OR h.valid_to > %(at)s)",
            {
                "countries": "COALESCE(h.countries, (SELECT first.countries FROM {main}subprocessors_countriesperiod "
                "first WHERE first.subprocessor_id = r.id ORDER BY first.valid_from LIMIT 1), r.countries)"
            },
            ["id", "engaged_by_id"],
        )
