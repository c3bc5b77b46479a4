"""Demo pledges (承诺事项) of a few townships and departments, made through hotline.pledges at past
instants (clock.at), so history, the public trail, timelines, SMS rows and votes are real.

Every state is here: drafts (one sent back), pending, in progress (two overdue), done with votes,
withdrawn; sub-items with progress, dated updates with photos, and a target date moved with a
reason, which the public page shows in the trail. Loaded once: nothing happens if any pledge exists.
No feedback tickets: the demo's tickets (load_demo) keep to the channels its own tests expect.
"""

import datetime as dt
import io

from django.contrib.auth import get_user_model
from django.utils import timezone
from PIL import Image, ImageDraw

from hotline import clock, pledges, workflow
from hotline.models import Pledge, Resident, Unit

# (unit name, login prefix, title, description, origin, days ago drafted, target in days from today,
#  TV broadcast in days from today or None, sub-items, the story: a list of steps)
# steps: ("publish", d) ("items", d, [progress…]) ("update", d, text, photo colour or None, progress or None)
#        ("retarget", d, days from today, reason) ("done", d, text, colour) ("votes", d, fulfilled, not)
#        ("withdraw", d, reason) ("submit", d) ("send_back", d, note) ("feedback", d, a resident's text)
PLEDGES = (
    ("青山镇", "qs", "石门村通组路硬化",
     "硬化石门村一组、二组通组道路共2公里，路面宽3.5米，配套排水沟，解决群众雨天出行难。",
     "石门村群众多次来电反映一组、二组土路雨天泥泞，学生上学、农产品外运困难（热线工单和村民代表建议）。",
     130, 45, 40, ["一组路段（1.2公里）", "二组路段（0.8公里）", "排水沟"],
     [("publish", 124), ("update", 110, "完成测量设计和招标，施工队进场。", (120, 120, 110), None),
      ("items", 90, [60, 0, 20]), ("update", 88, "一组路段完成路基平整，开始浇筑混凝土。", (150, 140, 120), None),
      ("items", 60, [100, 20, 40]), ("retarget", 55, 75, "雨季连续降雨，二组路段施工顺延"),
      ("update", 30, "一组路段全部硬化通车，二组路段开始路基施工。", (110, 130, 150), None),
      ("items", 12, [100, 55, 60]), ("feedback", 8, "建议二组路段施工时留出会车位置，方便拉果子的车通行。")]),
    ("青山镇", "qs", "松树村饮水管网改造",
     "更换松树村老化供水主管3.6公里、入户管120户，新建蓄水池一座，保障旱季正常供水。",
     "松树村群众反映每年旱季停水、水管经常爆裂（2021年热线工单23件）。",
     160, 20, -10, [],
     [("publish", 152), ("update", 140, "管材进场，开始更换主管。", (90, 140, 200), 20),
      ("update", 100, "主管更换完成，开始入户管改造。", (80, 150, 190), 60),
      ("update", 60, "蓄水池主体完工，入户管完成90户。", (70, 130, 180), 85),
      ("done", 30, "管网改造全部完成，120户全部通水，旱季水压正常。验收资料已公示。", (60, 160, 200)),
      ("votes", 20, 14, 2)]),
    ("区交通运输局", "jt", "乡村客运班线延伸至大河乡上寨村",
     "将大河乡客运班线延伸至上寨村，每天往返4班，解决上寨村群众赶集、就医出行难。",
     "上寨村群众反映到乡上只能搭乘农用车，存在安全隐患（人大代表建议、热线工单）。",
     100, 45, 30, [],
     [("publish", 95), ("update", 80, "完成线路勘查和站点选址，新设招呼站3处。", (200, 160, 60), 30),
      ("update", 35, "试运行每天2班，听取群众意见调整发车时间。", (210, 170, 70), 60)]),
    ("区交通运输局", "jt", "龙潭镇黑龙村段农村公路安保设施",
     "在黑龙村段急弯陡坡处安装波形护栏1.5公里、警示标志20块、减速带6处。",
     "黑龙村段去年发生两起车辆侧翻事故，群众要求加装护栏。",
     150, -12, None, ["波形护栏", "警示标志", "减速带"],
     [("publish", 140), ("items", 110, [30, 50, 0]),
      ("update", 108, "警示标志安装过半，护栏材料进场。", (190, 190, 190), None),
      ("items", 50, [70, 100, 30]), ("update", 48, "护栏安装1公里，剩余路段受雨季影响暂停。", (170, 170, 180), None)]),
    ("区水务局", "sw", "大河乡河口村河道清淤",
     "清理河口村段河道淤积2公里，加固堤岸300米，消除汛期内涝隐患。",
     "河口村群众反映河道淤塞，去年汛期农田被淹。",
     200, 60, -60, [],
     [("publish", 195), ("update", 170, "清淤机械进场，开始清淤。", (100, 120, 90), 30),
      ("update", 130, "清淤完成1.5公里，堤岸加固开始。", (90, 110, 80), 70),
      ("done", 100, "河道清淤2公里、堤岸加固300米全部完成，今年汛期未发生内涝。", (80, 120, 100)),
      ("votes", 80, 9, 4)]),
    ("区水务局", "sw", "白水镇清水村安全饮水巩固提升",
     "为清水村新建净水设备一套，更换入户水表86块，水质每季度检测公示。",
     "清水村群众反映自来水浑浊。", 10, 120, None, ["净水设备", "入户水表更换"],
     [("submit", 8)]),
    ("龙潭镇", "lt", "新田村主干道路灯安装",
     "在新田村主干道安装太阳能路灯60盏，解决群众夜间出行照明问题。",
     "新田村群众来电反映夜间出行不便，老人摔倒过。",
     90, 50, 20, ["村口至学校段（30盏）", "学校至新村段（30盏）"],
     [("publish", 85), ("items", 60, [100, 0]), ("update", 58, "村口至学校段30盏路灯安装完成并亮灯。", (40, 40, 90), None),
      ("items", 15, [100, 40])]),
    ("白水镇", "bs", "竹园村便民桥修复",
     "修复竹园村被洪水冲毁的便民桥，桥长18米，恢复两岸群众通行。",
     "竹园村群众反映便民桥被冲毁后需绕行5公里。",
     140, -25, -5, [],
     [("publish", 135), ("update", 120, "完成设计，开始备料。", (120, 100, 80), 20),
      ("update", 70, "桥墩施工完成。", (130, 110, 90), 55)]),
    ("区农业农村局", "nn", "洋芋良种推广和种植技术培训",
     "向马街镇、石坝乡免费发放洋芋脱毒良种50吨，开展田间技术培训10场。",
     "种植户反映洋芋种薯退化、产量低。",
     110, 30, 10, ["良种发放", "技术培训"],
     [("publish", 105), ("items", 80, [100, 30]), ("update", 78, "50吨良种已全部发放到户。", (160, 120, 60), None),
      ("items", 20, [100, 70]), ("update", 18, "已开展培训7场，参训群众420人次。", (150, 130, 70), None)]),
    ("通泉街道", "tq", "东门社区老旧小区雨污分流改造",
     "对东门社区3个老旧小区实施雨污分流改造，更换化粪池2座，解决污水外溢。",
     "东门社区居民反映雨天污水外溢、气味大。",
     180, 30, -30, [],
     [("publish", 175), ("update", 150, "开挖管沟，铺设雨水管。", (100, 100, 100), 40),
      ("done", 60, "3个小区雨污分流改造全部完工，化粪池更换完成，路面已恢复。", (110, 110, 110)),
      ("votes", 50, 11, 1)]),
    ("区民政局", "mz", "高龄补贴“不见面”办理",
     "80岁以上老人高龄补贴实现村（社区）代办、手机办理，补贴按月发放到卡。",
     "老人及家属反映申领高龄补贴要多次跑乡镇。",
     70, 40, 15, [],
     [("publish", 66), ("update", 40, "全区村（社区）代办员培训完成。", None, 50)]),
    ("区卫生健康局", "wj", "村卫生室远程诊疗全覆盖",
     "为尚未接入的12个村卫生室配备远程诊疗设备，群众在村里可看县医院专家。",
     "边远村群众看专家要跑县城。", 5, 150, None, [], []),
    ("马街镇", "mj", "三岔村垃圾收集点建设",
     "在三岔村新建垃圾收集点8个，配备转运车一辆。",
     "三岔村群众反映垃圾乱堆乱放。",
     120, 40, None, [],
     [("publish", 115), ("update", 90, "完成选址。", None, 10),
      ("withdraw", 60, "与区生态环境分局农村环境整治项目合并实施，另行公布")]),
    ("区教育体育局", "jy", "学校周边交通安全设施完善",
     "在全区15所农村学校周边设置减速带、斑马线和警示标志。",
     "家长反映学校门口车速快。", 20, 90, None, [],
     [("submit", 15), ("send_back", 12, "请写明15所学校的名单和完成时间安排")]),
    ("大河乡", "dh", "沙坝村农田灌溉沟渠修复",
     "修复沙坝村灌溉沟渠3.2公里，保障600亩农田灌溉。",
     "沙坝村群众反映沟渠垮塌，春耕用水困难。",
     60, 70, 35, ["上段（1.5公里）", "下段（1.7公里）"],
     [("publish", 55), ("items", 30, [80, 20]), ("update", 28, "上段沟渠修复基本完成。", (90, 150, 90), None)]),
)


