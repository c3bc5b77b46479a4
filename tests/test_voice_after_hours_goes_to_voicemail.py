"""Outside staffed hours (work calendar, Asia/Shanghai) a caller goes straight to voicemail."""

import xml.etree.ElementTree as ET

import pytest

from hotline.models import Call

from .conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _hours(settings):
    settings.HOTLINE = {
        **settings.HOTLINE, "VOICE_STAFFED_FROM": "08:00", "VOICE_STAFFED_UNTIL": "18:00",
        "VOICE_MAX_RECORDING_SECONDS": 90,
    }


@pytest.mark.parametrize(
    "moment",
    [
        at(2026, 3, 2, 18, 0),  # Monday, closing time
        at(2026, 3, 2, 7, 59),  # Monday, before opening
        at(2026, 3, 7, 10, 0),  # Saturday
        at(2026, 10, 1, 10, 0),  # National Day (a Thursday): a statutory holiday
    ],
)
def test_outside_staffed_hours_the_caller_leaves_a_voicemail(time_machine, twilio_post, voice_payload, moment):
    time_machine.move_to(moment, tick=False)
    response = twilio_post("/twilio/voice/", voice_payload("pstn", From="+8613800138000"))

    root = ET.fromstring(response.content)
    assert root.find("Dial") is None
    assert root.find("Say").get("language") == "cmn-CN"
    record = root.find("Record")
    assert record.get("maxLength") == "90"
    assert record.get("action") == "http://testserver/twilio/voice/dial-status/?step=recorded"
    assert record.get("recordingStatusCallback") == "http://testserver/twilio/recording/"
    assert Call.objects.get().direction == "in"  # the call is on record all the same


@pytest.mark.parametrize("moment", [at(2026, 3, 2, 8, 0), at(2026, 3, 2, 17, 59), at(2026, 2, 28, 10, 0)])
def test_in_staffed_hours_the_operators_ring(time_machine, twilio_post, voice_payload, moment):
    # 2026-02-28 is a Saturday made a working day (调休) for the Spring Festival
    time_machine.move_to(moment, tick=False)
    root = ET.fromstring(twilio_post("/twilio/voice/", voice_payload("pstn")).content)
    assert root.find("Dial") is not None and root.find("Record") is None
