"""A realistic synthetic history of handled work orders, for measuring the unit suggestions (issue 8).

    .venv/bin/python bench/routing_history.py [--tickets 20000] [--test 2000] [--seed 8]
        [--end 2026-11-27] [--out /tmp/routing_history.csv] [--test-out /tmp/routing_test.csv]

Writes two CSV files in the format of `python manage.py import_tickets` (UTF-8, header row):

    created_at,title,description,unit,category,kind,village,outcome,first_unit,matter,ambiguous,style,novel

- the HISTORY (`--tickets`, over the two years before `--end` minus the test period), oldest first;
- the TEST set (`--test`, the `TEST_DAYS` days just before `--end`, so later than all the history;
  same generator, another seed), whose `unit` is the true handling unit of each ticket.

`unit` is the unit that finally handled the ticket (its full name, as in `load_demo`); `first_unit`
is set on the misrouted tickets only: the wrong unit they were first dispatched to, which returned
them (the importer ignores the column; bench/routing_accuracy.py walks those rows through the real
workflow so that the wrong unit's round is RETURNED). `matter` (the kind of matter, e.g.
`town.streetlight`) and `ambiguous` (the group of look-alike matters handled by different units,
e.g. `路灯`, empty when the matter is clear) and `style` (how the text came: summary, rambling, sms,
web, walk_in, voicemail) are for the analysis, and so is `novel` (test set only): "1" when the ticket
tells its matter in the words kept out of the history (each matter with three facts or more keeps its
last fact and title for the test set), to measure phrasings the classifier has never seen, since a
template generator otherwise flatters it. The importer ignores these columns too.

What it imitates (the district of `load_demo`: its 11 departments, 10 townships and their villages,
its category tree, and the vocabulary of its ~62 kinds of call, `load_demo.ISSUES`):

- 117 kinds of matter over the 21 units, each with several titles, facts and short SMS forms
  filled with slots (villages, townships, roads, streets, housing estates, companies, crops,
  animals, amounts, durations); class imbalance (water, roads, housing and the townships get the most,
  health and education the fewest; 通泉街道, the county seat, more than the mountain townships); the
  season (landslides and burst roads in the rainy season, forest fires in the dry one, wage arrears
  before the Spring Festival, school enrolment in summer…); growth of about 12 % a year;
- the way texts arrive: an operator's summary, a long rambling phone transcription (fillers,
  background, the same fact twice, sometimes "I called X, they said it is not theirs"), a short SMS
  (no punctuation, often no place), a web form; Yunnan colloquialisms (娃娃, 哪样, 咋个整, 没得,
  渣渣) and occasional typos/homophones (反应 for 反映, 拉圾, 燥音, 以经…);
- AMBIGUOUS matters: groups of matters with the same words where the unit depends on a detail —
  a street light in a village (the township), on a county road (交通运输局) or a street of the county
  seat (住建局); sewage from a blocked sewer (水务局) or a pig farm (生态环境分局); unpaid wages in a
  factory (人社局) or on a construction project (住建局); street stalls blocking the market street
  (the township) or selling short weight (市场监管局); noise, dust, rubbish, roads, subsidies,
  building land, title deeds, farm supplies, irrigation, dogs, housing estates (15 groups, about 43 %
  of the tickets: the commonest matters, street lights, rubbish and roads, all have look-alikes).
  Some groups also carry a little label noise (a share of look-alike tickets handled by the other
  unit), as real histories do; the detail that decides is sometimes missing (SMS);
- MISROUTED tickets (about 6 %: 3.5 % of clear matters, 10 % of ambiguous ones): first sent to a
  plausible wrong unit (the matter's usual confusions, or the neighbouring township), returned,
  then handled by the right one;
- village column empty for about a third of SMS and a tenth of other tickets; categories sometimes
  the general 综合/其他; kinds, outcomes (resolved 78 %, partly 14 %, not resolvable 8 %).

Simplifications: one text generator, so phrasings repeat more than in life (117 matters × a few
templates × slots × styles; the `novel` subset measures how much that flatters the classifier); no
co-units, reopenings or extensions; the label noise and the share of misrouted tickets are chosen,
not measured anywhere.
"""

import argparse
import csv
import datetime as dt
import os
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotline.settings")

import django  # noqa: E402

django.setup()  # only to import the demo's reference data; no database is touched

from hotline.management.commands.load_demo import CATEGORIES, DEPARTMENTS, TOWNSHIPS  # noqa: E402

COLUMNS = ("created_at", "title", "description", "unit", "category", "kind", "village", "outcome",
           "first_unit", "matter", "ambiguous", "style", "novel")
IMPORT_COLUMNS = COLUMNS[:8]  # what import_tickets reads; it ignores the others
DEFAULT_TICKETS = 20_000
DEFAULT_TEST = 2_000
DEFAULT_SEED = 8
HISTORY_DAYS = 730
TEST_DAYS = 45
KIND_LABELS = {"consultation": "咨询", "help": "求助", "complaint": "投诉", "report": "举报",
               "suggestion": "建议", "praise": "表扬"}
OUTCOMES = (("已解决", 78), ("部分解决", 14), ("无法解决", 8))
MISROUTE_CLEAR, MISROUTE_AMBIGUOUS = 0.035, 0.10

UNIT_NAMES = {key: name for key, name, *_rest in DEPARTMENTS} | {key: name for key, name, *_rest in TOWNSHIPS}
UNIT_SHORT = {key: short for key, _name, short, *_rest in DEPARTMENTS} | {key: name for key, name, *_rest in TOWNSHIPS}
TOWNSHIP_KEYS = tuple(key for key, *_rest in TOWNSHIPS)
VILLAGES = {key: villages for key, _name, _phone, villages in TOWNSHIPS}
VILLAGE_TOWN = {village: key for key, villages in VILLAGES.items() for village in villages}
# 通泉街道 is the county seat: more people, more calls; the mountain townships fewer
TOWN_WEIGHT = {"tq": 2.6, "qs": 1.0, "lt": 1.3, "mj": 0.8, "dh": 0.8, "bs": 1.3, "sb": 0.6, "sl": 0.9, "xj": 1.1, "tj": 0.7}
NEIGHBOURS = {"tq": ("qs", "lt"), "qs": ("tq", "mj"), "lt": ("tq", "bs"), "mj": ("qs", "dh"), "dh": ("mj", "sb"),
              "bs": ("lt", "sl"), "sb": ("dh", "tj"), "sl": ("bs", "xj"), "xj": ("sl", "tj"), "tj": ("xj", "sb")}
URBAN = ("东门社区", "西关社区")  # the county seat's communities (通泉街道)
SEATS = tuple(v for v in VILLAGE_TOWN if v.endswith("社区"))  # township seats' communities


def _category_paths():
    paths = set()
    for top, seconds in CATEGORIES.items():
        paths.add((top,))
        for second, leaves in seconds.items():
            paths.add((top, second))
            paths.update((top, second, leaf) for leaf in leaves)
    return paths


CATEGORY_PATHS = _category_paths()


def category_text(path):
    """The category as the CSV gives it: the path from the root, e.g. 城乡建设/道路交通/路灯."""
    return "/".join(path)


# --- kinds of matter -------------------------------------------------------------------------


@dataclass(frozen=True)
class Matter:
    """One kind of matter. `unit`: a department key or "town" (the village's township).

    `titles`, `facts`, `sms`: templates with slots ({village}, {town}, {road}, …, see Slots);
    `kinds`: {kind: weight}; `weight`: relative volume; `wrong`: plausible wrong first units
    ("town" = the village's township, "near" = a neighbouring township); `group`: the ambiguity group
    (matters with the same words, different units); `alt`: ((unit, share), …) label noise: a share of
    these tickets handled by another unit in the history; `places`: where it happens ("rural" villages,
    "urban" the county seat's communities, "seat" a township seat, "any"); `months`: its season (×3).
    """

    key: str
    unit: str
    category: tuple
    kinds: dict
    weight: float
    titles: tuple
    facts: tuple
    sms: tuple = ()
    wrong: tuple = ()
    group: str = ""
    alt: tuple = ()
    places: str = "rural"
    months: tuple = ()


H, C, P, R, S, E = "help", "consultation", "complaint", "report", "suggestion", "praise"


def matter(key, unit, category, kinds, weight, titles, facts, sms=(), **extra):
    return Matter(key, unit, tuple(category.split("/")), kinds, weight, titles, facts, sms, **extra)


# --- the catalogue: ~150 kinds of matter over the 21 units --------------------------------------
# weights are relative volumes (the sum is about 1000); group = the ambiguity group

