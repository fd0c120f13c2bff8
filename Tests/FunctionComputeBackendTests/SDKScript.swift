/// The Python each SDK test runs: real calls through the official SDKs' own
/// models, printed as JSON for the Swift side to check.
/// argv: MODE PORT ACCESS_KEY_ID SECRET [STS_TOKEN] [extra…]
let sdkScript = #"""
import json, sys, threading, time

mode, port, ak, secret = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
token = sys.argv[5] if len(sys.argv) > 5 and sys.argv[5] else None
extra = sys.argv[6:]
out = {}

def error_of(e):
    return {"code": getattr(e, "code", None), "status": getattr(e, "status_code", None),
            "message": str(getattr(e, "message", e)), "request_id": getattr(e, "request_id", None)}

if mode.startswith("fc3"):
    from alibabacloud_fc20230330.client import Client
    from alibabacloud_fc20230330 import models
    from alibabacloud_tea_openapi import utils_models as om
    from alibabacloud_tea_openapi.utils import Utils

    def client(key=ak, sec=secret, tok=token, bearer=None):
        if bearer:
            cfg = om.Config(bearer_token=bearer, endpoint="127.0.0.1:" + port, protocol="http", region_id="cn-local")
        else:
            cfg = om.Config(access_key_id=key, access_key_secret=sec, security_token=tok,
                            endpoint="127.0.0.1:" + port, protocol="http", region_id="cn-local")
        return Client(cfg)

if mode == "fc3":
    c = client()
    page1 = c.list_functions(models.ListFunctionsRequest(limit=1)).body
    page2 = c.list_functions(models.ListFunctionsRequest(limit=100, next_token=page1.next_token)).body
    out["page1"] = [f.function_name for f in page1.functions]
    out["page1_next"] = page1.next_token
    out["page2"] = [f.function_name for f in page2.functions]
    out["prefix"] = [f.function_name for f in c.list_functions(models.ListFunctionsRequest(prefix="hello")).body.functions]
    f = c.get_function("hello", models.GetFunctionRequest()).body
    out["get"] = {"name": f.function_name, "memory": f.memory_size, "concurrency": f.instance_concurrency}
    r = c.list_instances("hello", models.ListInstancesRequest(with_all_active=True, instance_status=["Running"], limit=10)).body
    out["instances"] = [{"id": i.instance_id, "status": i.status, "qualifier": i.qualifier, "version": i.version_id,
                         "created": i.created_time_ms} for i in r.instances]
    out["request_id"] = r.request_id
    first = r.instances[0].instance_id
    out["by_id"] = [i.instance_id for i in c.list_instances("hello", models.ListInstancesRequest(instance_ids=[first])).body.instances]
    out["stopped"] = [i.instance_id for i in c.list_instances("hello", models.ListInstancesRequest(instance_status=["Stopped"])).body.instances]
    out["raw_instance"] = c.list_instances("hello", models.ListInstancesRequest()).body.instances[0].to_map()
    put = c.put_provision_config("hello", models.PutProvisionConfigRequest(
        qualifier="LATEST", body=models.PutProvisionConfigInput(default_target=2))).body
    out["put"] = {"target": put.default_target, "current": put.current}
    got = c.get_provision_config("hello", models.GetProvisionConfigRequest(qualifier="LATEST")).body
    out["get_provision"] = {"target": got.default_target}
    import io
    inv = c.invoke_function("hello", models.InvokeFunctionRequest(body=io.BytesIO(b"from-sdk")))
    out["invoke"] = inv.body.read().decode()
    out["invoke_status"] = inv.status_code
    try:
        c.get_function("nope", models.GetFunctionRequest())
    except Exception as e:
        out["missing"] = error_of(e)

elif mode == "fc3-refusals":
    try:
        client(sec="wrong-secret").list_functions(models.ListFunctionsRequest())
    except Exception as e:
        out["wrong_secret"] = error_of(e)
    real_timestamp = Utils.get_timestamp
    Utils.get_timestamp = staticmethod(lambda: "2020-01-01T00:00:00Z")
    try:
        client().list_functions(models.ListFunctionsRequest())
    except Exception as e:
        out["stale_date"] = error_of(e)
    Utils.get_timestamp = real_timestamp
    real_nonce = Utils.get_nonce
    Utils.get_nonce = staticmethod(lambda: "the-same-nonce-" + port)
    out["first_use"] = len(client().list_functions(models.ListFunctionsRequest()).body.functions)
    try:
        client().list_functions(models.ListFunctionsRequest())
    except Exception as e:
        out["replayed_nonce"] = error_of(e)
    Utils.get_nonce = real_nonce
    try:
        client(tok=None).list_functions(models.ListFunctionsRequest())
    except Exception as e:
        out["sts_without_token"] = error_of(e)
    out["bearer"] = len(client(bearer=extra[0]).list_functions(models.ListFunctionsRequest()).body.functions)

elif mode == "fc2":
    import fc2
    c = fc2.Client(endpoint="http://127.0.0.1:" + port, accessKeyID=ak, accessKeySecret=secret, securityToken=token or "")
    svc = extra[0]
    r = c.list_instances(svc, "LATEST", "hello")
    out["instances"] = [i["instanceId"] for i in r.data["instances"]]
    out["request_id"] = r.headers.get("x-fc-request-id")
    out["get"] = c.get_function(svc, "hello").data["functionName"]
    out["functions"] = [f["functionName"] for f in c.list_functions(svc, prefix="hello").data["functions"]]
    out["invoke"] = c.invoke_function(svc, "hello", payload=b"fc2-body").data.decode()
    out["put"] = c.put_provision_config(svc, "LATEST", "hello", 1).data
    out["get_provision"] = c.get_provision_config(svc, "LATEST", "hello").data
    try:
        c.get_function("no-such-service", "hello")
    except Exception as e:
        out["wrong_service"] = {"status": getattr(e, "status_code", None), "text": str(e)}
    bad = fc2.Client(endpoint="http://127.0.0.1:" + port, accessKeyID=ak, accessKeySecret="wrong", securityToken=token or "")
    try:
        bad.get_function(svc, "hello")
    except Exception as e:
        out["wrong_secret"] = {"status": getattr(e, "status_code", None), "text": str(e)}

elif mode == "fc2-exec":
    import fc2
    c = fc2.Client(endpoint="http://127.0.0.1:" + port, accessKeyID=ak, accessKeySecret=secret, securityToken=token or "")
    svc, instance = extra[0], extra[1]
    stdout, stderr, errors = [], [], []
    def on_open(ws):
        ws.send("hello-stdin\n")
    hooks = {"on_open": on_open,
             "on_stdout": lambda ws, m: stdout.append(m),
             "on_stderr": lambda ws, m: stderr.append(m),
             "on_error": lambda ws, e: errors.append(type(e).__name__ + ": " + str(e))}
    script = 'read line; echo "got:$line"; echo "to-stderr" >&2; printf "caf\\303\\251\\n"'
    ws = c.instance_exec(svc, "LATEST", "hello", instance,
                         params={"command": ["/bin/sh", "-c", script], "stdin": "true", "stdout": "true",
                                 "stderr": "true", "tty": "false"}, hooks=hooks)
    t = threading.Thread(target=ws.start, daemon=True)
    t.start()
    t.join(30)
    out["stdout"] = "".join(stdout)
    out["stderr"] = "".join(stderr)
    out["errors"] = [e for e in errors if "TypeError" in e or "unknown message" in e]
    out["finished"] = not t.is_alive()

print(json.dumps(out))
"""#