def _photo(colour):
    """A small picture for the timeline (a coloured scene), checked like any upload."""
    image = Image.new("RGB", (480, 320), colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 200, 480, 320), fill=tuple(max(0, c - 50) for c in colour))
    draw.polygon([(40, 200), (140, 90), (240, 200)], fill=tuple(min(255, c + 60) for c in colour))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=70)
    return out.getvalue()


def load(*, now, rng):
    if Pledge.objects.exists():
        return "承诺事项：已有数据，未重复加载。"
    users = {u.username: u for u in get_user_model().objects.filter(username__endswith="_liaison")}
    editor = get_user_model().objects.filter(username="editor").first()
    units = {u.name: u for u in Unit.objects.filter(name__in={row[0] for row in PLEDGES})}
    system = workflow.system_user()
    local_now = timezone.localtime(now)
    today = local_now.date()

    def moment(days_ago):
        return min(now, (local_now - dt.timedelta(days=days_ago)).replace(hour=10, minute=rng.randrange(0, 50)))

    made, votes, callers = 0, 0, 0
    for unit_name, key, title, description, origin, drafted, target, broadcast, items, steps in PLEDGES:
        unit, liaison = units.get(unit_name), users.get(f"{key}_liaison")
        if unit is None or liaison is None or editor is None:
            continue
        with clock.at(moment(drafted)):
            pledge = pledges.draft(
                by=liaison, unit=unit, title=title, description=description, origin=origin,
                target_date=today + dt.timedelta(days=target),
                broadcast_date=today + dt.timedelta(days=broadcast) if broadcast is not None else None,
                items=items,
            )
        made += 1
        for step in steps:
            kind, days_ago, *args = step
            with clock.at(moment(days_ago)):
                if kind == "publish":
                    pledges.submit(pledge=pledge, by=liaison)
                    pledges.publish(pledge=pledge, by=editor)
                elif kind == "submit":
                    pledges.submit(pledge=pledge, by=liaison)
                elif kind == "send_back":
                    pledges.send_back(pledge=pledge, by=editor, note=args[0])
                elif kind == "items":
                    for item, progress in zip(pledge.items.order_by("position", "pk"), args[0]):
                        pledges.set_item_progress(item=item, by=liaison, progress=progress)
                elif kind == "update":
                    text, colour, progress = args
                    pledges.add_update(
                        pledge=pledge, by=liaison, text=text, progress=progress,
                        photos=[_photo(colour)] if colour else [],
                    )
                elif kind == "retarget":
                    pledges.edit(
                        pledge=pledge, by=liaison, target_date=today + dt.timedelta(days=args[0]), reason=args[1]
                    )
                elif kind == "done":
                    pledges.mark_done(pledge=pledge, by=liaison, text=args[0], photos=[_photo(args[1])])
                elif kind == "votes":
                    fulfilled, not_fulfilled = args
                    verdicts = ["fulfilled"] * fulfilled + ["not_fulfilled"] * not_fulfilled
                    rng.shuffle(verdicts)
                    for verdict in verdicts:
                        votes, callers = votes + 1, callers + 1
                        resident = Resident.for_phone(f"+86187555{10000 + callers:05d}", by=system)
                        pledges.vote(pledge=pledge, resident=resident, verdict=verdict, by=system,
                                     channel=rng.choice(["sms", "sms", "web"]))
                elif kind == "feedback":  # 群众评单: becomes a pledge_feedback ticket waiting for the operators
                    callers += 1
                    resident = Resident.for_phone(f"+86187555{10000 + callers:05d}", by=system)
                    pledges.feedback(pledge=pledge, resident=resident, text=args[0], by=system, acknowledge=True)
                elif kind == "withdraw":
                    pledges.withdraw(pledge=pledge, by=editor, reason=args[0])
            pledge.refresh_from_db()
    overdue = pledges.public_pledges().filter(overdue=True).count()
    return f"承诺事项：{made} 项（逾期 {overdue} 项），群众验单 {votes} 票。"
