import json

import greet


def handler(event, context):
    return {"statusCode": 200, "body": json.dumps({"greeting": greet.greeting()})}
