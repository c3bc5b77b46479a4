"""A paginator for lists that can hold a million rows (issue 9, docs/performance.md).

Django's Paginator counts every matching row to number the pages: at a million tickets that count
alone took 150 ms, and a search's count read the whole table. CappedPaginator counts at most
`cap` + 1 rows (SELECT COUNT(*) FROM (… LIMIT cap + 1)), which stops as soon as that many are
found; beyond it the list says "more than cap" and the pages stop there: narrow the filters, or
export (the export has no cap).
"""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

LIST_COUNT_CAP = 1000


class CappedPaginator(Paginator):
    def __init__(self, object_list, per_page, *, cap=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = LIST_COUNT_CAP if cap is None else cap

    @cached_property
    def _found(self):
        # unordered: the scan stops at the cap-th match, where a sort would read every match first
        return self.object_list.order_by()[: self.cap + 1].count()

    @property
    def count(self):
        """The number of rows, at most `cap` (the pages go that far)."""
        return min(self._found, self.cap)

    @property
    def capped(self):
        """More rows match than the list shows."""
        return self._found > self.cap
