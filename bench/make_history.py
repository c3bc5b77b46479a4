"""Fill a PostgreSQL database with a large, plausible ticket history for benchmarks.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hotline_bench \\
        .venv/bin/python bench/make_history.py --tickets 1000000 --years 3

The database must hold the demo's reference data and no ticket yet:
`manage.py migrate` then `manage.py load_demo --tickets 0`. Everything is generated
by set-based SQL inside PostgreSQL (INSERT … SELECT over generate_series with random()),
in one transaction on one connection: nothing goes through the ORM per row or through
the workflow (a million tickets through hotline.workflow would take hours).

What is made (see bench/README.md for the shape): tickets over the last `--years`
years with seasonality, weekly rhythm and growth, in every status, channel and kind;
their Assignment rows (lead and co units, returned and re-dispatched rounds, reopened
rounds, extensions), with signing and reply times, the stored working-hour durations and
on-time flags, ratings on the rated round; Reply rows with outcomes; the timeline events;
outbound (and SMS-channel inbound) Message rows; residents; urge counts.

Simplifications, on purpose:
- durations are drawn in working hours and turned into clock time at a flat 4.8 clock
  hours per working hour (7 working hours over a 1.4-day average working day); deadlines use
  the same mapping, so the on-time flags agree with the timestamps, but timestamps are
  not re-derived from the holiday calendar;
- no django-simple-history rows (history tables stay empty for the generated rows);
- no ExtensionRequest/ReturnRequest rows (the extension and the return show on the
  assignment and ticket, and in the events), no sent-back replies, no calls.
Foreign-key triggers are switched off for the load (session_replication_role = replica:
the rows are consistent by construction) and the secondary indexes of the big tables are
dropped and rebuilt afterwards; unique indexes are rebuilt too, which re-checks them.
"""

import argparse
import datetime as dt
import os
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotline.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from hotline.management.commands import load_demo as demo  # noqa: E402
from hotline.models import Category, Pledge, Ticket, Unit, Village  # noqa: E402
from hotline.models.choices import Kind  # noqa: E402

BIG_TABLES = ("hotline_ticket", "hotline_assignment", "hotline_reply", "hotline_ticketevent", "hotline_message",
              "hotline_resident")

KIND_SHARE = {Kind.CONSULTATION: 34, Kind.HELP: 26, Kind.COMPLAINT: 22, Kind.REPORT: 6, Kind.SUGGESTION: 8,
              Kind.PRAISE: 4}
CHANNEL_SHARE = {"phone": 55, "sms": 14, "voicemail": 7, "web": 12, "walk_in": 9, "open311": 2, "pledge_feedback": 1}
# the unit's own pace: (sign factor, reply factor, unsatisfied factor) — units differ, as in life
UNIT_PACE = [(0.55 + 0.95 * ((i * 37) % 21) / 20, 0.86 + 0.26 * ((i * 11) % 21) / 20,
              0.5 + 1.5 * ((i * 13) % 21) / 20) for i in range(64)]
WH = 4.8  # clock hours per working hour (see the module docstring)


def _pick_array(weights, size=1000):
    """An array of `size` keys repeated by weight: a weighted pick is one random subscript in SQL."""
    total = sum(weights.values())
    out = []
    for key, weight in weights.items():
        out += [key] * max(1, round(size * weight / total))
    return out


def reference_data():
    units = {u.name: u.pk for u in Unit.objects.all()}
    keyed = {key: units[name] for key, name, *_ in demo.DEPARTMENTS}
    keyed.update({key: units[name] for key, name, *_ in demo.TOWNSHIPS})
    missing = [k for k, v in keyed.items() if v is None]
    if missing:
        raise SystemExit(f"demo units missing: {missing}; run manage.py load_demo --tickets 0 first")
    categories = {}
    for category in Category.objects.select_related("parent__parent"):
        categories[tuple(c.name for c in category.ancestors(include_self=True))] = category.pk
    User = get_user_model()
    users = {u.username: u.pk for u in User.objects.all()}
    liaison = {keyed[k]: users[f"{k}_liaison"] for k in keyed}
    head = {keyed[k]: users[f"{k}_head"] for k in keyed}
    issues = [*demo.ISSUES, demo.REPORT_ABOUT_TOWN]
    per_kind = {}
    for issue in issues:
        per_kind[issue.kind] = per_kind.get(issue.kind, 0) + 1
    issue_rows, issue_weights = [], {}
    for n, issue in enumerate(issues, start=1):
        issue_rows.append((
            n, issue.kind, categories[issue.category],
            keyed.get(issue.unit), issue.unit == "town", keyed.get(issue.co), issue.co == "town",
            keyed.get(issue.wrong), issue.title, issue.text, issue.reply or "已联系群众，按规定办理并答复。",
            issue.answer, issue.source, issue.urgent, issue.shared, issue.about_town,
        ))
        issue_weights[n] = KIND_SHARE[issue.kind] / per_kind[issue.kind]
    villages = list(Village.objects.select_related("township").order_by("pk"))
    if not villages:
        raise SystemExit("no villages: run manage.py load_demo --tickets 0 first")
    village_rows = [(n, v.pk, v.township_id, v.name, v.township.name) for n, v in enumerate(villages, start=1)]
    # bigger villages call more: weights 1..4 by a fixed pattern
    village_weights = {n: 1 + (n * 7) % 4 for n, *_ in village_rows}
    unit_rows = [(pk, liaison[pk], head[pk], *UNIT_PACE[i]) for i, pk in enumerate(sorted(keyed.values()))]
    return {
        "issues": issue_rows,
        "issue_pick": _pick_array(issue_weights, 2000),
        "villages": village_rows,
        "village_pick": _pick_array(village_weights),
        "units": unit_rows,
        "departments": [keyed[k] for k, *_ in demo.DEPARTMENTS],
        "operators": [users["operator"], users["operator2"]],
        "supervisor": users["supervisor"],
        "system": users.get("hotline-system"),
        "channel_pick": _pick_array(CHANNEL_SHARE),
        "pledges": list(Pledge.objects.order_by("pk").values_list("pk", flat=True)) or [None],
        "invalid": [(c, t, d, r) for c, t, d, r in demo.INVALID_CALLS],
        "emergency": list(demo.EMERGENCIES),
    }


def _array(values, cast):
    return "ARRAY[" + ",".join("NULL" if v is None else str(v) for v in values) + f"]::{cast}[]"


def _text_array(values):
    return "ARRAY[" + ",".join("'" + v.replace("'", "''") + "'" for v in values) + "]::text[]"


