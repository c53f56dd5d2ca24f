"""Status views on the streams worker's web server: a case and its timeline; ratings."""

from __future__ import annotations

import json
from typing import Any

import faust
from faust.web import Request, Response, View

from streams.case.state import CaseState


def case_view(state: CaseState) -> dict[str, Any]:
    """What an applicant or official may see: no form values, no material addresses."""
    return {
        "case_id": state.case_id,
        "bundle": {"code": state.bundle_code, "name": state.bundle_name},
        "region": state.region,
        "catalogue_version": state.catalogue_version,
        "lead_department": state.lead_department,
        "phase": state.phase.value,
        "submitted_at": state.submitted_at.isoformat(),
        "finished_at": state.finished_at.isoformat() if state.finished_at else None,
        "items": {
            code: {"name": state.plan[code].name, "department": state.plan[code].department,
                   "status": run.status.value, "attempt": run.attempt, "reason": run.reason}
            for code, run in state.runs.items()
        },
        "refusal": state.refusal,
        "rating": state.rating,
        "timeline": [entry.model_dump(mode="json") for entry in state.timeline],
    }  # fmt: skip


def register_views(app: faust.App, cases: Any, ratings: Any) -> None:
    """GET /cases/{case_id}/ (routed to the worker that owns the key) and GET /ratings/."""

    @app.page("/cases/{case_id}/")
    class CaseStatus(View):
        @app.table_route(table=cases, match_info="case_id")
        async def get(self: View, request: Request, *args: Any, **params: Any) -> Response:
            case_id = str(params.get("case_id") or request.match_info["case_id"])
            raw = cases.get(case_id.encode())
            if raw is None:
                return self.json({"error": f"no case {case_id}"}, status=404)
            return self.json(case_view(CaseState.model_validate_json(raw)))

    @app.page("/ratings/")
    class Ratings(View):
        async def get(self, request: Request) -> Response:
            totals = {key.decode(): json.loads(raw) for key, raw in ratings.items()}
            return self.json(totals)
