"""The search page: one box over the cases, notes, tasks and evidence files the person's
agency may see (``cases.search`` applies the policy inside the query)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cases import search as case_search


@login_required
@require_GET
def search(request):
    text = request.GET.get("q", "")
    error = ""
    hits = []
    if len(text) > case_search.MAX_QUERY_LENGTH:
        error = f"Searches are limited to {case_search.MAX_QUERY_LENGTH} characters."
    elif text.strip():
        hits = case_search.search(request.user, text)
    return render(
        request,
        "frontend/search.html",
        {"q": text[: case_search.MAX_QUERY_LENGTH], "hits": hits, "error": error},
        status=400 if error else 200,
    )