def steps(ref, *, tickets, years, now, residents):
    """The SQL, in order: (label, statement)."""
    start = (now - dt.timedelta(days=round(365.25 * years))).date()
    today = now.astimezone(timezone.get_current_timezone()).date()
    midnight = timezone.make_aware(dt.datetime.combine(today, dt.time()))
    frac = max(0.01, (now - midnight).total_seconds() / 86400)
    conf = f"""
        CREATE TEMP TABLE bench_conf AS SELECT
            {tickets}::int AS n, '{now.isoformat()}'::timestamptz AS now, '{start}'::date AS start_day,
            '{today}'::date AS today, {frac}::float8 AS today_frac, {residents}::int AS n_res,
            (SELECT coalesce(max(id), 0) FROM hotline_resident) AS res_base,
            {len(ref['issue_pick'])}::int AS issue_slots, {len(ref['village_pick'])}::int AS village_slots,
            {len(ref['channel_pick'])}::int AS channel_slots,
            {_array(ref['departments'], 'bigint')} AS departments,
            {_array(ref['operators'], 'int')} AS operators,
            {ref['supervisor']}::int AS supervisor, {ref['system'] or 'NULL'}::int AS system_user,
            {_array(ref['pledges'], 'bigint')} AS pledges,
            {len(ref['villages'])}::int AS n_villages,
            {_text_array([t for _c, t, _d, _r in ref['invalid']])} AS invalid_title,
            {_text_array([d for _c, _t, d, _r in ref['invalid']])} AS invalid_text,
            {_text_array([r for _c, _t, _d, r in ref['invalid']])} AS invalid_reason,
            {_text_array([e[0] for e in ref['emergency']])} AS emergency_title,
            {_text_array([e[1] for e in ref['emergency']])} AS emergency_text,
            {_text_array([e[2] for e in ref['emergency']])} AS emergency_service,
            {_text_array([e[3] for e in ref['emergency']])} AS emergency_note,
            {_text_array(demo.UNSATISFIED_REASONS)} AS unsatisfied_reasons,
            {_text_array(demo.PLACE_DETAILS)} AS place_details,
            interval '{WH} hours' AS wh
    """
    yield "configuration", conf
    yield "days", """
        CREATE TEMP TABLE bench_day AS
        WITH w AS (
            SELECT day::date AS day,
                (ARRAY[.85,.75,1.0,1.05,1.05,1.15,1.25,1.2,1.1,.95,.9,.85])[extract(month FROM day)::int]
                * CASE WHEN extract(isodow FROM day) >= 6 THEN .55 ELSE 1 END
                * (1 + .12 * (day::date - c.start_day) / 365.0)
                * (.85 + .3 * random())
                * CASE WHEN day::date = c.today THEN c.today_frac ELSE 1 END AS w
            FROM bench_conf c, generate_series(c.start_day, c.today, interval '1 day') day
        ), cum AS (SELECT day, sum(w) OVER (ORDER BY day) AS cw, sum(w) OVER () AS tw FROM w)
        SELECT day, (floor(c.n * cw / tw) - floor(c.n * coalesce(lag(cw) OVER (ORDER BY day), 0) / tw))::int AS cnt
        FROM cum, bench_conf c
    """
    yield "residents", """
        INSERT INTO hotline_resident (phone, name, created_at, village_id, sms_opt_out)
        SELECT '+8619' || lpad(s.g::text, 9, '0'), s.name, s.created_at, v.id, s.opt_out
        FROM (
            SELECT g, floor(random() * c.village_slots)::int AS vslot,
                CASE WHEN random() < .4
                     THEN (ARRAY['张','王','李','赵','刘','杨','段','普','字','保'])[1 + floor(random() * 10)::int]
                          || (ARRAY['建国','玉芬','志强','秀英','桂兰','海燕','德华','红梅','家富','永贵'])[1 + floor(random() * 10)::int]
                     ELSE '' END AS name,
                c.start_day - (random() * 400)::int AS created_at, random() < .01 AS opt_out
            FROM bench_conf c, generate_series(1, c.n_res) g
        ) s
        JOIN bench_pick p ON p.what = 'village' AND p.slot = s.vslot
        JOIN bench_village v ON v.idx = p.value::int
        WHERE NOT EXISTS (SELECT 1 FROM hotline_resident r WHERE r.phone = '+8619' || lpad(s.g::text, 9, '0'))
        ORDER BY s.g
    """
    yield "resident index", """
        CREATE TEMP TABLE bench_res AS
        SELECT row_number() OVER (ORDER BY id)::int AS idx, id, village_id
        FROM hotline_resident WHERE id > (SELECT res_base FROM bench_conf);
        UPDATE bench_conf SET n_res = (SELECT count(*) FROM bench_res)
    """
    # one row per ticket with its raw draws; created_at from the day's count and a time of day
    yield "ticket draws", """
        CREATE TEMP TABLE bench_t0 AS
        SELECT (d.day + CASE WHEN random() < .85 THEN interval '8 hours' + (random() + random()) * interval '5 hours'
                             ELSE random() * interval '24 hours' END
                      * CASE WHEN d.day = c.today THEN c.today_frac ELSE 1 END) AT TIME ZONE 'Asia/Shanghai' AS created_at,
               random() AS r_iss, random() AS r_chan,
               random() AS r_fate, random() AS r_ans, random() AS r_res, random() AS r_who, random() AS r_vil,
               random() AS r_vil2, random() AS r_co,
               random() AS r_ret, random() AS r_reopen, random() AS r_ext, random() AS r_urge, random() AS r_conf,
               random() AS r_pri, random() AS r_misc, random() AS r_sat, random() AS r_delay
        FROM bench_conf c, bench_day d, generate_series(1, d.cnt) g
    """
    yield "tickets planned", """
        CREATE TEMP TABLE bench_t AS
        WITH base AS (
            SELECT row_number() OVER (ORDER BY t0.created_at)
                       + (SELECT coalesce(max(id), 0) FROM hotline_ticket) AS id, t0.*,
                   CASE WHEN pc.value IN ('phone','sms','voicemail','pledge_feedback') THEN true
                        WHEN pc.value = 'web' THEN t0.r_res < .95
                        WHEN pc.value = 'walk_in' THEN t0.r_res < .85 ELSE t0.r_res < .6 END AS has_resident,
                   1 + floor(t0.r_who * c.n_res)::int AS res_idx,
                   pv.value::int AS vidx, pi.value::int AS iss, pc.value AS channel
            FROM bench_t0 t0 CROSS JOIN bench_conf c
            JOIN bench_pick pv ON pv.what = 'village' AND pv.slot = floor(t0.r_vil2 * c.village_slots)::int
            JOIN bench_pick pi ON pi.what = 'issue' AND pi.slot = floor(t0.r_iss * c.issue_slots)::int
            JOIN bench_pick pc ON pc.what = 'channel' AND pc.slot = floor(t0.r_chan * c.channel_slots)::int
        ), who AS (
            SELECT b.*, r.id AS resident_id,
                   CASE WHEN r.id IS NOT NULL AND b.r_vil < .85 THEN r.village_id ELSE vv.id END AS village_id
            FROM base b
            JOIN bench_village vv ON vv.idx = b.vidx
            LEFT JOIN bench_res r ON b.has_resident AND r.idx = b.res_idx
        ), t AS (
        SELECT w.id, w.created_at, w.channel, w.resident_id, w.village_id, v.township_id AS town, i.idx AS iss,
               w.r_ans, w.r_co, w.r_ret, w.r_reopen, w.r_ext, w.r_urge, w.r_misc, w.r_sat, w.r_delay,
               CASE WHEN w.r_fate < .02 THEN 'invalid'
                    WHEN w.r_fate < .04 AND w.id > 1000 THEN 'duplicate'
                    WHEN w.r_fate < .045 THEN 'emergency'
                    WHEN i.unit_id IS NULL AND NOT i.unit_town THEN 'answered'
                    WHEN i.kind = 'consultation' AND i.answer <> '' AND w.r_ans < .55 THEN 'answered'
                    ELSE 'dispatched' END AS fate,
               i.kind, i.category_id,
               -- townships lead a good share of what they co-handle (the village is theirs)
               CASE WHEN i.unit_town OR (i.co_town AND w.r_co < .6) THEN v.township_id ELSE i.unit_id END AS unit,
               CASE WHEN i.co_town AND w.r_co < .6 THEN i.unit_id
                    WHEN w.r_co >= .8 THEN NULL WHEN i.co_town THEN v.township_id ELSE i.co_unit_id END AS co_raw,
               coalesce(i.wrong_unit_id, c.departments[1 + floor(w.r_misc * 11)::int]) AS wrong_raw,
               CASE WHEN i.about_town THEN v.township_id END AS reported_unit,
               CASE WHEN i.urgent AND w.r_misc < .5 THEN 'urgent' ELSE 'normal' END AS priority,
               (i.kind = 'report' OR w.r_misc > .97) AS confidential,
               replace(replace(i.title, '{village}', v.name), '{town}', v.town_name) AS title,
               replace(replace(i.description, '{village}', v.name), '{town}', v.town_name) AS description,
               replace(replace(i.reply, '{village}', v.name), '{town}', v.town_name) AS reply,
               i.answer, i.source,
               v.town_name || v.name || c.place_details[1 + floor(w.r_delay * 8)::int] AS place
        FROM who w CROSS JOIN bench_conf c
        JOIN bench_issue i ON i.idx = w.iss
        JOIN bench_village v ON v.id = w.village_id
        ), fixed AS (
        SELECT t.*,
            CASE WHEN co_raw = unit THEN NULL ELSE co_raw END AS co,
            CASE WHEN wrong_raw = unit THEN c.departments[1 + (array_position(c.departments, unit) % 11)]
                 ELSE wrong_raw END AS wrong,
            fate = 'dispatched' AND r_ret < .05 AS returned,
            CASE WHEN fate <> 'dispatched' OR resident_id IS NULL THEN 0
                 WHEN r_reopen < .007 THEN 2 WHEN r_reopen < .045 THEN 1 ELSE 0 END AS reopens,
            fate = 'dispatched' AND r_ext < .03 AS extended,
            CASE WHEN fate NOT IN ('dispatched', 'duplicate') THEN 0
                 WHEN r_urge < .01 THEN 3 WHEN r_urge < .03 THEN 2 WHEN r_urge < .08 THEN 1 ELSE 0 END AS urges
        FROM t CROSS JOIN bench_conf c
        )
        SELECT * FROM fixed;
        ALTER TABLE bench_t ADD PRIMARY KEY (id)
    """
    # dispatch rounds: a returned round (wrong unit) first when returned, then 1 + reopens rounds
    yield "rounds drawn", """
        CREATE TEMP TABLE bench_r0 AS
        SELECT t.id AS ticket_id, g AS round, (t.returned AND g = 1) AS ret,
               (NOT (t.returned AND g = 1) AND g < t.returned::int + 1 + t.reopens) AS reopened_after,
               CASE WHEN t.returned AND g = 1 THEN t.wrong ELSE t.unit END AS unit_id,
               CASE WHEN t.returned AND g = 1 THEN NULL ELSE t.co END AS co_unit_id,
               t.created_at, t.kind, t.priority, t.resident_id, t.extended AND g = t.returned::int + 1 + t.reopens AS extended,
               random() AS u_sign, random() AS u_r1, random() AS u_r2, random() AS u_r3, random() AS u_acc,
               random() AS u_rate, random() AS u_rated, random() AS u_sat, random() AS u_gap, random() AS u_ret,
               random() AS u_out, random() AS u_first
        FROM bench_t t, generate_series(1, t.returned::int + 1 + t.reopens) g
        WHERE t.fate = 'dispatched'
    """
    # offsets from the round's own dispatch, in clock hours
    yield "round durations", """
        CREATE TEMP TABLE bench_r1 AS
        WITH d AS (
            SELECT r.*, u.sign_pace, u.reply_pace, u.unsat_pace,
                   CASE WHEN r.kind = 'consultation' THEN 14 ELSE 35 END AS limit_wh, r.priority = 'urgent' AS urgent
            FROM bench_r0 r JOIN bench_unit u ON u.id = r.unit_id
        ), h AS (
            SELECT d.*,
                CASE WHEN urgent THEN -ln(1 - u_sign) * .5 * sign_pace
                     ELSE least(70, -ln(1 - u_sign) * 2.4 * sign_pace) * {wh} END AS sign_h,
                CASE WHEN urgent THEN 24 * (u_r1 + u_r2 + u_r3) / 3 * 1.3 * reply_pace
                     WHEN extended THEN (limit_wh + 35 * (u_r1 + u_r2) / 2 * 1.05) * {wh}
                     ELSE limit_wh * (u_r1 + u_r2 + u_r3) / 3 * 1.3 * reply_pace * {wh} END AS reply_h0,
                CASE WHEN urgent THEN 2 ELSE 7 * {wh} END AS sign_by_h,
                CASE WHEN urgent THEN 24 ELSE limit_wh * {wh} END AS orig_reply_by_h,
                CASE WHEN urgent THEN 2 ELSE 14 * {wh} END AS return_by_h,
                CASE WHEN urgent THEN 1.5 ELSE 3 * {wh} END AS sign_remind_h,
                (.1 + u_acc * 2) * {wh} AS acc_gap_h,
                (resident_id IS NOT NULL AND (reopened_after OR u_rated < .72)) AS rated,
                (.2 + u_rate * 10) * {wh} AS rate_gap_h
            FROM d
        )
        SELECT h.*,
            CASE WHEN extended THEN orig_reply_by_h + 35 * {wh} ELSE orig_reply_by_h END AS reply_by_h,
            greatest(reply_h0, sign_h + .3) AS reply_h,
            CASE WHEN ret THEN (CASE WHEN u_sign < .6 THEN sign_h ELSE 0 END) + (.5 + u_ret * 8) * {wh} END AS ret_h,
            CASE WHEN ret THEN (.3 + u_gap * 3) * {wh} ELSE (.5 + u_gap * 4) * {wh} END AS gap_h
        FROM h
    """.replace("{wh}", str(WH))
    yield "round timeline", """
        CREATE TEMP TABLE bench_r2 AS
        WITH e AS (
            SELECT r.*,
                CASE WHEN ret THEN ret_h ELSE greatest(reply_h, 0) + acc_gap_h + rate_gap_h END AS end_h
            FROM bench_r1 r
        )
        SELECT e.*,
            created_at + (.05 + u_first * 1.5) * interval '{wh} hours'
              + coalesce(sum(end_h + gap_h) OVER (PARTITION BY ticket_id ORDER BY round
                                                 ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) * interval '1 hour'
              AS dispatched_at
        FROM e
    """.replace("{wh}", str(WH))
    yield "rounds as of now", """
        CREATE TEMP TABLE bench_r AS
        WITH a AS (
            SELECT r.ticket_id, r.round, r.ret, r.reopened_after, r.unit_id, r.co_unit_id, r.urgent, r.extended, r.rated,
                r.u_sat, r.u_out, r.unsat_pace, r.u_sign, r.dispatched_at,
                r.dispatched_at + r.sign_by_h * interval '1 hour' AS sign_by,
                r.dispatched_at + r.reply_by_h * interval '1 hour' AS reply_by,
                r.dispatched_at + r.orig_reply_by_h * interval '1 hour' AS original_reply_by,
                r.dispatched_at + r.return_by_h * interval '1 hour' AS return_by,
                r.dispatched_at + r.sign_remind_h * interval '1 hour' AS sign_remind_at,
                r.dispatched_at + (r.reply_by_h - CASE WHEN r.urgent THEN .5 ELSE 4 * {wh} END) * interval '1 hour' AS reply_remind_at,
                CASE WHEN NOT r.ret OR r.u_sign < .6 THEN r.dispatched_at + r.sign_h * interval '1 hour' END AS signed_at0,
                CASE WHEN NOT r.ret THEN r.dispatched_at + r.reply_h * interval '1 hour' END AS replied_at0,
                CASE WHEN NOT r.ret THEN r.dispatched_at + (r.reply_h + r.acc_gap_h) * interval '1 hour' END AS accepted_at0,
                CASE WHEN NOT r.ret AND r.rated THEN r.dispatched_at + (r.reply_h + r.acc_gap_h + r.rate_gap_h) * interval '1 hour' END AS rated_at0,
                CASE WHEN NOT r.ret AND NOT r.rated THEN r.dispatched_at + (r.reply_h + r.acc_gap_h + 21 * {wh}) * interval '1 hour' END AS unrated_close0,
                CASE WHEN r.ret THEN r.dispatched_at + r.ret_h * interval '1 hour' END AS returned_at0,
                round((CASE WHEN r.urgent THEN r.sign_h * 7 / 24 ELSE r.sign_h / {wh} END)::numeric, 2) AS sign_hours,
                round((CASE WHEN r.urgent THEN r.reply_h * 7 / 24 ELSE r.reply_h / {wh} END)::numeric, 2) AS reply_hours,
                r.sign_h <= r.sign_by_h AS signed_on_time0, r.reply_h <= r.reply_by_h AS replied_on_time0,
                lead(r.dispatched_at) OVER (PARTITION BY r.ticket_id ORDER BY r.round) AS next_dispatched_at
            FROM bench_r2 r
        ), b AS (
            SELECT a.*, c.now,
                CASE WHEN signed_at0 <= c.now THEN signed_at0 END AS signed_at,
                CASE WHEN replied_at0 <= c.now THEN replied_at0 END AS replied_at,
                CASE WHEN accepted_at0 <= c.now THEN accepted_at0 END AS accepted_at,
                CASE WHEN rated_at0 <= c.now THEN rated_at0 END AS rated_at,
                CASE WHEN unrated_close0 <= c.now THEN unrated_close0 END AS unrated_closed_at,
                CASE WHEN returned_at0 <= c.now THEN returned_at0 END AS returned_at,
                CASE WHEN next_dispatched_at <= c.now THEN next_dispatched_at END AS next_at
            FROM a, bench_conf c
            WHERE a.dispatched_at <= c.now
        )
        SELECT b.*,
            (next_at IS NULL AND returned_at IS NULL) AS is_current,
            coalesce(next_at, returned_at) AS ended_at,
            CASE WHEN signed_at IS NOT NULL THEN signed_on_time0 END AS signed_on_time,
            CASE WHEN replied_at IS NOT NULL THEN replied_on_time0 END AS replied_on_time,
            CASE WHEN rated_at IS NULL THEN ''
                 WHEN reopened_after THEN 'unsatisfied'
                 WHEN u_sat < .045 * unsat_pace THEN 'unsatisfied'
                 WHEN u_sat < .045 * unsat_pace + .17 THEN 'basically'
                 ELSE 'satisfied' END AS satisfaction,
            CASE WHEN reopened_after THEN (CASE WHEN u_out < .3 THEN 'resolved' WHEN u_out < .75 THEN 'partly' ELSE 'not_resolvable' END)
                 ELSE (CASE WHEN u_out < .78 THEN 'resolved' WHEN u_out < .92 THEN 'partly' ELSE 'not_resolvable' END) END AS outcome
        FROM b
    """.replace("{wh}", str(WH))
    yield "assignment ids", """
        ALTER TABLE bench_r ADD COLUMN id bigint, ADD COLUMN co_id bigint;
        CREATE TEMP TABLE bench_aid AS
        WITH rows AS (
            SELECT ticket_id, round, false AS co, dispatched_at FROM bench_r
            UNION ALL SELECT ticket_id, round, true, dispatched_at FROM bench_r WHERE co_unit_id IS NOT NULL
        )
        SELECT ticket_id, round, co,
               row_number() OVER (ORDER BY dispatched_at, ticket_id, co) + (SELECT coalesce(max(id), 0) FROM hotline_assignment) AS id
        FROM rows;
        UPDATE bench_r r SET id = a.id FROM bench_aid a WHERE NOT a.co AND a.ticket_id = r.ticket_id AND a.round = r.round;
        UPDATE bench_r r SET co_id = a.id FROM bench_aid a WHERE a.co AND a.ticket_id = r.ticket_id AND a.round = r.round;
        CREATE INDEX ON bench_r (ticket_id, round);
        ANALYZE bench_r
    """
    # the ticket as it stands now, from its latest round
    yield "tickets as of now", """
        CREATE TEMP TABLE bench_tk AS
        WITH last AS (
            SELECT DISTINCT ON (ticket_id) * FROM bench_r ORDER BY ticket_id, round DESC
        ), counts AS (
            SELECT ticket_id, greatest(0, count(*) FILTER (WHERE NOT ret) - 1) AS reopen_count FROM bench_r GROUP BY ticket_id
        )
        SELECT t.id, t.fate, t.urges, t.extended, t.created_at,
            CASE WHEN l.ticket_id IS NULL THEN 'new'
                 WHEN l.ret AND l.returned_at IS NOT NULL THEN 'returned'
                 WHEN l.ret THEN CASE WHEN l.signed_at IS NULL THEN 'dispatched' ELSE 'in_progress' END
                 WHEN l.signed_at IS NULL THEN 'dispatched'
                 WHEN l.replied_at IS NULL THEN 'in_progress'
                 WHEN l.rated_at IS NULL AND l.unrated_closed_at IS NULL THEN 'replied'
                 ELSE 'closed' END AS status,
            CASE WHEN l.rated_at IS NOT NULL THEN 'rated' WHEN l.unrated_closed_at IS NOT NULL THEN 'unrated' ELSE '' END
                AS close_reason,
            coalesce(l.rated_at, l.unrated_closed_at) AS closed_at,
            CASE WHEN l.ret THEN NULL ELSE l.accepted_at END AS reply_accepted_at,
            l.ticket_id IS NOT NULL AND NOT (l.ret AND l.returned_at IS NOT NULL) AS held,
            l.unit_id, l.dispatched_at, l.sign_by, l.reply_by, l.signed_at, l.replied_at, l.rated_at, coalesce(l.satisfaction, '') AS satisfaction,
            l.replied_on_time, l.id AS lead_id, coalesce(c.reopen_count, 0) AS reopen_count
        FROM bench_t t
        LEFT JOIN last l ON l.ticket_id = t.id
        LEFT JOIN counts c ON c.ticket_id = t.id
        WHERE t.fate = 'dispatched';
        ALTER TABLE bench_tk ADD PRIMARY KEY (id);
        ANALYZE bench_tk
    """
    yield "hotline_ticket", """
        INSERT INTO hotline_ticket (
            id, number, kind, category_id, channel, title, description, resident_id, village_id, place, priority,
            confidential, reported_unit_id, status, close_reason, lead_unit_id, sign_by, reply_by, dispatched_at,
            signed_at, replied_at, reply_accepted_at, survey_sent_at, closed_at, answer, answer_source,
            answer_guide_id, pledge_id, emergency_service, satisfaction, satisfaction_reason, satisfaction_at,
            supervised, urge_count, supervised_at, merged_into_id, extension_count, reopen_count, created_by_id,
            created_at, public, public_summary, source_system_id, external_id, upstream_reply_by, updated_at)
        SELECT t.id, pg_temp.ticket_number(t.id),
            CASE WHEN t.fate = 'emergency' THEN 'help' ELSE t.kind END,
            CASE WHEN t.fate IN ('invalid', 'emergency') THEN NULL ELSE t.category_id END,
            CASE WHEN t.fate = 'invalid' THEN (CASE WHEN t.channel = 'sms' THEN 'sms' ELSE 'phone' END) ELSE t.channel END,
            CASE WHEN t.fate = 'invalid' THEN c.invalid_title[1 + floor(t.r_misc * array_length(c.invalid_title, 1))::int]
                 WHEN t.fate = 'emergency' THEN replace(replace(
                     c.emergency_title[1 + floor(t.r_misc * array_length(c.emergency_title, 1))::int], '{village}', v.name), '{town}', v.town_name)
                 ELSE t.title END,
            CASE WHEN t.fate = 'invalid' THEN c.invalid_text[1 + floor(t.r_misc * array_length(c.invalid_text, 1))::int]
                 WHEN t.fate = 'emergency' THEN replace(replace(
                     c.emergency_text[1 + floor(t.r_misc * array_length(c.emergency_text, 1))::int], '{village}', v.name), '{town}', v.town_name)
                 ELSE t.description END,
            t.resident_id,
            CASE WHEN t.fate = 'invalid' THEN NULL ELSE t.village_id END,
            CASE WHEN t.fate = 'invalid' THEN '' ELSE t.place END,
            CASE WHEN t.fate = 'emergency' THEN 'urgent' ELSE t.priority END,
            t.confidential, t.reported_unit,
            CASE WHEN t.fate = 'dispatched' THEN k.status ELSE 'closed' END,
            CASE t.fate WHEN 'dispatched' THEN k.close_reason WHEN 'invalid' THEN 'invalid' WHEN 'duplicate' THEN 'duplicate'
                        WHEN 'emergency' THEN 'emergency' ELSE 'answered' END,
            CASE WHEN k.held THEN k.unit_id END,
            CASE WHEN k.held THEN k.sign_by END, CASE WHEN k.held THEN k.reply_by END,
            CASE WHEN k.held THEN k.dispatched_at END,
            CASE WHEN k.held THEN k.signed_at END, CASE WHEN k.held THEN k.replied_at END,
            k.reply_accepted_at,
            CASE WHEN t.resident_id IS NULL THEN NULL WHEN t.fate = 'answered' THEN t.created_at + t.r_delay * interval '20 minutes'
                 ELSE k.reply_accepted_at END,
            CASE t.fate WHEN 'dispatched' THEN k.closed_at
                        WHEN 'duplicate' THEN least(c.now, t.created_at + (.1 + t.r_delay * 2) * c.wh)
                        ELSE least(c.now, t.created_at + t.r_delay * interval '20 minutes') END,
            CASE WHEN t.fate = 'answered' THEN replace(replace(t.answer, '{village}', v.name), '{town}', v.town_name) ELSE '' END,
            CASE WHEN t.fate = 'answered' THEN t.source ELSE '' END,
            NULL,
            CASE WHEN t.channel = 'pledge_feedback' THEN c.pledges[1 + floor(t.r_ans * array_length(c.pledges, 1))::int] END,
            CASE WHEN t.fate = 'emergency' THEN c.emergency_service[1 + floor(t.r_misc * array_length(c.emergency_service, 1))::int] ELSE '' END,
            CASE WHEN t.fate = 'dispatched' THEN k.satisfaction
                 WHEN t.fate = 'answered' AND t.resident_id IS NOT NULL AND t.r_sat < .45
                      AND t.created_at + (.5 + t.r_sat * 8) * c.wh <= c.now THEN
                     (CASE WHEN t.r_sat < .01 THEN 'unsatisfied' WHEN t.r_sat < .065 THEN 'basically' ELSE 'satisfied' END)
                 ELSE '' END,
            CASE WHEN (t.fate = 'dispatched' AND k.satisfaction = 'unsatisfied') OR (t.fate = 'answered' AND t.r_sat < .01)
                 THEN c.unsatisfied_reasons[1 + floor(t.r_co * array_length(c.unsatisfied_reasons, 1))::int] ELSE '' END,
            CASE WHEN t.fate = 'dispatched' THEN k.rated_at
                 WHEN t.fate = 'answered' AND t.resident_id IS NOT NULL AND t.r_sat < .45
                      AND t.created_at + (.5 + t.r_sat * 8) * c.wh <= c.now THEN t.created_at + (.5 + t.r_sat * 8) * c.wh END,
            coalesce(k.held AND (k.replied_on_time = false OR (k.replied_at IS NULL AND k.reply_by < c.now)), false),
            t.urges,
            CASE WHEN k.held AND (k.replied_on_time = false OR (k.replied_at IS NULL AND k.reply_by < c.now)) THEN k.reply_by END,
            CASE WHEN t.fate = 'duplicate' THEN t.id - 1 - floor(t.r_ans * 200)::int END,
            CASE WHEN t.extended AND k.held AND k.status <> 'new' THEN 1 ELSE 0 END,
            coalesce(k.reopen_count, 0),
            CASE WHEN t.channel IN ('phone', 'walk_in') THEN c.operators[1 + floor(t.r_delay * 2)::int]
                 WHEN t.channel = 'open311' THEN NULL ELSE c.system_user END,
            t.created_at, false, '', NULL, '', NULL,
            greatest(t.created_at, k.dispatched_at, k.signed_at, k.replied_at, k.reply_accepted_at, k.closed_at)
        FROM bench_t t CROSS JOIN bench_conf c
        JOIN bench_village v ON v.id = t.village_id
        LEFT JOIN bench_tk k ON k.id = t.id
        ORDER BY t.id
    """
    yield "hotline_assignment", """
        INSERT INTO hotline_assignment (
            id, ticket_id, unit_id, role, round, is_current, handler_id, dispatched_at, dispatched_by_id, sign_by, reply_by,
            original_reply_by, return_by, sign_remind_at, reply_remind_at, signed_at, signed_by_id, replied_at,
            returned_at, ended_at, sign_hours, reply_hours, signed_on_time, replied_on_time, outcome, satisfaction,
            rated_at, urge_count, sign_reminded_at, reply_reminded_at, sign_escalated_at, reply_escalated_at)
        SELECT r.id, r.ticket_id, r.unit_id, 'lead', r.round, r.is_current,
            CASE WHEN r.signed_at IS NOT NULL THEN u.liaison END, r.dispatched_at,
            c.operators[1 + floor(r.u_out * 2)::int], r.sign_by, r.reply_by, r.original_reply_by, r.return_by,
            r.sign_remind_at, r.reply_remind_at, r.signed_at, CASE WHEN r.signed_at IS NOT NULL THEN u.liaison END,
            r.replied_at, r.returned_at, r.ended_at,
            CASE WHEN r.signed_at IS NOT NULL THEN r.sign_hours END, CASE WHEN r.replied_at IS NOT NULL THEN r.reply_hours END,
            r.signed_on_time, r.replied_on_time, CASE WHEN r.replied_at IS NOT NULL THEN r.outcome ELSE '' END,
            r.satisfaction, r.rated_at,
            CASE WHEN r.is_current OR (r.round = m.last_round) THEN t.urges ELSE 0 END,
            CASE WHEN r.sign_remind_at <= c.now AND (r.signed_at IS NULL OR r.signed_at > r.sign_remind_at)
                      AND (r.ended_at IS NULL OR r.ended_at > r.sign_remind_at) THEN r.sign_remind_at END,
            CASE WHEN r.reply_remind_at <= c.now AND (r.replied_at IS NULL OR r.replied_at > r.reply_remind_at)
                      AND NOT r.ret AND (r.ended_at IS NULL OR r.ended_at > r.reply_remind_at) THEN r.reply_remind_at END,
            CASE WHEN r.sign_by <= c.now AND (r.signed_at IS NULL OR r.signed_at > r.sign_by)
                      AND (r.ended_at IS NULL OR r.ended_at > r.sign_by) THEN r.sign_by END,
            CASE WHEN r.reply_by <= c.now AND (r.replied_at IS NULL OR r.replied_at > r.reply_by)
                      AND NOT r.ret AND (r.ended_at IS NULL OR r.ended_at > r.reply_by) THEN r.reply_by END
        FROM bench_r r CROSS JOIN bench_conf c
        JOIN bench_unit u ON u.id = r.unit_id
        JOIN bench_t t ON t.id = r.ticket_id
        JOIN (SELECT ticket_id, max(round) AS last_round FROM bench_r GROUP BY ticket_id) m ON m.ticket_id = r.ticket_id
        UNION ALL
        SELECT r.co_id, r.ticket_id, r.co_unit_id, 'co', r.round, r.is_current, NULL, r.dispatched_at,
            c.operators[1 + floor(r.u_out * 2)::int], r.sign_by, r.reply_by, r.original_reply_by, r.return_by,
            r.sign_remind_at, r.reply_remind_at, NULL, NULL, NULL, NULL, r.ended_at, NULL, NULL, NULL, NULL, '', '', NULL, 0,
            NULL, NULL, NULL, NULL
        FROM bench_r r CROSS JOIN bench_conf c
        WHERE r.co_unit_id IS NOT NULL
        ORDER BY 1
    """
    yield "hotline_reply", """
        INSERT INTO hotline_reply (ticket_id, assignment_id, text, outcome, outcome_reason, contact_method, contacted_at,
            call_id, replied_by_id, created_at, review_status, reviewed_by_id, reviewed_at, review_note)
        SELECT r.ticket_id, r.id, t.reply, r.outcome,
            CASE WHEN r.outcome = 'not_resolvable' THEN '该诉求不符合现行政策规定，已向群众做好解释。' ELSE '' END,
            CASE WHEN t.confidential THEN 'via_operator' WHEN r.u_sat < .7 THEN 'phone' WHEN r.u_sat < .85 THEN 'visit'
                 WHEN r.u_sat < .93 THEN 'sms' ELSE 'via_operator' END,
            greatest(r.dispatched_at, r.replied_at - (r.replied_at - r.dispatched_at) * r.u_out * .5),
            NULL, u.liaison, r.replied_at,
            CASE WHEN r.accepted_at IS NOT NULL THEN 'accepted' ELSE 'pending' END,
            CASE WHEN r.accepted_at IS NOT NULL THEN c.operators[1 + floor(r.u_sign * 2)::int] END,
            r.accepted_at, ''
        FROM bench_r r CROSS JOIN bench_conf c
        JOIN bench_t t ON t.id = r.ticket_id
        JOIN bench_unit u ON u.id = r.unit_id
        WHERE r.replied_at IS NOT NULL
        ORDER BY r.replied_at
    """
    yield "hotline_ticketevent", """
        INSERT INTO hotline_ticketevent (ticket_id, action, actor_id, actor_unit_id, note, public, created_at)
        SELECT ticket_id, action, actor, unit, note, public, at FROM (
            SELECT t.id AS ticket_id, 'receive' AS action, tk.created_by_id AS actor, NULL::bigint AS unit,
                   '' AS note, true AS public, t.created_at AS at
            FROM bench_t t JOIN hotline_ticket tk ON tk.id = t.id
            UNION ALL
            SELECT tk.id, CASE tk.close_reason WHEN 'invalid' THEN 'invalid' WHEN 'duplicate' THEN 'merge'
                                                 WHEN 'emergency' THEN 'emergency' ELSE 'answer' END,
                   c.operators[1 + (tk.id % 2)::int], NULL,
                   CASE tk.close_reason WHEN 'answered' THEN tk.answer WHEN 'emergency' THEN tk.emergency_service ELSE '' END,
                   tk.close_reason <> 'invalid', tk.closed_at
            FROM hotline_ticket tk CROSS JOIN bench_conf c
            WHERE tk.close_reason IN ('invalid', 'duplicate', 'emergency', 'answered')
            UNION ALL
            SELECT r.ticket_id, CASE WHEN r.round > 1 AND NOT p.ret THEN 'reopen' ELSE 'dispatch' END,
                   c.operators[1 + floor(r.u_out * 2)::int], NULL, '', true, r.dispatched_at
            FROM bench_r r CROSS JOIN bench_conf c
            LEFT JOIN bench_r p ON p.ticket_id = r.ticket_id AND p.round = r.round - 1
            UNION ALL
            SELECT r.ticket_id, 'sign', u.liaison, r.unit_id, '', false, r.signed_at
            FROM bench_r r JOIN bench_unit u ON u.id = r.unit_id WHERE r.signed_at IS NOT NULL
            UNION ALL
            SELECT r.ticket_id, 'return_request', u.liaison, r.unit_id, '不属于本单位职责范围，申请退回。', false,
                   r.returned_at - interval '1 hour' * r.u_out
            FROM bench_r r JOIN bench_unit u ON u.id = r.unit_id WHERE r.returned_at IS NOT NULL
            UNION ALL
            SELECT r.ticket_id, 'return_approve', c.supervisor, NULL, '', false, r.returned_at
            FROM bench_r r CROSS JOIN bench_conf c WHERE r.returned_at IS NOT NULL
            UNION ALL
            SELECT r.ticket_id, 'reply', u.liaison, r.unit_id, '', false, r.replied_at
            FROM bench_r r JOIN bench_unit u ON u.id = r.unit_id WHERE r.replied_at IS NOT NULL
            UNION ALL
            SELECT r.ticket_id, 'review_accept', c.operators[1 + floor(r.u_sign * 2)::int], NULL, '', false, r.accepted_at
            FROM bench_r r CROSS JOIN bench_conf c WHERE r.accepted_at IS NOT NULL
            UNION ALL
            SELECT r.ticket_id, 'satisfaction', NULL, NULL, r.satisfaction, true, r.rated_at
            FROM bench_r r WHERE r.rated_at IS NOT NULL
            UNION ALL
            SELECT r.ticket_id, 'close', NULL, NULL, '', true, coalesce(r.rated_at, r.unrated_closed_at)
            FROM bench_r r WHERE r.rated_at IS NOT NULL OR r.unrated_closed_at IS NOT NULL
            UNION ALL
            SELECT k.id, 'extension_approve', c.supervisor, NULL, '', true, k.dispatched_at + (k.reply_by - k.dispatched_at) * .3
            FROM bench_tk k CROSS JOIN bench_conf c
            WHERE k.extended AND k.held AND k.dispatched_at + (k.reply_by - k.dispatched_at) * .3 <= c.now
            UNION ALL
            SELECT k.id, 'urge', NULL, NULL, '群众再次来电催办。', false,
                   k.created_at + (coalesce(k.closed_at, c.now) - k.created_at) * (g / (k.urges + 1.0))
            FROM bench_tk k CROSS JOIN bench_conf c, generate_series(1, k.urges) g WHERE k.urges > 0
            UNION ALL
            SELECT tk.id, 'supervise', c.system_user, NULL, '', false, tk.supervised_at
            FROM hotline_ticket tk CROSS JOIN bench_conf c
            WHERE tk.supervised AND tk.supervised_at <= c.now
        ) e
        ORDER BY at
    """
    yield "hotline_message", """
        INSERT INTO hotline_message (provider, external_id, direction, phone, resident_id, recipient_user_id, ticket_id,
            template, params, body, segments, media, in_reply_to_id, status, error_code, status_updated_at, attempts,
            next_attempt_at, lease_until, error, created_at, sent_at, called_by_id, called_at)
        SELECT 'twilio', CASE WHEN m.direction = 'in' THEN 'SMi' ELSE 'SMo' END || md5(m.ticket_id::text || m.template || m.at::text),
            m.direction, r.phone, m.resident_id, NULL, m.ticket_id,
            CASE WHEN m.direction = 'in' THEN '' ELSE m.template END,
            CASE WHEN m.direction = 'in' THEN '{}'::jsonb ELSE jsonb_build_object('number', m.number) END,
            m.body, CASE WHEN length(m.body) > 70 THEN 2 ELSE 1 END, '[]'::jsonb, NULL,
            CASE WHEN m.direction = 'in' THEN 'received' WHEN r.sms_opt_out AND m.template <> 'received' THEN 'skipped'
                 WHEN m.u < .92 THEN 'delivered' WHEN m.u < .96 THEN 'sent' WHEN m.u < .985 THEN 'undelivered' ELSE 'failed' END,
            CASE WHEN m.direction = 'out' AND m.u >= .96 THEN '30003' ELSE '' END,
            CASE WHEN m.direction = 'out' THEN m.at + interval '8 seconds' END,
            CASE WHEN m.direction = 'out' THEN CASE WHEN m.u >= .985 THEN 5 ELSE 1 END ELSE 0 END,
            NULL, NULL, CASE WHEN m.direction = 'out' AND m.u >= .985 THEN 'gateway error' ELSE '' END,
            m.at, CASE WHEN m.direction = 'out' AND m.u < .985 THEN m.at + interval '2 seconds' END, NULL, NULL
        FROM (
            SELECT tk.id AS ticket_id, tk.resident_id, tk.number, 'in' AS direction, 'inbound' AS template,
                   tk.description AS body, tk.created_at AS at, 0.0 AS u
            FROM hotline_ticket tk WHERE tk.channel = 'sms' AND tk.resident_id IS NOT NULL
            UNION ALL
            SELECT tk.id, tk.resident_id, tk.number, 'out', 'received',
                   '已受理您的诉求，工单号' || tk.number || '。回复“CX ' || tk.number || '”查询进度。',
                   tk.created_at + interval '3 seconds', random()
            FROM hotline_ticket tk WHERE tk.resident_id IS NOT NULL AND tk.close_reason <> 'invalid'
               
            UNION ALL
            SELECT tk.id, tk.resident_id, tk.number, 'out', 'answered', '工单' || tk.number || '答复：' || left(tk.answer, 40),
                   tk.closed_at + interval '3 seconds', random()
            FROM hotline_ticket tk WHERE tk.resident_id IS NOT NULL AND tk.close_reason = 'answered'
               
            UNION ALL
            SELECT r.ticket_id, t.resident_id, tk.number, 'out', 'dispatched',
                   '工单' || tk.number || '已转' || un.name || '办理，将于' || to_char(r.reply_by AT TIME ZONE 'Asia/Shanghai', 'MM月DD日') || '前答复您。',
                   r.dispatched_at + interval '3 seconds', random()
            FROM bench_r r JOIN bench_t t ON t.id = r.ticket_id JOIN hotline_ticket tk ON tk.id = r.ticket_id
            JOIN hotline_unit un ON un.id = r.unit_id
            WHERE t.resident_id IS NOT NULL AND r.round = 1
            UNION ALL
            SELECT r.ticket_id, t.resident_id, tk.number, 'out', 'survey',
                   '请评价工单' || tk.number || '的办理：回复1满意，2基本满意，3不满意。',
                   r.accepted_at + interval '3 seconds', random()
            FROM bench_r r JOIN bench_t t ON t.id = r.ticket_id JOIN hotline_ticket tk ON tk.id = r.ticket_id
            WHERE t.resident_id IS NOT NULL AND r.accepted_at IS NOT NULL
        ) m
        JOIN hotline_resident r ON r.id = m.resident_id
        ORDER BY m.at
    """