MATTERS = (
    # ===== 区交通运输局 (jt) =====
    matter("jt.road_damage", "jt", "城乡建设/道路交通/道路破损", {H: 6, P: 3, S: 1}, 22,
           ("{road}路面坑洼不平", "{village}至{town}集镇的公路破损严重", "{road}{spot}有大坑", "通村公路烂了没人修"),
           ("{road}{spot}一段路面坑坑洼洼，最大的坑有脸盆大，下雨积水看不清，{when}有骑摩托车的摔倒了",
            "从{village}到{town}集镇的通村公路路面破损、翻浆，拉货的车过不去，群众出行困难",
            "{road}路面开裂下沉，大车一过就颠，已经{days}了没人修补",
            "{road}过{village}那一段柏油全部掉了，路面全是碎石，车辆经常爆胎"),
           ("{road}烂得很 坑太多了 车都开不过", "通{village}的公路坑坑洼洼的 啥时候修", "公路上大坑积水摔了人 快修"),
           wrong=("zj", "town"), group="道路"),
    matter("jt.landslide", "jt", "城乡建设/道路交通/道路破损", {H: 1}, 9,
           ("通往{village}的公路塌方，车辆无法通行", "{road}有落石堵路", "{road}路基垮塌"),
           ("连续下雨后，通往{village}的公路有十来米路基塌方，车辆过不去，村民出行和拉货困难",
            "{road}{spot}山上滚下来几块大石头挡在路中间，小车过不去，晚上很危险",
            "{when}暴雨把{road}冲垮了一半，剩下的路面悬空，还有车在走，担心出事"),
           ("{road}塌方了车过不去", "通{village}的路垮了 石头堵着"),
           wrong=("zr", "town"), months=(6, 7, 8, 9)),
    matter("jt.bus_schedule", "jt", "城乡建设/道路交通/农村客运", {C: 5, S: 4}, 10,
           ("{town}到城区的客运班车时刻咨询", "建议增开{town}至城区的晚班车", "{village}能不能通客运班车"),
           ("来电人询问{town}到城区的客运班车每天几点有车、末班车几点",
            "{town}到城区的班车下午5点就停了，在城里打工的人晚上回不来，建议增加晚班车",
            "{village}离集镇有十几公里，一直没有通客运班车，老人看病赶集要走很远，希望开通"),
           ("{town}到城里的班车几点有", "建议{village}通班车"),
           wrong=("town",)),
    matter("jt.bus_service", "jt", "城乡建设/道路交通/农村客运", {P: 1}, 6,
           ("客运班车不按时发车、中途甩客", "{town}客运班车乱收费", "班车严重超载"),
           ("{town}到城区的客运班车经常不按时刻表发车，人没坐满就不走，有时还中途让乘客换车",
            "{town}到城区的班车票价明明是15元，驾驶员收20元，也不给票",
            "{when}坐{town}到城区的班车，十几座的车塞了二十多个人，还有人站着，太危险了"),
           ("班车超载 还多收钱", "{town}的班车不按点发车"),
           wrong=("sj",)),
    matter("jt.safety", "jt", "城乡建设/道路交通/交通安全设施", {S: 5, H: 3}, 8,
           ("建议在{village}小学门口设置减速带", "{road}急弯处缺少护栏", "{road}{spot}需要安装警示标志"),
           ("{village}小学门口就是公路，车速快，学生上下学很危险，建议设置减速带和人行横道",
            "{road}{spot}有个急弯，外侧是深沟，没有护栏，{when}有车差点冲下去",
            "{road}的交通标志牌被撞坏倒在路边{days}了，晚上看不清弯道"),
           ("学校门口车开得快 要装减速带", "{road}急弯没护栏 危险"),
           wrong=("jy", "town")),
    matter("jt.road_light", "jt", "城乡建设/道路交通/路灯", {H: 7, P: 3}, 7,
           ("{road}路灯不亮", "{road}隧道照明灯坏了", "{road}大桥上的路灯全黑"),
           ("{road}{town}集镇过境段的路灯坏了{days}，晚上大货车多，行人过马路看不见",
            "{road}的隧道里照明灯坏了一半，开车进去一片黑，很危险",
            "{road}大桥上的路灯一直不亮，晚上骑电动车过桥很害怕"),
           ("{road}上的路灯不亮", "公路隧道里灯坏了"),
           wrong=("town", "zj"), group="路灯"),
    matter("jt.taxi", "jt", "城乡建设/道路交通/农村客运", {P: 7, R: 3}, 5,
           ("出租车拒载、不打表", "城区有黑车非法营运", "网约车绕路多收费"),
           ("来电人{when}在城区{street}打出租车，驾驶员嫌路近拒载，还有的不打表乱要价",
            "城区客运站门口有很多私家车拉客跑{town}，没有营运证，出了事没人管",
            "来电人坐出租车从客运站到{street}，驾驶员故意绕路，平时10元的路收了25元"),
           ("出租车拒载 不打表", "客运站门口黑车拉客"),
           wrong=("sj",), places="urban"),
    matter("jt.overload", "jt", "城乡建设/道路交通/道路破损", {R: 6, P: 4}, 4,
           ("超载货车压坏{road}", "拉砂石的大车超载"),
           ("每天晚上有拉砂石的大货车超载通过{road}，路面都被压烂了，还掉石头",
            "{factory}的货车严重超载，{village}刚修好的通村公路被压出了很多裂缝"),
           ("大货车超载压烂路 晚上走",),
           wrong=("hb", "town")),
    matter("jt.road_drying", "jt", "城乡建设/道路交通/交通安全设施", {P: 6, H: 4}, 3,
           ("有人在公路上晒粮食", "公路边堆放杂物占道"),
           ("{road}{spot}有村民在公路上晒{crop}，占了半边路，晚上车辆差点压上去",
            "{road}边有人堆放砖头和沙子，占了一半路面，{days}了都不挪"),
           ("公路上晒粮食占道 危险",),
           wrong=("town",)),
    matter("jt.praise", "jt", "综合/表扬", {E: 1}, 2,
           ("表扬区公路养护站及时处置塌方", "表扬交通运输局及时修复公路"),
           ("来电人表扬区公路养护站，{village}村道塌方后，养护站半天就清出了便道，保证了村民出行",
            "来电人表扬区交通运输局，反映的{road}坑洼问题一个星期就修好了"),
           wrong=()),

    # ===== 区水务局 (sw) =====
    matter("sw.outage", "sw", "供水/停水", {H: 8, P: 2}, 22,
           ("{village}已停水{days}，生活用水困难", "{village}突然停水没有通知", "城区{estate}停水"),
           ("{village}多户群众反映从{when}起停水，没有接到停水通知，老人小孩吃水困难，希望尽快恢复供水",
            "{village}{grp}已经{days}没有自来水了，只能到山沟里挑水",
            "{estate}从{when}开始停水，物业说是供水公司的问题，到现在也没来水"),
           ("{village}停水{days}了 咋回事", "家里又没水了 啥时候来水", "停水了也不通知"),
           wrong=("zj", "town"), months=(3, 4, 5)),
    matter("sw.burst", "sw", "供水/管网维修", {H: 1}, 10,
           ("{village}路边自来水管爆裂", "{street}自来水管破裂大量冒水", "{village}水管漏水严重"),
           ("{village}村口公路边自来水管爆裂，水一直往外冒，路面已经积水，请尽快派人关阀维修",
            "城区{street}人行道下面的自来水管破了，水冒出来一尺多高，流了一地",
            "{village}{grp}的主水管漏水{days}了，白白流掉很多水，下面几家用不上水"),
           ("{village}水管爆了 水一直冒", "{street}水管破了快来关阀"),
           wrong=("jt", "zj", "town")),
    matter("sw.pressure", "sw", "供水/农村饮水", {H: 1}, 8,
           ("{village}地势高的农户用不上水", "{village}水压太小", "{estate}高层没水"),
           ("{village}地势较高的十几户人家，每天只有半夜才有一点水，白天水龙头没水，希望解决",
            "{village}{grp}自来水水压太小，洗衣机都带不动，做饭都要接半天",
            "{estate}六楼以上白天基本没水，晚上才有一点点"),
           ("我们家水龙头没水 地势高", "水压太小了"),
           wrong=("town",)),
    matter("sw.bill", "sw", "供水/水费", {C: 5, P: 5}, 8,
           ("自来水费怎么缴纳", "水费突然增加很多", "水表不准要求校验"),
           ("来电人刚通自来水，询问水费怎么交、多少钱一吨",
            "来电人家里就两个老人，这个月水费却有三百多元，是平时的五六倍，怀疑水表有问题",
            "来电人认为家里水表走得太快，不用水的时候也在转，要求供水部门校验水表"),
           ("水费咋个这么贵", "水表不准 要求换"),
           wrong=("sj",)),
    matter("sw.quality", "sw", "供水/水质", {H: 6, P: 4}, 7,
           ("自来水浑浊发黄", "{village}自来水有异味", "自来水里有虫子"),
           ("{village}这几天的自来水浑浊发黄，放一会儿底下一层泥，不敢喝",
            "{estate}自来水有一股漂白粉和铁锈味，烧开了也有味道",
            "{village}的自来水里有小红虫，怀疑蓄水池没有清洗"),
           ("自来水黄的 不敢喝", "水里有虫子"),
           wrong=("hb", "wj"), group="污水"),
    matter("sw.sewer", "sw", "供水/管网维修", {H: 6, P: 4}, 7,
           ("{street}下水道堵塞污水外溢", "集镇污水管冒水", "{estate}化粪池污水漫出"),
           ("城区{street}的下水道堵了，污水从井盖里冒出来流到路上，臭得很",
            "{town}集镇的污水管网堵塞，一下雨污水就漫到铺面里",
            "{estate}门口的污水井满了，污水往外溢，苍蝇蚊子多"),
           ("{street}下水道堵了 污水冒出来", "污水管冒水 臭得很"),
           wrong=("hb", "zj", "town"), group="污水", places="seat"),
    matter("sw.new_supply", "sw", "供水/农村饮水", {S: 6, C: 4}, 6,
           ("建议给{village}最远的小组通自来水", "新建房屋怎么申请接自来水", "{village}饮水工程什么时候通水"),
           ("{village}最远的一个村民小组还在吃山泉水，天旱就断水，建议纳入农村饮水工程",
            "来电人在{village}新建了房子，询问申请接通自来水要办什么手续、交多少钱",
            "{village}的农村饮水工程管子去年就埋好了，到现在还没通水"),
           ("我们组还没通自来水", "新房子咋个接自来水"),
           wrong=("town",)),
    matter("sw.sand", "sw", "水利/河道管理", {R: 1}, 5,
           ("举报有人在河道非法采砂", "{village}河道夜间挖沙"),
           ("{village}河段晚上有挖机和货车在河道里挖沙，河堤已经被挖坏了一段",
            "{town}河里有人用抽沙船抽沙，河床都被挖深了，担心汛期河堤垮"),
           ("河里有人晚上挖沙",),
           wrong=("zr",)),
    matter("sw.river", "sw", "水利/河道管理", {H: 6, S: 4}, 5,
           ("{village}河道淤堵，担心汛期漫水", "河堤被冲毁需修复"),
           ("{village}旁边的河道被泥沙和树枝堵住了，一下大雨河水就漫到田里",
            "{when}发大水把{village}的河堤冲垮了二十多米，下面就是农田和房子"),
           ("河堤冲垮了", "河道堵了 一下雨就淹"),
           wrong=("town", "zr"), months=(5, 6, 7, 8)),
    matter("sw.irrigation", "sw", "水利/河道管理", {H: 6, S: 4}, 5,
           ("{village}灌溉沟渠损坏，农田无法灌溉", "{village}小水库漏水", "灌溉水渠被堵"),
           ("{village}的灌溉主沟渠有一段垮了，水放不下来，{crop}地干得开裂",
            "{village}上面的小水库坝脚在渗水，下面几十户人家担心",
            "{village}的水渠被上游的人堵起来了，下游的田放不到水"),
           ("沟渠垮了 田里没水", "小水库漏水"),
           wrong=("nn", "town"), group="水利设施", alt=(("town", 0.2),), months=(3, 4, 5)),
    matter("sw.praise", "sw", "综合/表扬", {E: 1}, 2,
           ("表扬区水务局抢修队连夜修复供水管道",),
           ("来电人表扬区水务局抢修队：前几天{village}停水，抢修队冒雨连夜抢修，第二天一早就通水了",),
           wrong=()),

    # ===== 区住房和城乡建设局 (zj) =====
    matter("zj.dangerous_house", "zj", "城乡建设/住房/农村危房改造", {H: 6, C: 4}, 12,
           ("家中土坯房墙体开裂，申请危房改造", "危房改造补助什么时候发", "{village}危房鉴定"),
           ("来电人家住{village}，老土坯房墙体出现多条裂缝，雨季漏雨，家里有{age}多岁老人，询问能否纳入危房改造",
            "来电人去年就申请了农村危房改造，房子都建好了，补助资金到现在还没有发",
            "来电人询问农村危房改造的条件、补助标准和鉴定要找谁"),
           ("房子裂了 能不能危房改造", "危改补助还没发"),
           wrong=("mz", "town", "zr"), months=(5, 6, 7)),
    matter("zj.property", "zj", "城乡建设/住房/物业管理", {P: 8, C: 2}, 10,
           ("小区电梯经常停运，物业不管", "{estate}物业乱收费", "物业服务差要求整改"),
           ("来电人住在{estate}，电梯一个月坏了好几次，楼上老人下不了楼，物业收了费却推说没钱修",
            "{estate}物业今年突然把物业费从每平方0.8元涨到1.5元，没有开业主大会",
            "{estate}楼道灯坏了没人修，垃圾堆在楼下好几天，物业不管"),
           ("{estate}电梯又坏了 物业不管", "物业费乱涨"),
           wrong=("sj", "tq"), group="小区", places="urban"),
    matter("zj.wage_project", "zj", "社会保障/就业创业/欠薪", {P: 9, H: 1}, 9,
           ("{project}拖欠农民工工资", "工地包工头拖欠工资", "在工地务工被拖欠工资{days}"),
           ("来电人和同村十几个人在{project}干活，包工头拖欠三个月工资共约{money}元，一直推说没钱",
            "{builder}承建的{project}，工程完工半年了，还欠二十多个农民工的工资{money}元",
            "来电人在{project}做钢筋工，{name}拖欠工资{money}元，去要钱就躲着不见"),
           ("工地欠我们工钱不给", "{project}欠农民工工资"),
           wrong=("rs",), group="欠薪", alt=(("rs", 0.2),), months=(11, 12, 1)),
    matter("zj.city_light", "zj", "城乡建设/道路交通/路灯", {H: 7, P: 3}, 5,
           ("城区{street}路灯不亮", "{street}一排路灯都坏了", "城区{street}路灯白天亮晚上不亮"),
           ("城区{street}有一段路灯{days}不亮了，晚上散步的人多，黑黢黢的",
            "城区{street}靠近{estate}的一排路灯全部不亮，晚上很不安全",
            "城区{street}的路灯白天开着晚上反而不亮，浪费电"),
           ("{street}路灯不亮", "城里{street}的灯坏了"),
           wrong=("tq", "jt"), group="路灯", places="urban"),
    matter("zj.city_road", "zj", "城乡建设/道路交通/道路破损", {H: 6, P: 4}, 5,
           ("城区{street}人行道破损", "{street}井盖缺失", "城区{street}路面塌陷"),
           ("城区{street}人行道的地砖翘起来、碎了好多，老人走路绊倒过",
            "城区{street}靠{estate}那里有个井盖不见了，晚上很危险",
            "城区{street}路面塌陷一个大坑，车辆绕着走，容易出事"),
           ("{street}井盖没了 危险", "{street}人行道砖烂了"),
           wrong=("jt", "tq"), group="道路", places="urban"),
    matter("zj.gas", "zj", "城乡建设/住房", {C: 4, P: 4, H: 2}, 5,
           ("天然气开户怎么办理", "液化气站缺斤短两", "{estate}燃气管道漏气"),
           ("来电人住在{estate}，询问安装天然气要到哪里申请、开户费多少",
            "来电人在{town}液化气站换的一瓶气，用了不到半个月就没了，怀疑不够秤",
            "{estate}楼下闻到很大的燃气味，怀疑管道漏气，请尽快派人检查"),
           ("天然气咋个开户", "楼下燃气味很大"),
           wrong=("sj",), places="seat"),
    matter("zj.deed_developer", "zj", "城乡建设/住房", {P: 8, C: 2}, 5,
           ("{estate}开发商延期交房", "买房多年办不了房产证", "开发商不退认筹金"),
           ("来电人买了{estate}的房子，合同约定去年底交房，到现在还没交，开发商一直拖",
            "来电人{age}年前在{estate}买的房子，开发商一直没有办理房产证，说手续不全",
            "来电人在{estate}交了认筹金，后来不买了，开发商拖着不退"),
           ("开发商不交房", "买房几年了办不了房产证"),
           wrong=("zr", "sj"), group="房产证", places="urban"),
    matter("zj.site_dust", "zj", "城乡建设/住房", {P: 1}, 5,
           ("{project}工地扬尘严重", "工地夜间施工扰民", "工地渣土车撒漏"),
           ("{project}工地开挖不洒水、不覆盖，风一吹灰尘满天，周边住户都不敢开窗",
            "{project}工地每天晚上施工到十二点以后，打桩声音吵得人睡不着",
            "{project}的渣土车进出不冲洗，泥巴撒了一路，{street}全是泥"),
           ("工地灰太大了", "工地半夜还在施工"),
           wrong=("hb",), group="扬尘", alt=(("hb", 0.15),), places="seat"),
    matter("zj.public_housing", "zj", "城乡建设/住房", {C: 1}, 3,
           ("公租房怎么申请", "廉租房什么时候分配"),
           ("来电人在城区打工，家庭困难，询问申请公租房要什么条件、到哪里报名",
            "来电人前年申请了公租房，一直没有消息，询问什么时候分配"),
           ("公租房咋个申请",),
           wrong=("mz",), places="urban"),
    matter("zj.praise", "zj", "综合/表扬", {E: 1}, 1,
           ("表扬区住建局帮助讨回工程欠薪",),
           ("来电人表扬区住建局，帮他们在{project}讨回了拖欠的工资",),
           wrong=()),

    # ===== 区农业农村局 (nn) =====
    matter("nn.land_subsidy", "nn", "农业农村/惠农补贴/耕地地力保护补贴", {C: 7, P: 3}, 8,
           ("耕地地力保护补贴今年什么时候发", "种粮补贴没有收到", "耕地补贴面积少算了"),
           ("来电人询问今年的耕地地力保护补贴什么时候发、每亩补多少，说去年的补贴好像没有收到",
            "来电人家有{n}亩承包地，今年一卡通里的种粮补贴只按一半面积发的",
            "来电人询问土地流转出去以后，耕地地力保护补贴发给谁"),
           ("耕地补贴咋个还没发", "种粮补贴少了"),
           wrong=("zr", "mz", "town"), group="补贴", months=(4, 5, 6)),
    matter("nn.machine_subsidy", "nn", "农业农村/惠农补贴/农机购置补贴", {C: 8, P: 2}, 5,
           ("买微耕机能不能享受农机购置补贴", "农机补贴申请后一直没到账"),
           ("来电人准备买一台微耕机，询问能否享受农机购置补贴、补多少、要带什么材料",
            "来电人{when}买了一台旋耕机，申请了农机购置补贴，半年了还没到账"),
           ("买农机有补贴没得",),
           wrong=("sj",), months=(2, 3, 4)),
    matter("nn.pest", "nn", "农业农村/农业技术/病虫害防治", {H: 8, S: 2}, 9,
           ("{crop}地出现大面积虫害，请求技术指导", "{village}{crop}得了病", "建议开展果树种植技术培训"),
           ("{village}多户村民的{crop}叶子被虫吃得到处是洞，心叶里有虫粪，担心减产，请农技人员来看看",
            "来电人家的{crop}叶子发黄枯死，一片一片的，不知道是哪样病，打了药也不管用",
            "{village}种{crop}的农户多，建议农业部门到村里讲讲修枝、病虫害防治技术"),
           ("{crop}生虫了 咋个整", "{crop}叶子黄了 请技术员来看"),
           wrong=("zr",), months=(4, 5, 6, 7)),
    matter("nn.vet", "nn", "农业农村/农业技术/畜牧兽医", {H: 8, C: 2}, 8,
           ("家里养的{animal}接连生病，请兽医上门", "{village}{animal}出现疫病", "{animal}打防疫针咨询"),
           ("来电人在{village}养了{n}只{animal}，最近几只拉稀、不吃食，已经死了两只，请兽医上门诊治",
            "{village}好几户的{animal}都病了，发烧不吃东西，村民担心是传染病",
            "来电人询问{animal}的春季防疫什么时候打、村里的防疫员是谁"),
           ("{animal}病了 请兽医", "{animal}死了好几头"),
           wrong=("sj", "wj")),
    matter("nn.fertilizer", "nn", "农业农村/农资/化肥", {P: 1}, 5,
           ("买到的复合肥疑似假货，{crop}苗不长", "化肥质量有问题"),
           ("来电人在集镇农资店买了{n}袋复合肥，施下去后{crop}苗发黄不长，邻居说可能是假肥料",
            "{village}几户人家用了同一个牌子的化肥，{crop}都长得不好，怀疑化肥质量不合格"),
           ("买的化肥是假的", "化肥用了不管用"),
           wrong=("sj",), group="农资", months=(3, 4, 5)),
    matter("nn.seed", "nn", "农业农村/农资/种子", {P: 1}, 4,
           ("买的{crop}种子出苗率低", "种子有质量问题"),
           ("来电人在{town}买的{crop}种子播下去半个月了，出苗不到一半，同村几户都是这种情况",
            "来电人买的{crop}种子，长出来的和包装上的品种完全不一样"),
           ("种子不出苗",),
           wrong=("sj",), months=(3, 4, 5)),
    matter("nn.dead_pigs", "nn", "农业农村/农业技术/畜牧兽医", {R: 6, P: 4}, 3,
           ("有人乱丢病死猪", "河边有死猪"),
           ("{village}河沟边有人丢了好几头死猪，已经发臭了，担心传染病",
            "{village}有养殖户把病死的{animal}随便埋在地边，被狗刨出来了"),
           ("河边丢了死猪 臭得很",),
           wrong=("hb", "town"), alt=(("hb", 0.15),)),
    matter("nn.contract_land", "nn", "自然资源/土地", {C: 5, P: 5}, 5,
           ("土地承包经营权证信息有误", "土地确权面积不对", "承包地被别人占用"),
           ("来电人的土地承包经营权证上面积比实际少了{n}分，名字也写错了，询问怎么更正",
            "来电人家的承包地确权时面积少算，找村里也说不清楚",
            "来电人家的承包地被邻居占种了几年，调解不成，询问怎么办"),
           ("承包地面积算错了",),
           wrong=("zr", "town"), group="建房用地", alt=(("town", 0.15),)),
    matter("nn.quality", "nn", "农业农村/农业技术/病虫害防治", {R: 6, P: 4}, 3,
           ("蔬菜农药残留超标", "有人在菜地里用禁用农药"),
           ("来电人怀疑{village}有人在菜地里用高毒禁用农药，菜拿到集市上卖",
            "来电人在集市买的青菜吃了以后头晕，怀疑农药残留超标"),
           ("有人用禁用农药种菜",),
           wrong=("sj",), group="农资"),
    matter("nn.praise", "nn", "综合/表扬", {E: 1}, 1,
           ("表扬区农技人员上门指导",),
           ("来电人表扬区农业农村局农技人员，到{village}田间地头指导防治{crop}病虫害",),
           wrong=()),

    # ===== 区人力资源和社会保障局 (rs) =====
    matter("rs.pension", "rs", "社会保障/养老保险", {C: 8, P: 2}, 12,
           ("城乡居民养老保险缴费档次和领取标准咨询", "养老金没有按时到账", "养老保险补缴咨询"),
           ("来电人是{town}{village}村民，询问今年城乡居民基本养老保险有哪些缴费档次、在哪里缴，满60岁后每月能领多少钱",
            "来电人父亲今年满60岁，养老保险缴了15年，这个月的养老金还没有打到卡上",
            "来电人之前断缴了几年养老保险，询问能不能补缴、怎么补"),
           ("养老保险交多少档", "养老金这个月没到账"),
           wrong=("mz",)),
    matter("rs.wage", "rs", "社会保障/就业创业/欠薪", {P: 9, H: 1}, 9,
           ("{employer}拖欠工资", "被拖欠工资{days}，老板不给", "辞职后工资不结"),
           ("来电人在{employer}上班，老板已经拖欠了三个月工资共{money}元，一直推说没钱",
            "来电人和另外几个工人在{employer}干活，老板说生意不好，工资拖了{days}不发",
            "来电人从{employer}辞职，老板扣着最后两个月的工资不给"),
           ("老板欠工资不给", "{employer}拖欠工钱"),
           wrong=("zj", "sj"), group="欠薪", months=(11, 12, 1)),
    matter("rs.jobs", "rs", "社会保障/就业创业/就业服务", {C: 7, S: 3}, 7,
           ("有没有离家近的务工岗位和免费培训", "劳务输出招工信息咨询", "职业技能培训报名"),
           ("来电人{age}岁，在家照顾老人，询问{town}附近有没有招工信息，能不能参加免费的技能培训",
            "来电人询问今年有没有组织外出务工的劳务输出，路费有没有补贴",
            "来电人想学电焊，询问区人社局的免费职业技能培训什么时候开班"),
           ("有没有招工的", "想参加技能培训"),
           wrong=("town",)),
    matter("rs.card", "rs", "社会保障/养老保险", {C: 1}, 5,
           ("社保卡丢了怎么补办", "社保卡激活咨询"),
           ("来电人的社保卡丢了，询问到哪里补办、要多久、带什么材料",
            "来电人的新社保卡寄到村里了，询问怎么激活、能不能在手机上办"),
           ("社保卡丢了咋个补",),
           wrong=("wj", "mz")),
    matter("rs.injury", "rs", "社会保障/就业创业/就业服务", {C: 5, P: 5}, 4,
           ("工伤认定怎么申请", "公司不签劳动合同", "工作受伤老板不管"),
           ("来电人在{employer}干活时摔断了腿，老板只给了一点医药费就不管了，询问怎么申请工伤认定",
            "来电人在{employer}上班一年多，公司一直不签劳动合同，也不买社保"),
           ("上班受伤老板不管",),
           wrong=("wj",)),
    matter("rs.startup", "rs", "社会保障/就业创业/就业服务", {C: 1}, 3,
           ("创业担保贷款怎么申请", "返乡创业有什么扶持政策"),
           ("来电人返乡想开个养殖场，询问能不能申请创业担保贷款、额度多少、利息怎么算",
            "来电人询问返乡创业有什么补贴和扶持政策"),
           ("创业贷款咋个申请",),
           wrong=("nn",)),
    matter("rs.praise", "rs", "综合/表扬", {E: 1}, 1,
           ("表扬区人社局帮助讨回工资",),
           ("来电人表扬区劳动保障监察大队，帮他们十几个农民工讨回了被拖欠的工资，赶上了秋收",),
           wrong=()),

    # ===== 区教育体育局 (jy) =====
    matter("jy.enrol", "jy", "教育/招生入学", {C: 9, P: 1}, 8,
           ("孩子今年秋季上一年级需要准备哪些材料", "随迁子女入学咨询", "孩子上初中划片问题"),
           ("来电人孩子满6周岁，户口在{village}，询问到{town}中心学校报名上一年级要带什么材料、什么时候报名",
            "来电人在城区打工，孩子户口在{village}，询问孩子能不能在城区读书",
            "来电人家在{estate}，询问孩子小升初划片到哪个学校，为什么不能就近入学"),
           ("娃娃上一年级要带哪样材料", "孩子读初中分到哪个学校"),
           wrong=("town",), months=(6, 7, 8)),
    matter("jy.aid", "jy", "教育/学生资助", {C: 7, P: 3}, 5,
           ("家庭困难学生能申请哪些资助", "寄宿生生活补助没有发", "营养餐补助问题"),
           ("来电人是脱贫户，孩子在读初中，询问能申请哪些资助",
            "来电人孩子在{town}中心学校寄宿，今年的寄宿生生活补助一直没有发",
            "来电人询问学生营养改善计划的补助是发钱还是学校供餐"),
           ("娃娃的生活补助没发", "困难学生有资助没得"),
           wrong=("mz",), months=(9, 10)),
    matter("jy.canteen", "jy", "教育/校园安全", {P: 1}, 4,
           ("学校食堂饭菜分量少、质量差", "学校食堂卫生差"),
           ("家长反映{town}中心学校食堂饭菜分量少，菜里很少见肉，孩子经常吃不饱",
            "家长反映{village}小学食堂厨房卫生差，{when}孩子吃了饭拉肚子"),
           ("学校食堂饭菜太差",),
           wrong=("sj",)),
    matter("jy.safety", "jy", "教育/校园安全", {P: 6, H: 4}, 4,
           ("孩子在学校被欺负", "校车超载", "学校围墙开裂有安全隐患"),
           ("来电人孩子在{town}中心学校读书，经常被几个高年级学生欺负、要钱，跟老师说了也没用",
            "接送{village}小学学生的面包车每天塞十几个孩子，严重超载",
            "{village}小学的围墙开裂倾斜，下面就是学生活动的地方"),
           ("娃娃在学校被欺负",),
           wrong=("jt", "town")),
    matter("jy.fees", "jy", "教育/招生入学", {P: 7, R: 3}, 4,
           ("学校乱收资料费", "老师有偿补课", "幼儿园收费太高"),
           ("{town}中心学校要求每个学生交两百元资料费，没有收据",
            "{village}小学有老师周末在家里给学生补课，一节课收一百元，不去补课的学生就被冷落",
            "{town}的一家民办幼儿园一学期收费涨到四千多元，还要另交伙食费"),
           ("学校乱收费",),
           wrong=("sj",)),
    matter("jy.sports", "jy", "教育/文体设施", {S: 1}, 3,
           ("建议在{village}活动广场安装健身器材", "健身器材损坏没人修"),
           ("{village}新修了活动广场，但没有健身器材，老人和孩子没地方锻炼，建议配一些",
            "{village}的健身器材坏了好几件，有一个单杠摇摇晃晃的，怕伤到小孩"),
           ("建议装健身器材",),
           wrong=("town",)),
    matter("jy.praise", "jy", "综合/表扬", {E: 1}, 1,
           ("表扬{town}中心学校老师关爱留守儿童",),
           ("来电人表扬{town}中心学校的老师，周末还上门给留守儿童辅导功课",),
           wrong=()),

    # ===== 区卫生健康局 (wj) =====
    matter("wj.vaccine", "wj", "医疗卫生/疫苗接种", {C: 9, P: 1}, 5,
           ("孩子打疫苗的时间和地点咨询", "卫生院疫苗缺货", "老人接种疫苗咨询"),
           ("来电人孩子8个月，询问下一针疫苗什么时候打、在{town}卫生院能不能打",
            "来电人带孩子到{town}卫生院打疫苗，说没货了，让等通知，已经等了{days}",
            "来电人询问{age}岁老人能不能打流感疫苗、收不收费"),
           ("娃娃打疫苗在哪点打",),
           wrong=("town",)),
    matter("wj.service", "wj", "医疗卫生/医疗服务", {P: 1}, 7,
           ("卫生院医生服务态度差", "{town}卫生院看病排队太久", "村卫生室医生经常不在"),
           ("来电人带孩子到{town}卫生院看病，医生不耐烦，问几句就发火，也没解释病情",
            "来电人在{town}卫生院挂号后等了三个多小时，只有一个医生坐诊",
            "{village}卫生室的村医经常不在，老人买个药都找不到人"),
           ("卫生院医生态度太差", "村医经常不在"),
           wrong=("town",)),
    matter("wj.illegal", "wj", "医疗卫生/非法行医", {R: 1}, 3,
           ("举报有人无证行医", "举报游医卖药"),
           ("{village}有个人在家里给人打针输液，没有挂牌也没有资质，之前出过事",
            "{town}街天有个游医摆摊看病卖药，说能治风湿，很多老人上当"),
           ("有人无证行医",),
           wrong=("sj",)),
    matter("wj.rabies", "wj", "医疗卫生/疫苗接种", {H: 1}, 3,
           ("被狗咬伤后卫生院没有狂犬疫苗", "狂犬疫苗接种咨询"),
           ("来电人在{village}被狗咬伤，到{town}卫生院打狂犬疫苗，卫生院说没货，要跑到城里打，很不方便",
            "来电人被邻居家的狗咬了，询问狂犬疫苗要打几针、多少钱"),
           ("被狗咬了 卫生院没得疫苗",),
           wrong=("town", "nn"), group="犬只"),
    matter("wj.family_plan", "wj", "医疗卫生/医疗服务", {C: 1}, 3,
           ("独生子女父母奖励扶助咨询", "出生医学证明补办"),
           ("来电人是独生子女父母，今年满60岁，询问奖励扶助金怎么申请",
            "来电人孩子的出生医学证明丢了，询问到哪里补办"),
           ("独生子女奖励咋个申请",),
           wrong=("mz",)),
    matter("wj.fees", "wj", "医疗卫生/医疗服务", {P: 1}, 3,
           ("医院乱收费", "住院费用报销比例不对"),
           ("来电人父亲在{town}卫生院住院一个星期，清单上有好几项没有做过的检查也收了费",
            "来电人住院出院结算时，报销比例比说好的少很多"),
           ("医院乱收费",),
           wrong=("sj", "rs")),
    matter("wj.praise", "wj", "综合/表扬", {E: 1}, 1,
           ("表扬{town}卫生院医护人员耐心细致",),
           ("来电人表扬{town}卫生院的医生护士，老人住院期间照顾得很细心，出院后还上门随访",),
           wrong=()),

    # ===== 区市场监督管理局 (sj) =====
    matter("sj.food", "sj", "市场监管/食品安全", {P: 7, R: 3}, 10,
           ("在{town}集市买的腊肉有异味", "村里小卖部出售过期食品", "举报餐馆使用来路不明的食用油"),
           ("来电人在{town}集市一个摊位买了2斤腊肉，回家发现有哈喇味、表面发黏，去找摊主不给退",
            "来电人在{shop}给孩子买的饼干已经过期两个月，店里还有其他过期饮料",
            "{town}集镇一家餐馆后厨用的油没有标签，是塑料桶装的，怀疑是地沟油"),
           ("小卖部卖过期食品", "买的腊肉坏了 不给退"),
           wrong=("nn", "wj")),
    matter("sj.price", "sj", "市场监管/价格", {P: 1}, 6,
           ("{town}农资店化肥价格比别处贵很多", "商店不明码标价", "加油站价格不对"),
           ("春耕期间，{town}集镇一家农资店复合肥每袋比城里贵二十多元，而且不明码标价",
            "{town}街上几家商店都不标价，看人要价，外地人去买贵很多",
            "来电人在{town}加油站加油，实际价格比牌子上标的高"),
           ("东西不标价 乱要价",),
           wrong=("nn",)),
    matter("sj.consumer", "sj", "市场监管/消费维权", {P: 1}, 7,
           ("买的电动车质量有问题商家不退", "预付卡商家跑路", "网购退货纠纷"),
           ("来电人在{town}买的电动车骑了一个星期就坏了，商家不给退也不给修",
            "来电人在城区一家理发店办了两千元的会员卡，店突然关门了，老板电话打不通",
            "来电人在{town}手机店买的手机是翻新机，商家不承认"),
           ("买的东西坏了商家不管", "办的卡店关门了"),
           wrong=()),
    matter("sj.license", "sj", "市场监管/证照办理", {C: 1}, 6,
           ("开小吃店要办哪些证", "营业执照变更怎么办理", "个体户注销咨询"),
           ("来电人想在{town}集镇开一家洋芋粑粑小吃店，询问要办哪些证照、去哪里办",
            "来电人的小卖部营业执照地址要变更，询问能不能网上办",
            "来电人的个体工商户不做了，询问怎么注销营业执照"),
           ("开店要办哪样证",),
           wrong=()),
    matter("sj.pesticide", "sj", "农业农村/农资/农药", {R: 1}, 4,
           ("举报农资店销售假冒农药", "买到假农药"),
           ("{town}集镇一家农资店卖的农药包装和正品不一样，价格便宜一半，很多农户用了没效果",
            "来电人买的除草剂打了以后草一点没死，怀疑是假农药"),
           ("买到假农药了",),
           wrong=("nn",), group="农资", alt=(("nn", 0.15),)),
    matter("sj.stall", "sj", "市场监管/价格", {P: 1}, 4,
           ("集市摊贩缺斤短两", "流动摊贩卖无证食品"),
           ("来电人在{town}街天的摊子上买了5斤{crop}，回家一称只有4斤",
            "{town}集镇有流动摊贩卖散装熟食，没有证，也不卫生"),
           ("摊贩缺斤短两",),
           wrong=("town",), group="占道经营", places="seat"),
    matter("sj.pharmacy", "sj", "市场监管/食品安全", {P: 6, R: 4}, 4,
           ("药店卖过期药", "保健品骗老人"),
           ("来电人在{town}一家药店买的感冒药已经过期了",
            "{town}集镇有人开讲座卖保健品，说能治百病，{who}花了{money}元"),
           ("保健品骗老人钱",),
           wrong=("wj",)),
    matter("sj.scale", "sj", "市场监管/价格", {P: 1}, 2,
           ("收购站秤不准", "粮食收购压价扣秤"),
           ("{town}的{crop}收购点秤有问题，来电人在家称好的一百斤到那里只有八十多斤",
            "来电人卖{crop}给收购商，对方的秤少了好多"),
           ("收购的秤不准",),
           wrong=("nn",)),

    # ===== 区自然资源局 (zr) =====
    matter("zr.homestead", "zr", "自然资源/土地/宅基地", {C: 8, P: 2}, 8,
           ("农村宅基地建房审批怎么办理", "建房审批一直没批下来", "分户后能不能申请宅基地"),
           ("来电人在{village}有一块老宅基地，想拆旧房建新房，询问要办哪些手续、到哪里申请",
            "来电人去年就交了建房申请，到现在还没有批下来，房子没法动工",
            "来电人兄弟分家后，询问能不能再申请一块宅基地建房"),
           ("建房要办哪样手续", "宅基地审批咋个还没批"),
           wrong=("zj", "town"), group="建房用地"),
    matter("zr.illegal_land", "zr", "自然资源/土地/违法占地", {R: 1}, 7,
           ("举报有人占用耕地建房", "有人在基本农田挖塘", "非法占地建厂"),
           ("{village}有人在基本农田上打地基建房，已经建到一层，村里没人管",
            "{village}有人用挖机在农田里挖鱼塘，占了好几亩耕地",
            "{village}路边有人占用耕地建了个砂石料场"),
           ("有人占耕地建房", "农田被挖了建厂"),
           wrong=("town", "nn"), group="建房用地"),
    matter("zr.geohazard", "zr", "自然资源/地质灾害", {H: 1}, 6,
           ("{village}后山出现裂缝，担心发生滑坡", "{village}房后山体滑坡", "地质灾害隐患点"),
           ("连续降雨后，{village}后山坡上出现一条几十米长的裂缝，下方有五户人家，村民担心滑坡",
            "{when}下大雨，{village}{grp}房子后面的山垮下来一块，泥巴冲到墙边",
            "{village}那个地灾隐患点的监测桩被冲走了，村民不放心"),
           ("后山裂开了 怕滑坡", "山垮下来了"),
           wrong=("town", "jt"), months=(6, 7, 8, 9)),
    matter("zr.logging", "zr", "自然资源/林业/林木采伐", {R: 7, C: 3}, 5,
           ("举报有人盗伐集体林木", "自家林木采伐证怎么办"),
           ("{village}后山集体林有人在砍松树，用拖拉机运走，已经砍了几十棵",
            "来电人想砍自家山上的几棵杉木盖房子，询问要不要办采伐证、到哪里办"),
           ("有人偷砍树", "砍自家的树要办证不"),
           wrong=("town",)),
    matter("zr.fire", "zr", "自然资源/林业/森林防火", {R: 6, S: 4}, 4,
           ("有人在林区烧荒", "森林防火期有人上坟烧纸"),
           ("{village}有人在山边烧荒，离松林只有几十米，风大的时候很危险",
            "防火期间{village}后山有人上坟烧纸放鞭炮，没人管"),
           ("山边有人烧荒",),
           wrong=("town",), months=(1, 2, 3, 4)),
    matter("zr.deed", "zr", "自然资源/土地", {C: 1}, 6,
           ("不动产登记怎么办理", "农村房屋能不能办房产证", "不动产权证办理进度"),
           ("来电人在{village}的自建房，询问能不能办不动产权证、要什么材料",
            "来电人买的二手房，询问过户办不动产登记要交哪些税费",
            "来电人{days}前交了不动产登记的材料，到现在还没拿到证"),
           ("房产证咋个办", "不动产证办了好久还没拿到"),
           wrong=("zj",), group="房产证"),
    matter("zr.forest_subsidy", "zr", "自然资源/林业", {C: 7, P: 3}, 4,
           ("公益林补偿款没有发", "退耕还林补助咨询"),
           ("来电人家有{n}亩公益林，今年的生态公益林补偿款还没有打到一卡通上",
            "来电人询问退耕还林的补助还有几年、每亩多少钱"),
           ("公益林补偿没发",),
           wrong=("nn",), group="补贴"),
    matter("zr.mining", "zr", "自然资源/土地/违法占地", {R: 1}, 3,
           ("举报非法开采石料", "无证采矿"),
           ("{village}后山有人没有手续私自开山采石，炮声很大，山都挖秃了",
            "{village}有人私挖矿洞，晚上偷偷开采"),
           ("有人私自开山采石",),
           wrong=("hb",), group="扬尘"),

    # ===== 区民政局 (mz) =====
    matter("mz.dibao", "mz", "社会保障/社会救助/最低生活保障", {C: 6, P: 4}, 10,
           ("申请农村低保需要什么条件", "低保被取消了要求说明", "低保评定不公平"),
           ("来电人丈夫因病不能劳动，两个孩子在上学，询问能不能申请低保、到哪里申请",
            "来电人家的低保这个月突然被取消了，没有人通知，也没说原因",
            "来电人认为{village}的低保评定不公平，有的家庭条件好的评上了，困难的没评上"),
           ("低保咋个申请", "低保被取消了"),
           wrong=("rs", "town")),
    matter("mz.elderly_alone", "mz", "社会保障/社会救助/特困供养", {H: 1}, 6,
           ("村里独居老人生活困难，希望给予帮助", "特困供养人员申请", "五保老人无人照顾"),
           ("{village}有一位{age}多岁的独居老人，子女在外地，腿脚不便，房子漏雨，生活比较困难，希望政府帮一帮",
            "来电人的叔叔无儿无女，{age}多岁了，询问怎么申请特困供养",
            "{village}的一位五保老人生病在家，没有人照顾"),
           ("村里老人一个人住 没人管",),
           wrong=("town",)),
    matter("mz.old_age_allowance", "mz", "社会保障/社会救助/高龄补贴", {C: 7, P: 3}, 5,
           ("80岁以上老人高龄津贴怎么领", "高龄补贴停发了"),
           ("来电人父亲今年满80岁，询问高龄津贴怎么申请、每月多少钱",
            "来电人母亲今年{age}岁，高龄补贴从上个月开始就没有发了"),
           ("高龄补贴咋个领", "老人的补贴停了"),
           wrong=("rs",)),
    matter("mz.marriage", "mz", "社会保障/婚姻登记", {C: 1}, 4,
           ("办理结婚登记需要带什么材料", "补领结婚证咨询", "离婚登记预约"),
           ("来电人下个月结婚，询问到哪里办理结婚登记、要带什么材料、周末能不能办",
            "来电人的结婚证丢了，询问补领要带什么",
            "来电人询问协议离婚要不要预约、冷静期多久"),
           ("结婚登记要带哪样",),
           wrong=()),
    matter("mz.nursing_home", "mz", "社会保障/社会救助/特困供养", {C: 6, P: 4}, 4,
           ("老人想住敬老院怎么申请", "养老院收费和服务问题"),
           ("来电人母亲{age}岁，生活不能自理，询问{town}敬老院能不能入住、怎么收费",
            "来电人父亲住在城区一家养老院，护理员不按时给老人翻身，老人身上长了褥疮"),
           ("老人想进敬老院",),
           wrong=("rs", "wj")),
    matter("mz.funeral", "mz", "社会保障/社会救助", {C: 6, P: 4}, 3,
           ("丧葬补助怎么申请", "殡仪馆收费太高", "公墓价格咨询"),
           ("来电人父亲去世了，询问惠民殡葬政策有没有丧葬补助、到哪里申请",
            "来电人家里办丧事，殡仪馆收费项目很多，比公示的高",
            "来电人询问城区公墓一个墓位多少钱"),
           ("丧葬补助咋个申请",),
           wrong=("wj", "sj")),
    matter("mz.temporary", "mz", "社会保障/社会救助", {H: 1}, 4,
           ("家庭突遭变故申请临时救助", "房子失火申请救助"),
           ("来电人丈夫{when}出车祸住院，花了几万元，家里没有收入，询问能不能申请临时救助",
            "来电人家{when}房子失火烧了，一家人没地方住，请求帮助"),
           ("家里出事了 申请救助",),
           wrong=("town",)),
    matter("mz.disability", "mz", "社会保障/社会救助", {C: 7, P: 3}, 3,
           ("残疾人两项补贴怎么申请", "残疾人补贴没有发"),
           ("来电人儿子是二级残疾，询问困难残疾人生活补贴和重度残疾人护理补贴怎么申请",
            "来电人的残疾人护理补贴已经{days}没有发了"),
           ("残疾补贴没发",),
           wrong=("rs", "wj")),
    matter("mz.children", "mz", "社会保障/社会救助", {H: 1}, 2,
           ("留守儿童无人照看", "事实无人抚养儿童救助"),
           ("{village}有两个孩子，父母都在外地打工联系不上，爷爷去世后没人照顾",
            "来电人的侄子父亲去世、母亲离家，询问孩子能不能申请事实无人抚养儿童补助"),
           ("村里娃娃没人管",),
           wrong=("jy", "town")),

    # ===== 区生态环境分局 (hb) =====
    matter("hb.farm_sewage", "hb", "生态环境/污染/水污染", {P: 8, R: 2}, 6,
           ("{village}养猪场粪污直排河沟", "养殖场污水流进农田", "{village}养殖场臭气熏天"),
           ("{village}上游有一家养猪场，粪水直接排到河沟里，下游臭气熏天，村民担心影响饮水和庄稼",
            "{village}的养殖场污水流到下面的农田里，{crop}都被淹死了",
            "{village}{grp}旁边的养牛场粪便乱堆，夏天臭得很，苍蝇多得不得了"),
           ("养猪场粪水排到河里", "养殖场臭得很"),
           wrong=("nn", "sw", "town"), group="污水"),
    matter("hb.factory_sewage", "hb", "生态环境/污染/水污染", {P: 6, R: 4}, 4,
           ("{factory}污水直排", "河水发黑发臭，怀疑有厂偷排"),
           ("{factory}把生产污水直接排到河里，河水都变色了，下游的鱼死了一片",
            "{village}旁边的河水这几天发黑发臭，怀疑上游{factory}晚上偷排污水"),
           ("厂里偷排污水 河水黑了",),
           wrong=("sw",), group="污水"),
    matter("hb.dust", "hb", "生态环境/污染/大气污染", {P: 1}, 5,
           ("{village}附近采石场粉尘污染严重", "{factory}灰尘大", "水泥厂冒黑烟"),
           ("{village}旁边的采石场开采时灰尘很大，附近庄稼和房顶都是一层灰，运输车辆也不遮盖",
            "{factory}生产时粉尘很大，{village}的房顶、菜叶子上全是灰",
            "{factory}烟囱晚上冒黑烟，气味刺鼻"),
           ("采石场灰太大", "厂里冒黑烟"),
           wrong=("zr", "zj"), group="扬尘"),
    matter("hb.factory_noise", "hb", "生态环境/污染/噪声", {P: 1}, 4,
           ("{factory}机器噪音扰民", "{factory}夜间生产噪音大"),
           ("{factory}的破碎机从早响到晚，{village}的村民头都被吵痛了",
            "{factory}晚上也在生产，机器轰隆隆的，附近住户整夜睡不着"),
           ("厂里机器吵得睡不着",),
           wrong=("town",), group="噪声"),
    matter("hb.dumping", "hb", "生态环境/污染/固体废物", {P: 6, R: 4}, 5,
           ("有人在河边倾倒建筑垃圾", "工业废渣乱倒", "有人倾倒医疗废物"),
           ("最近有车辆晚上到{village}河边倾倒建筑垃圾，已经堆了一大片，下雨会冲到河里",
            "{factory}把废渣拉到{village}山沟里倒，堆得像小山",
            "{village}路边发现一堆输液瓶和针头，怀疑是诊所乱倒的医疗废物"),
           ("河边有人倒建筑垃圾", "山沟里倒了好多废渣"),
           wrong=("town", "sw", "zj"), group="垃圾"),
    matter("hb.burning", "hb", "生态环境/污染/大气污染", {P: 6, R: 4}, 3,
           ("有人焚烧废旧轮胎", "露天焚烧垃圾气味刺鼻"),
           ("{village}有人晚上在空地上烧废旧轮胎和电线，黑烟很大，味道刺鼻",
            "{village}附近有人露天焚烧塑料垃圾，整个村子都是臭味"),
           ("有人烧轮胎 臭得很",),
           wrong=("town",), group="垃圾", alt=(("town", 0.2),)),
    matter("hb.water_source", "hb", "生态环境/污染/水污染", {R: 6, P: 4}, 3,
           ("饮用水源地有人放牧洗衣", "水源保护区内有人建养殖场"),
           ("{village}的饮用水源地有人放牛、洗衣服，水都被弄脏了",
            "{village}水源保护区里面有人建了个养鸡场"),
           ("水源地有人放牛",),
           wrong=("sw", "town"), group="污水"),
    matter("hb.oil_fume", "hb", "生态环境/污染/大气污染", {P: 1}, 3,
           ("餐馆油烟扰民", "烧烤店油烟直排"),
           ("城区{street}一家餐馆的油烟管道直接对着住户窗户排，家里全是油烟味",
            "{estate}楼下的烧烤店没有油烟净化器，油烟直接往楼上冒"),
           ("餐馆油烟熏到家里",),
           wrong=("tq", "sj"), group="噪声", alt=(("tq", 0.3),), places="urban"),
    matter("hb.eia", "hb", "生态环境/污染", {C: 1}, 2,
           ("开养殖场要不要办环评", "小作坊环保手续咨询"),
           ("来电人准备在{village}开一个养猪场，询问要不要办环评、怎么办",
            "来电人想开个豆腐加工坊，询问需要办哪些环保手续"),
           ("开养殖场要环评不",),
           wrong=("nn",)),

    # ===== 乡镇/街道 (town: the village's township) =====
    matter("town.streetlight", "town", "城乡建设/道路交通/路灯", {H: 8, P: 2}, 30,
           ("{village}村口路灯不亮", "{village}{grp}路灯坏了", "{village}太阳能路灯不亮", "村里路灯坏了没人修"),
           ("{village}村口到小学路段的路灯坏了一个多星期，晚上学生和老人走路看不清，担心出事",
            "{village}{grp}的几盏太阳能路灯装了不到一年就不亮了",
            "{village}{spot}的路灯{days}没亮了，晚上黑黢黢的"),
           ("{village}路灯不亮", "村里的路灯坏了 没人修", "我们组的灯坏了好久了"),
           wrong=("jt", "zj", "near"), group="路灯", places="any"),
    matter("town.rubbish", "town", "城乡建设/市容环卫/垃圾清运", {H: 7, P: 3}, 30,
           ("{village}垃圾池长期无人清运", "{village}垃圾乱堆乱放", "集镇垃圾桶满了没人收"),
           ("{village}村口的垃圾池已经堆满，半个多月没人拉走，天热发臭，苍蝇多",
            "{village}{spot}垃圾乱堆，下雨污水横流，保洁员不来收",
            "{town}集镇的垃圾桶满了{days}没人收，垃圾散了一地"),
           ("{village}垃圾没人拉 臭死了", "垃圾池满了", "村里垃圾堆成山了"),
           wrong=("hb", "zj", "near"), group="垃圾", places="any"),
    matter("town.noise", "town", "生态环境/污染/噪声", {P: 1}, 12,
           ("{town}集镇烧烤店夜间噪音扰民", "广场舞音响声音太大", "{village}有人办酒席放音响到半夜"),
           ("{town}集镇街边几家烧烤店每天营业到凌晨两三点，喝酒划拳声音很大，周边居民休息不好",
            "{village}活动广场每天晚上跳广场舞，音响开得震天响，到十点多还不停",
            "{village}有人家办酒席，音响开到半夜一两点"),
           ("烧烤店吵到半夜", "广场舞声音太大"),
           wrong=("hb", "sj"), group="噪声", places="any"),
    matter("town.stalls", "town", "城乡建设/市容环卫", {P: 7, S: 3}, 10,
           ("{town}集镇占道经营堵塞交通", "街天摊贩占道", "商铺门前乱堆乱放"),
           ("{town}集镇街天摊贩把摊子摆到马路中间，车过不去，经常堵车",
            "{town}集镇的商铺把货物摆到人行道上，行人只能走马路",
            "{town}集镇有水果摊占道经营，{days}了没人管"),
           ("街上摆摊堵路", "集镇占道经营"),
           wrong=("sj", "jt"), group="占道经营", places="seat"),
    matter("town.toilet", "town", "城乡建设/市容环卫/公共厕所", {S: 6, P: 4}, 4,
           ("建议在{town}集镇增设公共厕所", "公厕脏乱差无人打扫"),
           ("{town}赶集天人很多，集镇只有一个公厕，而且很脏，建议增设并安排人打扫",
            "{village}的公共厕所没有人打扫，门也坏了，臭气熏天"),
           ("公厕太脏了",),
           wrong=("zj",), places="any"),
    matter("town.lane", "town", "城乡建设/道路交通/道路破损", {S: 6, H: 4}, 14,
           ("{village}{grp}串户路泥泞难行", "{village}组道硬化申请", "村内道路损坏"),
           ("{village}{grp}的串户路还是土路，一下雨全是泥巴，老人摔过好几次，希望硬化",
            "{village}{grp}到主路的几百米组道一直没有硬化，车进不去",
            "{village}村里的水泥路被大车压烂了，{days}了没人修"),
           ("村里的路一下雨全是泥", "组道啥时候硬化"),
           wrong=("jt", "near"), group="道路"),
    matter("town.dispute", "town", "综合/其他", {H: 7, P: 3}, 22,
           ("邻里因排水问题发生纠纷", "{village}土地边界纠纷", "邻居建房挡住采光"),
           ("来电人和邻居因为排水沟的事闹了矛盾，邻居把水沟堵了，雨水流进来电人家院子，请村里调解",
            "来电人和{village}{grp}的一户人家因为地界发生争执，多次找村里都没解决",
            "来电人邻居建房超出原来的地基，挡住了来电人家的采光和出路"),
           ("和邻居闹矛盾 请调解", "地界纠纷"),
           wrong=("zr", "near")),
    matter("town.cadre", "town", "综合/其他", {P: 1}, 12,
           ("村干部工作作风粗暴", "村务不公开", "{village}村委会办事找不到人"),
           ("来电人到{village}村委会开证明，村干部态度很差，说了几句就让人走",
            "{village}的村务、财务好几年没有公开，村民不知道集体的钱用到哪里去了",
            "来电人到{village}村委会办事，去了三次都没有人"),
           ("村干部态度太差", "村务不公开"),
           wrong=("mz", "near")),
    matter("town.dogs", "town", "综合/其他", {H: 6, P: 4}, 6,
           ("{village}流浪狗多，咬伤村民", "邻居养狗不拴"),
           ("{village}最近有好几条流浪狗，{when}咬伤了一个小孩，村民出门都害怕",
            "来电人邻居养的大狗不拴绳，经常跑出来追人"),
           ("村里流浪狗咬人",),
           wrong=("nn", "wj"), group="犬只", places="any"),
    matter("town.straw", "town", "生态环境/污染/大气污染", {P: 1}, 3,
           ("有人焚烧秸秆", "{village}田间烧秸秆烟很大"),
           ("{village}田里有人烧秸秆，浓烟飘到公路上，开车都看不见",
            "收完{crop}以后，{village}到处都在烧秸秆，烟熏得人眼睛都睁不开"),
           ("田里烧秸秆烟很大",),
           wrong=("hb",), group="垃圾", months=(9, 10, 11)),
    matter("town.rent", "town", "综合/其他", {P: 1}, 8,
           ("土地流转租金没有兑现", "村集体合作社分红问题"),
           ("来电人家的{n}亩地流转给了{company}农业开发公司，今年的租金到现在还没给",
            "{village}的合作社成立三年了，说好的分红一次都没有发过"),
           ("流转的地租金没给",),
           wrong=("nn", "zr")),
    matter("town.ditch", "town", "水利/河道管理", {H: 1}, 6,
           ("{village}排水沟堵塞雨水淹房", "村内沟渠垮塌"),
           ("{village}{grp}的排水沟被泥沙堵死了，{when}下大雨水漫进了几户人家",
            "{village}村里的沟渠有一段垮了，水冲到路上"),
           ("排水沟堵了 水淹到家里",),
           wrong=("sw", "near"), group="水利设施", alt=(("sw", 0.2),), months=(6, 7, 8)),
    matter("town.water_small", "town", "供水/农村饮水", {H: 1}, 4,
           ("{village}{grp}小水窖的水管坏了", "村里的蓄水池漏水"),
           ("{village}{grp}几户人家共用的小水窖水管坏了，{days}没有水用",
            "{village}的蓄水池漏水，村里管水员说没钱修"),
           ("小水窖的管子坏了",),
           wrong=("sw",), group="水利设施", alt=(("sw", 0.25),)),
    matter("town.estate_neighbour", "town", "综合/其他", {P: 7, H: 3}, 6,
           ("{estate}楼道堆放杂物", "小区有人违规养鸡", "楼上住户漏水不管"),
           ("{estate}有住户把杂物和电动车堆在楼道里，消防通道都堵了，社区也不管",
            "{estate}有住户在绿化带里养鸡种菜，臭得很",
            "来电人家住{estate}，楼上住户家里漏水渗到来电人家天花板，找了几次都不管"),
           ("楼道堆满杂物", "楼上漏水不管"),
           wrong=("zj",), group="小区", alt=(("zj", 0.15),), places="urban"),
    matter("town.illegal_build", "town", "自然资源/土地/违法占地", {R: 6, P: 4}, 6,
           ("{village}有人违章搭建", "集镇有人私自加层"),
           ("{village}有人在公路边搭了一个铁皮棚子，占了公共空地",
            "{town}集镇有户人家私自在房顶加建了两层，没有任何手续"),
           ("有人乱搭乱建",),
           wrong=("zr", "zj"), group="建房用地", alt=(("zr", 0.15),), places="any"),
    matter("town.praise", "town", "综合/表扬", {E: 1}, 6,
           ("表扬{village}村干部帮助销售滞销{crop}", "表扬{town}干部帮群众解决难题"),
           ("来电人表扬{village}村干部：今年{crop}滞销，村干部联系融媒体中心直播带货，帮大家卖出了几万斤",
            "来电人表扬{town}的干部，反映的问题第二天就来现场解决了"),
           wrong=()),
    matter("town.flood_relief", "town", "综合/其他", {C: 6, H: 4}, 5,
           ("{village}防汛安置点在哪里", "村里应急物资发放"),
           ("来电人询问{village}汛期的避险安置点在哪里，遇到险情找谁",
            "来电人家{when}被洪水淹了，询问村里发的救灾物资怎么领"),
           ("避险安置点在哪里",),
           wrong=("mz", "zr"), months=(6, 7, 8)),
    matter("town.certificate", "town", "综合/其他", {C: 5, P: 5}, 8,
           ("村委会不给开证明", "开具家庭困难证明咨询", "{village}开居住证明要跑好几趟"),
           ("来电人孩子上学要开家庭经济困难证明，{village}村委会说要到{town}开，{town}又说要村里先开",
            "来电人询问在外地办事需要的居住证明，村里能不能开、要带什么",
            "来电人为了开一个证明到{village}村委会跑了三趟，每次都说盖章的人不在"),
           ("村里不给开证明", "开证明跑了好几趟"),
           wrong=("mz", "near")),
    matter("town.toilet_reform", "town", "农业农村/惠农补贴", {P: 7, C: 3}, 5,
           ("农村户厕改造补助没有发", "改厕后化粪池没人抽"),
           ("来电人家去年按要求改了卫生厕所，说好的改厕补助到现在都没有发",
            "{village}改厕以后化粪池满了，没有人来抽，粪水漫出来"),
           ("改厕的补助没发",),
           wrong=("nn", "zj"), group="补贴", alt=(("nn", 0.2),)),
    matter("town.resettlement", "town", "城乡建设/住房", {P: 6, C: 4}, 4,
           ("{village}易地搬迁安置点问题", "安置房分配不公"),
           ("来电人是易地搬迁户，搬到{town}集镇安置点后，房子漏水、下水道堵，找安置点管理人员没人管",
            "来电人认为{village}安置房分配不公平，有人分了两套"),
           ("安置点的房子漏水没人管",),
           wrong=("zj",), places="any"),
    matter("town.activity_room", "town", "综合/其他", {P: 6, S: 4}, 4,
           ("{village}活动室被占用", "村文化广场被人堆放杂物"),
           ("{village}的村民活动室被个别人占用堆放粮食，村民想开会都没地方",
            "{village}的文化广场被人堆满了木料和砖头，晚上跳舞的地方都没有了"),
           ("活动广场被人堆满东西",),
           wrong=("jy",)),
)


