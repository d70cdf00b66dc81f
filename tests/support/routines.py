"""Own routines through the Flask client: copy a routine, give it a plan, start that plan."""

from tests.support.programs import TODAY


def customise(client, routine_id="microcurrent-standard"):
    """Copy a catalog routine into the user's own; the copy's URL."""
    response = client.post("/routines/copy", data={"routine_id": routine_id})
    assert response.status_code == 303
    return response.headers["Location"]


def plan(client, routine_url, **form):
    """Post a plan for an own routine (daily and ongoing unless `form` says otherwise); the response."""
    data = {"name": "My lift", "p1_kind": "per_week", "p1_per_week": "7", "p1_length": "ongoing", "p2_kind": "none"}
    return client.post(f"{routine_url}/plan", data=data | form)


def start(client, app, location, device_id="microcurrent", **extra):
    """Post the start form at `location`, every safety question "no", starting today; the response."""
    device = app.extensions["catalog"].devices[device_id]
    form = {f"q_{q.id}": "no" for q in device.questions} | {"start_day": TODAY.isoformat()} | extra
    return client.post(location, data=form)
