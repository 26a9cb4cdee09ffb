package apigw

import "strings"

// Stage and method throttling
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html):
// a stage's "*/*" method settings are the default limits of each of its
// methods, a method's own entry overrides them, and what neither sets is
// the account's limit (10,000 requests per second, burst 5,000).

// AllMethods is the methodSettings key of a stage's defaults.
const AllMethods = "*/*"

// MethodSettingsKey is the key of a stage's methodSettings entry for a
// method: the resource path without its leading slash, then the method
// ("items/{id}/GET"), as get-stage lists it. resourcePath may be written
// as CloudFormation's ResourcePath and update-stage's patch paths write
// it, slashes escaped as ~1 ("/~1items~1{id}"); "" or "/*" with method ""
// or "*" is AllMethods.
func MethodSettingsKey(resourcePath, method string) string {
	raw := resourcePath
	if strings.HasPrefix(raw, "/~1") {
		raw = raw[1:] // CloudFormation's leading slash before the escaped path
	}
	p := strings.ReplaceAll(strings.ReplaceAll(raw, "~1", "/"), "~0", "~")
	switch p {
	case "", "*", "/*":
		p = "*"
	default:
		p = strings.TrimPrefix(p, "/") // the root resource is "" ("/GET")
	}
	if method == "" {
		method = "*"
	}
	return p + "/" + strings.ToUpper(method)
}

// MethodThrottle is the rate and burst a stage allows a method
// (resourcePath as the API defines it, "/items/{id}"; method as the
// method defines it, ANY included); false when the stage sets no limit for
// it and only the account's applies.
func (s Stage) MethodThrottle(resourcePath, method string) (Throttle, bool) {
	var burst *int
	var rate *float64
	for _, key := range []string{MethodSettingsKey(resourcePath, method), AllMethods} {
		ms, ok := s.MethodSettings[key]
		if !ok {
			continue
		}
		if burst == nil {
			burst = ms.ThrottlingBurstLimit
		}
		if rate == nil {
			rate = ms.ThrottlingRateLimit
		}
	}
	if burst == nil && rate == nil {
		return Throttle{}, false
	}
	t := Throttle{BurstLimit: accountBurstLimit, RateLimit: accountRateLimit}
	if burst != nil {
		t.BurstLimit = *burst
	}
	if rate != nil {
		t.RateLimit = *rate
	}
	return t, true
}
