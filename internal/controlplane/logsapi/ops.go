package logsapi

import (
	"slices"
	"strconv"

	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/logs"
)

// Codes CloudWatch Logs answers with beyond package logs' own.
const (
	ServiceUnavailable    awserr.Code = "ServiceUnavailableException"
	InvalidParameter                  = logs.InvalidParameter
	ResourceNotFound                  = logs.ResourceNotFound
	ResourceAlreadyExists             = logs.ResourceAlreadyExists
)

type empty struct{}

type groupInput struct {
	LogGroupName    string `json:"logGroupName"`
	RetentionInDays int    `json:"retentionInDays"`
}

func required(field, v string) error {
	if v == "" {
		return awserr.New(InvalidParameter, "1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", field)
	}
	return nil
}

func (c *call) createLogGroup(body []byte) (any, error) {
	var in groupInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if err := required("logGroupName", in.LogGroupName); err != nil {
		return nil, err
	}
	if err := c.authorize("logs:CreateLogGroup", c.resource(in.LogGroupName, "")); err != nil {
		return nil, err
	}
	return empty{}, c.h.o.Logs.CreateLogGroup(c.ctx, in.LogGroupName, 0)
}

func (c *call) deleteLogGroup(body []byte) (any, error) {
	var in groupInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if err := required("logGroupName", in.LogGroupName); err != nil {
		return nil, err
	}
	if err := c.authorize("logs:DeleteLogGroup", c.resource(in.LogGroupName, "")); err != nil {
		return nil, err
	}
	return empty{}, c.h.o.Logs.DeleteLogGroup(c.ctx, in.LogGroupName)
}

// retentionDays are the values PutRetentionPolicy accepts.
var retentionDays = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

func (c *call) putRetentionPolicy(body []byte) (any, error) {
	var in groupInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if err := required("logGroupName", in.LogGroupName); err != nil {
		return nil, err
	}
	if err := c.authorize("logs:PutRetentionPolicy", c.resource(in.LogGroupName, "")); err != nil {
		return nil, err
	}
	if !slices.Contains(retentionDays, in.RetentionInDays) {
		return nil, awserr.New(InvalidParameter, "1 validation error detected: Value '%d' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [%s]",
			in.RetentionInDays, joinInts(retentionDays))
	}
	return empty{}, c.h.o.Logs.PutRetentionPolicy(c.ctx, in.LogGroupName, in.RetentionInDays)
}

func (c *call) deleteRetentionPolicy(body []byte) (any, error) {
	var in groupInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if err := required("logGroupName", in.LogGroupName); err != nil {
		return nil, err
	}
	if err := c.authorize("logs:DeleteRetentionPolicy", c.resource(in.LogGroupName, "")); err != nil {
		return nil, err
	}
	return empty{}, c.h.o.Logs.PutRetentionPolicy(c.ctx, in.LogGroupName, 0)
}

func joinInts(v []int) string {
	b := make([]byte, 0, 8*len(v))
	for i, n := range v {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = strconv.AppendInt(b, int64(n), 10)
	}
	return string(b)
}

type logGroup struct {
	LogGroupName      string `json:"logGroupName"`
	CreationTime      int64  `json:"creationTime"`
	RetentionInDays   int    `json:"retentionInDays,omitempty"`
	MetricFilterCount int    `json:"metricFilterCount"`
	Arn               string `json:"arn"`
	StoredBytes       int64  `json:"storedBytes"`
	LogGroupClass     string `json:"logGroupClass"`
	LogGroupArn       string `json:"logGroupArn"`
}

func (c *call) describeLogGroups(body []byte) (any, error) {
	var in struct {
		Prefix    string `json:"logGroupNamePrefix"`
		Limit     int    `json:"limit"`
		NextToken string `json:"nextToken"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if err := c.authorize("logs:DescribeLogGroups", c.resource("", "")); err != nil {
		return nil, err
	}
	gs, err := c.h.o.Logs.DescribeLogGroups(c.ctx, in.Prefix)
	if err != nil {
		return nil, err
	}
	start, end, next, err := window(len(gs), in.Limit, 50, in.NextToken)
	if err != nil {
		return nil, err
	}
	out := struct {
		LogGroups []logGroup `json:"logGroups"`
		NextToken string     `json:"nextToken,omitempty"`
	}{LogGroups: []logGroup{}, NextToken: next}
	for _, g := range gs[start:end] {
		out.LogGroups = append(out.LogGroups, logGroup{LogGroupName: g.Name, CreationTime: millis(g.CreationTime),
			RetentionInDays: g.RetentionDays, Arn: g.ARN, StoredBytes: g.StoredBytes, LogGroupClass: "STANDARD",
			LogGroupArn: trimStar(g.ARN)})
	}
	return out, nil
}

// trimStar turns a group's "…:log-group:NAME:*" ARN into logGroupArn's
// form without the trailing ":*".
func trimStar(arn string) string {
	if len(arn) > 2 && arn[len(arn)-2:] == ":*" {
		return arn[:len(arn)-2]
	}
	return arn
}

// window pages n items: the token is the offset of the next page.
func window(n, limit, def int, token string) (start, end int, next string, err error) {
	if limit <= 0 {
		limit = def
	}
	if token != "" {
		start, err = strconv.Atoi(token)
		if err != nil || start < 0 || start > n {
			return 0, 0, "", awserr.New(InvalidParameter, "The specified nextToken is invalid.")
		}
	}
	end = min(start+limit, n)
	if end < n {
		next = strconv.Itoa(end)
	}
	return start, end, next, nil
}
