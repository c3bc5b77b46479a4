"""Demo promotion requests (推广申请): villagers' products in every state, made through hotline.promotions.

Requests come by SMS (`TG …`), by phone (an operator) and by the public web form; the editor reviews,
schedules, publishes and enters the results at past moments (`clock.at`), so history and SMS rows look
as if it had all happened. Residents have made-up names and 139-numbers; some agreed to show their phone.
Photos are small solid-colour pictures (no real photos in the demo).
"""

import datetime as dt
import io

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db.models import F
from PIL import Image, ImageDraw

from hotline import clock, promotions
from hotline.models import Message, PromotionRequest, Resident, Village

# product, category, (township, village), description, price, unit, availability, quantity,
# how it came (sms/phone/web), state, consent, needs papers, resident (name, phone), photo colours, days ago
REQUESTS = [
    ("石门村脆红李", "farm_product", ("青山镇", "石门村"),
     "石门村山坡上种的脆红李，果肉脆、酸甜适中，当天摘当天发。", "5.00", "元/斤", "6月中旬至7月底", "约3000斤",
     "phone", "done", True, False, ("杨桂芬", "+8613987410001"), [(170, 30, 60), (120, 40, 80)], 60),
    ("龙潭柴火烤鸭", "local_food", ("龙潭镇", "龙潭社区"),
     "自家养的麻鸭，用果木柴火慢烤，皮脆肉嫩，可预订。", "88.00", "元/只", "全年，节假日需提前预订", "每天约30只",
     "phone", "done", False, True, ("马国富", "+8613987410002"), [(160, 90, 30)], 52),
    ("三岔村洋芋粑粑", "local_food", ("马街镇", "三岔村"),
     "本地黄心洋芋手工做的洋芋粑粑，煎着吃外焦里糯。", "15.00", "元/斤", "全年", "每周约100斤",
     "sms", "published", True, True, ("李春兰", "+8613987410003"), [(210, 170, 60)], 30),
    ("大坡村高原苹果", "farm_product", ("马街镇", "大坡村"),
     "海拔2000米的果园，昼夜温差大，苹果脆甜。", "4.50", "元/斤", "9月至11月", "约2万斤",
     "web", "published", False, False, ("张德明", "+8613987410004"), [(190, 40, 40), (90, 150, 60)], 25),
    ("竹园村竹编背篓", "handicraft", ("白水镇", "竹园村"),
     "老篾匠手工编的背篓和簸箕，结实耐用，也可定做。", "120.00", "元/个", "常年可订", "每月约20个",
     "phone", "published", True, False, ("普永华", "+8613987410005"), [(150, 120, 70)], 21),
    ("松树村菜籽油", "farm_product", ("青山镇", "松树村"),
     "自家种的油菜籽，老油坊压榨，香味浓。", "18.00", "元/斤", "5月起", "约1500斤",
     "phone", "done", False, True, ("周玉仙", "+8613987410006"), [(220, 190, 40)], 75),
    ("干海子核桃", "farm_product", ("石坝乡", "干海子村"),
     "山地老核桃树结的核桃，壳薄仁香。", "12.00", "元/斤", "9月下旬起", "约5000斤",
     "sms", "scheduled", False, False, ("罗正华", "+8613987410007"), [], 10),
    ("瓦窑村土鸡蛋", "farm_product", ("青山镇", "瓦窑村"),
     "林下散养的土鸡下的蛋，蛋黄颜色深。", "1.50", "元/个", "全年", "每天约200个",
     "phone", "scheduled", True, True, ("段美英", "+8613987410008"), [(230, 210, 170)], 8),
    ("上寨村土蜂蜜", "farm_product", ("大河乡", "上寨村"),
     "中华蜂百花蜜，一年只取一次。", "80.00", "元/斤", "10月取蜜", "约300斤",
     "web", "accepted", True, True, ("尹兴旺", "+8613987410009"), [(200, 140, 20)], 5),
    ("老厂村野生菌", "farm_product", ("松林镇", "老厂村"),
     "雨季上山捡的牛肝菌、鸡枞。", None, "", "7月至9月", "不定",
     "sms", "declined", False, True, ("字有才", "+8613987410010"), [], 12),
    ("大营村黑山羊", "farm_product", ("团结乡", "大营村"),
     "", None, "", "", "",
     "sms", "submitted", False, False, ("鲁金凤", "+8613987410011"), [], 2),
    ("田坝村脆鱼", "local_food", ("新街镇", "田坝村"),
     "全县最正宗的脆鱼，口感第一，吃过都说好。", "60.00", "元/斤", "全年", "每天约50斤",
     "phone", "submitted", True, True, ("彭家顺", "+8613987410012"), [(70, 110, 150)], 1),
    ("小河村红薯粉", "local_food", ("通泉街道", "小河村"),
     "红薯手工漏的粉条，煮不烂。", "10.00", "元/斤", "冬季", "约800斤",
     "web", "submitted", False, False, ("何建国", "+8613987410013"), [(120, 90, 80)], 1),
]
# what villagers actually texted, for the SMS ones
SMS_TEXTS = {
    "三岔村洋芋粑粑": "洋芋粑粑 马街镇三岔村 手工做的 一斤15块",
    "干海子核桃": "干海子核桃 今年结得多 5000斤左右 想卖出去",
    "老厂村野生菌": "野生菌 牛肝菌鸡枞都有 老厂村",
    "大营村黑山羊": "黑山羊 团结乡大营村 养了40多只 想找销路",
}
DECLINE_REASON = "野生菌易误食中毒，暂不宣传销售；可在食品安全部门指导下再申请。"
PLATFORMS = {
    "done": ["douyin", "wechat", "tv"], "published": ["douyin", "app"], "scheduled": ["kuaishou", "website"],
}
LINKS = {
    "douyin": "https://v.douyin.com/demo{n}/", "kuaishou": "https://v.kuaishou.com/demo{n}",
    "wechat": "https://mp.weixin.qq.com/s/demo-{n}", "app": "https://app.example.cn/news/{n}",
    "website": "https://www.example.cn/products/{n}.html", "tv": "",
}


