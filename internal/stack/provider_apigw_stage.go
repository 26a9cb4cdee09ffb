package stack

import (
	"strconv"

	"github.com/iamgate/iamgate/internal/apigw"
)

// stageSettings applies what a Stage's properties, or a Deployment's
// StageDescription, say about the stage
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-apigateway-deployment-stagedescription.html):
// variables, access logging, tracing and method settings. The
// StageDescription's own logging, metrics, throttling and caching keys
// are the settings of every method ("*/*").
func stageSettings(st *apigw.Stage, props map[string]any, flat bool) {
	if d := str(props, "Description"); d != "" {
		st.Description = d
	}
	if v, ok := props["Variables"].(map[string]any); ok {
		st.Variables = map[string]string{}
		for k, x := range v {
			st.Variables[k] = toString(x)
		}
	}
	if al, ok := props["AccessLogSetting"].(map[string]any); ok {
		st.AccessLogSettings = &apigw.AccessLogSettings{DestinationARN: str(al, "DestinationArn"), Format: str(al, "Format")}
	}
	st.TracingEnabled = truthyProp(props, "TracingEnabled")
	ms := map[string]apigw.MethodSettings{}
	if flat {
		if s, any := methodSettingsOf(props); any {
			ms[apigw.AllMethods] = s
		}
	}
	for _, m := range mapList(props, "MethodSettings") {
		s, _ := methodSettingsOf(m)
		ms[apigw.MethodSettingsKey(str(m, "ResourcePath"), str(m, "HttpMethod"))] = s
	}
	if len(ms) > 0 {
		st.MethodSettings = ms
	}
}

func methodSettingsOf(p map[string]any) (apigw.MethodSettings, bool) {
	s := apigw.MethodSettings{
		MetricsEnabled:   truthyProp(p, "MetricsEnabled"),
		LoggingLevel:     str(p, "LoggingLevel"),
		DataTraceEnabled: truthyProp(p, "DataTraceEnabled"),
		CachingEnabled:   truthyProp(p, "CachingEnabled"),
	}
	// An absent limit is the account's; 0 is a limit.
	if _, ok := p["ThrottlingBurstLimit"]; ok {
		n := intProp(p, "ThrottlingBurstLimit", 0)
		s.ThrottlingBurstLimit = &n
	}
	if _, ok := p["ThrottlingRateLimit"]; ok {
		f := floatProp(p, "ThrottlingRateLimit")
		s.ThrottlingRateLimit = &f
	}
	return s, s != (apigw.MethodSettings{})
}

func floatProp(props map[string]any, key string) float64 {
	switch v := props[key].(type) {
	case float64:
		return v
	case int:
		return float64(v)
	case string:
		f, _ := strconv.ParseFloat(v, 64)
		return f
	}
	return 0
}
