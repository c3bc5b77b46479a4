"""`TG 内容` by SMS becomes a promotion request (the raw text kept, a guess of the product for the editor);
MMS photos become rows fetched after the commit by a task, through the twilio client's HTTP session with
the account's credentials (here a loopback server standing in for Twilio's media URLs). A media that is no
photo, too big or missing gets its error recorded and loses nothing else."""

import base64
import threading
from http.server import BaseHTTPRequestHandler

import pytest

from hotline.models import Message, PromotionPhoto, PromotionRequest, Ticket
from tests.conftest import TWILIO_INBOUND_MMS, twilio_params, twiml_reply
from tests.helpers import LoopbackServer
from tests.promotion_helpers import jpeg

pytestmark = pytest.mark.django_db
PHONE = "+8613800138000"


class MediaServer(LoopbackServer):
    """Serves bytes by path, as Twilio serves MMS media: Basic auth with the account for Twilio's paths."""

    def __init__(self, account_sid, auth_token):
        self.account_sid, self.auth_token = account_sid, auth_token
        self.files, self.requests = {}, []
        self._stopping, self._server = threading.Event(), None

    def start(self):
        media = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                header = self.headers.get("Authorization", "")
                media.requests.append((self.path, header))
                if self.path.startswith("/2010-04-01/"):
                    expected = "Basic " + base64.b64encode(f"{media.account_sid}:{media.auth_token}".encode()).decode()
                    if header != expected:
                        return self._send(401, b"{}", "application/json")
                if self.path not in media.files:
                    return self._send(404, b"{}", "application/json")
                body, content_type = media.files[self.path]
                self._send(200, body, content_type)

            def _send(self, status, body, content_type):
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return self._serve(Handler)

    @property
    def base_url(self):
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"


@pytest.fixture
def media(settings):
    server = MediaServer(settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN).start()
    settings.TWILIO_API_BASE_URL = server.base_url  # the twilio client's requests for *.twilio.com go here
    yield server
    server.stop()


def twilio_media_url(settings, name):
    return f"https://api.twilio.com/2010-04-01/Accounts/{settings.TWILIO_ACCOUNT_SID}/Messages/MM1/Media/{name}"


def mms(sms, body, items):
    params = twilio_params(TWILIO_INBOUND_MMS, body=body, phone=PHONE, NumMedia=str(len(items)))
    params.pop("MediaUrl1", None)
    for n, (url, content_type) in enumerate(items):
        params[f"MediaUrl{n}"], params[f"MediaContentType{n}"] = url, content_type
    return twiml_reply(sms.post(params))


def test_tg_by_sms_keeps_the_text_and_guesses_the_product(sms, village):
    _, reply = sms.send("TG 石门村脆红李500斤，每斤5元，电话13800138000")
    request = PromotionRequest.objects.get()
    assert request.text == "石门村脆红李500斤，每斤5元，电话13800138000"
    assert request.product == "石门村脆红李500斤"  # the first words, for the editor to correct
    assert request.village == village  # the one village named in the text
    assert (request.status, request.channel, request.resident.phone) == ("submitted", "sms", PHONE)
    assert request.source_message == Message.objects.get(direction="in")
    assert request.description == ""  # the public text is the editor's to write
    assert reply == "已收到您的推广申请，编辑审核后会与您联系。"
    assert Message.objects.filter(direction="out").count() == 1  # the TwiML reply is the acknowledgement
    assert not Ticket.objects.exists()


def test_the_editor_sees_it_and_accepting_it_sends_an_sms(sms, people):
    from hotline import promotions

    sms.send("推广：洋芋粑粑，青山镇")
    request = promotions.editor_requests().get()
    promotions.edit(request=request, by=people["editor"], product="洋芋粑粑", description="青山镇农家手工洋芋粑粑。")
    promotions.accept(request=request, by=people["editor"], needs_papers=False, papers_checked=False, wording_checked=True)
    assert Message.objects.filter(phone=PHONE, template="promotion_accepted").count() == 1


