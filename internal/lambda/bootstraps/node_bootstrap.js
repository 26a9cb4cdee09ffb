// iamgate's Node.js runtime bootstrap: the Lambda Runtime API client loop of
// the nodejs base images, written for iamgate. It loads the handler from
// LAMBDA_TASK_ROOT (CommonJS, or ES module via import()), then serves
// invocations one at a time over AWS_LAMBDA_RUNTIME_API. Core modules only.
'use strict';
const http = require('http');
const path = require('path');
const fs = require('fs');
const url = require('url');

// AWS_LAMBDA_RUNTIME_API is "host:port" or "host:port/prefix".
const API = process.env.AWS_LAMBDA_RUNTIME_API;
const slash = API.indexOf('/');
const HOSTPORT = slash < 0 ? API : API.slice(0, slash);
const HOST = HOSTPORT.slice(0, HOSTPORT.lastIndexOf(':'));
const PORT = HOSTPORT.slice(HOSTPORT.lastIndexOf(':') + 1);
const BASE = (slash < 0 ? '' : API.slice(slash)) + '/2018-06-01/runtime';
const ERROR_CONTENT_TYPE = 'application/vnd.aws.lambda.error+json';
// One kept-alive connection for every call, as AWS's runtime client keeps.
const AGENT = new http.Agent({ keepAlive: true, maxSockets: 1 });
let currentRequestId = '';

function request(method, p, body, headers) {
  const h = Object.assign({}, headers || {});
  if (body !== undefined) h['Content-Length'] = Buffer.byteLength(body);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: HOST, port: PORT, method, path: BASE + p, headers: h, agent: AGENT }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

function toError(err) {
  if (err instanceof Error) {
    return {
      errorType: err.name || 'Error',
      errorMessage: err.message,
      trace: String(err.stack || '').split('\n'),
    };
  }
  return { errorType: typeof err === 'string' ? 'string' : 'Error', errorMessage: String(err), trace: [] };
}

function logError(e) {
  // One log event per error, like the nodejs runtime: "\r" joins lines.
  const line = [new Date().toISOString(), currentRequestId || 'undefined', 'ERROR',
    'Invoke Error', JSON.stringify(e)].join('\t');
  process.stdout.write(line.split('\n').join('\r') + '\n');
}

async function postError(p, e) {
  await request('POST', p, JSON.stringify(e), {
    'Content-Type': ERROR_CONTENT_TYPE, 'Lambda-Runtime-Function-Error-Type': e.errorType,
  });
}

// Lambda's nodejs runtime prefixes console output with time, request id, level.
function patchConsole() {
  const levels = { log: 'INFO', info: 'INFO', warn: 'WARN', error: 'ERROR', debug: 'DEBUG', trace: 'TRACE' };
  const util = require('util');
  for (const [name, level] of Object.entries(levels)) {
    console[name] = (...args) => {
      const msg = util.format(...args);
      process.stdout.write([new Date().toISOString(), currentRequestId || 'undefined', level, msg].join('\t')
        .split('\n').join('\r') + '\n');
    };
  }
}

async function loadHandler() {
  const handler = process.env._HANDLER || '';
  const root = process.env.LAMBDA_TASK_ROOT || process.cwd();
  const dot = handler.lastIndexOf('.');
  if (dot < 0) {
    throw { errorType: 'Runtime.MalformedHandlerName', errorMessage: "Bad handler " + handler, trace: [] };
  }
  const modPath = handler.slice(0, dot);
  const fnName = handler.slice(dot + 1);
  const base = path.resolve(root, modPath);
  let mod;
  try {
    const candidates = ['.js', '.mjs', '.cjs'].map((ext) => base + ext).filter((f) => fs.existsSync(f));
    if (candidates.length === 0) {
      const err = new Error("Cannot find module '" + modPath + "'");
      err.code = 'MODULE_NOT_FOUND';
      throw err;
    }
    const file = candidates[0];
    mod = file.endsWith('.mjs') ? await import(url.pathToFileURL(file).href) : require(file);
  } catch (err) {
    if (err && err.code === 'MODULE_NOT_FOUND') {
      throw { errorType: 'Runtime.ImportModuleError', errorMessage: 'Error: ' + err.message, trace: String(err.stack || '').split('\n') };
    }
    if (err instanceof SyntaxError) {
      throw { errorType: 'Runtime.UserCodeSyntaxError', errorMessage: String(err), trace: String(err.stack || '').split('\n') };
    }
    throw toError(err);
  }
  const fn = mod[fnName] || (mod.default && mod.default[fnName]);
  if (typeof fn !== 'function') {
    throw { errorType: 'Runtime.HandlerNotFound', errorMessage: modPath + '.' + fnName + ' is undefined or not exported', trace: [] };
  }
  return fn;
}

function makeContext(headers) {
  const deadline = Number(headers['lambda-runtime-deadline-ms'] || 0);
  const parse = (v) => (v ? JSON.parse(v) : undefined);
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    invokedFunctionArn: headers['lambda-runtime-invoked-function-arn'],
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: headers['lambda-runtime-aws-request-id'],
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    identity: parse(headers['lambda-runtime-cognito-identity']),
    clientContext: parse(headers['lambda-runtime-client-context']),
    getRemainingTimeInMillis: () => Math.max(deadline - Date.now(), 0),
  };
}

function callHandler(fn, event, context) {
  return new Promise((resolve, reject) => {
    const callback = (err, result) => (err ? reject(err) : resolve(result));
    // The legacy ends Lambda's Node.js runtime still offers (cfn-response
    // ends an invocation with context.done).
    context.done = callback;
    context.succeed = (result) => callback(null, result);
    context.fail = (err) => callback(err || 'handled');
    try {
      const ret = fn(event, context, callback);
      if (ret && typeof ret.then === 'function') ret.then(resolve, reject);
    } catch (err) {
      reject(err);
    }
  });
}

async function main() {
  patchConsole();
  let fn;
  try {
    fn = await loadHandler();
  } catch (e) {
    const err = e instanceof Error ? toError(e) : e;
    logError(err);
    await postError('/init/error', err);
    process.exit(1);
  }
  for (;;) {
    const next = await request('GET', '/invocation/next');
    if (next.status !== 200) process.exit(1);
    const id = next.headers['lambda-runtime-aws-request-id'];
    currentRequestId = id;
    if (next.headers['lambda-runtime-trace-id']) process.env._X_AMZN_TRACE_ID = next.headers['lambda-runtime-trace-id'];
    try {
      const event = next.body.length ? JSON.parse(next.body.toString('utf8')) : null;
      const result = await callHandler(fn, event, makeContext(next.headers));
      const payload = result === undefined ? 'null' : JSON.stringify(result);
      await request('POST', '/invocation/' + id + '/response', payload, { 'Content-Type': 'application/json' });
    } catch (e) {
      const err = toError(e);
      logError(err);
      await postError('/invocation/' + id + '/error', err);
    }
  }
}

main().catch((e) => {
  process.stderr.write(String(e && e.stack ? e.stack : e) + '\n');
  process.exit(1);
});
