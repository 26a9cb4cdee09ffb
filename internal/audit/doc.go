// Package audit records every authorization decision and implements
// `--iam-mode audit`: a denial the mode waives is served as if allowed,
// the response carries x-iamgate-decision: deny, and a log line says what
// would have been denied and why.
//
// It sits between the authorizer (auth) and the store: Decide is the hook
// the authorization path calls with each Decision it returns, Handler
// follows each HTTP request so its decisions get the request id and its
// response the header, and a bounded background writer appends decisions
// to the store's decision log (store.DecisionLog) for `iamgate policy
// suggest`. It never waives an authentication failure: those never reach
// an authorizer.
package audit
