// call.js signs one execute-api request with aws4 and prints "STATUS BODY".
// Usage: node call.js URL header|query ACCESS_KEY SECRET
'use strict';
const http = require('http');
const aws4 = require('aws4');

const [url, form, accessKeyId, secretAccessKey] = process.argv.slice(2);
const u = new URL(url);
const opts = {
  host: u.host,
  path: u.pathname + u.search,
  method: 'GET',
  service: 'execute-api',
  region: 'us-east-1',
  signQuery: form === 'query',
};
aws4.sign(opts, { accessKeyId, secretAccessKey });
const req = http.request({ hostname: u.hostname, port: u.port, path: opts.path, method: 'GET', headers: opts.headers }, (res) => {
  let body = '';
  res.on('data', (d) => { body += d; });
  res.on('end', () => { console.log(res.statusCode + ' ' + body); });
});
req.on('error', (e) => { console.error(e.message); process.exit(1); });
req.setTimeout(10000, () => { req.destroy(new Error('timeout')); });
req.end();