def _photo(colour, label_shade):
    image = Image.new("RGB", (480, 360), colour)
    draw = ImageDraw.Draw(image)
    draw.ellipse((150, 90, 330, 270), fill=label_shade)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return ContentFile(out.getvalue(), name="photo.jpg")


def load(*, now, rng):
    """The demo requests, made once through hotline.promotions; a one-line summary."""
    if PromotionRequest.objects.exists():
        return "推广申请：已有数据，未再生成。"
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(username__in=["editor", "operator", "operator2"])}
    editor, operators = users["editor"], [users["operator"], users.get("operator2", users["operator"])]
    villages = {(v.township.name, v.name): v for v in Village.objects.select_related("township")}
    first_message = Message.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    counts = {}
    for n, spec in enumerate(REQUESTS, start=1):
        (product, category, place, description, price, unit, availability, quantity, how, state, consent,
         papers, (name, phone), colours, age) = spec
        village = villages.get(place)
        moment = now - dt.timedelta(days=age, hours=rng.randint(1, 6))
        shade = lambda c: tuple(min(255, v + 50) for v in c)  # noqa: E731
        photos = [_photo(c, shade(c)) for c in colours]
        details = {"product": product, "category": category, "village": village, "description": description,
                   "price": price, "price_unit": unit, "availability": availability, "quantity": quantity}
        with clock.at(moment):
            resident = Resident.for_phone(phone, name=name, village=village)
            if how == "sms":
                text = SMS_TEXTS.get(product, product)
                inbound = Message.objects.create(
                    direction=Message.Direction.INBOUND, status=Message.Status.RECEIVED, provider="demo",
                    phone=phone, body=f"TG {text}", resident=resident, created_at=moment,
                )
                request = promotions.create_from_sms(inbound=inbound, resident=resident, text=text,
                                                     by=_system())
            elif how == "web":
                request = promotions.create_unconfirmed(contact_public=consent, photos=photos, **details)
                request = promotions.submit_confirmed(request=request, resident=resident, by=_system())
            else:
                request = promotions.create_by_operator(
                    by=rng.choice(operators), phone=phone, resident_name=name, contact_public=consent,
                    photos=photos, text=f"来电：想推广{product}", **details,
                )
        step = moment + dt.timedelta(hours=rng.randint(3, 20))
        if how == "sms" and state != "submitted":
            with clock.at(step):  # the editor writes the public text the SMS did not have
                promotions.edit(request=request, by=editor, **{k: v for k, v in details.items() if k != "village"},
                                village=village)
                if photos:
                    promotions._attach_photos(request, photos)
        if state == "declined":
            with clock.at(step):
                promotions.decline(request=request, by=editor, reason=DECLINE_REASON)
        if state in ("accepted", "scheduled", "published", "done"):
            with clock.at(step):
                promotions.accept(request=request, by=editor, needs_papers=papers, papers_checked=papers,
                                  wording_checked=True, note="已电话核实产地和数量。" if papers else "")
        platforms = PLATFORMS.get(state, [])
        if state in ("scheduled", "published", "done"):
            step += dt.timedelta(days=1)
            with clock.at(step):
                day = step.date() + dt.timedelta(days=2 if state != "scheduled" else age + 1)
                promotions.schedule(request=request, by=editor, placements={p: day for p in platforms})
        if state in ("published", "done"):
            step += dt.timedelta(days=3)
            with clock.at(step):
                for placement in request.placements.all():
                    promotions.publish(placement=placement, by=editor, link=LINKS[placement.platform].format(n=n),
                                       published_on=placement.scheduled_for)
        if state == "done":
            step += dt.timedelta(days=14)
            with clock.at(step):
                for placement in request.placements.all():
                    views = rng.randint(800, 30000)
                    promotions.enter_results(
                        placement=placement, by=editor, views=views,
                        likes=None if placement.platform == "tv" else views // rng.randint(15, 40),
                        orders=rng.randint(3, 60),
                    )
                promotions.finish(request=request, by=editor)
        counts[state] = counts.get(state, 0) + 1
    # these SMS went out long ago: recorded as sent by the console gateway, never sent again
    Message.objects.filter(
        pk__gt=first_message, direction=Message.Direction.OUTBOUND, status=Message.Status.QUEUED
    ).update(status=Message.Status.SENT, provider="console", sent_at=F("created_at"), attempts=1, next_attempt_at=None)
    return (
        f"推广申请：{len(REQUESTS)} 件（待审核 {counts.get('submitted', 0)}，待排期 {counts.get('accepted', 0)}，"
        f"已排期 {counts.get('scheduled', 0)}，已发布 {counts.get('published', 0)}，已完成 {counts.get('done', 0)}，"
        f"未通过 {counts.get('declined', 0)}）。"
    )


def _system():
    from hotline.workflow import system_user

    return system_user()