# --- slots ------------------------------------------------------------------------------------

ROADS = ("县道X0{n2}线", "乡道Y{n3}线", "G{g}国道{town}段", "{town}至{town2}的公路", "通往{village}的通村公路",
         "S{s}省道{town}段", "{town}到城区的公路")
STREETS = ("人民路", "建设路", "文化路", "东风路", "滨河路", "南环路", "北门街", "新华路", "府前街", "环城东路")
ESTATES = ("阳光花园", "锦绣家园", "东城小区", "丽景苑", "翠湖小区", "金桥佳苑", "龙井花园", "滨河新城", "书香门第",
           "西关小区")
SPOTS = ("村口", "小学门口", "村委会旁边", "活动广场边上", "大桥头", "岔路口", "老供销社门口", "水井边", "组上",
         "卫生室旁边", "坡脚", "公路边")
GROUPS = ("一组", "二组", "三组", "四组", "五组", "六组", "七组", "八组")
SURNAMES = "张王李赵刘陈杨黄周吴孙马朱胡何高罗段普尹董邓彭沈余苏雷叶袁潘付姚卢保龙施毕严孔字鲁"
COMPANY_WORDS = ("宏达", "鑫源", "兴旺", "金山", "顺发", "永盛", "华泰", "恒通", "隆鑫", "富民", "云岭", "滇盛")
PROJECTS = ("{town}集镇安置房项目", "{village}易地搬迁安置点", "城区滨河路改造工程", "{town}中心学校教学楼工程",
            "{estate}二期", "{town}卫生院住院楼项目", "{town}农贸市场改造工程", "城区{street}污水管网改造工程",
            "{village}村委会活动场所建设项目", "{town}集镇道路提升工程")
