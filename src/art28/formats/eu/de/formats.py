"""German, European conventions (Germany, Austria): 3. Dez. 2026, 03.12.2026, 24-hour clock, 5.207,5."""

from art28.formats.ch.de.formats import (  # noqa: F401 (re-exported for Django's format lookup)
    DATE_FORMAT,
    DATE_INPUT_FORMATS,
    DATETIME_FORMAT,
    DATETIME_INPUT_FORMATS,
    FIRST_DAY_OF_WEEK,
    MONTH_DAY_FORMAT,
    NUMBER_GROUPING,
    SHORT_DATE_FORMAT,
    SHORT_DATETIME_FORMAT,
    TIME_FORMAT,
    YEAR_MONTH_FORMAT,
)

DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
