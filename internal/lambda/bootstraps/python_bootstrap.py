# iamgate's Python runtime bootstrap: the Lambda Runtime API client loop that
# the python3.x base images run (awslambdaric), written for iamgate. iamgate
# starts it with a local python3; it imports the function's handler from
# LAMBDA_TASK_ROOT, then serves invocations one at a time over the Runtime API
# at AWS_LAMBDA_RUNTIME_API. Standard library only.
import importlib
import json
import logging
import os
import socket
import sys
import time
import traceback

ERROR_CONTENT_TYPE = "application/vnd.aws.lambda.error+json"
_request_id = ""


class RuntimeClient:
    """HTTP/1.1 over one kept-alive connection to iamgate's Runtime API, as
    AWS's runtime clients keep one: a new connection and urllib's header
    parsing per call cost more than the invocation itself. The server is
    iamgate's own and answers with Content-Length (chunked is read too).
    AWS_LAMBDA_RUNTIME_API is "host:port" or "host:port/prefix"."""

    def __init__(self, api):
        hostport, _, prefix = api.partition("/")
        host, _, port = hostport.rpartition(":")
        self.addr = (host, int(port))
        self.host = hostport
        self.base = ("/" + prefix if prefix else "") + "/2018-06-01/runtime"
        self.sock = None
        self.rfile = None

    def close(self):
        if self.sock is not None:
            try:
                self.rfile.close()
                self.sock.close()
            except OSError:
                pass
        self.sock = self.rfile = None

    def request(self, method, path, body=None, headers=()):
        lines = ["%s %s%s HTTP/1.1" % (method, self.base, path), "Host: " + self.host]
        lines.extend("%s: %s" % kv for kv in headers)
        if body is not None:
            lines.append("Content-Length: %d" % len(body))
        data = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (body or b"")
        while True:
            reused = self.sock is not None
            if not reused:
                sock = socket.create_connection(self.addr)
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                self.sock, self.rfile = sock, sock.makefile("rb")
            try:
                self.sock.sendall(data)
                return self._response()
            except (OSError, EOFError, ValueError):
                self.close()
                if not reused:  # a fresh connection failed: iamgate is gone
                    raise
                # the kept connection was closed under us: one new one

    def _response(self):
        status_line = self.rfile.readline(65537)
        if not status_line:
            raise EOFError("runtime API closed the connection")
        status = int(status_line.split(None, 2)[1])
        headers = {}
        while True:
            line = self.rfile.readline(65537)
            if not line:
                raise EOFError("runtime API closed the connection")
            if line in (b"\r\n", b"\n"):
                break
            name, _, value = line.partition(b":")
            try:
                value = value.strip().decode("utf-8")
            except UnicodeDecodeError:
                value = value.strip().decode("latin-1")
            headers[name.strip().decode("latin-1").lower()] = value
        if headers.get("transfer-encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline(65537).split(b";", 1)[0], 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunks.append(self._read(size))
                self.rfile.readline(65537)
            body = b"".join(chunks)
        else:
            body = self._read(int(headers.get("content-length", "0")))
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, headers, body

    def _read(self, n):
        b = self.rfile.read(n)
        if len(b) != n:
            raise EOFError("runtime API closed the connection")
        return b


_client = RuntimeClient(os.environ["AWS_LAMBDA_RUNTIME_API"])


def post(path, body, content_type="application/json", error_type=None):
    headers = [("Content-Type", content_type)]
    if error_type:
        headers.append(("Lambda-Runtime-Function-Error-Type", error_type))
    try:
        status, _, resp = _client.request("POST", path, body, headers)
    except (OSError, EOFError, ValueError):
        sys.exit(1)
    if status >= 400:
        sys.stderr.write("[ERROR] runtime API %s: %d %s\n" % (path, status, resp.decode("utf-8", "replace")))
        if status >= 500:
            sys.exit(1)


def make_error(message, error_type, stack, request_id=""):
    return {
        "errorMessage": message or "",
        "errorType": error_type or "",
        "requestId": request_id or "",
        "stackTrace": stack or [],
    }


def fault(exc, request_id=""):
    """The error document of an exception, without this file's frames."""
    frames = traceback.extract_tb(exc.__traceback__)
    frames = [f for f in frames if f.filename != __file__]
    return make_error(str(exc), type(exc).__name__, traceback.format_list(frames), request_id)


def log_error(err):
    # One log event: Lambda splits output on "\n" only, so the runtime joins
    # the lines of an error with "\r".
    lines = ["[ERROR] %s: %s" % (err["errorType"], err["errorMessage"])]
    if err.get("stackTrace"):
        lines.append("Traceback (most recent call last):")
        lines.extend(s.rstrip("\n") for s in err["stackTrace"])
    sys.stdout.write("\r".join("\n".join(lines).split("\n")) + "\n")
    sys.stdout.flush()


class InitError(Exception):
    def __init__(self, err):
        super().__init__(err["errorMessage"])
        self.err = err


def load_handler(handler):
    try:
        modname, fname = handler.rsplit(".", 1)
    except ValueError as e:
        raise InitError(make_error("Bad handler '%s': %s" % (handler, e), "Runtime.MalformedHandlerName", []))
    modname = modname.replace("/", ".")
    try:
        module = importlib.import_module(modname)
    except ImportError as e:
        raise InitError(make_error("Unable to import module '%s': %s" % (modname, e), "Runtime.ImportModuleError", []))
    except SyntaxError as e:
        raise InitError(make_error("Syntax error in module '%s': %s" % (modname, e), "Runtime.UserCodeSyntaxError",
                                   traceback.format_exception_only(type(e), e)))
    except Exception as e:
        raise InitError(fault(e))
    fn = getattr(module, fname, None)
    if fn is None:
        raise InitError(make_error("Handler '%s' missing on module '%s'" % (fname, modname),
                                   "Runtime.HandlerNotFound", []))
    return fn


class CognitoIdentity:
    __slots__ = ["cognito_identity_id", "cognito_identity_pool_id"]


class Client:
    __slots__ = ["installation_id", "app_title", "app_version_name", "app_version_code", "app_package_name"]


class ClientContext:
    __slots__ = ["custom", "env", "client"]


def from_dict(cls, d):
    if d is None:
        return None
    obj = cls()
    for name in cls.__slots__:
        setattr(obj, name, d.get(name))
    return obj


class LambdaContext:
    def __init__(self, request_id, deadline_ms, arn, client_context, cognito):
        self.aws_request_id = request_id
        self.invoked_function_arn = arn
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self._deadline_ms = deadline_ms
        self.client_context = from_dict(ClientContext, client_context)
        if self.client_context is not None:
            self.client_context.client = from_dict(Client, self.client_context.client)
        self.identity = from_dict(CognitoIdentity, {})
        if cognito is not None:
            self.identity.cognito_identity_id = cognito.get("cognitoIdentityId")
            self.identity.cognito_identity_pool_id = cognito.get("cognitoIdentityPoolId")

    def get_remaining_time_in_millis(self):
        return max(self._deadline_ms - int(round(time.time() * 1000)), 0)

    def log(self, msg):
        sys.stdout.write(msg)
        sys.stdout.flush()


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.aws_request_id = _request_id
        return True


def setup_logging():
    handler = logging.StreamHandler(sys.stdout)
    formatter = logging.Formatter(
        "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s", "%Y-%m-%dT%H:%M:%S")
    formatter.converter = time.gmtime
    handler.setFormatter(formatter)
    handler.addFilter(RequestIdFilter())
    logging.getLogger().addHandler(handler)


def optional_json(value):
    return json.loads(value) if value else None


def handle(fn, headers, body):
    global _request_id
    request_id = headers.get("lambda-runtime-aws-request-id", "")
    _request_id = request_id
    trace = headers.get("lambda-runtime-trace-id")
    if trace:
        os.environ["_X_AMZN_TRACE_ID"] = trace
    else:
        os.environ.pop("_X_AMZN_TRACE_ID", None)
    try:
        event = json.loads(body) if body else None
        ctx = LambdaContext(request_id, int(headers.get("lambda-runtime-deadline-ms", "0")),
                            headers.get("lambda-runtime-invoked-function-arn"),
                            optional_json(headers.get("lambda-runtime-client-context")),
                            optional_json(headers.get("lambda-runtime-cognito-identity")))
    except ValueError as e:
        err = make_error("Unable to unmarshal input: %s" % e, "Runtime.UnmarshalError", [], request_id)
        log_error(err)
        post("/invocation/%s/error" % request_id, json.dumps(err).encode(), ERROR_CONTENT_TYPE, err["errorType"])
        return
    try:
        result = fn(event, ctx)
    except Exception as e:
        err = fault(e, request_id)
        log_error(err)
        post("/invocation/%s/error" % request_id, json.dumps(err).encode(), ERROR_CONTENT_TYPE, err["errorType"])
        return
    try:
        payload = json.dumps(result)
    except (TypeError, ValueError) as e:
        err = make_error("Unable to marshal response: %s" % e, "Runtime.MarshalError", [], request_id)
        log_error(err)
        post("/invocation/%s/error" % request_id, json.dumps(err).encode(), ERROR_CONTENT_TYPE, err["errorType"])
        return
    sys.stdout.flush()
    sys.stderr.flush()
    post("/invocation/%s/response" % request_id, payload.encode())


def main():
    task_root = os.environ.get("LAMBDA_TASK_ROOT", os.getcwd())
    sys.path.insert(0, task_root)
    setup_logging()
    try:
        fn = load_handler(os.environ.get("_HANDLER", ""))
    except InitError as e:
        log_error(e.err)
        post("/init/error", json.dumps(e.err).encode(), ERROR_CONTENT_TYPE, e.err["errorType"])
        sys.exit(1)
    while True:
        try:
            status, headers, body = _client.request("GET", "/invocation/next")
        except (OSError, EOFError, ValueError):
            sys.exit(1)
        if status != 200:
            sys.stderr.write("[ERROR] runtime API /invocation/next: %d\n" % status)
            sys.exit(1)
        handle(fn, headers, body)


if __name__ == "__main__":
    main()