FACTORIES = ("{company}砂石厂", "{company}水泥制品厂", "{company}砖厂", "{company}采石场", "{company}石材加工厂",
             "{company}沥青搅拌站", "{company}屠宰场", "{company}食品厂")
EMPLOYERS = ("{company}食品厂", "城区一家火锅店", "{town}集镇的一家超市", "{company}物流公司", "{company}农业开发公司",
             "{company}家具厂", "一家快递网点", "{company}茶厂", "城区一家酒店", "{company}烤烟收购站")
SHOPS = ("{village}路口的小卖部", "集镇上的一家超市", "{town}街上的一家副食店", "学校对面的小卖部", "{village}的一家小商店")
CROPS = ("玉米", "烤烟", "土豆", "苹果", "花椒", "核桃", "水稻", "小麦", "蚕豆", "辣椒", "魔芋", "中药材")
ANIMALS = ("猪", "黑山羊", "黄牛", "鸡", "羊", "肉牛")
DAYS = ("两天", "三天", "好几天", "一个星期", "一个多星期", "半个月", "二十多天", "一个多月", "两个多月")
WHENS = ("昨天晚上", "前天", "这几天", "上个星期", "今天早上", "前几天", "最近一段时间", "这个月")
AGES = ("65", "70", "72", "78", "80", "83", "86", "90")
MONEY = ("三千多", "五千", "八千多", "一万多", "两万多", "三万", "四万多", "六万多", "八万", "十几万")
PEOPLE = ("来电人", "群众", "村民", "家长", "一位老人", "来电人母亲", "来电人父亲")


