package functionurl

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/iamgate/iamgate/internal/functions"
	"github.com/iamgate/iamgate/internal/payload"
)

// response is a function's answer, mapped as Lambda maps it for URLs
// (https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html#urls-response-payload):
// a JSON object with statusCode is structured; any other JSON is the body
// of a 200 application/json answer.
type response struct {
	status  int
	headers map[string]string
	cookies []string
	body    []byte
}

func parseResponse(out []byte) (*response, error) {
	trimmed := bytes.TrimSpace(out)
	if !json.Valid(trimmed) {
		return nil, fmt.Errorf("the function's answer is not JSON")
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(trimmed, &obj) == nil && obj != nil {
		if _, ok := obj["statusCode"]; ok {
			return structured(obj)
		}
	}
	body := trimmed
	var s string
	if json.Unmarshal(trimmed, &s) == nil {
		body = []byte(s)
	}
	return &response{status: http.StatusOK, headers: map[string]string{"content-type": "application/json"}, body: body}, nil
}

func structured(obj map[string]json.RawMessage) (*response, error) {
	code, err := strconv.Atoi(strings.TrimSpace(string(obj["statusCode"])))
	if err != nil || code < 100 || code > 599 {
		return nil, fmt.Errorf("statusCode %s is not an HTTP status", obj["statusCode"])
	}
	resp := &response{status: code, headers: map[string]string{}}
	if h, ok := obj["headers"]; ok && string(h) != "null" {
		var hm map[string]any
		if err := json.Unmarshal(h, &hm); err != nil {
			return nil, fmt.Errorf("headers is not an object")
		}
		for k, v := range hm {
			switch t := v.(type) {
			case string:
				resp.headers[k] = t
			case float64, bool:
				resp.headers[k] = fmt.Sprint(t)
			default:
				return nil, fmt.Errorf("header %s is not a scalar", k)
			}
		}
	}
	if resp.cookies, resp.body, err = payload.ResponseBody(obj); err != nil {
		return nil, err
	}
	return resp, nil
}

func writeResponse(w http.ResponseWriter, r *http.Request, resp *response, cors *functions.URLCors) {
	h := w.Header()
	for k, v := range resp.headers {
		if ck := http.CanonicalHeaderKey(k); ck != "Content-Length" {
			h.Set(ck, v)
		}
	}
	for _, c := range resp.cookies {
		h.Add("Set-Cookie", c)
	}
	if h.Get("Content-Type") == "" {
		h.Set("Content-Type", "application/json")
	}
	if cors != nil {
		corsHeaders(h, r, cors)
	}
	w.WriteHeader(resp.status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(resp.body)
	}
}

func isPreflight(r *http.Request) bool {
	return r.Method == http.MethodOptions && r.Header.Get("Origin") != "" && r.Header.Get("Access-Control-Request-Method") != ""
}

// allowedOrigin is the Access-Control-Allow-Origin for origin, "" when the
// URL's Cors does not allow it.
func allowedOrigin(cors *functions.URLCors, origin string) string {
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

// preflight answers an OPTIONS preflight from the URL's Cors settings, as
// Lambda does without invoking the function.
func preflight(w http.ResponseWriter, r *http.Request, cors *functions.URLCors) {
	h := w.Header()
	origin := allowedOrigin(cors, r.Header.Get("Origin"))
	method := r.Header.Get("Access-Control-Request-Method")
	methodOK := slices.ContainsFunc(cors.AllowMethods, func(m string) bool { return m == "*" || strings.EqualFold(m, method) })
	if origin != "" && methodOK {
		h.Set("Access-Control-Allow-Origin", origin)
		h.Set("Access-Control-Allow-Methods", strings.Join(cors.AllowMethods, ","))
		if len(cors.AllowHeaders) > 0 {
			h.Set("Access-Control-Allow-Headers", strings.Join(cors.AllowHeaders, ","))
		}
		if cors.AllowCredentials {
			h.Set("Access-Control-Allow-Credentials", "true")
		}
		if cors.MaxAge > 0 {
			h.Set("Access-Control-Max-Age", strconv.Itoa(cors.MaxAge))
		}
		h.Add("Vary", "Origin")
	}
	w.WriteHeader(http.StatusOK)
}

func corsHeaders(h http.Header, r *http.Request, cors *functions.URLCors) {
	origin := allowedOrigin(cors, r.Header.Get("Origin"))
	if origin == "" {
		return
	}
	h.Set("Access-Control-Allow-Origin", origin)
	if cors.AllowCredentials {
		h.Set("Access-Control-Allow-Credentials", "true")
	}
	if len(cors.ExposeHeaders) > 0 {
		h.Set("Access-Control-Expose-Headers", strings.Join(cors.ExposeHeaders, ","))
	}
	h.Add("Vary", "Origin")
}
