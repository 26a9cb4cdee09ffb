def handler(event, context):
    # A non-proxy integration: the event is what the request template made.
    name = event.get("name") or "nobody"
    if name == "missing":
        raise Exception("NotFound: no one called " + name)
    return {"greeting": "hello " + name, "stage": event.get("stage"), "body": event.get("body")}