class Slots(dict):
    """The values of one ticket's slots, drawn when first used and then the same everywhere in it."""

    def __init__(self, rng, village, town):
        super().__init__(village=village, town=UNIT_NAMES[town])
        self.rng, self.town_key = rng, town

    def __missing__(self, key):
        rng = self.rng
        draw = {
            "town2": lambda: UNIT_NAMES[rng.choice(NEIGHBOURS[self.town_key])],
            "n2": lambda: f"{rng.randint(1, 99):02d}",
            "n3": lambda: f"{rng.randint(1, 999):03d}",
            "g": lambda: rng.choice(("213", "326", "356")),
            "s": lambda: rng.choice(("101", "203", "307")),
            "road": lambda: self.fill(rng.choice(ROADS)),
            "street": lambda: rng.choice(STREETS),
            "estate": lambda: rng.choice(ESTATES),
            "spot": lambda: rng.choice(SPOTS),
            "grp": lambda: rng.choice(GROUPS),
            "company": lambda: rng.choice(COMPANY_WORDS),
            "builder": lambda: rng.choice(COMPANY_WORDS) + rng.choice(("建筑工程有限公司", "建设集团", "劳务有限公司")),
            "project": lambda: self.fill(rng.choice(PROJECTS)),
            "factory": lambda: self.fill(rng.choice(FACTORIES)),
            "employer": lambda: self.fill(rng.choice(EMPLOYERS)),
            "shop": lambda: self.fill(rng.choice(SHOPS)),
            "crop": lambda: rng.choice(CROPS),
            "animal": lambda: rng.choice(ANIMALS),
            "days": lambda: rng.choice(DAYS),
            "when": lambda: rng.choice(WHENS),
            "age": lambda: rng.choice(AGES),
            "money": lambda: rng.choice(MONEY),
            "n": lambda: str(rng.randint(3, 30)),
            "who": lambda: rng.choice(PEOPLE),
            "name": lambda: rng.choice(SURNAMES) + rng.choice(("某", "某某", "老板", "师傅", "包工头")),
        }
        if key not in draw:
            raise KeyError(f"unknown slot {{{key}}}")
        value = draw[key]()
        self[key] = value
        return value

    def fill(self, template):
        return template.format_map(self)


