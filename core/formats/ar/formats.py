"""Arabic formats as Jordanian readers expect them (overrides Django's generic `ar`).

Decimals with a point (Django's `ar` uses a comma, which Jordanian government sites do
not), day month year without the Arabic comma, the week starting on Sunday.
Month names are the Levantine ones (كانون الثاني, شباط ...): see core/month_names.py.
"""

DATE_FORMAT = "j F Y"
TIME_FORMAT = "g:i A"
DATETIME_FORMAT = "j F Y، g:i A"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y g:i A"
FIRST_DAY_OF_WEEK = 0
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
