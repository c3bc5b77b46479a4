"""A labelled history written straight into the tables (hundreds of tickets in well under a second), for
the training tests: each ticket closed, with one lead round that was replied and not returned."""

import datetime as dt
import itertools
import random

from hotline.models import Assignment, Ticket
from hotline.models.choices import AssignmentRole, Channel, CloseReason, Kind, Outcome, Status
from tests.conftest import at

MATTERS = {
    "roads": ["公路坑洼不平", "桥梁栏杆损坏", "客运班车停运", "公交站牌倒了", "道路塌方影响通行", "农村公路路面破损"],
    "water": ["自来水停水", "水管爆裂漏水", "河道堵塞", "饮水水质浑浊", "水库渗水", "灌溉水渠垮塌"],
    "town": ["低保申请进度", "村里垃圾没人清运", "邻里宅基地纠纷", "村委会公示不及时", "养老保险缴费", "残疾人补贴"],
}
PLACES = ["石门村", "青山镇", "河湾组", "新街口", "老街", "学校门口", "集市旁边", "三组"]
ASKS = ["请尽快处理", "希望有人来看看", "已经好几天了", "影响出行", "群众意见很大", ""]


def bulk_history(units, *, per_unit=80, start=None, seed=1, matters=MATTERS):
    """`per_unit` closed tickets for each key of `matters` (a key of `units`), spread over the days
    after `start`, in a random order; returns the tickets."""
    rng = random.Random(seed)
    start = start or at(2026, 1, 5, 9, 0)
    plan = [(key, text) for key, texts in matters.items() for text in itertools.islice(itertools.cycle(texts), per_unit)]
    rng.shuffle(plan)
    tickets = []
    for i, (key, matter) in enumerate(plan):
        moment = start + dt.timedelta(hours=3 * i)
        tickets.append(Ticket(
            number=f"{9_000_000 + i + seed * 10_000:08d}", kind=Kind.HELP, channel=Channel.PHONE,
            title=f"{rng.choice(PLACES)}{matter}", description=f"{matter}，{rng.choice(ASKS)}",
            status=Status.CLOSED, close_reason=CloseReason.RATED, lead_unit=units[key], created_at=moment,
            dispatched_at=moment, replied_at=moment, closed_at=moment,
        ))
    Ticket.objects.bulk_create(tickets)
    Assignment.objects.bulk_create([
        Assignment(
            ticket=ticket, unit=ticket.lead_unit, role=AssignmentRole.LEAD, round=1, is_current=False,
            dispatched_at=ticket.created_at, sign_by=ticket.created_at, reply_by=ticket.created_at,
            original_reply_by=ticket.created_at, return_by=ticket.created_at, sign_remind_at=ticket.created_at,
            reply_remind_at=ticket.created_at, signed_at=ticket.created_at, replied_at=ticket.created_at,
            ended_at=ticket.created_at, outcome=Outcome.RESOLVED,
        )
        for ticket in tickets
    ])
    return tickets
