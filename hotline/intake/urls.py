from django.urls import path

from hotline.intake import sms, status, voice

app_name = "twilio"

urlpatterns = [
    path("sms/", sms.inbound_sms, name="sms"),
    path("status/", status.message_status, name="status"),
    path("voice/", voice.incoming_call, name="voice"),
    path("voice/dial-status/", voice.dial_status, name="dial-status"),
    path("voice/call-status/", voice.call_status, name="call-status"),
    path("voice/masked/", voice.masked_call_twiml, name="masked"),
    path("recording/", voice.recording, name="recording"),
]