# --- how texts arrive ---------------------------------------------------------------------------

OPENERS = ("喂，你好，", "你好，我想反映个事情，", "喂喂，是热线吗？", "你好你好，", "麻烦问一下，", "喂，我说一下，",
           "你好，我是{town}{village}的，", "我是{village}的村民，", "你好，我姓{surname}，")
FILLERS = ("那个，", "就是说，", "嗯，", "怎么说呢，", "反正就是，", "你听我说，", "这个，", "我跟你讲，")
BACKGROUND = ("我们家就我和老伴在家，娃娃都出去打工了，", "我之前也打过电话，", "我们村里好多人都有意见，",
              "这个事情都说了好久了，", "我也不懂这些政策，", "我年纪大了，耳朵不好，", "我在外地打工，是家里人跟我说的，",
              "村里的人都叫我打这个电话，", "我也是听别人说可以打这个电话，", "我们这里是山区，出门不方便，")
CLOSERS = ("希望你们领导重视一下。", "麻烦你们帮忙问问。", "谢谢你们了。", "你们赶紧派人来看看。", "就这个事，麻烦了。",
           "请尽快给个答复。", "希望政府帮我们解决一下。", "好，就这样，谢谢。")
ASKS = {
    "help": ("请相关部门尽快处理。", "希望尽快派人解决。", "请帮忙协调解决。", "希望尽快处理。"),
    "complaint": ("要求相关部门调查处理。", "希望有关部门给个说法。", "请相关部门核实处理。", "要求整改。"),
    "consultation": ("请相关部门答复。", "希望有人解释一下。", "请告知办理流程。", ""),
    "report": ("请相关部门依法查处。", "希望严肃处理，来电人要求保密。", "请核实查处。"),
    "suggestion": ("希望相关部门采纳。", "请相关部门研究考虑。", ""),
    "praise": ("特此表扬。", "希望转达感谢。", ""),
}
LEADS = ("来电人反映：", "来电人称，", "{who}来电反映，", "", "群众反映：", "来电人来电称：")
NOT_THEIRS = "之前问过{other}，他们说这个不归他们管，"