def test_mms_photos_are_fetched_through_the_twilio_client_with_the_credentials(
    sms, media, settings, django_capture_on_commit_callbacks
):
    good, png = twilio_media_url(settings, "ME0"), twilio_media_url(settings, "ME1")
    media.files["/" + good.split("/", 3)[3]] = (jpeg(size=(2000, 1500)), "image/jpeg")
    media.files["/" + png.split("/", 3)[3]] = (jpeg(fmt="PNG"), "image/png")
    with django_capture_on_commit_callbacks(execute=True):
        reply = mms(sms, "TG 苹果 大河乡", [(good, "image/jpeg"), (png, "image/png")])
    assert reply == "已收到您的推广申请，编辑审核后会与您联系。"
    request = PromotionRequest.objects.get()
    photos = list(request.photos.order_by("pk"))
    assert [p.source_url for p in photos] == [good, png]
    assert all(p.image and not p.fetch_error for p in photos)
    from PIL import Image

    with Image.open(photos[0].image.path) as image:  # re-encoded, at most PHOTO_MAX_SIDE long
        assert image.format == "JPEG" and max(image.size) == settings.HOTLINE["PHOTO_MAX_SIDE"]
    assert {auth for _path, auth in media.requests} == {
        "Basic " + base64.b64encode(f"{settings.TWILIO_ACCOUNT_SID}:{settings.TWILIO_AUTH_TOKEN}".encode()).decode()
    }


def test_a_bad_media_gets_its_error_and_loses_nothing_else(sms, media, settings, django_capture_on_commit_callbacks):
    settings.HOTLINE = {**settings.HOTLINE, "PHOTO_MAX_BYTES": 50_000}
    urls = {name: twilio_media_url(settings, name) for name in ("ME0", "ME1", "ME2", "ME3", "ME4")}
    path = lambda name: "/" + urls[name].split("/", 3)[3]  # noqa: E731
    media.files[path("ME0")] = (jpeg(), "image/jpeg")
    media.files[path("ME1")] = (b"<html>not a photo</html>", "image/jpeg")  # says it is one; is not
    media.files[path("ME2")] = (jpeg(size=(3000, 3000)) + b"\0" * 60_000, "image/jpeg")  # too big
    # ME3: not on the server (404); ME4: a video, never downloaded
    with django_capture_on_commit_callbacks(execute=True):
        mms(sms, "TG 核桃 三岔村", [(urls["ME0"], "image/jpeg"), (urls["ME1"], "image/jpeg"),
                                    (urls["ME2"], "image/jpeg"), (urls["ME3"], "image/jpeg"), (urls["ME4"], "video/3gpp")])
    request = PromotionRequest.objects.get()
    assert request.text == "核桃 三岔村" and request.status == "submitted"
    photos = list(request.photos.order_by("pk"))
    assert bool(photos[0].image) and photos[0].fetch_error == ""
    assert photos[1].fetch_error == "“彩信图片”不是可以识别的图片。"
    assert photos[2].fetch_error.startswith("图片“彩信图片”太大")
    assert photos[3].fetch_error == "彩信下载失败（HTTP 404）。"
    assert photos[4].fetch_error == "不是图片（video/3gpp），未下载。"
    assert not any(p.image for p in photos[1:])
    assert path("ME4") not in [p for p, _auth in media.requests]


def test_credentials_go_to_twilio_urls_only(sms, media, settings, django_capture_on_commit_callbacks):
    media.files["/elsewhere/photo.jpg"] = (jpeg(), "image/jpeg")
    with django_capture_on_commit_callbacks(execute=True):
        mms(sms, "TG 蜂蜜", [(media.base_url + "/elsewhere/photo.jpg", "image/jpeg")])
    photo = PromotionPhoto.objects.get()
    assert photo.image and media.requests == [("/elsewhere/photo.jpg", "")]


def test_photos_without_text_are_still_a_request(sms, media, settings, django_capture_on_commit_callbacks):
    url = twilio_media_url(settings, "ME0")
    media.files["/" + url.split("/", 3)[3]] = (jpeg(), "image/jpeg")
    with django_capture_on_commit_callbacks(execute=True):
        reply = mms(sms, "TG", [(url, "image/jpeg")])
    assert reply == "已收到您的推广申请，编辑审核后会与您联系。"
    request = PromotionRequest.objects.get()
    assert (request.text, request.product) == ("", "")
    assert request.photos.get().image


def test_tg_alone_explains_how(sms):
    _, reply = sms.send("TG")
    assert reply.startswith("推广农产品请回复“TG”") and not PromotionRequest.objects.exists()


def test_fetching_twice_does_nothing_more(sms, media, settings, django_capture_on_commit_callbacks):
    from hotline import promotions

    url = twilio_media_url(settings, "ME0")
    media.files["/" + url.split("/", 3)[3]] = (jpeg(), "image/jpeg")
    with django_capture_on_commit_callbacks(execute=True):
        mms(sms, "TG 竹编", [(url, "image/jpeg")])
    photo = PromotionPhoto.objects.get()
    assert promotions.fetch_photo(photo_id=photo.pk) == "skipped"
    assert len(media.requests) == 1
