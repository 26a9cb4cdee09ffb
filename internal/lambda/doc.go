// Package lambda runs Lambda functions as local OS processes that speak the
// real Lambda Runtime API (2018-06-01) to iamgate.
//
// It owns: the function registry (Manager.Deploy, Remove, Get), a warm pool of
// processes per function (one invocation at a time per process, started on
// demand, stopped after Options.IdleTimeout idle), Lambda's concurrency
// limits (a function's ReservedConcurrentExecutions, else what reservations
// leave of Options.AccountConcurrency; past them a *ThrottleError, never a
// queue), one Runtime API
// listener per process on 127.0.0.1, the execution environment (the variables
// Lambda sets, credentials from Options.Credentials, no leak of the parent's
// environment), timeouts, crash handling, the per-process log stream
// (process output plus the platform START, END and REPORT lines) and the
// embedded runtime bootstraps (Python, Node.js) that play the role of the
// Lambda base images' runtime interface clients.
// It reports each invocation's start, finish and throttling to
// Options.Observe (package server turns them into AWS/Lambda-style metrics).
//
// It does not own: where logs are stored (a LogSink, package logs), the Lambda
// control plane API (package controlplane), how functions are reached from
// API Gateway (package gateway), code packaging (stack, s3), the Runtime API's
// error statuses and bodies (awserr.LambdaRuntime, the one error table).
//
// AWS pages followed:
//   - Runtime API: https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html
//     (spec: shared/conformance/lambda/runtime-api/runtime-api.yaml)
//   - Environment variables: https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html
//   - Log streams and START/END/REPORT lines:
//     https://docs.aws.amazon.com/lambda/latest/operatorguide/log-structure.html
//   - Python errors: https://docs.aws.amazon.com/lambda/latest/dg/python-exceptions.html
//   - Concurrency: https://docs.aws.amazon.com/lambda/latest/dg/lambda-concurrency.html
package lambda