# colloquial (Yunnan) and typed-in-a-hurry variants
COLLOQUIAL = (("孩子", "娃娃"), ("什么", "哪样"), ("怎么办", "咋个整"), ("怎么", "咋个"), ("没有", "没得"),
              ("垃圾", "渣渣"), ("厕所", "茅厕"), ("不知道", "不晓得"), ("工资", "工钱"),
              ("干活", "做活计"), ("看一下", "瞧一下"), ("非常", "太"), ("一点", "一点点"))
TYPOS = (("反映", "反应"), ("已经", "以经"), ("垃圾", "拉圾"), ("噪音", "燥音"), ("部门", "部们"), ("处理", "处里"),
         ("及时", "即时"), ("维修", "维休"), ("低保", "底保"), ("补贴", "补帖"), ("养殖场", "养植场"), ("路灯", "路登"),
         ("希望", "希旺"), ("一直", "一只"), ("现在", "现再"), ("宅基地", "宅基第"), ("拖欠", "拖歉"),
         ("没有", "木有"), ("什么", "神马"), ("赶紧", "赶进"), ("清理", "清里"), ("污水", "汚水"))

STYLES = (("summary", 44), ("rambling", 12), ("sms", 18), ("web", 14), ("walk_in", 8), ("voicemail", 4))


def _sub(text, pairs, rng, count):
    candidates = [pair for pair in pairs if pair[0] in text]
    for old, new in rng.sample(candidates, min(count, len(candidates))):
        text = text.replace(old, new, 1)
    return text


def _clauses(fact):
    return [part for part in re.split(r"[，。；]", fact) if part]


def kind_of(rng, item, fact):
    """The kind a fact reads as (a question is a consultation…), else one of the matter's kinds."""
    for word, kind in (("表扬", "praise"), ("询问", "consultation"), ("建议", "suggestion")):
        if word in fact and kind in item.kinds:
            return kind
    kinds = {k: w for k, w in item.kinds.items() if k in ("help", "complaint", "report")} or item.kinds
    return rng.choices(list(kinds), weights=list(kinds.values()))[0]


