"""Open311 services: the hotline's 事项分类 (Category tree) as GeoReport service types.

Service codes (why):
- every category is a service; its code is the category's id as a string ("12"). Ids never
  change, while names are edited and repeat under different parents ("其他"), and Chinese
  names make poor slugs. A deactivated category is no longer offered (GET services, POST)
  but its code still names the service of the requests filed under it;
- "general" (其他事项) is the service of tickets without a category, and lets a client
  file a request when no category fits: the operator categorises it at dispatch;
- `service_name` is the category's full path ("城乡建设 › 道路 › 路灯"), unique and
  readable; `group` is the top of its tree ("城乡建设"), which is what GeoReport's group
  clusters; `keywords` are the names along the path;
- the ticket kind (咨询/求助/投诉/建议/表扬) is not a service but an attribute of every
  service (its service definition, hence `metadata` true), because any kind can concern
  any category; a kind a client leaves out is 求助. Reports (举报) cannot be filed through
  Open311: a reporter's identity must never pass through a third-party client, so they
  are asked to call the hotline. A second attribute lets the resident ask for
  confidentiality (units then never see their name or phone).
"""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Max
from django.utils.translation import gettext as _

from hotline.models import Category
from hotline.models.choices import Kind

GENERAL = "general"
OPEN311_KINDS = (Kind.CONSULTATION, Kind.HELP, Kind.COMPLAINT, Kind.SUGGESTION, Kind.PRAISE)
DEFAULT_KIND = Kind.HELP


@dataclass(frozen=True)
class Service:
    code: str
    name: str
    group: str
    keywords: tuple
    active: bool
    category_id: int | None

    def as_open311(self):
        return {
            "service_code": self.code,
            "service_name": self.name,
            "description": _("事项分类：%(name)s") % {"name": self.name} if self.category_id else
            _("没有合适分类的诉求，由热线话务员分类后派单。"),
            "metadata": True,
            "type": response_type(),
            "keywords": ", ".join(self.keywords),
            "group": self.group,
        }


def response_type():
    """"realtime" (POST answers with the service_request_id) or "batch" (with a token)."""
    return "batch" if settings.OPEN311.get("RESPONSE_TYPE") == "batch" else "realtime"


class Catalogue:
    """Every category, loaded in one query, with its path: what the Open311 views need of them."""

    def __init__(self):
        rows = {pk: (name, parent_id, active) for pk, name, parent_id, active in
                Category.objects.values_list("pk", "name", "parent_id", "is_active")}
        self._by_code = {}
        for pk, (name, _parent, active) in rows.items():
            path, node, seen = [], pk, set()
            while node is not None and node in rows and node not in seen:  # a cycle cannot hang us
                seen.add(node)
                path.append(rows[node][0])
                node = rows[node][1]
            path.reverse()
            self._by_code[str(pk)] = Service(
                code=str(pk), name=" › ".join(path), group=path[0], keywords=tuple(path), active=active, category_id=pk,
            )
        self._by_code[GENERAL] = Service(
            code=GENERAL, name=_("其他事项"), group=_("其他事项"), keywords=(_("其他"),), active=True, category_id=None,
        )

    def offered(self):
        """The services a client may file requests for: active categories by path, then "general"."""
        found = sorted((s for s in self._by_code.values() if s.active and s.category_id), key=lambda s: s.name)
        return found + [self._by_code[GENERAL]]

    def get(self, code, *, offered_only=True):
        service = self._by_code.get((code or "").strip())
        if service is None or (offered_only and not service.active):
            return None
        return service

    def for_category(self, category_id):
        return self._by_code.get(str(category_id)) if category_id is not None else self._by_code[GENERAL]


def definition(service):
    """The service definition: the attributes a POST may carry (the same for every service)."""
    return {
        "service_code": service.code,
        "attributes": [
            {
                "variable": True,
                "code": "kind",
                "datatype": "singlevaluelist",
                "required": False,
                "datatype_description": _("不填为“求助”"),
                "order": 1,
                "description": _("诉求类型。举报请直接拨打热线，以保护举报人。"),
                "values": [{"key": kind.value, "name": str(kind.label)} for kind in OPEN311_KINDS],
            },
            {
                "variable": True,
                "code": "confidential",
                "datatype": "singlevaluelist",
                "required": False,
                "datatype_description": _("不填为“否”"),
                "order": 2,
                "description": _("群众要求保密：承办单位看不到其姓名和电话，工单也不会公开。"),
                "values": [{"key": "false", "name": _("否")}, {"key": "true", "name": _("是")}],
            },
        ],
    }


def changeset():
    """When the services last changed (GeoReport discovery's changeset): the latest category edit."""
    return Category.history.aggregate(latest=Max("history_date"))["latest"]