NUMBER_FUNCTION = """
CREATE FUNCTION pg_temp.ticket_number(id bigint) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    -- hotline.numbers: 7 digits (a bijection of the id below 9,000,000) and a Damm check digit
    t int[] := ARRAY[0,3,1,7,5,9,8,6,4,2, 7,0,9,2,1,5,4,8,6,3, 4,2,0,6,8,7,1,3,5,9, 1,7,5,0,9,8,3,4,2,6,
                     6,1,2,3,0,4,5,9,7,8, 3,6,7,4,2,0,9,5,8,1, 5,8,6,9,7,2,0,1,3,4, 8,9,4,5,3,6,2,0,1,7,
                     9,4,3,8,6,1,7,2,0,5, 2,5,8,1,4,3,6,7,9,0];
    base text := (1000000 + (id * 7919) % 9000000)::text;
    interim int := 0;
BEGIN
    FOR i IN 1..7 LOOP
        interim := t[interim * 10 + substr(base, i, 1)::int + 1];
    END LOOP;
    RETURN base || interim::text;
END $$
"""


def drop_indexes(cursor):
    """Drop the big tables' indexes that back no constraint; return their definitions to rebuild."""
    cursor.execute(
        """
        SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
        FROM pg_index i
        WHERE i.indrelid::regclass::text = ANY(%s)
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
        """,
        [list(BIG_TABLES)],
    )
    found = cursor.fetchall()
    for name, _definition in found:
        cursor.execute(f"DROP INDEX {name}")
    return [definition for _name, definition in found]


