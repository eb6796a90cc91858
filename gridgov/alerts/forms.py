"""The rule form: the fields a page shows, turned into a definition (and back for editing).

The definition's own parser checks the result; its problems name definition fields
("scope.radius_m"), which are the form's field names too, so each shows under its input.
"""


def _list(post, name) -> list[str]:
    if hasattr(post, "getlist"):
        return [v for v in post.getlist(name) if v]
    value = post.get(name) or []
    return value if isinstance(value, list) else [value]


def _words(text) -> list[str]:
    return [w for w in (text or "").replace("，", ",").replace(" ", ",").split(",") if w]


def _number(text):
    """A number if the text is one, else the text itself, for the parser to refuse."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        return text
    return int(value) if value.is_integer() else value


def definition_from_form(post) -> dict:
    condition = post.get("condition.type", "")
    definition = {
        "signals": {
            "sources": _list(post, "signals.sources"),
            "kinds": _words(post.get("signals.kinds")),
        },
        "condition": {"type": condition},
        "scope": {"type": post.get("scope.type", "")},
        "filing": post.get("filing") or "ignore",
        "action": {"type": post.get("action.type", "")},
    }
    c = definition["condition"]
    for name in ("at_least", "at_most", "minutes", "max_gap_minutes"):
        value = _number(post.get(f"condition.{name}"))
        if value is not None:
            c[name] = value
    if condition == "repeated":
        c["rules"] = [_number(r) for r in _list(post, "condition.rules")]
    unit, amount = post.get("window.unit", ""), _number(post.get("window.amount"))
    if unit in ("day", "week", "month"):
        definition["window"] = {"calendar": unit}
    elif unit in ("minutes", "days") and amount is not None:
        definition["window"] = {unit: amount}
    s = definition["scope"]
    kinds = _list(post, "scope.target_kinds")
    if kinds:
        s["target_kinds"] = kinds
    for name in ("radius_m", "lon", "lat"):
        value = _number(post.get(f"scope.{name}"))
        if value is not None:
            s[name] = value
    start, end = post.get("time_of_day.from", ""), post.get("time_of_day.to", "")
    if start or end:
        definition["time_of_day"] = {"from": start, "to": end}
    a = definition["action"]
    if a["type"] == "inspection":
        a["scenario"] = post.get("action.scenario", "")
    elif a["type"] == "event":
        a["category"] = post.get("action.category", "")
        a["priority"] = post.get("action.priority") or "normal"
        a["level"] = post.get("action.level") or "town"
    return definition


def form_from_definition(d: dict) -> dict:
    """The form's values for a stored definition (the inverse of `definition_from_form`)."""
    signals, c, s = d.get("signals", {}), d.get("condition", {}), d.get("scope", {})
    window, hours, a = d.get("window") or {}, d.get("time_of_day") or {}, d.get("action", {})
    if "calendar" in window:
        unit, amount = window["calendar"], ""
    elif "minutes" in window:
        unit, amount = "minutes", window["minutes"]
    elif "days" in window:
        unit, amount = "days", window["days"]
    else:
        unit, amount = "", ""
    return {
        "signals.sources": signals.get("sources", []),
        "signals.kinds": ", ".join(signals.get("kinds", [])),
        "condition.type": c.get("type", ""),
        "condition.at_least": c.get("at_least", ""),
        "condition.at_most": c.get("at_most", ""),
        "condition.minutes": c.get("minutes", ""),
        "condition.max_gap_minutes": c.get("max_gap_minutes", ""),
        "condition.rules": [str(r) for r in c.get("rules", [])],
        "window.unit": unit,
        "window.amount": amount,
        "scope.type": s.get("type", ""),
        "scope.target_kinds": s.get("target_kinds", []),
        "scope.radius_m": s.get("radius_m", ""),
        "scope.lon": s.get("lon", ""),
        "scope.lat": s.get("lat", ""),
        "time_of_day.from": hours.get("from", ""),
        "time_of_day.to": hours.get("to", ""),
        "filing": d.get("filing", "ignore"),
        "action.type": a.get("type", ""),
        "action.scenario": a.get("scenario", ""),
        "action.category": a.get("category", ""),
        "action.priority": a.get("priority", "normal"),
        "action.level": a.get("level", "town"),
    }
