"""Pages of a long list for the roles' pages: `?page=N`, the filters kept in the links
(`templates/accounts/roles/_pager.html`)."""

from __future__ import annotations

from django.core.paginator import Page, Paginator

PAGE_SIZE = 50


def page_of(request, items, size: int = PAGE_SIZE) -> Page:
    """The asked-for page (a number out of range or not a number gives the nearest), with
    `numbers`: the page numbers to link, gaps elided."""
    paginator = Paginator(items, size)
    page = paginator.get_page(request.GET.get("page"))
    page.numbers = list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
    return page
