"""Dates and numbers as Jordanian readers write them."""

import datetime
from decimal import Decimal

from django.template.defaultfilters import date as date_filter
from django.test import SimpleTestCase
from django.utils import formats, translation

LEVANTINE_MONTHS = [
    "كانون الثاني",
    "شباط",
    "آذار",
    "نيسان",
    "أيار",
    "حزيران",
    "تموز",
    "آب",
    "أيلول",
    "تشرين الأول",
    "تشرين الثاني",
    "كانون الأول",
]


class ArabicFormatTests(SimpleTestCase):
    def test_months_have_their_levantine_names(self):
        with translation.override("ar"):
            for month, name in enumerate(LEVANTINE_MONTHS, start=1):
                shown = date_filter(datetime.date(2021, month, 25), "j F Y")
                assert shown == f"25 {name} 2021"

    def test_a_full_date_has_no_arabic_comma_before_the_year(self):
        with translation.override("ar"):
            assert formats.date_format(datetime.date(2021, 11, 25)) == "25 تشرين الثاني 2021"

    def test_decimals_use_a_point(self):
        with translation.override("ar"):
            assert formats.localize(Decimal("23.3")) == "23.3"

    def test_english_keeps_its_own_month_names(self):
        with translation.override("en"):
            assert date_filter(datetime.date(2021, 11, 25), "j F Y") == "25 November 2021"
