package gateway

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/iamgate/iamgate/internal/httpapi"
)

// CORS of HTTP APIs, answered by the gateway itself
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html):
// with a CorsConfiguration, API Gateway answers preflight OPTIONS requests
// even when no OPTIONS route exists, adds the configured headers to the
// integration's responses, and ignores the CORS headers the integration
// returns.

// isPreflight reports a CORS preflight: OPTIONS with Origin and
// Access-Control-Request-Method.
func isPreflight(r *http.Request) bool {
	return r.Method == http.MethodOptions && r.Header.Get("Origin") != "" && r.Header.Get("Access-Control-Request-Method") != ""
}

// allowedOrigin is the Access-Control-Allow-Origin value for origin, ""
// when the configuration does not allow it.
func allowedOrigin(cors *httpapi.Cors, origin string) string {
	if origin == "" {
		return ""
	}
	for _, o := range cors.AllowOrigins {
		if o == "*" {
			if cors.AllowCredentials {
				return origin
			}
			return "*"
		}
		if strings.EqualFold(o, origin) {
			return origin
		}
	}
	return ""
}

func allowsMethod(cors *httpapi.Cors, method string) bool {
	return slices.ContainsFunc(cors.AllowMethods, func(m string) bool { return m == "*" || strings.EqualFold(m, method) })
}

// preflight answers an OPTIONS preflight: 204 with the allowed origin,
// methods, headers and max age, or with none of them when the origin or
// the method is not allowed.
func (g *Gateway) preflight(c *call, cors *httpapi.Cors) {
	h := c.w.Header()
	origin := allowedOrigin(cors, c.r.Header.Get("Origin"))
	if origin != "" && allowsMethod(cors, c.r.Header.Get("Access-Control-Request-Method")) {
		h.Set("Access-Control-Allow-Origin", origin)
		h.Set("Access-Control-Allow-Methods", strings.Join(cors.AllowMethods, ","))
		if len(cors.AllowHeaders) > 0 {
			h.Set("Access-Control-Allow-Headers", strings.Join(cors.AllowHeaders, ","))
		}
		if cors.MaxAge != nil {
			h.Set("Access-Control-Max-Age", strconv.Itoa(*cors.MaxAge))
		}
		if cors.AllowCredentials {
			h.Set("Access-Control-Allow-Credentials", "true")
		}
		c.trace.Rule = "origin " + origin + " allowed by the API's CorsConfiguration"
	} else {
		c.trace.Rule = "origin or method not allowed by the API's CorsConfiguration: no CORS headers"
	}
	c.status = http.StatusNoContent
	c.trace.Status = c.status
	c.w.WriteHeader(http.StatusNoContent)
}

// corsResponse replaces the integration's CORS headers by the configured
// ones for an allowed origin.
func corsResponse(h http.Header, cors *httpapi.Cors, origin string) {
	for k := range h {
		if strings.HasPrefix(k, "Access-Control-") {
			h.Del(k)
		}
	}
	o := allowedOrigin(cors, origin)
	if o == "" {
		return
	}
	h.Set("Access-Control-Allow-Origin", o)
	if len(cors.ExposeHeaders) > 0 {
		h.Set("Access-Control-Expose-Headers", strings.Join(cors.ExposeHeaders, ","))
	}
	if cors.AllowCredentials {
		h.Set("Access-Control-Allow-Credentials", "true")
	}
}