def check_columns(cursor, plan):
    """Fail early and clearly if a model gained a NOT NULL column without a default that we do not fill."""
    problems = []
    for _label, sql in plan:
        if "INSERT INTO hotline_" not in sql:
            continue
        table, columns = sql.split("INSERT INTO ", 1)[1].split("(", 1)
        filled = {c.strip() for c in columns.split(")", 1)[0].split(",")}
        cursor.execute(
            """SELECT column_name FROM information_schema.columns
               WHERE table_name = %s AND is_nullable = 'NO' AND column_default IS NULL AND is_identity = 'NO'""",
            [table.strip()],
        )
        problems += [f"{table.strip()}.{c}" for (c,) in cursor.fetchall() if c not in filled and c != "id"]
    if problems:
        raise SystemExit(f"the schema has NOT NULL columns this generator does not fill: {problems}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--years", type=float, default=3)
    parser.add_argument("--residents", type=int, default=0, help="default: a quarter of the tickets")
    parser.add_argument("--seed", type=float, default=0.2021, help="setseed() value in -1..1")
    args = parser.parse_args()

    if connection.vendor != "postgresql":
        raise SystemExit("make_history needs PostgreSQL: set DATABASE_URL=postgres://… (SQLite is refused)")
    if Ticket.objects.count() > 100:  # the demo's reference data brings a pledge-feedback ticket or so
        raise SystemExit("this database already holds tickets: use a fresh database (see bench/README.md)")
    now = timezone.now().replace(microsecond=0)
    residents = args.residents or max(100, args.tickets // 4)
    ref = reference_data()
    plan = list(steps(ref, tickets=args.tickets, years=args.years, now=now, residents=residents))
    started = time.monotonic()

    def log(label, since):
        print(f"{label:<24} {time.monotonic() - since:7.1f} s", flush=True)

    with transaction.atomic(), connection.cursor() as cursor:
        check_columns(cursor, plan)
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute("SET LOCAL temp_buffers = '512MB'")
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        cursor.execute("SET LOCAL max_parallel_maintenance_workers = 0")
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if cursor.fetchone()[0]:
            # rows are consistent by construction; deferred FK checks on millions of rows would queue millions of triggers
            cursor.execute("SET LOCAL session_replication_role = replica")
        else:
            print("note: not a superuser, foreign keys are checked during the load (slower)")
        cursor.execute("SELECT setseed(%s)", [args.seed])
        cursor.execute(NUMBER_FUNCTION)
        cursor.execute(
            "CREATE TEMP TABLE bench_issue (idx int, kind text, category_id bigint, unit_id bigint, unit_town bool,"
            " co_unit_id bigint, co_town bool, wrong_unit_id bigint, title text, description text, reply text,"
            " answer text, source text, urgent bool, shared bool, about_town bool)"
        )
        cursor.executemany("INSERT INTO bench_issue VALUES (" + ",".join(["%s"] * 16) + ")", ref["issues"])
        cursor.execute(
            "CREATE TEMP TABLE bench_village (idx int, id bigint, township_id bigint, name text, town_name text)"
        )
        cursor.executemany("INSERT INTO bench_village VALUES (%s, %s, %s, %s, %s)", ref["villages"])
        cursor.execute(
            "CREATE TEMP TABLE bench_unit (id bigint, liaison int, head int, sign_pace float8, reply_pace float8,"
            " unsat_pace float8)"
        )
        cursor.executemany("INSERT INTO bench_unit VALUES (%s, %s, %s, %s, %s, %s)", ref["units"])
        cursor.execute("CREATE TEMP TABLE bench_pick (what text, slot int, value text, PRIMARY KEY (what, slot))")
        cursor.executemany(
            "INSERT INTO bench_pick VALUES (%s, %s, %s)",
            [(what, slot, str(value)) for what in ("issue", "village", "channel")
             for slot, value in enumerate(ref[f"{what}_pick"])],
        )
        cursor.execute("ANALYZE bench_pick")
        since = time.monotonic()
        definitions = drop_indexes(cursor)
        log(f"dropped {len(definitions)} indexes", since)
        for label, sql in plan:
            since = time.monotonic()
            for statement in filter(None, (s.strip() for s in sql.split(";\n"))):
                cursor.execute(statement)
                # temp tables are never auto-analyzed, and fresh rows have no statistics: plan the next step on facts
                made = re.match(r"(?:CREATE TEMP TABLE|INSERT INTO) (\w+)", statement)
                if made:
                    cursor.execute(f"ANALYZE {made.group(1)}")
            log(label, since)
        since = time.monotonic()
        for definition in definitions:
            cursor.execute(definition)
        log("indexes rebuilt", since)
        for table in ("hotline_ticket", "hotline_assignment", "hotline_reply", "hotline_ticketevent",
                      "hotline_message", "hotline_resident"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT coalesce(max(id), 1) FROM {table}))"
            )
    since = time.monotonic()
    with connection.cursor() as cursor:
        for table in BIG_TABLES:
            cursor.execute(f"VACUUM (ANALYZE) {table}")
    log("vacuum analyze", since)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM hotline_ticket), (SELECT count(*) FROM hotline_assignment),"
            " (SELECT count(*) FROM hotline_reply), (SELECT count(*) FROM hotline_ticketevent),"
            " (SELECT count(*) FROM hotline_message), (SELECT count(*) FROM hotline_resident)"
        )
        counts = cursor.fetchone()
    print("tickets {:,} · assignments {:,} · replies {:,} · events {:,} · messages {:,} · residents {:,}".format(*counts))
    print(f"total {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
