"""French, Swiss conventions (CLDR fr-CH): 3 déc. 2026, 03.12.2026, 24-hour clock, 5 207.5.

Thousands are grouped by the narrow no-break space (U+202F), as in French typography, CLDR fr-CH and Fedlex's
French texts; the decimal point is "." as in the other Swiss languages of art28 (one decimal mark per region).
"""

DATE_FORMAT = "j N Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j N Y, H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
FIRST_DAY_OF_WEEK = 1
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = "\u202f"  # NARROW NO-BREAK SPACE
NUMBER_GROUPING = 3
# What a typed date may look like: ISO 8601 first (the value of <input type="date">), then the Swiss day
# first form; never the US month first (Django's fallback), which would read 03.12 as the 12th of March.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"]
DATETIME_INPUT_FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M"]
