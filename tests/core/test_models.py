import datetime as dt

import pytest
from django.utils import translation

from core.models import Holiday


@pytest.mark.django_db
def test_a_holiday_is_named_in_the_active_language_like_every_bilingual_name():
    holiday = Holiday.objects.create(
        date=dt.date(2099, 2, 21), name_en="Language Martyrs' Day", name_bn="শহীদ দিবস"
    )

    with translation.override("en"):
        assert holiday.name == "Language Martyrs' Day"
    with translation.override("bn"):
        assert holiday.name == "শহীদ দিবস"
    assert str(holiday) == "2099-02-21 শহীদ দিবস"
