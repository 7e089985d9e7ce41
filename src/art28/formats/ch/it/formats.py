"""Italian, Swiss conventions (CLDR it-CH): 3 dic 2026, 03.12.2026, 24-hour clock, 5’207.5."""

DATE_FORMAT = "j b Y"  # lower-case month abbreviations, as Italian writes them
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j b Y, H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
FIRST_DAY_OF_WEEK = 1
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = "\u2019"  # ’ the Swiss apostrophe
NUMBER_GROUPING = 3
