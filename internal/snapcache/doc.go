// Package snapcache holds what the data plane serves from the API Gateway
// domains (apigw's REST API stages, httpapi's HTTP API stages) so a request
// does not read and decode store records each time:
//
//   - TTL caches a value per key for a short time. A replica sees another
//     replica's writes within the TTL; its own writes at once, through
//     Invalidate. A generation counter keeps a load that started before a
//     write from storing its older result.
//   - Immutable caches records that never change once written (a
//     deployment), so it never goes stale on any replica; deleting one
//     evicts it by key prefix.
//
// It owns no store and no AWS behaviour: callers pass the load function and
// say which errors are answers worth remembering.
package snapcache