def reserved(item):
    """The index of the fact (and title) kept out of the history, seen only in the test set, or None."""
    return len(item.facts) - 1 if len(item.facts) >= 3 else None


def compose(rng, item, slots, style, index, other_unit=None, *, history=False):
    """(kind, title, description, told) of one ticket of `item` in `style`, telling its fact number `index`
    (`told`: False when an SMS said it in its own short words instead)."""
    fact = slots.fill(item.facts[index])
    kind = kind_of(rng, item, fact)
    same = index < len(item.titles) and rng.random() < 0.85  # the operator's title for this fact
    titles = [t for n, t in enumerate(item.titles) if not (history and n == reserved(item))]
    title = slots.fill(item.titles[index] if same else rng.choice(titles))
    ask = rng.choice(ASKS[kind])
    if style in ("sms", "rambling"):
        fact = fact.replace("来电人", "我")  # the resident's own words
    told = True  # the text tells the fact (an SMS often says it its own short way instead)
    if style == "sms":
        told = not (item.sms and rng.random() < 0.75)
        text = "".join(_clauses(fact)[:2]) if told else slots.fill(rng.choice(item.sms))
        if rng.random() < 0.5:
            text = text.replace("，", " ").replace("。", "")
        if rng.random() < 0.3:
            text = _sub(text, COLLOQUIAL, rng, 2)
        title = text[: rng.randint(10, 18)] if rng.random() < 0.5 else title
        description = text
    elif style == "rambling":
        parts = [slots.fill(rng.choice(OPENERS).replace("{surname}", rng.choice(SURNAMES)))]
        clauses = _clauses(fact)
        if rng.random() < 0.6:
            parts.append(rng.choice(BACKGROUND))
        for clause in clauses:
            if rng.random() < 0.35:
                parts.append(rng.choice(FILLERS))
            parts.append(clause + "，")
        if other_unit and rng.random() < 0.35:
            parts.append(NOT_THEIRS.format(other=other_unit))
        if rng.random() < 0.5:
            parts.append(rng.choice(FILLERS) + "就是" + rng.choice(clauses) + "嘛，")
        if rng.random() < 0.4:
            parts.append(rng.choice(BACKGROUND))
        parts.append(rng.choice(CLOSERS))
        description = "来电人称：" + "".join(parts)
        description = _sub(description, COLLOQUIAL, rng, rng.randint(1, 3))
    elif style == "web":
        description = f"{fact}。" + (f"诉求：{ask}" if ask else "")
    else:  # summary, walk-in, voicemail: the operator's summary
        lead = slots.fill(rng.choice(LEADS if not fact.startswith("来电人") else ("", "", "来电反映：", "热线来电：")))
        if style == "walk_in":
            lead = "来访人反映："
        elif style == "voicemail":
            lead = "语音留言："
        description = f"{lead}{fact}。{ask}"
    if rng.random() < 0.08:
        description = _sub(description, TYPOS, rng, rng.randint(1, 2))
    if rng.random() < 0.03:
        title = _sub(title, TYPOS, rng, 1)
    return kind, title[:200], description, told


# --- time -----------------------------------------------------------------------------------


def _day_weight(day, start_day):
    weight = 1.0 + 0.12 * (day - start_day).days / 365  # growth
    if day.weekday() >= 5:
        weight *= 0.45
    if day.month == 2:
        weight *= 0.7  # Spring Festival
    if day.month in (6, 7, 8, 9):
        weight *= 1.2  # rainy season
    return weight


def moments(rng, count, start, end):
    """`count` aware datetimes between `start` and `end` (dates), sorted, with the hotline's rhythms."""
    from zoneinfo import ZoneInfo

    tz = ZoneInfo("Asia/Shanghai")
    days = [start + dt.timedelta(days=n) for n in range((end - start).days)]
    picked = rng.choices(days, weights=[_day_weight(d, start) for d in days], k=count)
    out = []
    for day in picked:
        hour = rng.choices(range(7, 23), weights=(2, 8, 10, 10, 9, 5, 6, 9, 9, 8, 6, 4, 3, 3, 2, 1))[0]
        out.append(dt.datetime(day.year, day.month, day.day, hour, rng.randint(0, 59), rng.randint(0, 59), tzinfo=tz))
    return sorted(out)


# --- one ticket ----------------------------------------------------------------------------------


def _village(rng, item):
    if item.places == "urban":
        return rng.choice(URBAN)
    if item.places == "seat":
        return rng.choice(SEATS + URBAN)
    town = rng.choices(TOWNSHIP_KEYS, weights=[TOWN_WEIGHT[k] for k in TOWNSHIP_KEYS])[0]
    villages = VILLAGES[town]
    if item.places == "rural":
        villages = [v for v in villages if v.endswith("村")] or villages
    return rng.choice(villages)


def _unit(key, town):
    return town if key == "town" else key


def _wrong(rng, item, right, town):
    """A plausible wrong first unit, never the right one."""
    options = []
    for key in item.wrong:
        if key == "near":
            options.append(rng.choice(NEIGHBOURS[town]))
        else:
            options.append(_unit(key, town))
    options = [key for key in options if key != right]
    if not options:
        departments = [key for key, *_rest in DEPARTMENTS if key != right]
        options = [rng.choice(departments)]
    return rng.choice(options)


def ticket(rng, item, moment, *, history=True):
    """One CSV row (a dict) of `item` received at `moment`; the history never tells the reserved fact."""
    keep_out = reserved(item) if history else None
    index = rng.randrange(len(item.facts) - (keep_out is not None))
    in_town = any(mark in item.facts[index] for mark in ("{estate}", "{street}", "城区"))
    village = rng.choice(URBAN) if in_town else _village(rng, item)
    town = VILLAGE_TOWN[village]
    right = _unit(item.unit, town)
    for key, share in item.alt:  # label noise: the history's own inconsistency
        if rng.random() < share:
            right = _unit(key, town)
            break
    style = rng.choices([s for s, _w in STYLES], weights=[w for _s, w in STYLES])[0]
    misrouted = rng.random() < (MISROUTE_AMBIGUOUS if item.group else MISROUTE_CLEAR)
    first = _wrong(rng, item, right, town) if misrouted else ""
    slots = Slots(rng, village, town)
    other = UNIT_SHORT[first] if first else None
    kind, title, description, told = compose(rng, item, slots, style, index, other_unit=other, history=history)
    keep_village = rng.random() > (0.35 if style == "sms" else 0.1)
    category = item.category if rng.random() > 0.05 else ("综合", "其他")
    outcome = rng.choices([o for o, _w in OUTCOMES], weights=[w for _o, w in OUTCOMES])[0]
    return {
        "created_at": moment.strftime("%Y-%m-%d %H:%M:%S"),
        "title": title,
        "description": description,
        "unit": UNIT_NAMES[right],
        "category": category_text(category),
        "kind": KIND_LABELS[kind],
        "village": village if keep_village else "",
        "outcome": outcome,
        "first_unit": UNIT_NAMES[first] if first else "",
        "matter": item.key,
        "ambiguous": item.group,
        "style": style,
        "novel": "1" if not history and told and index == reserved(item) else "",
    }


def _matter_weight(item, month):
    return item.weight * (3 if month in item.months else 1)


def generate(*, count, seed, start, end, history=True):
    """`count` rows (dicts) received between the dates `start` and `end`, oldest first.

    `history`: the history never tells a matter's reserved fact (see `reserved`); a test set does,
    marked `novel`, to measure phrasings the classifier has never seen."""
    rng = random.Random(seed)
    rows = []
    weights_by_month = {m: [_matter_weight(item, m) for item in MATTERS] for m in range(1, 13)}
    for moment in moments(rng, count, start, end):
        item = rng.choices(MATTERS, weights=weights_by_month[moment.month])[0]
        rows.append(ticket(rng, item, moment, history=history))
    return rows


def periods(end, *, history_days=HISTORY_DAYS, test_days=TEST_DAYS):
    """((history start, history end), (test start, test end)) as dates: the test set comes last."""
    test_start = end - dt.timedelta(days=test_days)
    return (test_start - dt.timedelta(days=history_days), test_start), (test_start, end)


def write(rows, path):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)


def summary(rows):
    """A few counts of the rows, as a dict (printed by the command, used by the bench)."""
    units, groups = {}, {}
    for row in rows:
        units[row["unit"]] = units.get(row["unit"], 0) + 1
        if row["ambiguous"]:
            groups[row["ambiguous"]] = groups.get(row["ambiguous"], 0) + 1
    n = len(rows) or 1
    return {
        "rows": len(rows),
        "first": rows[0]["created_at"] if rows else None,
        "last": rows[-1]["created_at"] if rows else None,
        "misrouted": sum(1 for r in rows if r["first_unit"]),
        "misrouted_share": round(sum(1 for r in rows if r["first_unit"]) / n, 4),
        "ambiguous": sum(1 for r in rows if r["ambiguous"]),
        "ambiguous_share": round(sum(1 for r in rows if r["ambiguous"]) / n, 4),
        "without_village": sum(1 for r in rows if not r["village"]),
        "novel_phrasing": sum(1 for r in rows if r["novel"]),
        "units": dict(sorted(units.items(), key=lambda kv: -kv[1])),
        "ambiguous_groups": dict(sorted(groups.items(), key=lambda kv: -kv[1])),
        "matters": len({r["matter"] for r in rows}),
    }


def check_catalogue():
    """Every matter's category exists in the demo's tree and every unit key is a demo unit."""
    problems = []
    for item in MATTERS:
        if item.category not in CATEGORY_PATHS:
            problems.append(f"{item.key}: category {'/'.join(item.category)} not in load_demo.CATEGORIES")
        for key in (item.unit, *item.wrong, *(k for k, _s in item.alt)):
            if key not in UNIT_NAMES and key not in ("town", "near"):
                problems.append(f"{item.key}: unknown unit key {key}")
        if not item.titles or not item.facts:
            problems.append(f"{item.key}: no titles or facts")
    keys = [item.key for item in MATTERS]
    problems += [f"duplicate matter key {k}" for k in sorted({k for k in keys if keys.count(k) > 1})]
    return problems


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=DEFAULT_TICKETS, help="history rows (default 20000)")
    parser.add_argument("--test", type=int, default=DEFAULT_TEST, help="test rows, later in time (default 2000)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="the history's seed; the test set uses seed+1")
    parser.add_argument("--end", type=dt.date.fromisoformat, default=dt.date.today(),
                        help="the day after the last ticket (default today); the test set is the "
                             f"{TEST_DAYS} days before it, the history the {HISTORY_DAYS} days before those")
    parser.add_argument("--out", default="/tmp/routing_history.csv")
    parser.add_argument("--test-out", default=None, help="default: the --out file's name with _test")
    args = parser.parse_args(argv)
    if args.tickets < 1 or args.test < 0:
        parser.error("--tickets must be at least 1 and --test at least 0")
    problems = check_catalogue()
    if problems:
        raise SystemExit("the catalogue of matters is inconsistent:\n  " + "\n  ".join(problems))
    (h_start, h_end), (t_start, t_end) = periods(args.end)
    history = generate(count=args.tickets, seed=args.seed, start=h_start, end=h_end)
    out = Path(args.out)
    test_out = Path(args.test_out) if args.test_out else out.with_name(out.stem + "_test" + out.suffix)
    write(history, out)
    facts = {"history": {"file": str(out), **summary(history)}}
    if args.test:
        test = generate(count=args.test, seed=args.seed + 1, start=t_start, end=t_end, history=False)
        write(test, test_out)
        facts["test"] = {"file": str(test_out), **summary(test)}
    import json

    print(json.dumps(facts, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
